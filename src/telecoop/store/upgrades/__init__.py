"""Schema changes of one branch for existing databases, until they become Alembic revisions."""

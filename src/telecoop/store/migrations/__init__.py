"""Alembic migrations of the TeleCoop store: the one home of its DDL (docs/architecture.md, "Changing the schema").

``env.py`` and ``versions/`` are read by Alembic from this folder, configured
in code by :mod:`telecoop.store.schema` (no alembic.ini at run time).
"""

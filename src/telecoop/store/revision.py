"""Write a new schema revision (for developers): ``python -m telecoop.store.revision "what changes"``.

Run it after changing store/tables.py. It builds a throw-away SQLite
database at the current head, lets Alembic compare it with the tables, and
writes ``store/migrations/versions/NNNN_what_changes.py`` (the next number)
with the operations it found, in batch mode. Read and finish that file:
autogenerate sees tables, columns and indexes, never triggers, constraints
written in SQL, data changes or PostgreSQL's own objects (see
docs/architecture.md, "Changing the schema").
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def write_revision(message: str) -> Path:
    from alembic import command

    from telecoop.store import schema
    from telecoop.store.engine import make_engine

    rev_id = f"{schema.version() + 1:04d}"
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(Path(tmp) / "head.db")
        try:
            with engine.connect() as conn:
                cfg = schema.alembic_config(conn)
                script = command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)
        finally:
            engine.dispose()
    schema.revisions.cache_clear()
    return Path(script.path)  # type: ignore[union-attr]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].strip():
        print('usage: python -m telecoop.store.revision "what changes"', file=sys.stderr)
        return 2
    print(write_revision(args[0]))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""Small SQL forms that differ by engine (issue 12): written once here, used by the store's queries."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session


def among(session: Session, column: Any, values: Collection[Any]) -> ColumnElement[bool]:
    """``column IN values``.

    On PostgreSQL, ``column = ANY(:array)``: one parameter whatever the number
    of values, so the statement's text is the same on every call (psycopg
    prepares it once; the server plans it once) and no per-value bind is
    adapted. A slot search passes a few hundred resource ids: as an IN list,
    that cost ~3 ms per statement on the client, as an array ~0.8 ms
    (benchmarks/booking.py). On SQLite, the plain IN list.
    """
    clause: ColumnElement[bool]
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        item = sa.Integer() if isinstance(column.type, sa.Integer) else sa.String()
        clause = column == sa.any_(sa.bindparam(None, list(values), type_=postgresql.ARRAY(item)))
    else:
        clause = column.in_(values)
    return clause

"""store.dialect.among: one array parameter on PostgreSQL (same statement text for any number of ids),
a plain IN list on SQLite; both select the same rows (the search tests run on both engines)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from telecoop.store import tables as tb
from telecoop.store.dialect import among


def _sql(url: str, ids: list[int], coops: list[str]) -> str:
    engine = sa.create_engine(url)  # never connects: only its dialect is used
    with Session(engine) as s:
        C = tb.ClosureRow
        stmt = select(C.id).where(among(s, col(C.resource_id), ids), among(s, col(C.coop), coops))
        return str(stmt.compile(dialect=engine.dialect))


def test_postgresql_gets_one_array_parameter_whatever_the_number_of_ids():
    few = _sql("postgresql+psycopg://", [1, 2, 3], ["a"])
    many = _sql("postgresql+psycopg://", list(range(400)), ["a", "b", "c"])
    assert few == many
    assert "= ANY (" in few and "INTEGER[]" in few and "VARCHAR[]" in few
    assert " IN (" not in few


def test_sqlite_keeps_the_in_list():
    text = _sql("sqlite://", [1, 2, 3], ["a"])
    assert "IN (" in text and "ANY" not in text

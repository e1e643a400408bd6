"""Whole tables at once: the import's inserts and the export's reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from telecoop.store import tables as tb

Model = type[SQLModel]
"""A table class (``tables.CoopRow``...)."""

TABLES: dict[str, Model] = {
    "coops": tb.CoopRow, "resources": tb.ResourceRow, "shares": tb.ShareRow, "staff": tb.StaffRow,
    "availability": tb.AvailabilityRow, "closures": tb.ClosureRow, "bookings": tb.BookingRow,
    # issue 13
    "sharing_terms": tb.SharingTermsRow, "sharing_quotas": tb.QuotaRow, "sharing_overbooks": tb.OverbookRow,
    "coop_capacity": tb.CoopCapacityRow, "waitlist": tb.WaitlistEntryRow,
    "series": tb.SeriesRow,  # issue 14
}


def insert_many(s: Session, kind: str, rows: Sequence[Any] | None) -> None:
    """Many rows of one table (``TABLES[kind]``) in one executemany (an ORM flush of 100,000 objects takes minutes).

    ``rows``: table rows, or plain dicts of column values.
    """
    if not rows:
        return
    table: sa.Table = TABLES[kind].__table__  # type: ignore[attr-defined]
    names = [c.name for c in table.columns]
    if isinstance(rows[0], dict):
        values = list(rows)
    else:
        values = [{n: getattr(r, n) for n in names} for r in rows]
        for n in names:
            if table.c[n].primary_key and table.c[n].autoincrement in (True, "auto") and all(v[n] is None for v in values):
                for v in values:
                    del v[n]
    s.execute(sa.insert(table), values)


@dataclass(frozen=True)
class Everything:
    coops: Sequence[tb.CoopRow]
    staff: Sequence[tb.StaffRow]
    resources: Sequence[tb.ResourceRow]
    shares: Sequence[tb.ShareRow]
    hours: Sequence[tb.AvailabilityRow]
    closures: Sequence[tb.ClosureRow]
    bookings: Sequence[tb.BookingRow]
    series: Sequence[tb.SeriesRow] = ()  # issue 14: with the bookings


def every_row(s: Session, *, include_bookings: bool) -> Everything:
    """Every row of every exported table (bookings only when asked)."""
    return Everything(
        coops=s.exec(select(tb.CoopRow)).all(),
        staff=s.exec(select(tb.StaffRow)).all(),
        resources=s.exec(select(tb.ResourceRow)).all(),
        shares=s.exec(select(tb.ShareRow)).all(),
        hours=s.exec(select(tb.AvailabilityRow)).all(),
        closures=s.exec(select(tb.ClosureRow)).all(),
        bookings=s.exec(select(tb.BookingRow)).all() if include_bookings else [],
        series=s.exec(select(tb.SeriesRow)).all() if include_bookings else [],  # issue 14
    )


def row_counts(s: Session, tables: dict[str, Model]) -> dict[str, int]:
    """Rows per table, by the names given."""
    return {name: s.exec(select(sa.func.count()).select_from(t)).one() for name, t in tables.items()}


# --------------------------------------------------------------------------- #
# issue 13: the capacity tables (live holds and offers are transient: not here)
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Capacity:
    terms: Sequence[tb.SharingTermsRow]
    quotas: Sequence[tb.QuotaRow]
    overbooks: Sequence[tb.OverbookRow]
    capacity: Sequence[tb.CoopCapacityRow]
    waitlist: Sequence[tb.WaitlistEntryRow]


def capacity_rows(s: Session, *, include_waitlist: bool) -> Capacity:
    return Capacity(
        terms=s.exec(select(tb.SharingTermsRow)).all(),
        quotas=s.exec(select(tb.QuotaRow)).all(),
        overbooks=s.exec(select(tb.OverbookRow)).all(),
        capacity=s.exec(select(tb.CoopCapacityRow)).all(),
        waitlist=s.exec(select(tb.WaitlistEntryRow)).all() if include_waitlist else [],
    )


def capacity_keys(s: Session, kinds: set[str]) -> dict[str, set[Any]]:
    """The keys already taken in each capacity table the import reads (empty for the others)."""
    def keys(kind: str, *columns: sa.Column[Any]) -> set[Any]:
        if kind not in kinds:
            return set()
        rows = s.execute(sa.select(*columns)).all()
        return {r[0] if len(columns) == 1 else tuple(r) for r in rows}

    return {
        "sharing_terms": keys("sharing_terms", tb.SharingTermsRow.__table__.c.resource_id),  # type: ignore[attr-defined]
        "sharing_quotas": keys("sharing_quotas", tb.QuotaRow.__table__.c.resource_id,  # type: ignore[attr-defined]
                               tb.QuotaRow.__table__.c.coop),  # type: ignore[attr-defined]
        "sharing_overbooks": keys("sharing_overbooks", tb.OverbookRow.__table__.c.id),  # type: ignore[attr-defined]
        "coop_capacity": keys("coop_capacity", tb.CoopCapacityRow.__table__.c.coop),  # type: ignore[attr-defined]
        "waitlist": keys("waitlist", tb.WaitlistEntryRow.__table__.c.id),  # type: ignore[attr-defined]
    }

"""The queries behind free time: weekly hours and closures, for many resources at once."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, or_, select

from telecoop.domain import availability as av
from telecoop.domain import rules
from telecoop.store import tables as tb
from telecoop.store.dialect import among


def weekly_rules(session: Session, ids: list[int]) -> dict[int, list[av.WeeklyRule]]:
    """Resource id -> its weekly hours."""
    rules: dict[int, list[av.WeeklyRule]] = defaultdict(list)
    if not ids:
        return rules
    A = tb.AvailabilityRow
    # Columns, not ORM entities: thousands of rows per search, identity map not needed.
    stmt = sa.select(
        col(A.resource_id), col(A.weekday), col(A.start), col(A.end), col(A.valid_from), col(A.valid_to)
    ).where(among(session, col(A.resource_id), ids))
    rows = session.execute(stmt).all()
    for rid, weekday, t0, t1, d0, d1 in rows:
        rules[rid].append(av.WeeklyRule(weekday, t0, t1, d0, d1))
    return rules


Closures = tuple[dict[int, list[av.Interval]], dict[str, list[av.Interval]]]


def closed_for(closures: Closures, resource_id: int, coop: str) -> list[av.Interval]:
    """The closures that apply to one resource: its own and its whole co-op's."""
    by_res, by_coop = closures
    return by_res.get(resource_id, []) + by_coop.get(coop, [])


def closures(session: Session, ids: list[int], coops: set[str], start: dt.datetime, end: dt.datetime) -> Closures:
    """Closures meeting [start, end) of resources ``ids`` (by resource) or of whole ``coops`` (by co-op)."""
    if not ids and not coops:
        return _by_owner((), ids, coops)
    C = tb.ClosureRow
    # By time in SQL, by resource and co-op here: closures meeting a window are few (days off,
    # holidays), while a search's id list runs to hundreds, which cost more to send and
    # match than the rows they would leave out (perf-search); the statement's text is constant.
    stmt = sa.select(col(C.resource_id), col(C.coop), col(C.start), col(C.end)).where(
        col(C.start) < end, col(C.end) > start
    )
    return _by_owner(session.execute(stmt).all(), ids, coops)


def _by_owner(rows: Iterable[Sequence[Any]], ids: list[int], coops: set[str]) -> Closures:
    """Closure rows (resource, co-op, start, end) of resources ``ids`` (by resource) or of ``coops`` (by co-op)."""
    by_res: dict[int, list[av.Interval]] = defaultdict(list)
    by_coop: dict[str, list[av.Interval]] = defaultdict(list)
    wanted_ids, wanted_coops = set(ids), set(coops)
    for resource_id, coop, c_start, c_end in rows:
        if resource_id is not None:
            if resource_id in wanted_ids:
                by_res[resource_id].append((c_start, c_end))
        elif coop in wanted_coops:
            by_coop[coop].append((c_start, c_end))
    return by_res, by_coop


# perf-search: every closure, kept per process and database like the directory snapshot,
# keyed by ``meta.closure_version`` that triggers bump on any change to ``closure``
# (schema 6). Closures are days off and holidays: a few thousand rows at most.
@dataclass(frozen=True)
class _Kept:
    version: str
    ends: list[dt.datetime]  # sorted
    rows: list[tuple[dt.datetime, dt.datetime, int | None, str | None]]  # (end, start, resource, co-op) by end


_KEPT: dict[str, _Kept] = {}


def forget_closures() -> None:
    _KEPT.clear()


def kept_closures(
    session: Session, engine_key: str, version: str, ids: list[int], coops: set[str], start: dt.datetime,
    end: dt.datetime,
) -> Closures:
    """:func:`closures`, from the closures kept for ``engine_key`` at ``version`` (read again when it moved).

    ``version``: ``meta.closure_version`` as read in this transaction.
    """
    kept = _KEPT.get(engine_key)
    if kept is None or kept.version != version:
        C = tb.ClosureRow
        rows = sorted(
            ((c_end, c_start, rid, coop) for rid, coop, c_start, c_end in session.execute(
                sa.select(col(C.resource_id), col(C.coop), col(C.start), col(C.end))
            ).all()),
            key=lambda row: (row[0], row[1]),
        )
        kept = _KEPT[engine_key] = _Kept(version, [r[0] for r in rows], rows)
    after = kept.rows[bisect.bisect_right(kept.ends, start):]  # those ending after ``start``
    return _by_owner(((rid, coop, c_start, c_end) for c_end, c_start, rid, coop in after if c_start < end), ids, coops)


def hours_of(session: Session, resource_id: int, weekday: int | None = None) -> list[rules.Hours]:
    """A resource's weekly hours (of one weekday), for the overlap rule."""
    A = tb.AvailabilityRow
    stmt = sa.select(col(A.weekday), col(A.start), col(A.end), col(A.valid_from), col(A.valid_to)).where(
        col(A.resource_id) == resource_id
    )
    if weekday is not None:
        stmt = stmt.where(col(A.weekday) == weekday)
    return [rules.Hours(*row) for row in session.execute(stmt).all()]


def every_hours(session: Session) -> dict[int, list[rules.Hours]]:
    """Resource id -> its weekly hours, every resource."""
    A = tb.AvailabilityRow
    out: dict[int, list[rules.Hours]] = defaultdict(list)
    stmt = sa.select(col(A.resource_id), col(A.weekday), col(A.start), col(A.end), col(A.valid_from), col(A.valid_to))
    for rid, weekday, start, end, valid_from, valid_to in session.execute(stmt).all():
        out[rid].append(rules.Hours(weekday, start, end, valid_from, valid_to))
    return out


def hours_rows(session: Session, resource_id: int) -> Sequence[tb.AvailabilityRow]:
    """A resource's weekly hours by weekday and start."""
    A = tb.AvailabilityRow
    return session.exec(select(A).where(col(A.resource_id) == resource_id).order_by(col(A.weekday), col(A.start))).all()


def closure_rows(
    session: Session, *, resource_id: int | None = None, of_coop: str | None = None
) -> Sequence[tb.ClosureRow]:
    """Closures by start: of one resource; or a co-op's own (whole co-op or its resources); or every one."""
    C = tb.ClosureRow
    stmt = select(C).order_by(col(C.start))
    if resource_id is not None:
        stmt = stmt.where(col(C.resource_id) == resource_id)
    elif of_coop is not None:
        owned = select(col(tb.ResourceRow.id)).where(col(tb.ResourceRow.coop) == of_coop)
        stmt = stmt.where(or_(col(C.coop) == of_coop, col(C.resource_id).in_(owned)))
    return session.exec(stmt).all()


def coop_closed_exactly(session: Session, coop: str, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether the whole co-op already has a closure from exactly ``start`` to ``end``."""
    C = tb.ClosureRow
    stmt = select(col(C.id)).where(col(C.coop) == coop, col(C.start) == start, col(C.end) == end)
    return session.exec(stmt).first() is not None


def every_closure(session: Session) -> dict[int | str, list[av.Interval]]:
    """Every closure's interval, by resource id (a resource's) or co-op slug (a whole co-op's)."""
    out: dict[int | str, list[av.Interval]] = defaultdict(list)
    for c in session.exec(select(tb.ClosureRow)).all():
        key: int | str = c.resource_id if c.resource_id is not None else (c.coop or "")
        out[key].append((c.start, c.end))
    return out

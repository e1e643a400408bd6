"""The queries behind free time: weekly hours and closures, for many resources at once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlmodel import Session, col, or_, select

from telecoop.domain import availability as av
from telecoop.store import tables as tb


def weekly_rules(session: Session, ids: list[int]) -> dict[int, list[av.WeeklyRule]]:
    """Resource id -> its weekly hours."""
    rules: dict[int, list[av.WeeklyRule]] = defaultdict(list)
    if not ids:
        return rules
    A = tb.AvailabilityRow
    # Columns, not ORM entities: thousands of rows per search, identity map not needed.
    rows = session.exec(
        select(A.resource_id, A.weekday, A.start, A.end, A.valid_from, A.valid_to).where(col(A.resource_id).in_(ids))
    ).all()
    for rid, weekday, t0, t1, d0, d1 in rows:
        rules[rid].append(av.WeeklyRule(weekday, t0, t1, d0, d1))
    return rules


Closures = tuple[dict[int, list[av.Interval]], dict[str, list[av.Interval]]]


def closures(session: Session, ids: list[int], coops: set[str], start: dt.datetime, end: dt.datetime) -> Closures:
    """Closures meeting [start, end) of resources ``ids`` (by resource) or of whole ``coops`` (by co-op)."""
    by_res: dict[int, list[av.Interval]] = defaultdict(list)
    by_coop: dict[str, list[av.Interval]] = defaultdict(list)
    C = tb.ClosureRow
    stmt = select(C.resource_id, C.coop, C.start, C.end).where(
        C.start < end,
        C.end > start,
        or_(col(C.resource_id).in_(ids), col(C.coop).in_(sorted(coops))),
    )
    for resource_id, coop, c_start, c_end in session.exec(stmt).all():
        if resource_id is not None:
            by_res[resource_id].append((c_start, c_end))
        else:
            by_coop[coop].append((c_start, c_end))
    return by_res, by_coop

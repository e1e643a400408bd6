"""The directory's queries: co-ops, resources with their zones and shares, and the search snapshot.

Who may see a resource is ``telecoop.domain.access.shared_to``; :func:`visible_clause`
is the same rule as an SQL condition, for queries that must filter in the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, exists, or_, select

from telecoop.domain import availability as av
from telecoop.domain import model as m
from telecoop.store import convert
from telecoop.store import tables as tb
from telecoop.store.engine import directory_version
from telecoop.store.schedule import weekly_rules


def coop_zones(session: Session) -> dict[str, str]:
    """Co-op slug -> IANA zone."""
    return dict(session.exec(select(tb.CoopRow.slug, tb.CoopRow.tz)).all())


def visible_clause(coop: str) -> ColumnElement[bool]:
    """SQL condition: resources that ``coop`` may see and book (``domain.access.shared_to``)."""
    return or_(
        tb.ResourceRow.coop == coop,
        tb.ResourceRow.sharing == m.Sharing.ALL.value,
        (tb.ResourceRow.sharing == m.Sharing.LISTED.value)
        & exists().where((tb.ShareRow.resource_id == tb.ResourceRow.id) & (tb.ShareRow.coop == coop)),
    )


def resources_from_rows(session: Session, rows: list[tb.ResourceRow]) -> list[m.Resource]:
    """Domain resources with their zones and share lists, in two queries whatever the count."""
    zones = coop_zones(session)
    listed = [r.id for r in rows if r.sharing == m.Sharing.LISTED.value]
    shares: dict[int, list[str]] = defaultdict(list)
    if listed:
        for rid, coop in session.exec(
            select(tb.ShareRow.resource_id, tb.ShareRow.coop).where(col(tb.ShareRow.resource_id).in_(listed))
        ).all():
            shares[rid].append(coop)
    return [convert.resource(r, zones[r.coop], tuple(shares.get(r.id, ()))) for r in rows]


def resource(session: Session, resource_id: int) -> m.Resource | None:
    """One resource, whoever may see it, or None."""
    row = session.get(tb.ResourceRow, resource_id)
    return None if row is None else resources_from_rows(session, [row])[0]


# Resources and weekly hours change rarely; searches happen all day. The whole
# directory (every active resource, its shares and its weekly rules) is read
# once per process and kept, keyed by the directory version that database
# triggers bump on every change to co-ops, resources, shares or hours: another
# process's change is seen by the next search, for one cheap query each time.
@dataclass(frozen=True)
class Snapshot:
    version: str
    resources: tuple[m.Resource, ...]
    rules: dict[int, list[av.WeeklyRule]]


_SNAPSHOTS: dict[str, Snapshot] = {}


def snapshot(session: Session, engine_key: str) -> Snapshot:
    """Every active resource with its weekly rules, as of the database's directory version."""
    version = directory_version(session)
    snap = _SNAPSHOTS.get(engine_key)
    if snap is None or snap.version != version:
        R = tb.ResourceRow
        # Columns, not ORM entities: no identity map for thousands of rows.
        rows = session.exec(select(*R.__table__.c).where(R.active == True).order_by(R.id)).all()  # noqa: E712
        resources = tuple(resources_from_rows(session, list(rows)))
        snap = Snapshot(version, resources, weekly_rules(session, [r.id for r in resources]))
        _SNAPSHOTS[engine_key] = snap
    return snap


def forget_snapshots() -> None:
    """Drop every kept snapshot (tests that count queries start cold)."""
    _SNAPSHOTS.clear()

"""The directory's queries: co-ops, resources with their zones and shares, and the search snapshot.

Who may see a resource is ``telecoop.domain.access.shared_to``; :func:`visible_clause`
is the same rule as an SQL condition, for queries that must filter in the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.sql.elements import ColumnElement
import sqlalchemy as sa
from sqlmodel import Session, and_, col, delete, exists, func, or_, select

from telecoop.domain import availability as av
from telecoop.domain import model as m
from telecoop.store import convert
from telecoop.store import tables as tb
from telecoop.store.engine import directory_version
from telecoop.store.query import Query, among_few, few_values
from telecoop.store.schedule import forget_closures, weekly_rules


def coop_zones(session: Session) -> dict[str, str]:
    """Co-op slug -> IANA zone."""
    return dict(session.exec(select(tb.CoopRow.slug, tb.CoopRow.tz)).all())


def visible_clause(coop: str) -> ColumnElement[bool]:
    """SQL condition: resources that ``coop`` may see and book (``domain.access.shared_to``)."""
    R, S = tb.ResourceRow, tb.ShareRow
    return or_(
        col(R.coop) == coop,
        col(R.sharing) == m.Sharing.ALL.value,
        and_(
            col(R.sharing) == m.Sharing.LISTED.value,
            exists().where(col(S.resource_id) == col(R.id), col(S.coop) == coop),
        ),
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
    return [convert.resource(r, zones[r.coop], tuple(shares.get(r.id, ()) if r.id is not None else ())) for r in rows]


def resource(session: Session, resource_id: int) -> m.Resource | None:
    """One resource, whoever may see it, or None."""
    row = session.get(tb.ResourceRow, resource_id)
    return None if row is None else resources_from_rows(session, [row])[0]


# Resources and weekly hours change rarely; searches happen all day. The whole
# directory (every active resource, its shares and its weekly rules) is read
# once per process and kept, keyed by the directory version that database
# triggers bump on every change to co-ops, resources, shares, hours or (schema 6)
# sharing terms: another
# process's change is seen by the next search, for one cheap query each time.
@dataclass(frozen=True)
class Snapshot:
    version: str
    resources: tuple[m.Resource, ...]
    rules: dict[int, list[av.WeeklyRule]]
    # perf-search (schema 6: sharing_terms bumps the directory version too): every resource's
    # sharing terms, (resource id, window days, minimum notice hours, release hours).
    terms: tuple[tuple[int, int, int, int], ...] = ()
    # What searches work out from it (an actor's bookable resources, partners' terms), kept with
    # the snapshot so that it goes with it when the directory changes.
    picks: dict[tuple[object, ...], Any] = field(default_factory=dict, compare=False)


_SNAPSHOTS: dict[str, Snapshot] = {}


def snapshot(session: Session, engine_key: str, version: str | None = None) -> Snapshot:
    """Every active resource with its weekly rules, as of the database's directory version.

    ``version``: the directory version already read in this transaction (``store.engine.stamps_query``).
    """
    if version is None:
        version = directory_version(session)
    snap = _SNAPSHOTS.get(engine_key)
    if snap is None or snap.version != version:
        R = tb.ResourceRow
        # Columns, not ORM entities: no identity map for thousands of rows.
        table = tb.table_of(R)
        rows = session.execute(sa.select(*table.c).where(table.c.active == True).order_by(table.c.id)).all()  # noqa: E712
        # Rows read like ResourceRow objects (the same attribute names).
        resources = tuple(resources_from_rows(session, list(rows)))  # type: ignore[arg-type]
        T = tb.SharingTermsRow
        terms = tuple(
            (int(rid), int(w), int(n), int(r))
            for rid, w, n, r in session.execute(
                sa.select(col(T.resource_id), col(T.window_days), col(T.min_notice_hours), col(T.release_hours))
            ).all()
        )
        snap = Snapshot(version, resources, weekly_rules(session, [r.id for r in resources]), terms)
        _SNAPSHOTS[engine_key] = snap
    return snap


def forget_snapshots() -> None:
    """Drop every kept snapshot and closure list (tests that count queries start cold)."""
    _SNAPSHOTS.clear()
    forget_closures()


def resource_kinds(session: Session) -> dict[int, tuple[str, str]]:
    """Resource id -> (kind, owner co-op), every resource."""
    R = tb.ResourceRow
    rows = session.exec(select(col(R.id), col(R.kind), col(R.coop))).all()
    return {rid: (kind, coop) for rid, kind, coop in rows if rid is not None}


def logins(session: Session) -> set[str]:
    return set(session.exec(select(tb.StaffRow.login)).all())


def staff_count(session: Session, *, role: m.Role | None = None, active: bool | None = None) -> int:
    """Staff records (of ``role``, active or not)."""
    S = tb.StaffRow
    stmt = select(func.count()).select_from(S)
    if role is not None:
        stmt = stmt.where(col(S.role) == role.value)
    if active is not None:
        stmt = stmt.where(col(S.active) == active)
    return session.exec(stmt).one()


def staff_rows(session: Session, *, coop: str | None = None) -> Sequence[tb.StaffRow]:
    """Staff records by co-op and login: of one co-op, or every one."""
    S = tb.StaffRow
    stmt = select(S).order_by(col(S.coop), col(S.login))
    if coop is not None:
        stmt = stmt.where(col(S.coop) == coop)
    return session.exec(stmt).all()


def resources_seen_by(
    session: Session, actor: m.Staff, *, kind: m.ResourceKind | None = None, include_inactive: bool = False
) -> list[m.Resource]:
    """Resources ``actor`` may see (``access.sees_resource``), by co-op, kind and name."""
    R = tb.ResourceRow
    stmt = select(R).order_by(col(R.coop), col(R.kind), col(R.name))
    if actor.role != m.Role.FEDERATION_ADMIN:
        stmt = stmt.where(visible_clause(actor.coop))
    if kind is not None:
        stmt = stmt.where(col(R.kind) == kind.value)
    if not include_inactive:
        stmt = stmt.where(col(R.active) == True)  # noqa: E712
    return resources_from_rows(session, list(session.exec(stmt).all()))


def shares_of(session: Session, resource_id: int) -> list[str]:
    """The co-ops a ``listed`` resource is shared with."""
    return list(session.exec(select(tb.ShareRow.coop).where(tb.ShareRow.resource_id == resource_id)).all())


def replace_shares(session: Session, resource_id: int, coops: list[str]) -> None:
    """The resource's share list becomes ``coops``."""
    session.exec(delete(tb.ShareRow).where(col(tb.ShareRow.resource_id) == resource_id))
    for slug in sorted(set(coops)):
        session.add(tb.ShareRow(resource_id=resource_id, coop=slug))


def coop_rows(session: Session) -> Sequence[tb.CoopRow]:
    """Every co-op, by slug."""
    return session.exec(select(tb.CoopRow).order_by(tb.CoopRow.slug)).all()


def resources_by_ids(session: Session, ids: Iterable[int]) -> list[m.Resource]:
    """The resources of ``ids`` that exist, whoever may see them."""
    R = tb.ResourceRow
    return resources_from_rows(session, list(session.exec(select(R).where(col(R.id).in_(sorted(ids)))).all()))


_THREE = ("a", "b", "c")  # a booking's clinician, room and interpreter


def _with_rules() -> Any:
    R, A = tb.table_of(tb.ResourceRow), tb.table_of(tb.AvailabilityRow)
    hours = [A.c.weekday.label("h_weekday"), A.c.start.label("h_start"), A.c.end.label("h_end"),
             A.c.valid_from.label("h_from"), A.c.valid_to.label("h_to")]
    return sa.select(*R.c, *hours).select_from(R.outerjoin(A, A.c.resource_id == R.c.id)).where(among_few(R.c.id, _THREE))


_WITH_RULES = _with_rules()
_SHARES_OF_THREE = sa.select(tb.table_of(tb.ShareRow).c.resource_id, tb.table_of(tb.ShareRow).c.coop).where(
    among_few(tb.table_of(tb.ShareRow).c.resource_id, _THREE))
_ZONES_AND_PLATFORMS = sa.select(tb.table_of(tb.CoopRow).c.slug, tb.table_of(tb.CoopRow).c.tz,
                                 tb.table_of(tb.CoopRow).c.video_platform)


@dataclass(frozen=True)
class WithRules:
    """What ``resources_with_rules_queries`` read: the resource rows joined to their hours, and their shares."""

    rows: Sequence[Any]
    shares: Sequence[Any]

    def resources(self, zones: dict[str, str]) -> list[tuple[m.Resource, list[av.WeeklyRule]]]:
        """The resources read that exist, whoever may see them, each with its weekly hours."""
        rows: dict[int, Any] = {}
        rules: dict[int, list[av.WeeklyRule]] = defaultdict(list)
        for row in self.rows:
            rows.setdefault(row.id, row)
            if row.h_weekday is not None:
                rules[row.id].append(av.WeeklyRule(row.h_weekday, row.h_start, row.h_end, row.h_from, row.h_to))
        shares: dict[int, list[str]] = defaultdict(list)
        for rid, coop in self.shares:
            if rows.get(rid) is not None and rows[rid].sharing == m.Sharing.LISTED.value:
                shares[rid].append(coop)
        return [(convert.resource(r, zones[r.coop], tuple(shares.get(r.id, ()))), rules.get(r.id, []))
                for r in rows.values()]


def resources_with_rules_queries(ids: Sequence[int]) -> tuple[Query[Sequence[Any]], Query[Sequence[Any]]]:
    """Up to three resources (a booking's) with their weekly hours and their shares: two queries built once,
    to run together (``store.query.run_together``); ``WithRules(rows, shares).resources(zones)`` makes them
    resources."""
    values = few_values(ids, _THREE)
    return Query(_WITH_RULES, values, list), Query(_SHARES_OF_THREE, values, list)


def zones_and_platforms_query() -> Query[dict[str, tuple[str, str]]]:
    """Co-op slug -> (IANA zone, approved video platform or ""), a Query built once."""
    return Query(_ZONES_AND_PLATFORMS, {}, lambda rows: {slug: (tz, platform or "") for slug, tz, platform in rows})


def active_resource_rows(session: Session, *, coop: str | None = None) -> list[tb.ResourceRow]:
    """Active resources (of one co-op), by co-op and name."""
    R = tb.ResourceRow
    stmt = select(R).where(col(R.active) == True)  # noqa: E712
    if coop is not None:
        stmt = stmt.where(col(R.coop) == coop)
    return list(session.exec(stmt.order_by(col(R.coop), col(R.name))).all())

"""issue 13: the store side of holds (queries).

A hold is a row of its own table, not a booking: booking lists, exports,
reports, calendars and the status life cycle never meet one. The database
still refuses a booking over a live hold and a hold over a booking or a live
hold: the guards are in migration 0004 (SQLite triggers, PostgreSQL
constraints and triggers). "Live" is judged against the writing row's own
instant (``updated_at``): expiry is a time, and nothing has to run for an
expired hold to stop blocking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
import sqlalchemy as sa
from sqlmodel import Session, col, or_, select

from telecoop.store import tables as tb
from telecoop.store.dialect import among
from telecoop.store.query import Query, among_few, few_values

HELD = "held"
MAX_SPAN = dt.timedelta(days=1)

def held_select(
    session: Session,
    clinician_ids: list[int],
    room_ids: list[int],
    lo: dt.datetime,
    hi: dt.datetime,
    now: dt.datetime,
    exclude_hold: int | None = None,
) -> Any:
    """(id, clinician, room, start, end) of live holds (held, not expired at ``now``) of these resources
    overlapping [lo, hi): the shape of the bookings query it is joined to (UNION ALL)."""
    H = tb.HoldRow
    who = []
    # ``among``: on PostgreSQL one array parameter, so the search's statement keeps one text (prepared once)
    # instead of a few hundred bind values planned again on every call (perf-search).
    if clinician_ids:
        who.append(among(session, col(H.clinician_id), clinician_ids))
    if room_ids:
        who.append(among(session, col(H.room_id), room_ids))
    stmt = sa.select(col(H.id), col(H.clinician_id), col(H.room_id), col(H.start), col(H.end)).where(
        col(H.status) == HELD, col(H.expires) > now, col(H.start) < hi, col(H.start) > lo - MAX_SPAN, col(H.end) > lo, or_(*who)
    )
    if exclude_hold is not None:
        stmt = stmt.where(col(H.id) != exclude_hold)
    return stmt


def lapse_expired(session: Session, clinician_id: int, room_id: int | None, start: dt.datetime,
                  end: dt.datetime, now: dt.datetime) -> list[int]:
    """Mark expired holds overlapping [start, end) on these resources lapsed; their ids.

    Called first by every write that inserts a hold, so that no dead hold
    ever stands in the way of a database constraint.
    """
    H = tb.HoldRow
    who = [col(H.clinician_id) == clinician_id]
    if room_id is not None:
        who.append(col(H.room_id) == room_id)
    ids = [i for i in session.exec(select(col(H.id)).where(
        col(H.status) == HELD, col(H.expires) <= now, col(H.start) < end, col(H.end) > start, col(H.start) > start - MAX_SPAN, or_(*who)
    )).all() if i is not None]
    if ids:
        table = tb.table_of(H)
        session.execute(sa.update(table).where(table.c.id.in_(ids)).values(status="lapsed", updated_at=now))
    return ids


# --------------------------------------------------------------------------- #
# Rows of the issue-13 tables, by what the services ask
# --------------------------------------------------------------------------- #

COUNTED = ("booked", "checked_in", "completed", "no_show")
ACTIVE = ("booked", "checked_in")


def _insert(session: Session, table: Any, values: dict[str, Any]) -> int:
    inserted = session.execute(sa.insert(tb.table_of(table)).values(**values))
    return int(inserted.inserted_primary_key[0])  # type: ignore[attr-defined]  # a CursorResult


def insert_hold(session: Session, values: dict[str, Any]) -> int:
    return _insert(session, tb.HoldRow, values)


def insert_entry(session: Session, values: dict[str, Any]) -> int:
    return _insert(session, tb.WaitlistEntryRow, values)


def insert_overbook(session: Session, values: dict[str, Any]) -> int:
    return _insert(session, tb.OverbookRow, values)


def live_holds(session: Session, coop: str, now: dt.datetime, *, offers_only: bool = False) -> list[tb.HoldRow]:
    """A co-op's live holds (or only its waitlist offers), soonest expiry first."""
    H = tb.HoldRow
    stmt = select(H).where(col(H.coop) == coop, col(H.status) == HELD, col(H.expires) > now)
    if offers_only:
        stmt = stmt.where(col(H.entry_id).is_not(None))
    return list(session.exec(stmt.order_by(col(H.expires), col(H.id))).all())


def live_offers(session: Session, coop: str, now: dt.datetime) -> list[tuple[tb.HoldRow, tb.WaitlistEntryRow]]:
    H, W = tb.HoldRow, tb.WaitlistEntryRow
    return [(h, w) for h, w in session.exec(select(H, W).join(W, col(W.id) == col(H.entry_id)).where(
        col(H.coop) == coop, col(H.status) == HELD, col(H.expires) > now).order_by(col(H.expires), col(H.id))).all()]


def held_offers_of_entry(session: Session, entry_id: int) -> list[tb.HoldRow]:
    H = tb.HoldRow
    return list(session.exec(select(H).where(col(H.entry_id) == entry_id, col(H.status) == HELD)).all())


def lapsed_offers(session: Session, now: dt.datetime, *, first_only: bool = False) -> list[tb.HoldRow]:
    """Offers still marked held whose time is up (none of them blocks anything any more)."""
    H = tb.HoldRow
    stmt = select(H).where(col(H.status) == HELD, col(H.entry_id).is_not(None), col(H.expires) <= now).order_by(col(H.expires), col(H.id))
    return list(session.exec(stmt.limit(1) if first_only else stmt).all())


def next_offer_expiry(session: Session, coop: str, now: dt.datetime) -> dt.datetime | None:
    H = tb.HoldRow
    return session.exec(select(sa.func.min(col(H.expires))).where(
        col(H.coop) == coop, col(H.status) == HELD, col(H.entry_id).is_not(None), col(H.expires) > now)).one()


def entries_offered(session: Session, clinician_id: int, start: dt.datetime) -> set[int]:
    """Entries that were already offered this very slot (declined or lapsed)."""
    H = tb.HoldRow
    return {e for e in session.exec(select(col(H.entry_id)).where(
        col(H.clinician_id) == clinician_id, col(H.start) == start, col(H.entry_id).is_not(None))).all() if e is not None}


def waiting_entries(session: Session, specialty: str) -> list[tuple[tb.WaitlistEntryRow, str]]:
    """Waiting entries of a specialty, each with its co-op's zone."""
    W, C = tb.WaitlistEntryRow, tb.CoopRow
    return [(w, tz) for w, tz in session.exec(select(W, col(C.tz)).join(C, col(C.slug) == col(W.coop)).where(
        col(W.status) == "waiting", col(W.specialty) == specialty)).all()]


def entries(session: Session, coop: str | None, statuses: tuple[str, ...] | None) -> list[tb.WaitlistEntryRow]:
    """Entries (of one co-op, or all), highest priority then oldest first."""
    W = tb.WaitlistEntryRow
    stmt = select(W).order_by(col(W.priority).desc(), col(W.created_at), col(W.id))
    if coop is not None:
        stmt = stmt.where(col(W.coop) == coop)
    if statuses is not None:
        stmt = stmt.where(col(W.status).in_(statuses))
    return list(session.exec(stmt).all())


def quota_lines(session: Session, resource_id: int) -> tuple[tuple[str, int], ...]:
    Q = tb.QuotaRow
    return tuple((c, n) for c, n in session.exec(select(col(Q.coop), col(Q.minutes_per_week)).where(
        col(Q.resource_id) == resource_id).order_by(col(Q.coop))).all())


_TWO = ("first", "second")  # a booking's clinician and room


def _terms_of_two() -> Any:
    R, T, Q = tb.table_of(tb.ResourceRow), tb.table_of(tb.SharingTermsRow), tb.table_of(tb.QuotaRow)
    return (
        sa.select(R.c.id, T.c.window_days, T.c.min_notice_hours, T.c.release_hours, Q.c.minutes_per_week)
        .select_from(R.outerjoin(T, T.c.resource_id == R.c.id).outerjoin(
            Q, sa.and_(Q.c.resource_id == R.c.id, Q.c.coop == sa.bindparam("coop", type_=sa.String))))
        .where(among_few(R.c.id, _TWO))
    )


_TERMS_OF_TWO = _terms_of_two()  # built once: it runs inside the writers' turn


def terms_query(resource_ids: list[int], coop: str) -> Query[dict[int, tuple[int, int, int, int | None]]]:
    """Resource id -> (window days, minimum notice hours, release hours, ``coop``'s weekly quota minutes or
    None) of one or two resources (a booking's clinician and room), one query; a resource without terms
    reads (0, 0, 0, None). A Query, to run with the writers' turn (``ReadThenWrite.turn``)."""
    return Query(_TERMS_OF_TWO, {"coop": coop, **few_values(resource_ids, _TWO)}, _terms_rows)


def _terms_rows(rows: Sequence[Sequence[Any]]) -> dict[int, tuple[int, int, int, int | None]]:
    return {rid: (w or 0, n or 0, r or 0, q) for rid, w, n, r, q in rows}


def week_minutes(session: Session, resource_id: int, is_clinician: bool, coop: str, lo: dt.datetime,
                 hi: dt.datetime, now: dt.datetime | None, exclude_booking: int | None = None,
                 statuses: tuple[str, ...] = ACTIVE) -> int:
    """Minutes of a resource that ``coop`` has booked (``statuses``) and, with ``now``, holds live, starting in [lo, hi)."""
    total = 0
    B, H = tb.BookingRow, tb.HoldRow
    who_b = (col(B.clinician_id) == resource_id) if is_clinician else (col(B.room_id) == resource_id)
    stmt = select(col(B.start), col(B.end)).where(who_b, col(B.coop) == coop, col(B.status).in_(statuses), col(B.start) >= lo, col(B.start) < hi)
    if exclude_booking is not None:
        stmt = stmt.where(col(B.id) != exclude_booking)
    rows = list(session.exec(stmt).all())
    if now is not None:
        who_h = (col(H.clinician_id) == resource_id) if is_clinician else (col(H.room_id) == resource_id)
        rows += list(session.exec(select(col(H.start), col(H.end)).where(
            who_h, col(H.coop) == coop, col(H.status) == HELD, col(H.expires) > now, col(H.start) >= lo, col(H.start) < hi)).all())
    for s, e in rows:
        total += int((e - s).total_seconds() // 60)
    return total


def overbook_grants(session: Session, resource_id: int, coop: str, week: str) -> list[tuple[int, str]]:
    """(extra minutes, reason) granted to ``coop`` on a resource for one ISO week."""
    G = tb.OverbookRow
    return [(n, r) for n, r in session.exec(select(col(G.extra_minutes), col(G.reason)).where(
        col(G.resource_id) == resource_id, col(G.coop) == coop, col(G.week) == week).order_by(col(G.id))).all()]


def all_quota_lines(session: Session) -> list[tuple[tb.QuotaRow, str, str, str, str]]:
    """Every quota line with its resource's name, owner, kind and zone."""
    Q, R, C = tb.QuotaRow, tb.ResourceRow, tb.CoopRow
    return [(q, name, owner, kind, tz) for q, name, owner, kind, tz in session.execute(
        sa.select(Q, col(R.name), col(R.coop), col(R.kind), col(C.tz)).join(R, col(R.id) == col(Q.resource_id))
        .join(C, col(C.slug) == col(R.coop)).order_by(col(Q.resource_id), col(Q.coop))).all()]


def offers_made(session: Session, lo: dt.datetime, hi: dt.datetime) -> list[tuple[str, str, dt.datetime]]:
    """(co-op, status, expires) of every waitlist offer made in [lo, hi)."""
    H = tb.HoldRow
    return [(c, status, expires) for c, status, expires in session.exec(select(col(H.coop), col(H.status), col(H.expires)).where(
        col(H.entry_id).is_not(None), col(H.created_at) >= lo, col(H.created_at) < hi)).all()]


def cancelled_in(session: Session, lo: dt.datetime, hi: dt.datetime, ids: list[int] | None = None) -> list[tuple[Any, ...]]:
    """(id, clinician, start, end, cancelled at, provider co-op) of bookings cancelled in [lo, hi) (or these ids)."""
    B, R = tb.BookingRow, tb.ResourceRow
    stmt = sa.select(col(B.id), col(B.clinician_id), col(B.start), col(B.end), col(B.updated_at), col(R.coop)).join(R, col(R.id) == col(B.clinician_id)).where(
        col(B.status) == "cancelled")
    stmt = stmt.where(col(B.id).in_(ids)) if ids is not None else stmt.where(col(B.updated_at) >= lo, col(B.updated_at) < hi)
    return [tuple(r) for r in session.execute(stmt).all()]


def first_rebooking(session: Session, clinician_id: int, booking_id: int, start: dt.datetime, end: dt.datetime,
                    since: dt.datetime) -> dt.datetime | None:
    """When the first booking made since ``since`` took (part of) the same time of the clinician."""
    B = tb.BookingRow
    return session.exec(select(col(B.created_at)).where(
        col(B.clinician_id) == clinician_id, col(B.id) != booking_id, col(B.start) < end, col(B.end) > start, col(B.created_at) >= since,
        col(B.start) > start - MAX_SPAN).order_by(col(B.created_at)).limit(1)).first()

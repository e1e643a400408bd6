"""The bookings' queries: what holds time, names for display, and the visibility conditions.

Who may see a booking, and whose patients a search may reach, are rules of
``telecoop.domain.access``; the clauses here are those rules in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, or_, select

from telecoop.domain import availability as av
from telecoop.domain import model as m
from telecoop.domain import validate as v
from telecoop.store import tables as tb
from telecoop.store.dialect import among
from telecoop.store.directory import visible_clause
from telecoop.store.query import Query, run

if TYPE_CHECKING:
    from telecoop.store.engine import Turn

ACTIVE = (m.BookingStatus.BOOKED.value, m.BookingStatus.CHECKED_IN.value)
MAX_BUFFER = dt.timedelta(minutes=120)


def busy(
    session: Session,
    clinician_ids: list[int],
    room_ids: list[int],
    start: dt.datetime,
    end: dt.datetime,
    exclude_id: int | None = None,
    *,
    now: dt.datetime | None = None,
    exclude_hold: int | None = None,
) -> dict[int, list[av.Interval]]:
    """Active bookings overlapping [start, end) (widened by the largest buffer), per resource.

    With ``now`` (issue 13), live holds count as busy too (but ``exclude_hold``), in the same query.
    """
    out: dict[int, list[av.Interval]] = defaultdict(list)
    if not clinician_ids and not room_ids:
        return out
    lo, hi = start - MAX_BUFFER, end + MAX_BUFFER
    B = tb.BookingRow
    who = []
    if clinician_ids:
        who.append(among(session, col(B.clinician_id), clinician_ids))
    if room_ids:
        who.append(among(session, col(B.room_id), room_ids))
    # A booking never lasts more than MAX_DURATION, so "start > lo - MAX_DURATION"
    # lets the (start) index bound the scan from both sides.
    stmt = sa.select(col(B.id), col(B.clinician_id), col(B.room_id), col(B.start), col(B.end)).where(
        col(B.start) < hi,
        col(B.start) > lo - dt.timedelta(minutes=v.MAX_DURATION),
        col(B.end) > lo,
        col(B.status).in_(ACTIVE),
        or_(*who),
    )
    if exclude_id is not None:
        stmt = stmt.where(col(B.id) != exclude_id)
    query: Any = stmt
    if now is not None:  # issue 13: live holds, in the same query
        from telecoop.store.capacity import held_select

        query = sa.union_all(stmt, held_select(session, clinician_ids, room_ids, lo, hi, now, exclude_hold))
    wanted_c, wanted_r = set(clinician_ids), set(room_ids)
    for _id, cid, rid, s, e in session.execute(query).all():
        if cid in wanted_c:
            out[cid].append((s, e))
        if rid is not None and rid in wanted_r:
            out[rid].append((s, e))
    return out


# The booking write path's own queries (``services.booking.book``): built once, run with new values
# each time (building and keying a statement anew costs more than running it, inside the writers' turn).
_B = tb.table_of(tb.BookingRow)


def _overlapping(table: sa.Table, floor: str, *conditions: Any) -> Any:
    # (``floor``: lo less the longest a row may last, so that the start index bounds the scan from both sides.)
    return sa.select(table.c.clinician_id, table.c.room_id, table.c.start, table.c.end).where(
        table.c.start < sa.bindparam("hi"), table.c.start > sa.bindparam(floor), table.c.end > sa.bindparam("lo"),
        sa.or_(table.c.clinician_id == sa.bindparam("clinician"), table.c.room_id == sa.bindparam("room")),
        *conditions,
    )


def _busy_of_one() -> Any:
    from telecoop.store.capacity import HELD

    H = tb.table_of(tb.HoldRow)
    return sa.union_all(
        # (the statuses as plain bound values, not an expanding IN: the statement compiles once for a pipeline)
        _overlapping(_B, "booking_floor", _B.c.status.in_([sa.literal(x) for x in ACTIVE])),
        _overlapping(H, "hold_floor", H.c.status == HELD, H.c.expires > sa.bindparam("now")),
    )


_BUSY_OF_ONE = _busy_of_one()


def busy_of_booking(
    session: Session, clinician_id: int, room_id: int | None, start: dt.datetime, end: dt.datetime, now: dt.datetime,
) -> dict[int, list[av.Interval]]:
    """``busy(session, [clinician_id], [room_id], start, end, now=now)`` for one new booking, as one prepared query:
    its clinician's and room's active bookings and live holds overlapping [start, end) widened by the largest buffer."""
    return run(session, busy_of_booking_query(clinician_id, room_id, start, end, now))


def busy_of_booking_query(
    clinician_id: int, room_id: int | None, start: dt.datetime, end: dt.datetime, now: dt.datetime,
) -> Query[dict[int, list[av.Interval]]]:
    """``busy_of_booking`` as a Query (to run with the writers' turn: ``ReadThenWrite.turn``)."""
    from telecoop.store.capacity import MAX_SPAN

    lo, hi = start - MAX_BUFFER, end + MAX_BUFFER

    def decode(rows: Sequence[Sequence[Any]]) -> dict[int, list[av.Interval]]:
        out: dict[int, list[av.Interval]] = defaultdict(list)
        for cid, rid, s, e in rows:
            if cid == clinician_id:
                out[cid].append((s, e))
            if room_id is not None and rid == room_id:
                out[rid].append((s, e))
        return out

    return Query(_BUSY_OF_ONE, {
        "clinician": clinician_id, "room": room_id, "lo": lo, "hi": hi, "now": now,
        "booking_floor": lo - dt.timedelta(minutes=v.MAX_DURATION), "hold_floor": lo - MAX_SPAN,
    }, decode)


def booking_ids(session: Session) -> set[int]:
    return {i for i in session.exec(select(col(tb.BookingRow.id))).all() if i is not None}


def series_ids(session: Session) -> set[int]:
    """issue 14: the ids of every follow-up series (the import's references)."""
    return {i for i in session.exec(select(col(tb.SeriesRow.id))).all() if i is not None}


def active_interpreter_intervals(session: Session) -> list[tuple[int, dt.datetime, dt.datetime]]:
    """issue 14: (interpreter_id, start, end) of every active booking with an interpreter."""
    B = tb.BookingRow
    stmt = select(col(B.interpreter_id), col(B.start), col(B.end)).where(
        col(B.status).in_(ACTIVE), col(B.interpreter_id).is_not(None))
    return [(int(i), start, end) for i, start, end in session.exec(stmt).all() if i is not None]


def active_intervals(session: Session) -> list[tuple[int, int | None, dt.datetime, dt.datetime]]:
    """(clinician_id, room_id, start, end) of every active booking."""
    B = tb.BookingRow
    stmt = select(col(B.clinician_id), col(B.room_id), col(B.start), col(B.end)).where(col(B.status).in_(ACTIVE))
    return list(session.exec(stmt).all())


def insert(session: Session, values: dict[str, Any]) -> int:
    """A new booking row; its id. A Core insert: cheaper than an ORM flush while other writers wait."""
    inserted = session.execute(sa.insert(tb.table_of(tb.BookingRow)).values(**values))
    return int(inserted.inserted_primary_key[0])  # type: ignore[attr-defined]  # a CursorResult


def add_with_audit(turn: Turn, values: dict[str, Any], audit: dict[str, Any]) -> None:
    """A new booking row and its audit event (``audit``: the audit columns but ``entity_id``), as the last
    thing a ``ReadThenWrite.turn`` block does; the booking's id is ``turn.result`` after the block.

    Both inside the turn's transaction: on PostgreSQL one statement (a data-modifying WITH), sent with the
    COMMIT, so one round trip for the insert, its event and the commit; on SQLite (in-process, no round
    trip) two inserts. Either way statements built once (per set of columns), run with new values.
    """
    session = turn.session
    if session.get_bind().dialect.name == "postgresql":
        turn.commit_with(_pg_insert_with_audit_query(values, audit))
        return
    new_id = int(session.execute(_INSERT_BOOKING, values).inserted_primary_key[0])  # type: ignore[attr-defined]
    session.execute(_INSERT_AUDIT, {**audit, "entity_id": str(new_id)})
    turn.result = new_id


def _pg_insert_with_audit_query(values: dict[str, Any], audit: dict[str, Any]) -> Query[int]:
    shape = (tuple(values), tuple(audit))
    stmt = _PG_INSERTS.get(shape)
    if stmt is None:
        stmt = _PG_INSERTS[shape] = _pg_insert_with_audit(*shape)
    params = {f"b_{k}": value for k, value in values.items()} | {f"a_{k}": value for k, value in audit.items()}
    return Query(stmt, params, _new_id)


def _new_id(rows: Sequence[Sequence[Any]]) -> int:
    (only,) = rows
    return int(only[0])


_INSERT_BOOKING = sa.insert(_B)
_INSERT_AUDIT = sa.insert(tb.table_of(tb.AuditRow))
_PG_INSERTS: dict[tuple[tuple[str, ...], tuple[str, ...]], Any] = {}


def _pg_insert_with_audit(booking_columns: tuple[str, ...], audit_columns: tuple[str, ...]) -> Any:
    events = tb.table_of(tb.AuditRow)
    added = (
        sa.insert(_B)
        .values({c: sa.bindparam(f"b_{c}", type_=_B.c[c].type) for c in booking_columns})
        .returning(_B.c.id)
        .cte("added")
    )
    chosen = sa.select(
        *[sa.bindparam(f"a_{c}", type_=events.c[c].type).label(c) for c in audit_columns],
        sa.cast(added.c.id, sa.String).label("entity_id"),
    )
    return sa.insert(events).from_select([*audit_columns, "entity_id"], chosen).returning(events.c.entity_id)


def names(session: Session, ids: set[int]) -> dict[int, tuple[str, str, str, str]]:
    """Resource id -> (name, co-op, zone, video link)."""
    if not ids:
        return {}
    R, C = tb.ResourceRow, tb.CoopRow
    stmt = (
        sa.select(col(R.id), col(R.name), col(R.coop), col(C.tz), col(R.video_link))
        .join(C, col(C.slug) == col(R.coop))
        .where(col(R.id).in_(sorted(ids)))
    )
    rows = session.execute(stmt).all()
    return {rid: (name, coop, tz, link or "") for rid, name, coop, tz, link in rows if rid is not None}


def patient_clause(actor: m.Staff) -> ColumnElement[bool]:
    """SQL condition: the bookings a search by patient reference may ever match (``access.sees_patient``).

    Only the actor's co-op's own bookings (for a clinician: their own
    consultations booked by their co-op). A reference is the co-op's own
    code, meaningless elsewhere, so a search never reaches into another
    co-op even where that co-op's booking shows as "busy".
    """
    B = tb.BookingRow
    clause = col(B.coop) == actor.coop
    if actor.role == m.Role.CLINICIAN:
        clause = clause & (col(B.clinician_id) == actor.clinician_id)
    return clause


def seen_clause(actor: m.Staff, *, own_coop_only: bool = False) -> ColumnElement[bool] | None:
    """SQL condition: the bookings ``actor`` may see (``access.sees_booking``); None: every one.

    ``own_coop_only``: the actor's co-op's bookings only (a clinician: their own agenda anyway).
    """
    B = tb.BookingRow
    if actor.role == m.Role.CLINICIAN:
        return col(B.clinician_id) == actor.clinician_id
    if own_coop_only:
        return col(B.coop) == actor.coop
    if actor.role == m.Role.FEDERATION_ADMIN:
        return None
    visible = select(tb.ResourceRow.id).where(visible_clause(actor.coop))
    return or_(col(B.coop) == actor.coop, col(B.clinician_id).in_(visible), col(B.room_id).in_(visible),
               col(B.interpreter_id).in_(visible))  # issue 14: an interpreter's busy time too


def seen_by(
    session: Session,
    actor: m.Staff,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    statuses: Iterable[str] | None = None,
    conflicts_only: bool = False,
    resource_id: int | None = None,
    patient: str | None = None,
    own_coop_only: bool = False,
    limit: int = 2000,
) -> list[tb.BookingRow]:
    """Bookings ``actor`` may see, by start, filtered: meeting [start, end), in ``statuses``,
    flagged as conflicts, on a resource, with ``patient`` in their reference (any case, the
    actor's co-op's own only)."""
    B = tb.BookingRow
    stmt = select(B).order_by(col(B.start), col(B.id)).limit(limit)
    if start is not None:
        stmt = stmt.where(col(B.end) > start)
    if end is not None:
        stmt = stmt.where(col(B.start) < end)
    if statuses:
        stmt = stmt.where(col(B.status).in_(list(statuses)))
    if conflicts_only:
        stmt = stmt.where(col(B.conflict) != "")
    if resource_id is not None:
        stmt = stmt.where(or_(col(B.clinician_id) == resource_id, col(B.room_id) == resource_id,
                              col(B.interpreter_id) == resource_id))  # issue 14
    if patient is not None:
        stmt = stmt.where(patient_clause(actor)).where(
            sa.func.lower(B.patient).contains(patient.lower(), autoescape=True)
        )
    seen = seen_clause(actor, own_coop_only=own_coop_only)
    if seen is not None:
        stmt = stmt.where(seen)
    return list(session.exec(stmt).all())


def stamps(session: Session, ids: list[int]) -> list[tuple[int, dt.datetime, dt.datetime, str | None]]:
    """(id, created_at, updated_at, the clinician's video link) of bookings ``ids``."""
    B, R = tb.BookingRow, tb.ResourceRow
    stmt = (
        select(col(B.id), col(B.created_at), col(B.updated_at), col(R.video_link))
        .join(R, col(R.id) == col(B.clinician_id))
        .where(col(B.id).in_(ids))
    )
    return [(bid, c, u, link) for bid, c, u, link in session.exec(stmt).all() if bid is not None]


def starting_between(
    session: Session, start: dt.datetime, end: dt.datetime
) -> list[tuple[str, str, int, int | None, dt.datetime, dt.datetime, str]]:
    """(booking co-op, clinician's co-op, clinician, room, start, end, status) of bookings starting in [start, end)."""
    B, R = tb.BookingRow, tb.ResourceRow
    stmt = (
        sa.select(col(B.coop), col(R.coop), col(B.clinician_id), col(B.room_id), col(B.start), col(B.end), col(B.status))
        .join(R, col(R.id) == col(B.clinician_id))
        .where(col(B.start) >= start, col(B.start) < end)
    )
    return list(session.execute(stmt).all())


def of_series(session: Session, series_id: int) -> list[int]:
    """issue 14: the ids of a series' bookings, in occurrence order (cancelled ones included)."""
    B = tb.BookingRow
    stmt = select(col(B.id)).where(col(B.series_id) == series_id).order_by(col(B.series_index))
    return [i for i in session.exec(stmt).all() if i is not None]

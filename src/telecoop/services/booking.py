"""The booking life cycle: book, cancel, reschedule, status; and reading bookings.

Slot search is ``services.search``.

Every write runs in one BEGIN IMMEDIATE transaction that re-checks
availability, writes the change and its audit event; the database's own
overlap trigger is the last guard against a double booking.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from telecoop.domain import access
from telecoop.domain import availability as av
from telecoop.domain import model as m
from telecoop.domain import rules
from telecoop.domain import validate as v
from telecoop.domain.errors import BadInput, InvalidTransition, NotFound, NotPermitted, SlotTaken, StaleBooking
from telecoop.domain.timeutil import day_bounds_utc, format_local, local, parse_instant, utc
from telecoop.domain import teleconsult as tc
from telecoop.services import audit
from telecoop.services import sharing_terms  # issue 13
from telecoop.services import interpreters
from telecoop.services import teleconsult as tcs
from telecoop.services.context import BOOKING_ROLES, Context
from telecoop.services.directory import load_resource
from telecoop.services.search import bookable, check_duration, free_map, search_slots, whole
from telecoop.store import audit as store_audit
from telecoop.store import bookings as store_bookings
from telecoop.store import convert
from telecoop.store import directory as store_directory
from telecoop.store import tables as tb
from telecoop.store.bookings import ACTIVE, MAX_BUFFER
from telecoop.store.bookings import busy as busy_between
from telecoop.store.engine import ReadThenWrite, is_overlap_error, read_session, read_then_write, stamps_query
from telecoop.store.engine import write_session
from telecoop.store.query import Query, run_together
from telecoop.store.schedule import closures as closures_between
from telecoop.store.schedule import kept_closures
from telecoop.store.schedule import weekly_rules

MIN_DURATION, MAX_DURATION = v.MIN_DURATION, v.MAX_DURATION
# ``search_slots`` (and ``MAX_BUFFER``) are re-exported for the callers still
# reaching them here while the other branches of this session land; new code
# imports them from ``services.search`` and ``store.bookings``.
__all__ = ["ACTIVE", "MAX_BUFFER", "search_slots"]


# --------------------------------------------------------------------------- #
# Writes
# --------------------------------------------------------------------------- #


def _check_open(session: Session, res: m.Resource, start: dt.datetime, end: dt.datetime) -> None:
    """Refuse (bad input) unless [start, end) lies in ``res``'s hours, outside closures.

    Checked before the write lock: hours and closures change rarely, and a
    closure added meanwhile would not cancel a booking made a moment earlier
    either, so nothing is gained by holding other writers up for it.
    """
    rules = weekly_rules(session, [res.id])
    closures = closures_between(session, [res.id], {res.coop}, start, end)
    if not whole(free_map([res], rules, closures, {}, start, end).get(res.id), start, end):
        raise BadInput("booking.unavailable", name=res.name)


def _check_not_taken(
    session: Session, res: m.Resource, start: dt.datetime, end: dt.datetime, exclude_id: int | None = None,
    *, now: dt.datetime | None = None, exclude_hold: int | None = None, room: m.Resource | None = None,
    busy: dict[int, list[av.Interval]] | None = None,
) -> None:
    """Refuse (slot taken) when an active booking, widened by the buffer, overlaps [start, end).

    ``room``: the room's time is checked too, in the same query. Runs inside the
    write transaction, atomically with the insert. ``busy``: that query's answer,
    already read in this transaction (``store.bookings.busy_of_booking_query``).
    """
    held = [res] if room is None else [res, room]
    if busy is None:  # (``book`` read it with the writers' turn)
        if now is not None and exclude_id is None and exclude_hold is None and res.kind != m.ResourceKind.ROOM:
            busy = store_bookings.busy_of_booking(session, res.id, room.id if room else None, start, end, now)
        else:
            clinicians = [r.id for r in held if r.kind != m.ResourceKind.ROOM]
            rooms = [r.id for r in held if r.kind == m.ResourceKind.ROOM]
            busy = busy_between(session, clinicians, rooms, start, end, exclude_id, now=now, exclude_hold=exclude_hold)
    for r in held:
        if any(s < end and start < e for s, e in av.widen(busy.get(r.id, []), r.buffer_minutes)):
            raise SlotTaken("booking.taken")


# Resources, their weekly hours and the co-ops' video platforms change rarely, and
# every change to them bumps the directory version (database triggers on coop,
# resource, resource_share and availability). ``book`` keeps what it read of them
# per process, for that version of that database: one query per booking to know
# it is still so, instead of five or six.
@dataclasses.dataclass
class _Known:
    stamp: tuple[str, str]
    resources: dict[int, tuple[m.Resource, list[av.WeeklyRule]]] = dataclasses.field(default_factory=dict)
    coops: dict[str, tuple[str, str]] | None = None  # slug -> (zone, video platform)

    def queries(self, ids: list[int]) -> tuple[bool, list[Query[Any]]]:
        """What ``load`` would read for ``ids``: whether the co-ops are asked for (once), and the queries:
        the co-ops', then the resources' not known yet (with their shares)."""
        missing = [i for i in ids if i not in self.resources]
        wanted: list[Query[Any]] = [] if self.coops is not None else [store_directory.zones_and_platforms_query()]
        return self.coops is None, wanted + (list(store_directory.resources_with_rules_queries(missing)) if missing else [])

    def take(self, coops_asked: bool, read: list[Any]) -> None:
        """Keep what ``queries`` read (its results, in order), asked of this copy or of an older one:
        read after this copy's stamp, it is at least as new."""
        if coops_asked:
            coops, *read = read
            self.coops = self.coops if self.coops is not None else coops
        if read and self.coops is not None:  # (the resources' zones come from the co-ops)
            rows, shares = read
            zones = {slug: tz for slug, (tz, _platform) in self.coops.items()}
            for res, hours in store_directory.WithRules(rows, shares).resources(zones):
                self.resources[res.id] = (res, hours)

    def load(self, session: Session, ids: list[int]) -> None:
        """Read the co-ops and the resources of ``ids`` not known yet (with their weekly hours), in one go."""
        coops_asked, wanted = self.queries(ids)
        if wanted:
            self.take(coops_asked, run_together(session, wanted))

    def resource(self, ctx: Context, resource_id: int) -> m.Resource:
        """``load_resource`` (a resource the user may see, or NotFound), once ``load`` has read it."""
        res = self.resources.get(resource_id, (None, []))[0]
        if res is None or not access.sees_resource(ctx.actor, res):
            raise NotFound("notfound.resource", id=resource_id)
        return res

    def platform(self, coop: str) -> str:
        """The co-op's approved video platform ("" none), once ``load`` has read the co-ops."""
        return (self.coops or {}).get(coop, ("", ""))[1]

    def check_open(self, session: Session, ctx: Context, held: list[m.Resource], start: dt.datetime,
                   end: dt.datetime, closure_version: str) -> None:
        """``_check_open`` for several resources; their closures from those this process keeps
        (``kept_closures``, read again only when ``closure_version`` moved)."""
        closures = kept_closures(session, str(ctx.engine.url), closure_version, [r.id for r in held],
                                 {r.coop for r in held}, start, end)
        for res in held:
            rules = {res.id: self.resources[res.id][1]}
            if not whole(free_map([res], rules, closures, {}, start, end).get(res.id), start, end):
                raise BadInput("booking.unavailable", name=res.name)


_KNOWN: dict[str, _Known] = {}


def _known(ctx: Context, stamp: tuple[str, str]) -> _Known:
    """What this process knows of the directory at ``stamp`` (``store.engine.stamps_query``)."""
    key = str(ctx.engine.url)
    known = _KNOWN.get(key)
    if known is None or known.stamp != stamp:
        known = _KNOWN[key] = _Known(stamp)
    return known


def _resolve_start(start: dt.datetime | str, tz: str) -> dt.datetime:
    if isinstance(start, str):
        return parse_instant(start, tz)
    return utc(start)


def _booking_dict(row: tb.BookingRow) -> dict:
    return {
        "clinician_id": row.clinician_id,
        "room_id": row.room_id,
        "coop": row.coop,
        "start": row.start,
        "end": row.end,
        "status": row.status,
        "mode": row.mode,
        "patient": row.patient,
        "reason": row.reason,
        "cancel_reason": row.cancel_reason or None,
        **tcs.audit_fields(row),  # issue 14 (never the private link)
    }


def book(
    ctx: Context,
    *,
    clinician_id: int,
    start: dt.datetime | str,
    duration: int | None = None,
    patient: str,
    reason: str = "",
    mode: str = "video",
    room_id: int | None = None,
    any_room: bool = False,
    patient_location: str | None = None,
    patient_site: str = "",
    consent: bool = False,
    interpreter_id: int | None = None,
    any_interpreter: bool = False,
    interpreter_language: str | None = None,
) -> m.Booking:
    """Book a clinician (and a room) for the user's co-op, atomically.

    Raises SlotTaken (with the next free slots) when another booking holds the
    time, BadInput on malformed input, NotPermitted/NotFound otherwise.
    issue 14: a video or phone visit needs ``consent`` and a clinician
    licensed where the patient is (``patient_location``, QC by default).
    """
    ctx.require(*BOOKING_ROLES)
    duration = ctx.settings.default_duration if duration is None else duration
    check_duration(duration)
    patient = v.patient(patient)
    reason = v.optional_text(reason, "reason", rules.REASON_MAX)
    mode_value = tc.parse_mode(mode)  # issue 14: "room" reads as in-person
    # Resources, permissions, hours and closures are read before the writers'
    # turn, in one read transaction: the turn is held only for what must be
    # atomic with the insert (the resources' own time, the partner's terms and
    # quota) and the insert with its audit event. (A closure or an hours change
    # committed meanwhile would not undo a booking made a moment earlier either.)
    # One connection for both (one pool check-out: on PostgreSQL, one liveness ping).
    with read_then_write(ctx.engine) as rw:
        return _book(ctx, rw, clinician_id, start, duration, patient, reason, mode_value, room_id, any_room,
                     patient_location, patient_site, consent, interpreter_id, any_interpreter, interpreter_language)


def _book(ctx: Context, rw: ReadThenWrite, clinician_id: int, start: dt.datetime | str, duration: int, patient: str,
          reason: str, mode_value: m.Mode, room_id: int | None, any_room: bool, patient_location: str | None,
          patient_site: str, consent: bool, interpreter_id: int | None, any_interpreter: bool,
          interpreter_language: str | None) -> m.Booking:
    # No common snapshot needed (PostgreSQL: READ COMMITTED, one round trip less): the stamp is
    # read first, so what is read after it is at least as new, and a newer directory bumps the stamp,
    # which the next booking sees and reads again; closures come from the per-process copy, checked
    # against the closure version read with the stamp.
    ids = [i for i in (clinician_id, room_id, interpreter_id) if i is not None]
    with rw.read(snapshot=False) as s:
        # The stamp, and what this process does not know yet of these resources as of the stamp it
        # last read, together (PostgreSQL: one round trip); only if the directory moved meanwhile is
        # anything still missing read after.
        guess = _KNOWN.get(str(ctx.engine.url)) or _Known(("", ""))
        coops_asked, wanted = guess.queries(ids)
        (stamp, closure_version), *read = run_together(s, [stamps_query(), *wanted])
        known = _known(ctx, stamp)
        known.take(coops_asked, read)
        known.load(s, ids)
        clinician = known.resource(ctx, clinician_id)
        named_room = known.resource(ctx, room_id) if room_id is not None else None
        named_interpreter = known.resource(ctx, interpreter_id) if interpreter_id is not None else None
        if clinician.kind != m.ResourceKind.CLINICIAN:
            raise BadInput("field.not_clinician", value=clinician_id)
        interpreter_language = interpreters.language(interpreter_language)  # issue 14
        if named_interpreter is not None:
            interpreters.check_named(named_interpreter, interpreter_language, clinician)
        if named_room is not None and named_room.kind != m.ResourceKind.ROOM:
            raise BadInput("field.not_room", value=room_id)
        begin = _resolve_start(start, clinician.tz)
        end = begin + dt.timedelta(minutes=duration)
        _check_not_past(ctx, begin)
        platform = known.platform(ctx.coop) if mode_value == m.Mode.VIDEO else None
        record = tcs.visit_record(ctx, mode_value, clinician, patient_location, patient_site, consent,
                                  platform=platform)  # issue 14
        named = [r for r in (clinician, named_room, named_interpreter) if r is not None]
        known.check_open(s, ctx, named, begin, end, closure_version)
    # PostgreSQL: a booking of named resources waits only for writes touching them (engine._pg_turn_statements);
    # "any room" / "any interpreter" choose among all, so they take the whole turn.
    turn = None if any_room or any_interpreter else tuple(r.id for r in named)
    # What the turn must read first goes with it (on PostgreSQL, one round trip for the lock and both reads:
    # the server runs them in order, so the reads see every booking committed before the lock was granted).
    # ``now`` is when the turn was asked for: a hold that expires during the wait still counts (stricter).
    now = ctx.now()
    first = (sharing_terms.partner_terms_query([clinician, named_room], ctx.coop),  # issue 13
             store_bookings.busy_of_booking_query(clinician.id, named_room.id if named_room else None, begin, end, now))
    try:
        with _overlap_refused(), rw.turn(resources=turn, first=first) as t:
            s = t.session
            terms, busy = t.first[0] or {}, t.first[1]
            sharing_terms.check_terms(s, ctx, clinician, begin, terms=terms.get(clinician.id))
            _check_not_taken(s, clinician, begin, end, now=now, room=named_room, busy=busy)
            room = named_room if named_room is not None else _pick_room(s, ctx, begin, end, None, any_room, now=now)
            sharing_terms.check_quota(s, ctx, clinician, begin, end, coop=ctx.coop, terms=terms.get(clinician.id))
            sharing_terms.check_quota(s, ctx, room, begin, end, coop=ctx.coop,
                                      terms=terms.get(room.id) if room is not None else None)
            # issue 14: clinician, room and interpreter in this one transaction: all or nothing
            interpreter = interpreters.pick(s, ctx, clinician, named_interpreter, any_interpreter,
                                            interpreter_language, begin, end)
            if interpreter is not None:
                record = {**record, "interpreter_id": interpreter.id}
            values: dict[str, Any] = dict(
                clinician_id=clinician.id,
                room_id=room.id if room else None,
                coop=ctx.coop,
                booked_by=ctx.actor.login,
                start=begin,
                end=end,
                patient=patient,
                reason=reason,
                mode=mode_value.value,
                status=m.BookingStatus.BOOKED.value,
                cancel_reason="",
                created_at=now,
                updated_at=now,
                **record,
            )
            row = tb.BookingRow(**values)
            event = audit.event_values(ctx, "booking.book", "booking", coop=ctx.coop, after=_booking_dict(row))
            store_bookings.add_with_audit(t, values, event)  # last: on PostgreSQL it goes with the COMMIT
        row.id = t.result
    except SlotTaken as exc:
        exc.alternatives = _alternatives(ctx, clinician, begin, duration, room_id, any_room)
        raise
    names = {clinician.id: (clinician.name, clinician.coop, clinician.tz, clinician.video_link or "")}
    if room is not None:
        names[room.id] = (room.name, room.coop, room.tz, "")
    if interpreter is not None:
        names[interpreter.id] = (interpreter.name, interpreter.coop, interpreter.tz, "")
    return _to_booking(ctx, row, names)


@contextlib.contextmanager
def _stale_said(ctx: Context, booking_id: int):
    """A StaleBooking leaves with the booking as it is now (read after the refused transaction)."""
    try:
        yield
    except StaleBooking as exc:
        try:
            exc.current = get_booking(ctx, booking_id)
        except NotFound:
            exc.current = None
        raise


@contextlib.contextmanager
def _overlap_refused():
    """The database's overlap trigger fired: someone else won the race (exit 1, not a crash)."""
    try:
        yield
    except IntegrityError as exc:
        if is_overlap_error(exc):
            raise SlotTaken("booking.taken") from None
        raise


def _pick_room(
    session: Session, ctx: Context, start: dt.datetime, end: dt.datetime, room: m.Resource | None, any_room: bool,
    *, now: dt.datetime | None = None, exclude_hold: int | None = None,
) -> m.Resource | None:
    if room is not None:  # its hours were checked before the lock
        _check_not_taken(session, room, start, end, now=now, exclude_hold=exclude_hold)
        return room
    if not any_room:
        return None
    # Every room at once, in a fixed number of queries (not three per room).
    rooms, rules = bookable(session, ctx, kind=m.ResourceKind.ROOM, ids=None)
    rooms = sorted(rooms, key=lambda r: (r.coop != ctx.coop, r.id))
    ids = [r.id for r in rooms]
    closures = closures_between(session, ids, {r.coop for r in rooms}, start, end)
    busy = busy_between(session, [], ids, start, end, now=now, exclude_hold=exclude_hold)
    free = free_map(rooms, rules, closures, busy, start, end)
    for candidate in rooms:
        if whole(free.get(candidate.id), start, end):
            return candidate
    raise SlotTaken("booking.no_room")


def _alternatives(
    ctx: Context, clinician: m.Resource, start: dt.datetime, duration: int, room_id: int | None, any_room: bool
) -> list[m.Slot]:
    """The next free slots for the same search, any clinician, from the same day (issue 10).

    The same search is the taken clinician's specialty (the clinician alone
    when it has none), with the same room or any room as asked. "From the
    same day" is the start of the taken slot's day in the user's zone (never
    before now): a patient who wanted Tuesday is best offered Tuesday's
    other times first, not Wednesday's.
    """
    day = local(start, ctx.actor_tz).date()
    since = max(day_bounds_utc(day, ctx.actor_tz)[0], ctx.now())
    criteria: dict = {"specialty": clinician.specialty} if clinician.specialty else {"clinician_id": clinician.id}
    try:
        return search_slots(
            ctx, start=since, days=14, duration=duration, limit=5,
            with_room=any_room or room_id is not None, room_id=room_id, **criteria,
        )
    except Exception:  # noqa: BLE001 - alternatives are a courtesy; the refusal stands
        return []


def _check_not_past(ctx: Context, start: dt.datetime) -> None:
    now = ctx.now()
    if start < now:
        raise BadInput("booking.past")
    notice = ctx.settings.min_notice_minutes
    if notice and start < now + dt.timedelta(minutes=notice):
        raise BadInput("booking.notice", minutes=notice)


def _load_for_change(session: Session, ctx: Context, booking_id: int) -> tb.BookingRow:
    row = session.get(tb.BookingRow, booking_id)
    if row is None:
        raise NotFound("notfound.booking", id=booking_id)
    if not access.may_change_booking(ctx.actor, row.coop, row.clinician_id):
        if _may_see(session, ctx, row):
            raise NotPermitted("perm.other_coop")
        raise NotFound("notfound.booking", id=booking_id)
    return row


def _check_as_seen(row: tb.BookingRow, seen: m.Booking | None) -> None:
    """Refuse a change to a booking that is no longer what the user saw when they chose it.

    Issue 10: a dialog stays open while a person thinks; meanwhile another
    receptionist may move or cancel the booking. Checked inside the write
    transaction, so confirming never acts on a booking the user did not see.
    """
    if seen is None:
        return
    now = (row.start, row.end, row.status, row.clinician_id, row.room_id)
    then = (seen.start, seen.end, m.BookingStatus(seen.status).value, seen.clinician_id, seen.room_id)
    if now != then:
        raise StaleBooking("booking.changed", id=row.id)


def cancel(ctx: Context, booking_id: int, *, reason: str, seen: m.Booking | None = None) -> m.Booking:
    """Cancel an active booking of the user's co-op; a reason is required.

    ``seen``: the booking as the user saw it; StaleBooking if it changed since.
    """
    ctx.require(*BOOKING_ROLES)
    reason = v.name(reason, "reason", rules.REASON_MAX)
    with _stale_said(ctx, booking_id), write_session(ctx.engine) as s:
        row = _load_for_change(s, ctx, booking_id)
        _check_as_seen(row, seen)
        if row.status != m.BookingStatus.BOOKED.value:
            raise InvalidTransition(
                "booking.transition", id=booking_id, old=row.status, new=m.BookingStatus.CANCELLED.value
            )
        before = _booking_dict(row)
        row.status = m.BookingStatus.CANCELLED.value
        row.cancel_reason = reason
        row.conflict = ""  # the patient was dealt with
        row.updated_at = ctx.now()
        s.add(row)
        audit.record(s, ctx, "booking.cancel", "booking", row.id, coop=row.coop, before=before, after=_booking_dict(row))
        _freed(s, ctx, row.clinician_id, row.start, row.end)  # issue 13: the waitlist's turn
    return get_booking(ctx, booking_id)


def reschedule(
    ctx: Context,
    booking_id: int,
    *,
    start: dt.datetime | str,
    clinician_id: int | None = None,
    room_id: int | None = None,
    seen: m.Booking | None = None,
) -> m.Booking:
    """Move a booked booking to a new start, same id, same duration.

    Same clinician and room unless ``clinician_id`` / ``room_id`` name others
    (issue 10: a move may go to another clinician of the same specialty, or
    another room); a booking without a room stays without one.
    """
    ctx.require(*BOOKING_ROLES)
    with read_session(ctx.engine) as s:
        row = _load_for_change(s, ctx, booking_id)
        clinician = load_resource(s, ctx, row.clinician_id if clinician_id is None else clinician_id)
        if clinician.kind != m.ResourceKind.CLINICIAN:
            raise BadInput("field.not_clinician", value=clinician.id)
        if room_id is not None and row.room_id is None:
            raise BadInput("booking.no_room_to_move")
        room_id = row.room_id if room_id is None else room_id
        room = load_resource(s, ctx, room_id) if room_id is not None else None
        if room is not None and room.kind != m.ResourceKind.ROOM:
            raise BadInput("field.not_room", value=room.id)
        duration = int((row.end - row.start).total_seconds() // 60)
        begin = _resolve_start(start, clinician.tz)
        end = begin + dt.timedelta(minutes=duration)
        _check_not_past(ctx, begin)
        _check_open(s, clinician, begin, end)
        if room is not None:
            _check_open(s, room, begin, end)
        sharing_terms.check_terms(s, ctx, clinician, begin)  # issue 13
        # issue 14: the interpreter moves with the visit
        interpreter = load_resource(s, ctx, row.interpreter_id) if row.interpreter_id is not None else None
        if interpreter is not None:
            _check_open(s, interpreter, begin, end)
    try:
        with _stale_said(ctx, booking_id), _overlap_refused(), write_session(ctx.engine) as s:
            row = _load_for_change(s, ctx, booking_id)
            _check_as_seen(row, seen)
            if row.status != m.BookingStatus.BOOKED.value:
                raise InvalidTransition("booking.not_active", id=booking_id)
            _check_not_taken(s, clinician, begin, end, exclude_id=row.id, now=ctx.now())
            if room is not None:
                _check_not_taken(s, room, begin, end, exclude_id=row.id, now=ctx.now())
            if interpreter is not None:
                interpreters.check_free(s, interpreter, begin, end, exclude_id=row.id)
            sharing_terms.check_quota(s, ctx, clinician, begin, end, coop=row.coop, exclude_booking=row.id)  # issue 13
            before = _booking_dict(row)
            freed = (row.clinician_id, row.start, row.end)  # issue 13
            row.start, row.end, row.updated_at = begin, end, ctx.now()
            row.clinician_id, row.room_id = clinician.id, room_id
            row.conflict = ""  # moved to a time that is open (checked above)
            s.add(row)
            s.flush()
            audit.record(s, ctx, "booking.reschedule", "booking", row.id, coop=row.coop, before=before, after=_booking_dict(row))
            _freed(s, ctx, *freed)
    except SlotTaken as exc:
        exc.alternatives = _alternatives(ctx, clinician, begin, duration, room_id, False)
        raise
    return get_booking(ctx, booking_id)


def _freed(s: Session, ctx: Context, clinician_id: int, start: dt.datetime, end: dt.datetime) -> None:
    """issue 13: time a booking let go of is offered to the waitlist, in the same transaction."""
    from telecoop.services import waitlist

    s.flush()
    waitlist.slot_freed(s, ctx, clinician_id, start, end)


STATUS_WORDS = {
    "checked-in": m.BookingStatus.CHECKED_IN,
    "completed": m.BookingStatus.COMPLETED,
    "no-show": m.BookingStatus.NO_SHOW,
}


def check_status_change(
    ctx: Context,
    booking_id: int,
    old: m.BookingStatus,
    new: m.BookingStatus,
    mode: m.Mode,
    start: dt.datetime,
    end: dt.datetime,
) -> None:
    """Refuse a status change the life cycle or the clock does not allow now (``domain.model.status_refusal``).

    The refusal says from when (or until when) it is possible, in the user's zone.
    """
    why = m.status_refusal(old, new, mode, start, end, ctx.now())
    if why is None:
        return
    if why == m.StatusRefusal.TRANSITION:
        raise InvalidTransition("booking.transition", id=booking_id, old=old.value, new=new.value)
    opens, closes = m.status_window(new, start, end)
    if why == m.StatusRefusal.TOO_EARLY:
        assert opens is not None
        raise InvalidTransition("booking.too_early", id=booking_id, new=new.value, when=format_local(opens, ctx.actor_tz))
    assert closes is not None
    raise InvalidTransition("booking.too_late", id=booking_id, new=new.value, when=format_local(closes, ctx.actor_tz))


def set_status(
    ctx: Context, booking_id: int, status: str | m.BookingStatus, *, seen: m.Booking | None = None
) -> m.Booking:
    """checked-in, completed or no-show, following the life cycle and the clock (DESIGN section 2).

    Clinicians may mark their own consultations completed or no-show; a video
    or phone visit may be completed from ``booked`` once it has started.
    """
    if isinstance(status, str) and status in STATUS_WORDS:
        new = STATUS_WORDS[status]
    else:
        new = m.BookingStatus(v.choice(str(status), "status", [*STATUS_WORDS, *[s.value for s in m.BookingStatus]]))
    if new == m.BookingStatus.CANCELLED:
        raise BadInput("field.choice", value=new.value, field="status", choices=", ".join(STATUS_WORDS))
    if ctx.role == m.Role.CLINICIAN:
        if new == m.BookingStatus.CHECKED_IN:
            raise NotPermitted("perm.denied")
    else:
        ctx.require(*BOOKING_ROLES)
    with _stale_said(ctx, booking_id), write_session(ctx.engine) as s:
        row = _load_for_change(s, ctx, booking_id)
        _check_as_seen(row, seen)
        old = m.BookingStatus(row.status)
        check_status_change(ctx, booking_id, old, new, m.Mode(row.mode), row.start, row.end)
        before = _booking_dict(row)
        row.status = new.value
        row.updated_at = ctx.now()
        s.add(row)
        audit.record(s, ctx, f"booking.{new.value}", "booking", row.id, coop=row.coop, before=before, after=_booking_dict(row))
    return get_booking(ctx, booking_id)


# --------------------------------------------------------------------------- #
# Reading bookings
# --------------------------------------------------------------------------- #


def _may_see(session: Session, ctx: Context, row: tb.BookingRow) -> bool:
    """``domain.access.sees_booking``, the booking's clinician and room read only when needed."""

    def held() -> Iterable[m.Resource | None]:
        for rid in (row.clinician_id, row.room_id, row.interpreter_id):  # issue 14: an interpreter too
            if rid is not None:
                yield store_directory.resource(session, rid)

    return access.sees_booking(ctx.actor, row.coop, row.clinician_id, held())


def _to_booking(ctx: Context, row: tb.BookingRow, names: dict[int, tuple[str, str, str, str]]) -> m.Booking:
    c_name, c_coop, c_tz, c_link = names.get(row.clinician_id, ("?", "", "UTC", ""))
    # Patient data is the booking co-op's (Law 25); the clinician giving the
    # consultation needs it too.
    own = access.sees_patient(ctx.actor, row.coop, row.clinician_id)
    return m.Booking(
        id=convert.key(row.id),
        clinician_id=row.clinician_id,
        room_id=row.room_id,
        coop=row.coop,
        start=row.start,
        end=row.end,
        status=m.BookingStatus(row.status),
        mode=m.Mode(row.mode),
        clinician=c_name,
        room=names[row.room_id][0] if row.room_id in names else None,
        clinician_coop=c_coop,
        clinician_tz=c_tz,
        booked_by=row.booked_by if own else None,
        patient=row.patient if own else None,
        reason=row.reason if own else None,
        cancel_reason=(row.cancel_reason or None) if own else None,
        masked=not own,
        conflict=row.conflict,
        # The visit's link: only to those who see the patient (booking co-op, clinician).
        video_link=tcs.link_for(row, c_link) if own else None,
        **tcs.record_shown(row, own, names),  # issue 14: location, consent, interpreter, series
    )


def get_booking(ctx: Context, booking_id: int) -> m.Booking:
    with read_session(ctx.engine) as s:
        row = s.get(tb.BookingRow, booking_id)
        if row is None or not _may_see(s, ctx, row):
            raise NotFound("notfound.booking", id=booking_id)
        held = {row.clinician_id} | ({row.room_id} if row.room_id is not None else set())
        held |= {row.interpreter_id} if row.interpreter_id is not None else set()  # issue 14
        return _to_booking(ctx, row, store_bookings.names(s, held))


def list_bookings(
    ctx: Context,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    from_date: dt.date | None = None,
    to_date: dt.date | None = None,
    resource_id: int | None = None,
    own_coop_only: bool = False,
    statuses: Iterable[str] | None = None,
    conflicts_only: bool = False,
    patient: str | None = None,
    limit: int = 2000,
) -> list[m.Booking]:
    """Bookings this user may see, by start.

    Own co-op's bookings in full; other co-ops' bookings on resources shared
    with the user's co-op as "busy" (no patient, no reason). A clinician sees
    their own agenda. Dates are local days in the user's zone, ``to_date``
    inclusive. ``patient``: only bookings whose patient reference contains
    it (any case), among the co-op's own (``access.sees_patient``; ``store.bookings.patient_clause``).

    ``conflicts_only``: the active bookings a forced closure or withdrawal left
    standing, of the user's own co-op (its patients to call), or of every
    co-op for a federation admin.
    """
    if conflicts_only:
        statuses = ACTIVE
        own_coop_only = own_coop_only or not ctx.is_federation_admin
    if patient is not None:
        patient = v.name(patient, "patient", m.PATIENT_MAX)
    if from_date is not None:
        start = day_bounds_utc(from_date, ctx.actor_tz)[0]
    if to_date is not None:
        end = day_bounds_utc(to_date, ctx.actor_tz)[1]
    if start is not None and end is not None and end <= start:
        raise BadInput("field.end_before_start")
    with read_session(ctx.engine) as s:
        rows = store_bookings.seen_by(
            s, ctx.actor, start=start, end=end, statuses=statuses, conflicts_only=conflicts_only,
            resource_id=resource_id, patient=patient, own_coop_only=own_coop_only, limit=limit,
        )
        ids = {r.clinician_id for r in rows} | {r.room_id for r in rows if r.room_id is not None}
        ids |= {r.interpreter_id for r in rows if r.interpreter_id is not None}  # issue 14
        names = store_bookings.names(s, ids)
        return [_to_booking(ctx, r, names) for r in rows]


def booking_details(ctx: Context, booking_id: int) -> m.BookingDetails:
    """One booking as the details panel shows it (issue 10).

    Who sees what follows ``access.sees_patient``: the video link and the
    history (who booked, moved, changed it) are the booking co-op's and the
    clinician's; others get the busy booking with its public facts.
    """
    with read_session(ctx.engine) as s:
        row = s.get(tb.BookingRow, booking_id)
        if row is None or not _may_see(s, ctx, row):
            raise NotFound("notfound.booking", id=booking_id)
        ids = {row.clinician_id} | ({row.room_id} if row.room_id is not None else set())
        extra = {row.interpreter_id} if row.interpreter_id is not None else set()  # issue 14
        booking = _to_booking(ctx, row, store_bookings.names(s, ids | extra))
        res = {r.id: r for r in store_directory.resources_by_ids(s, ids)}
        clinician = res[row.clinician_id]
        room = res.get(row.room_id) if row.room_id is not None else None
        coops = {c.slug: convert.coop(c) for c in store_directory.coop_rows(s)}
        own = access.sees_patient(ctx.actor, row.coop, row.clinician_id)
        history: list[m.BookingEvent] = []
        if own:
            for e in store_audit.history(s, "booking", str(booking_id)):
                after = audit.decode(e.after)
                start = parse_instant(after["start"], "UTC") if after and after.get("start") else None
                history.append(m.BookingEvent(at=e.at, actor=e.actor, action=e.action, start=start))
        return m.BookingDetails(
            booking=booking,
            clinician=clinician,
            clinician_coop=coops[clinician.coop],
            booking_coop=coops[row.coop],
            room=room,
            room_coop=coops[room.coop] if room is not None else None,
            video_link=tcs.link_for(row, clinician.video_link) if own else None,
            history=tuple(history),
        )


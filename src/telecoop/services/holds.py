"""issue 13: holds — a slot kept for one co-op for a few minutes, then booked, released or lapsed.

Opening the app's booking form (or ``telecoop hold``) places a hold; while
it is live (held and not expired) the slot is busy for every other search
and booking, and the database refuses anything over it. Confirming turns it
into the booking, in one write transaction; closing the form releases it;
a dropped link leaves it to expire by itself: expiry is a time, never a job
that must run. A waitlist offer is a hold too (``entry_id`` set), made by
``services.waitlist``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from telecoop.domain import capacity as cap
from telecoop.domain import model as m
from telecoop.domain import teleconsult as tc
from telecoop.domain import validate as v
from telecoop.domain.errors import BadInput, InvalidTransition, NotFound, NotPermitted, SlotTaken, TeleCoopError
from telecoop.services import audit, sharing_terms
from telecoop.services import booking as bk
from telecoop.services import teleconsult as tcs
from telecoop.services.context import BOOKING_ROLES, Context
from telecoop.services.directory import load_resource
from telecoop.store import bookings as store_bookings
from telecoop.store import capacity as store
from telecoop.store import tables as tb
from telecoop.store.engine import read_session, write_session

MAX_HOLD_MINUTES = 120


class HoldExpired(TeleCoopError):
    """The hold ran out before it was confirmed: the slot may be someone else's now (exit 1)."""


def coop_settings(session: Session, coop: str) -> tuple[int, int]:
    """(hold minutes, offer minutes) of ``coop``: its own settings, else 10 and 30."""
    row = session.get(tb.CoopCapacityRow, coop)
    return (row.hold_minutes, row.offer_minutes) if row else (10, 30)


def hold_minutes_value(value: str | int) -> int:
    """issue 13: a co-op's hold minutes (set_settings and the CSV import)."""
    return v.integer(value, "hold_minutes", 1, MAX_HOLD_MINUTES)


def offer_minutes_value(value: str | int) -> int:
    """issue 13: a co-op's waitlist offer minutes (set_settings and the CSV import)."""
    return v.integer(value, "offer_minutes", 1, 24 * 60)


def set_settings(ctx: Context, *, hold_minutes: int | None = None, offer_minutes: int | None = None) -> tuple[int, int]:
    """The user's co-op's hold and offer minutes (its coop_admin only); the new pair."""
    if ctx.role != m.Role.COOP_ADMIN:
        raise NotPermitted("perm.denied")
    if hold_minutes is not None:
        hold_minutes = hold_minutes_value(hold_minutes)
    if offer_minutes is not None:
        offer_minutes = offer_minutes_value(offer_minutes)
    with write_session(ctx.engine) as s:
        row = s.get(tb.CoopCapacityRow, ctx.coop)
        before = None if row is None else {"hold_minutes": row.hold_minutes, "offer_minutes": row.offer_minutes}
        row = row or tb.CoopCapacityRow(coop=ctx.coop)
        if hold_minutes is not None:
            row.hold_minutes = hold_minutes
        if offer_minutes is not None:
            row.offer_minutes = offer_minutes
        s.add(row)
        after = {"hold_minutes": row.hold_minutes, "offer_minutes": row.offer_minutes}
        audit.record(s, ctx, "coop.capacity", "coop", ctx.coop, coop=ctx.coop, before=before, after=after)
        return row.hold_minutes, row.offer_minutes


def to_hold(row: tb.HoldRow) -> cap.Hold:
    return cap.Hold(
        id=row.id or 0, clinician_id=row.clinician_id, room_id=row.room_id, coop=row.coop, held_by=row.held_by,
        start=row.start, end=row.end, expires=row.expires, status=cap.HoldStatus(row.status),
        booking_id=row.booking_id, entry_id=row.entry_id,
    )


def _hold_dict(row: tb.HoldRow) -> dict:
    return {"clinician_id": row.clinician_id, "room_id": row.room_id, "coop": row.coop, "start": row.start,
            "end": row.end, "expires": row.expires, "status": row.status, "entry_id": row.entry_id}


def place(
    ctx: Context,
    *,
    clinician_id: int,
    start: dt.datetime | str,
    duration: int | None = None,
    room_id: int | None = None,
    any_room: bool = False,
    minutes: int | None = None,
) -> cap.Hold:
    """Keep a slot for the user's co-op for ``minutes`` (default: the co-op's setting).

    The same checks as a booking (hours, closures, notice, the owner's
    sharing terms and the partner's quota), in one write transaction.
    Raises SlotTaken (with the next free slots) when the time is busy.
    """
    ctx.require(*BOOKING_ROLES)
    duration = ctx.settings.default_duration if duration is None else duration
    v.duration(duration)
    if minutes is not None:
        minutes = v.integer(minutes, "minutes", 1, MAX_HOLD_MINUTES)
    with read_session(ctx.engine) as s:
        clinician = load_resource(s, ctx, clinician_id)
        named_room = load_resource(s, ctx, room_id) if room_id is not None else None
        if minutes is None:
            minutes = coop_settings(s, ctx.coop)[0]
    if clinician.kind != m.ResourceKind.CLINICIAN:
        raise BadInput("field.not_clinician", value=clinician_id)
    if named_room is not None and named_room.kind != m.ResourceKind.ROOM:
        raise BadInput("field.not_room", value=room_id)
    begin = bk._resolve_start(start, clinician.tz)
    end = begin + dt.timedelta(minutes=duration)
    bk._check_not_past(ctx, begin)
    with read_session(ctx.engine) as s:
        bk._check_open(s, clinician, begin, end)
        if named_room is not None:
            bk._check_open(s, named_room, begin, end)
        sharing_terms.check_terms(s, ctx, clinician, begin)
    try:
        with bk._overlap_refused(), write_session(ctx.engine) as s:
            row = _insert_hold(s, ctx, clinician, begin, end, named_room, any_room, minutes, coop=ctx.coop)
    except SlotTaken as exc:
        exc.alternatives = bk._alternatives(ctx, clinician, begin, duration, room_id, any_room)
        raise
    return to_hold(row)


def _insert_hold(
    s: Session, ctx: Context, clinician: m.Resource, begin: dt.datetime, end: dt.datetime,
    named_room: m.Resource | None, any_room: bool, minutes: int, *, coop: str, entry_id: int | None = None,
) -> tb.HoldRow:
    """Inside a write transaction: check the time is free and within quota, insert the hold, audit it."""
    now = ctx.now()
    store.lapse_expired(s, clinician.id, named_room.id if named_room else None, begin, end, now)
    bk._check_not_taken(s, clinician, begin, end, now=now)
    room = bk._pick_room(s, ctx, begin, end, named_room, any_room, now=now)
    if room is not None:
        store.lapse_expired(s, clinician.id, room.id, begin, end, now)
    sharing_terms.check_quota(s, ctx, clinician, begin, end, coop=coop)
    sharing_terms.check_quota(s, ctx, room, begin, end, coop=coop)  # a partner's room may have terms too
    values: dict[str, Any] = dict(
        clinician_id=clinician.id, room_id=room.id if room else None, coop=coop, held_by=ctx.actor.login,
        start=begin, end=end, expires=now + dt.timedelta(minutes=minutes), status=cap.HoldStatus.HELD.value,
        booking_id=None, entry_id=entry_id, created_at=now, updated_at=now,
    )
    row = tb.HoldRow(id=store.insert_hold(s, values), **values)
    audit.record(s, ctx, "hold.place", "hold", row.id, coop=coop, after=_hold_dict(row))
    return row


def _own_hold(s: Session, ctx: Context, hold_id: int) -> tb.HoldRow:
    """The hold, if it is the user's co-op's (anyone else's is "not found": it says nothing about them)."""
    row = s.get(tb.HoldRow, hold_id)
    if row is None or row.coop != ctx.coop:
        raise NotFound("notfound.hold", id=hold_id)
    return row


def _refuse_unless_live(ctx: Context, row: tb.HoldRow) -> None:
    if row.status == cap.HoldStatus.BOOKED:
        raise InvalidTransition("hold.booked", id=row.id, booking=row.booking_id)
    if row.status == cap.HoldStatus.RELEASED:
        raise InvalidTransition("hold.released", id=row.id)
    if not cap.is_live(row.status, row.expires, ctx.now()):
        raise HoldExpired("hold.expired", id=row.id)


def get_hold(ctx: Context, hold_id: int) -> cap.Hold:
    ctx.require(*BOOKING_ROLES)
    with read_session(ctx.engine) as s:
        return to_hold(_own_hold(s, ctx, hold_id))


def release(ctx: Context, hold_id: int) -> cap.Hold:
    """Give the slot back now (the form was closed). A hold already lapsed is said so (exit 1)."""
    ctx.require(*BOOKING_ROLES)
    with write_session(ctx.engine) as s:
        row = _own_hold(s, ctx, hold_id)
        _refuse_unless_live(ctx, row)
        before = _hold_dict(row)
        row.status, row.updated_at = cap.HoldStatus.RELEASED.value, ctx.now()
        s.add(row)
        s.flush()
        audit.record(s, ctx, "hold.release", "hold", row.id, coop=row.coop, before=before, after=_hold_dict(row))
        if row.entry_id is not None:  # a declined offer: the entry waits again, the next one is offered
            from telecoop.services import waitlist

            waitlist.offer_declined(s, ctx, row)
        return to_hold(row)


def confirm(
    ctx: Context,
    hold_id: int,
    *,
    patient: str,
    reason: str = "",
    mode: str = "video",
    patient_location: str | None = None,
    patient_site: str = "",
    consent: bool = False,
) -> m.Booking:
    """Turn the user's co-op's live hold into its booking, atomically; same clinician, room and time.

    HoldExpired (exit 1, "hold expired") when it ran out first, even if
    nobody took the slot meanwhile: the user was told until when it was kept.
    """
    ctx.require(*BOOKING_ROLES)
    patient = v.patient(patient)
    reason = v.optional_text(reason, "reason", 200)
    mode_value = tc.parse_mode(mode)  # issue 14: "room" reads as in-person
    with read_session(ctx.engine) as s:
        held = _own_hold(s, ctx, hold_id)
        clinician = load_resource(s, ctx, held.clinician_id)
    # issue 14: the same visit record and refusals (consent, licences) as a plain booking
    record = tcs.visit_record(ctx, mode_value, clinician, patient_location, patient_site, consent)
    with bk._overlap_refused(), write_session(ctx.engine) as s:
        row = _own_hold(s, ctx, hold_id)
        _refuse_unless_live(ctx, row)
        now = ctx.now()
        before = _hold_dict(row)
        # The hold stops counting before the booking that replaces it is written
        # (the database's guard would see our own hold otherwise).
        row.status, row.updated_at = cap.HoldStatus.BOOKED.value, now
        s.add(row)
        s.flush()
        values: dict[str, Any] = dict(
            clinician_id=row.clinician_id, room_id=row.room_id, coop=row.coop, booked_by=ctx.actor.login,
            start=row.start, end=row.end, patient=patient, reason=reason, mode=mode_value.value,
            status=m.BookingStatus.BOOKED.value, cancel_reason="", created_at=now, updated_at=now,
            **record,
        )
        booking = tb.BookingRow(id=store_bookings.insert(s, values), **values)
        row.booking_id = booking.id
        s.add(row)
        s.flush()
        audit.record(s, ctx, "hold.confirm", "hold", row.id, coop=row.coop, before=before, after=_hold_dict(row))
        audit.record(s, ctx, "booking.book", "booking", booking.id, coop=row.coop, after=bk._booking_dict(booking))
        if row.entry_id is not None:
            from telecoop.services import waitlist

            waitlist.offer_accepted(s, ctx, row, booking.id or 0)
        names = store_bookings.names(s, {row.clinician_id} | ({row.room_id} if row.room_id else set()))
    return bk._to_booking(ctx, booking, names)


def live_holds(ctx: Context) -> list[cap.Hold]:
    """The user's co-op's live holds and offers, soonest expiry first."""
    ctx.require(*BOOKING_ROLES)
    with read_session(ctx.engine) as s:
        return [to_hold(r) for r in store.live_holds(s, ctx.coop, ctx.now())]

"""issue 13: the waitlist — a cancellation becomes a timed offer to the first patient who fits.

An entry is a co-op's patient waiting for a clinician of a specialty
(language, providing co-ops, days). When a booked slot frees (cancelled, or
moved away), the first matching entry — highest priority, then oldest — is
offered it: a hold for its co-op (the co-op's offer minutes, 30 by default),
written in the same transaction as the cancellation, so every open app sees
it at its next change check. Accepted, the offer becomes the booking (the
entry's patient); declined or lapsed, the next entry is offered the same
slot. Expiry is a time: a lapsed offer is passed on by the next waitlist
call, cancellation, or the app's own timer at its expiry (``advance``),
never by a background job.

Patient references of entries and offers are their own co-op's alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from telecoop.domain import access
from telecoop.domain import capacity as cap
from telecoop.domain import model as m
from telecoop.domain import validate as v
from telecoop.domain.errors import BadInput, InvalidTransition, NotFound, TeleCoopError
from telecoop.domain.timeutil import local, parse_date
from telecoop.services import audit
from telecoop.services import booking as bk
from telecoop.services import holds, sharing_terms
from telecoop.services.context import BOOKING_ROLES, Context
from telecoop.store import capacity as store
from telecoop.store import tables as tb
from telecoop.store.directory import resources_from_rows
from telecoop.store.engine import read_session, write_session

OPEN = (cap.EntryStatus.WAITING.value, cap.EntryStatus.OFFERED.value)
MAX_PRIORITY = 9
MAX_DAYS_AHEAD = 366


def _entry(row: tb.WaitlistEntryRow, ctx: Context) -> cap.WaitlistEntry:
    # The one rule for patient references (domain.access): the entry's co-op's staff alone.
    own = access.sees_patient(ctx.actor, row.coop, None)
    return cap.WaitlistEntry(
        id=row.id or 0, coop=row.coop, specialty=row.specialty, language=row.language, mode=row.mode,
        coops=tuple(row.coops.split()), from_date=row.from_date, to_date=row.to_date,
        patient=row.patient if own else None, priority=row.priority, duration=row.duration,
        status=cap.EntryStatus(row.status), created_at=row.created_at, booking_id=row.booking_id,
    )


def _entry_dict(row: tb.WaitlistEntryRow) -> dict:
    """For the audit trail: no patient reference (the trail is read beyond the co-op)."""
    return {"coop": row.coop, "specialty": row.specialty, "language": row.language, "mode": row.mode,
            "coops": row.coops, "from_date": str(row.from_date), "to_date": str(row.to_date),
            "priority": row.priority, "duration": row.duration, "status": row.status}


def _date(value: dt.date | str, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return parse_date(value)


# issue 13: the entry's field rules, for add and the CSV import alike.


def entry_specialty(value: str) -> str:
    return v.choice(value, "specialty", m.SPECIALTIES)


def entry_language(value: str | None) -> str:
    return v.choice(value, "language", m.LANGUAGES) if value else ""


def entry_mode(value: str | None) -> str:
    return v.choice(value, "mode", [m.Mode.VIDEO.value, m.Mode.PHONE.value]) if value else ""


def entry_priority(value: str | int) -> int:
    return v.integer(value, "priority", 0, MAX_PRIORITY)


def entry_dates(first: dt.date, last: dt.date) -> None:
    if last < first:
        raise BadInput("field.end_before_start")


def add(
    ctx: Context,
    *,
    specialty: str,
    from_date: dt.date | str,
    to_date: dt.date | str,
    patient: str,
    language: str | None = None,
    mode: str | None = None,
    coops: list[str] | None = None,
    priority: int = 0,
    duration: int = 30,
) -> cap.WaitlistEntry:
    """Put a patient of the user's co-op on the waitlist."""
    ctx.require(*BOOKING_ROLES)
    specialty = entry_specialty(specialty)
    language = entry_language(language)
    mode = entry_mode(mode)
    patient = v.patient(patient)
    priority = entry_priority(priority)
    duration = v.duration(duration)
    first, last = _date(from_date, "from"), _date(to_date, "to")
    today = local(ctx.now(), ctx.actor_tz).date()
    entry_dates(first, last)
    if last < today or (last - today).days > MAX_DAYS_AHEAD:
        raise BadInput("field.range", field="to", min=str(today), max=str(today + dt.timedelta(days=MAX_DAYS_AHEAD)))
    slugs = sorted({v.slug(c, "coop") for c in coops or []})
    with write_session(ctx.engine) as s:
        for slug in slugs:
            if s.get(tb.CoopRow, slug) is None:
                raise BadInput("field.unknown_coop", value=slug)
        now = ctx.now()
        values: dict[str, Any] = dict(coop=ctx.coop, added_by=ctx.actor.login, specialty=specialty, language=language, mode=mode,
                      coops=" ".join(slugs), from_date=first, to_date=last, patient=patient, priority=priority,
                      duration=duration, status=cap.EntryStatus.WAITING.value, booking_id=None,
                      created_at=now, updated_at=now)
        new_id = store.insert_entry(s, values)
        row = tb.WaitlistEntryRow(id=new_id, **values)
        audit.record(s, ctx, "waitlist.add", "waitlist_entry", new_id, coop=ctx.coop, after=_entry_dict(row))
        return _entry(row, ctx)


def list_entries(ctx: Context, *, include_closed: bool = False) -> list[cap.WaitlistEntry]:
    """The user's co-op's entries (a federation admin: every co-op's, patients masked but its own)."""
    ctx.require(*BOOKING_ROLES)
    advance(ctx)
    with read_session(ctx.engine) as s:
        rows = store.entries(s, None if ctx.is_federation_admin else ctx.coop, None if include_closed else OPEN)
        return [_entry(r, ctx) for r in rows]


def _own_entry(s: Session, ctx: Context, entry_id: int) -> tb.WaitlistEntryRow:
    row = s.get(tb.WaitlistEntryRow, entry_id)
    if row is None or row.coop != ctx.coop:
        raise NotFound("notfound.entry", id=entry_id)
    return row


def remove(ctx: Context, entry_id: int) -> cap.WaitlistEntry:
    """Take an entry off the waitlist; a live offer it holds goes to the next entry."""
    ctx.require(*BOOKING_ROLES)
    with write_session(ctx.engine) as s:
        row = _own_entry(s, ctx, entry_id)
        if row.status not in OPEN:
            raise InvalidTransition("waitlist.not_waiting", id=entry_id, status=row.status)
        before = _entry_dict(row)
        row.status, row.updated_at = cap.EntryStatus.REMOVED.value, ctx.now()
        s.add(row)
        s.flush()
        audit.record(s, ctx, "waitlist.remove", "waitlist_entry", row.id, coop=row.coop, before=before,
                     after=_entry_dict(row))
        for offer in store.held_offers_of_entry(s, row.id or 0):
            offer.status, offer.updated_at = cap.HoldStatus.RELEASED.value, ctx.now()
            s.add(offer)
            s.flush()
            if offer.expires > ctx.now():
                _offer_next(s, ctx, offer.clinician_id, offer.start, offer.end)
        return _entry(row, ctx)


# --------------------------------------------------------------------------- #
# Offers
# --------------------------------------------------------------------------- #


def offers(ctx: Context) -> list[tuple[cap.Hold, cap.WaitlistEntry]]:
    """The user's co-op's live offers with their entries, soonest expiry first."""
    ctx.require(*BOOKING_ROLES)
    advance(ctx)
    with read_session(ctx.engine) as s:
        return [(holds.to_hold(h), _entry(w, ctx)) for h, w in store.live_offers(s, ctx.coop, ctx.now())]


def accept(
    ctx: Context,
    offer_id: int,
    *,
    mode: str | None = None,
    reason: str = "",
    consent: bool = False,
    patient_location: str | None = None,
) -> m.Booking:
    """Book an offer for its entry's patient; the entry is done. "hold expired" (exit 1) once it lapsed."""
    ctx.require(*BOOKING_ROLES)
    with read_session(ctx.engine) as s:
        hold = s.get(tb.HoldRow, offer_id)
        if hold is None or hold.coop != ctx.coop or hold.entry_id is None:
            raise NotFound("notfound.offer", id=offer_id)
        entry = s.get(tb.WaitlistEntryRow, hold.entry_id)
    if entry is None:
        raise NotFound("notfound.offer", id=offer_id)
    chosen = mode or entry.mode or m.Mode.VIDEO.value
    try:
        return holds.confirm(ctx, offer_id, patient=entry.patient, reason=reason, mode=chosen,
                             consent=consent, patient_location=patient_location)
    except holds.HoldExpired:
        advance(ctx)  # pass it on now
        raise


def offer_accepted(s: Session, ctx: Context, hold: tb.HoldRow, booking_id: int) -> None:
    """Inside ``holds.confirm``: the entry got its booking."""
    row = s.get(tb.WaitlistEntryRow, hold.entry_id)
    if row is None:
        return
    before = _entry_dict(row)
    row.status, row.booking_id, row.updated_at = cap.EntryStatus.BOOKED.value, booking_id, ctx.now()
    s.add(row)
    s.flush()
    audit.record(s, ctx, "waitlist.booked", "waitlist_entry", row.id, coop=row.coop, before=before,
                 after=_entry_dict(row))


def offer_declined(s: Session, ctx: Context, hold: tb.HoldRow) -> None:
    """Inside ``holds.release``: the entry waits again, and the slot goes to the next entry."""
    row = s.get(tb.WaitlistEntryRow, hold.entry_id)
    if row is not None and row.status == cap.EntryStatus.OFFERED.value:
        row.status, row.updated_at = cap.EntryStatus.WAITING.value, ctx.now()
        s.add(row)
        s.flush()
    _offer_next(s, ctx, hold.clinician_id, hold.start, hold.end)


def slot_freed(s: Session, ctx: Context, clinician_id: int, start: dt.datetime, end: dt.datetime) -> None:
    """Inside the write that freed [start, end) of a clinician (cancel, move): offer it to the first entry."""
    if start <= ctx.now():
        return
    _lapse_offers(s, ctx)
    _offer_next(s, ctx, clinician_id, start, end)


def closure_lifted(s: Session, ctx: Context, clinician_ids: list[int], start: dt.datetime, end: dt.datetime) -> None:
    """issue 13: inside the write that lifted a closure over [start, end): each clinician's time that is
    free again (inside hours, outside other closures and bookings) is offered as a freed slot is."""
    from telecoop.services.search import free_map
    from telecoop.store.bookings import busy as busy_between
    from telecoop.store.schedule import closures as closures_between
    from telecoop.store.schedule import weekly_rules

    start = max(start, ctx.now())
    if start >= end or not clinician_ids:
        return
    rows = [r for r in (s.get(tb.ResourceRow, i) for i in clinician_ids)
            if r is not None and r.active and r.kind == m.ResourceKind.CLINICIAN.value]
    if not rows:
        return
    clinicians = resources_from_rows(s, rows)
    ids = [c.id for c in clinicians]
    free = free_map(clinicians, weekly_rules(s, ids), closures_between(s, ids, {c.coop for c in clinicians}, start, end),
                    busy_between(s, ids, [], start, end, now=ctx.now()), start, end)
    for cid in ids:
        for a, b in free.get(cid, []):
            slot_freed(s, ctx, cid, a, b)


def advance(ctx: Context) -> int:
    """Pass every lapsed offer on to the next entry; how many lapsed. Cheap when none has."""
    with read_session(ctx.engine) as s:
        due = store.lapsed_offers(s, ctx.now(), first_only=True)
    if not due:
        return 0
    with write_session(ctx.engine) as s:
        return _lapse_offers(s, ctx)


def next_offer_expiry(ctx: Context) -> dt.datetime | None:
    """When the user's co-op's first live offer lapses (for the app's one timer), or None."""
    with read_session(ctx.engine) as s:
        return store.next_offer_expiry(s, ctx.coop, ctx.now())


def _lapse_offers(s: Session, ctx: Context) -> int:
    now = ctx.now()
    lapsed = store.lapsed_offers(s, now)
    for hold in lapsed:
        hold.status, hold.updated_at = cap.HoldStatus.LAPSED.value, now
        s.add(hold)
        entry = s.get(tb.WaitlistEntryRow, hold.entry_id)
        if entry is not None and entry.status == cap.EntryStatus.OFFERED.value:
            entry.status, entry.updated_at = cap.EntryStatus.WAITING.value, now
            s.add(entry)
        s.flush()
        audit.record(s, ctx, "waitlist.lapsed", "hold", hold.id, coop=hold.coop,
                     after={"entry_id": hold.entry_id, "status": hold.status})
        _offer_next(s, ctx, hold.clinician_id, hold.start, hold.end)
    return len(lapsed)


def _offer_next(s: Session, ctx: Context, clinician_id: int, start: dt.datetime, end: dt.datetime) -> int | None:
    """Offer [start, ...) of the clinician to the first entry that fits and may take it; the offer's id."""
    now = ctx.now()
    if start <= now:
        return None
    row = s.get(tb.ResourceRow, clinician_id)
    if row is None or not row.active or row.kind != m.ResourceKind.CLINICIAN.value:
        return None
    clinician = resources_from_rows(s, [row])[0]
    # Entries already offered this very slot (declined or lapsed) are not offered it again.
    had = store.entries_offered(s, clinician_id, start)
    candidates = store.waiting_entries(s, clinician.specialty)
    entries = sorted(((_entry(w, ctx), tz, w) for w, tz in candidates if w.id not in had),
                     key=lambda item: cap.queue_order(item[0]))
    freed = int((end - start).total_seconds() // 60)
    for entry, tz, w in entries:
        if entry.duration > freed or not access.shared_to(clinician, entry.coop):
            continue
        if not cap.entry_matches(entry, specialty=clinician.specialty, languages=clinician.languages,
                                 coop=clinician.coop, start=start, entry_tz=tz):
            continue
        offer_end = start + dt.timedelta(minutes=entry.duration)
        minutes = holds.coop_settings(s, entry.coop)[1]
        try:
            if entry.coop != clinician.coop:
                terms = sharing_terms.load_terms(s, clinician.id)
                if cap.terms_refusal(terms, start, now) is not None:
                    continue
            bk._check_open(s, clinician, start, offer_end)  # still inside hours, outside closures
            with s.begin_nested():  # a refusal for this entry leaves the transaction as it was
                hold = holds._insert_hold(s, ctx, clinician, start, offer_end, None, False, minutes,
                                          coop=entry.coop, entry_id=entry.id)
        except (TeleCoopError, IntegrityError):
            continue
        w.status, w.updated_at = cap.EntryStatus.OFFERED.value, now
        s.add(w)
        s.flush()
        return hold.id
    return None

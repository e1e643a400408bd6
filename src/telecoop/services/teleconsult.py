"""The teleconsultation record (issue 14): what a booking adds, switching modality, the private link,
a co-op's video platform and a clinician's licences.

The rules themselves are in ``domain.teleconsult``; who sees the patient's
data (location, consent, link) is ``policy.sees_patient``, the one access
policy the booking lists use.
"""

from __future__ import annotations

from sqlmodel import Session

from telecoop.domain import model as m
from telecoop.domain import teleconsult as tc
from telecoop.domain import validate as v
from telecoop.domain.errors import BadInput, InvalidTransition, NotPermitted
from telecoop.services import audit
from telecoop.services.context import ADMIN_ROLES, BOOKING_ROLES, Context
from telecoop.store import convert
from telecoop.store import tables as tb
from telecoop.store.engine import read_session, write_session

SITE_MAX = 80


def visit_record(
    ctx: Context,
    mode: m.Mode,
    clinician: m.Resource,
    patient_location: str | None,
    patient_site: str,
    consent: bool,
    *,
    platform: str | None = None,
) -> dict:
    """The columns a new booking adds for its visit, after the issue's refusals.

    ``platform``: the user's co-op's video platform when the caller has it at hand (else read here).

    Bad location word: exit 2. No consent, or a clinician not licensed where
    the patient is: exit 1, saying why. A video visit gets its private link
    when the co-op has an approved platform (else the clinician's fixed link
    is shown, as before).
    """
    where = tc.province(patient_location)
    site = v.optional_text(patient_site or "", "patient_site", SITE_MAX)
    tc.check_consent(mode, consent)
    tc.check_location(mode, where, clinician.name, clinician.licences)
    remote = tc.is_remote(mode)
    return {
        "patient_location": where,
        "patient_site": site,
        "consent_by": ctx.actor.login if remote else "",
        "consent_at": ctx.now() if remote else None,
        "video_link": _new_link(ctx, ctx.coop, platform) if mode == m.Mode.VIDEO else "",
    }


def _platform(ctx: Context, coop: str) -> str:
    with read_session(ctx.engine) as s:
        return platform_of(s, coop)


def platform_of(session: Session, coop: str) -> str:
    """A co-op's approved video platform ("" when none)."""
    row = session.get(tb.CoopRow, coop)
    return (row.video_platform or "") if row is not None else ""


def _new_link(ctx: Context, coop: str, platform: str | None = None) -> str:
    platform = _platform(ctx, coop) if platform is None else platform
    return tc.new_visit_link(platform) if platform else ""


def audit_fields(row: tb.BookingRow) -> dict:
    """What the audit trail keeps of the visit record: never the private link (it is a log)."""
    return {
        "patient_location": row.patient_location,
        "patient_site": row.patient_site or None,
        "consent_by": row.consent_by or None,
        "consent_at": row.consent_at,
        "interpreter_id": row.interpreter_id,
        "series_id": row.series_id,
    }


def link_for(row: tb.BookingRow, clinician_link: str | None) -> str | None:
    """A video visit's link: its own private one, else the clinician's fixed one (None otherwise).

    Call only for a viewer who sees the patient (``policy.sees_patient``).
    """
    if row.mode != m.Mode.VIDEO.value:
        return None
    return row.video_link or clinician_link or None


def record_shown(row: tb.BookingRow, own: bool, names: dict) -> dict:
    """The visit record's fields of ``m.Booking``: the patient's (where, consent, series) only when ``own``."""
    interpreter = names.get(row.interpreter_id) if row.interpreter_id is not None else None
    return {
        "patient_location": row.patient_location if own else None,
        "patient_site": (row.patient_site or None) if own else None,
        "consent_by": (row.consent_by or None) if own else None,
        "consent_at": row.consent_at if own else None,
        "interpreter_id": row.interpreter_id,
        "interpreter": interpreter[0] if interpreter else None,
        "series_id": row.series_id if own else None,
        "series_index": row.series_index if own else None,
    }


# --------------------------------------------------------------------------- #
# Switching modality (same booking, audited)
# --------------------------------------------------------------------------- #


def switch_mode(
    ctx: Context,
    booking_id: int,
    mode: str | m.Mode,
    *,
    room_id: int | None = None,
    any_room: bool = False,
    consent: bool = False,
    patient_location: str | None = None,
    seen: m.Booking | None = None,
) -> m.Booking:
    """Change how a booked visit happens; the id stays, the change is audited.

    To in person (a patient may ask at any time): a room may be added
    (``room_id`` or ``any_room``), taken atomically with the change. To video
    or phone: the patient's consent (recorded now; the one on the booking
    stands between video and phone only, ``tc.switch_needs_consent``) and the
    clinician's licence where the patient is, as at booking.
    """
    from telecoop.services import booking as bk
    from telecoop.services.directory import load_resource

    ctx.require(*BOOKING_ROLES)
    new = tc.parse_mode(mode)
    if room_id is not None and any_room:
        raise BadInput("tc.room_or_any")
    if (room_id is not None or any_room) and new != m.Mode.IN_PERSON:
        raise BadInput("tc.room_in_person_only")
    with read_session(ctx.engine) as s:
        row = bk._load_for_change(s, ctx, booking_id)
        clinician = load_resource(s, ctx, row.clinician_id)
        named_room = load_resource(s, ctx, room_id) if room_id is not None else None
        where = tc.province(patient_location or row.patient_location)
        if named_room is not None:
            if named_room.kind != m.ResourceKind.ROOM:
                raise BadInput("field.not_room", value=room_id)
            bk._check_open(s, named_room, row.start, row.end)
    old = tc.parse_mode(row.mode)
    tc.check_consent(new, consent or not tc.switch_needs_consent(old, new, bool(row.consent_by)))
    tc.check_location(new, where, clinician.name, clinician.licences)
    link = _new_link(ctx, row.coop) if new == m.Mode.VIDEO else ""
    with bk._stale_said(ctx, booking_id), bk._overlap_refused(), write_session(ctx.engine) as s:
        row = bk._load_for_change(s, ctx, booking_id)
        bk._check_as_seen(row, seen)
        if row.status != m.BookingStatus.BOOKED.value:
            raise InvalidTransition("booking.not_active", id=booking_id)
        before = bk._booking_dict(row)
        if new == m.Mode.IN_PERSON and (named_room is not None or any_room):
            if row.room_id is not None:
                raise BadInput("tc.has_room", id=booking_id)
            room = bk._pick_room(s, ctx, row.start, row.end, named_room, any_room)
            row.room_id = room.id if room is not None else None
        if tc.is_remote(new) and consent:
            row.consent_by, row.consent_at = ctx.actor.login, ctx.now()
        row.patient_location = where
        row.mode = new.value
        row.video_link = link if new == m.Mode.VIDEO else ""
        row.updated_at = ctx.now()
        s.add(row)
        s.flush()
        audit.record(s, ctx, "booking.mode", "booking", row.id, coop=row.coop, before=before,
                     after=bk._booking_dict(row))
    return bk.get_booking(ctx, booking_id)


def regenerate_link(ctx: Context, booking_id: int) -> m.Booking:
    """A fresh private link for a booked video visit (the old one stops being the visit's).

    For the booking co-op's staff and the clinician; audited without the link.
    """
    from telecoop.services import booking as bk
    from telecoop.domain.access import sees_patient

    with write_session(ctx.engine) as s:
        row = bk._load_for_change(s, ctx, booking_id)
        if not sees_patient(ctx.actor, row.coop, row.clinician_id):
            raise NotPermitted("perm.other_coop")
        if row.mode != m.Mode.VIDEO.value:
            raise BadInput("tc.link_video_only", id=booking_id)
        if row.status not in (m.BookingStatus.BOOKED.value, m.BookingStatus.CHECKED_IN.value):
            raise InvalidTransition("booking.not_active", id=booking_id)
        coop = s.get(tb.CoopRow, row.coop)
        row.video_link = tc.new_visit_link(coop.video_platform if coop is not None else "")
        row.updated_at = ctx.now()
        s.add(row)
        audit.record(s, ctx, "booking.link", "booking", row.id, coop=row.coop, after={"link": "regenerated"})
    return bk.get_booking(ctx, booking_id)


# --------------------------------------------------------------------------- #
# Settings: a co-op's platform, a clinician's licences
# --------------------------------------------------------------------------- #


def set_platform(ctx: Context, coop: str, address: str) -> m.Coop:
    """The co-op's approved video platform (https only; "" removes it). Its admins or a federation admin."""
    ctx.require(*ADMIN_ROLES)
    value = tc.platform_address(address)
    with write_session(ctx.engine) as s:
        row = s.get(tb.CoopRow, coop)
        if row is None:
            raise BadInput("field.unknown_coop", value=coop)
        if not ctx.is_federation_admin and row.slug != ctx.coop:
            raise NotPermitted("perm.other_coop")
        before = {"video_platform": row.video_platform or None}
        row.video_platform = value
        s.add(row)
        audit.record(s, ctx, "coop.platform", "coop", row.slug, coop=row.slug, before=before,
                     after={"video_platform": value or None})
        s.flush()
        return convert.coop(row)


def set_licences(ctx: Context, clinician_id: int, licences: str | list[str]) -> m.Resource:
    """The provinces a clinician is licensed in (QC when none is given). Admins of its co-op."""
    from telecoop.services.admin import _own_resource
    from telecoop.store.directory import resources_from_rows

    codes = tc.licences(licences)
    with write_session(ctx.engine) as s:
        row = _own_resource(s, ctx, clinician_id)
        if row.kind != m.ResourceKind.CLINICIAN.value:
            raise BadInput("field.not_clinician", value=clinician_id)
        before = {"licences": row.licences}
        row.licences = " ".join(codes)
        s.add(row)
        audit.record(s, ctx, "resource.licences", "resource", row.id, coop=row.coop, before=before,
                     after={"licences": row.licences})
        s.flush()
        return resources_from_rows(s, [row])[0]

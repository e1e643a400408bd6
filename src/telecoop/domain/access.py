"""Who may see what and who may change what: every access rule, in one place.

Each rule takes the staff member acting (``m.Staff``) and plain facts about
the thing (a co-op slug, a resource, a booking's co-op and clinician), so
the app, the command line, the import and the export all ask the same
question the same way. The store turns the few rules a query must apply in
SQL into conditions (``telecoop.store.directory.visible_clause`` and the
clauses in ``telecoop.store.bookings``); those follow these functions, and
``tests/test_access.py`` checks that they agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from telecoop.domain import model as m
from telecoop.domain.errors import NotFound, NotPermitted

FED = m.Role.FEDERATION_ADMIN
ADMIN_ROLES = (m.Role.COOP_ADMIN, m.Role.FEDERATION_ADMIN)
BOOKING_ROLES = (m.Role.RECEPTIONIST, m.Role.COOP_ADMIN, m.Role.FEDERATION_ADMIN)

PATIENT_FIELDS = (
    "patient", "reason", "cancel_reason",
    # issue 14: where the patient is and their consent are theirs too
    "patient_location", "patient_site", "consent_by", "consent_at",
)
"""A booking's fields that are the booking co-op's alone (Law 25)."""


# --------------------------------------------------------------------------- #
# Resources: who sees and books them
# --------------------------------------------------------------------------- #


def audience(owner: str, sharing: m.Sharing | str, shared_with: Iterable[str], every_coop: Iterable[str]) -> set[str]:
    """The co-ops that see and may book a resource of ``owner`` shared as ``sharing``."""
    sharing = m.Sharing(sharing)
    if sharing == m.Sharing.ALL:
        return set(every_coop) | {owner}
    return {owner} | (set(shared_with) if sharing == m.Sharing.LISTED else set())


def shared_to(resource: m.Resource, coop: str) -> bool:
    """Whether ``coop`` may see and book ``resource``: its own, or shared with every partner or with it."""
    if coop == resource.coop or resource.sharing == m.Sharing.ALL:
        return True
    return resource.sharing == m.Sharing.LISTED and coop in resource.shared_with


def sees_resource(actor: m.Staff, resource: m.Resource) -> bool:
    """Whether ``actor`` may see ``resource`` at all: the federation admin sees every one."""
    return actor.role == FED or shared_to(resource, actor.coop)


def may_book_on(actor: m.Staff, resource: m.Resource) -> bool:
    """Whether ``actor`` may book ``resource``: bookings are for the actor's co-op, so sharing decides.

    A federation admin books for their own co-op too, so only what is shared with it.
    """
    return shared_to(resource, actor.coop)


# --------------------------------------------------------------------------- #
# Acting for a co-op: administration
# --------------------------------------------------------------------------- #


def covers(actor: m.Staff, coop: str | None) -> bool:
    """Whether ``coop`` is within the actor's reach: their own co-op, or any for a federation admin."""
    return actor.role == FED or coop == actor.coop


def may_manage(actor: m.Staff, coop: str | None) -> bool:
    """Whether ``actor`` may manage what belongs to ``coop`` (resources, hours, closures, staff).

    Admins only; a co-op admin their own co-op, the federation admin every one.
    """
    return actor.role in ADMIN_ROLES and covers(actor, coop)


def sees_coop_figures(actor: m.Staff, *coops: str) -> bool:
    """Whether a report line about ``coops`` (provider, consumer) is the actor's to read."""
    return actor.role == FED or actor.coop in coops


def check_staff_change(
    actor: m.Staff,
    before: m.Staff | None,
    *,
    coop: str,
    role: str,
    active: bool,
    active_federation_admins: int,
) -> None:
    """Refuse a staff change (new record, role, co-op, access) that ``actor`` may not make.

    - only admins manage staff;
    - a co-op admin acts only inside its own co-op (the record's co-op before
      and after), and never grants or removes the federation_admin role;
    - the last active federation admin is never removed or demoted (the
      federation would have nobody left to add co-ops or admins).
    """
    if actor.role not in ADMIN_ROLES:
        raise NotPermitted("perm.denied")
    if actor.role != FED:
        if before is not None and before.coop != actor.coop:
            raise NotFound("notfound.staff", login=before.login)
        if coop != actor.coop:
            raise NotPermitted("perm.other_coop")
        if role == FED.value or (before is not None and before.role == FED):
            raise NotPermitted("staff.federation_role")
    was_fed = before is not None and before.active and before.role == FED
    stays_fed = active and role == FED.value
    if was_fed and not stays_fed and active_federation_admins <= 1:
        assert before is not None
        raise NotPermitted("staff.last_federation_admin", login=before.login)


# --------------------------------------------------------------------------- #
# Bookings: who sees them, who changes them, who reads the patient
# --------------------------------------------------------------------------- #


def sees_booking(
    actor: m.Staff, booking_coop: str, clinician_id: int | None, resources: Iterable[m.Resource | None]
) -> bool:
    """Whether ``actor`` may see a booking at all (in full or as "busy").

    ``resources``: the booking's clinician and room. A clinician sees their
    own agenda only; the federation admin and the booking co-op see it; any
    other co-op sees it when it sees the clinician or the room it holds.
    """
    if actor.role == m.Role.CLINICIAN:
        return clinician_id is not None and clinician_id == actor.clinician_id
    if actor.role == FED or booking_coop == actor.coop:
        return True
    return any(r is not None and sees_resource(actor, r) for r in resources)


def may_change_booking(actor: m.Staff, booking_coop: str, clinician_id: int | None) -> bool:
    """Whether ``actor`` may cancel, move or change the status of a booking.

    The booking co-op's staff; a clinician their own consultations.
    """
    if actor.role == m.Role.CLINICIAN:
        return clinician_id is not None and clinician_id == actor.clinician_id
    return booking_coop == actor.coop


def sees_patient(actor: m.Staff, booking_coop: str, clinician_id: int | None) -> bool:
    """Whether ``actor`` may read a booking's patient reference, reason and booker (Law 25).

    The booking co-op's staff (not its clinicians at large), and the
    clinician giving that consultation. A federation admin is no exception:
    other co-ops' patients are theirs.
    """
    if actor.role == m.Role.CLINICIAN:
        return clinician_id is not None and clinician_id == actor.clinician_id
    return booking_coop == actor.coop


# --------------------------------------------------------------------------- #
# The audit trail
# --------------------------------------------------------------------------- #


def sees_audit_event(actor: m.Staff, event_coop: str | None, event_actor: str) -> bool:
    """Federation admin: every event. Co-op admin: their co-op's and their own. Others: their own."""
    if actor.role == FED:
        return True
    if actor.role == m.Role.COOP_ADMIN and event_coop == actor.coop:
        return True
    return event_actor == actor.login


def sees_audit_patient(actor: m.Staff, entity: str, event_coop: str | None) -> bool:
    """Whether a booking event's patient fields show: only to the booking co-op, federation admin included."""
    return entity != "booking" or event_coop == actor.coop


def masked(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``data`` without the patient fields (:data:`PATIENT_FIELDS`)."""
    if data is None:
        return None
    return {k: v for k, v in data.items() if k not in PATIENT_FIELDS}

"""Who may change whose staff record, and who sees patient data: the rules in one place.

The CLI (``staff add|set|remove``, ``export``), the app's Admin staff section
and the booking lists all ask here; none carries its own copy.
"""

from __future__ import annotations

from pathlib import Path

from telecoop.domain import model as m
from telecoop.domain.errors import NotFound, NotPermitted
from telecoop.services.context import ADMIN_ROLES, Context, may_act_as

FED = m.Role.FEDERATION_ADMIN.value


def sees_patient(actor: m.Staff, booking_coop: str, clinician_id: int | None) -> bool:
    """Whether ``actor`` may read a booking's patient reference, reason and booker (Law 25).

    The booking co-op's staff (not its clinicians at large), and the
    clinician giving that consultation. A federation admin is no exception:
    other co-ops' patients are theirs.
    """
    if actor.role == m.Role.CLINICIAN:
        return clinician_id is not None and clinician_id == actor.clinician_id
    return booking_coop == actor.coop


def full_export_allowed(db_path: Path, as_login: str | None) -> bool:
    """The unmasked export (every co-op's patients) is for the database file's owner or root only.

    They can read the whole file anyway; anyone acting through a staff record
    (``--as`` included, and a person under ``sudo -u`` the service account)
    gets the masked one.
    """
    return not as_login and may_act_as(db_path)


def check_staff_change(
    ctx: Context,
    before: m.Staff | None,
    *,
    coop: str,
    role: str,
    active: bool,
    active_federation_admins: int,
) -> None:
    """Refuse a staff change (new record, role, co-op, access) that the actor may not make.

    - only admins manage staff;
    - a co-op admin acts only inside its own co-op (the record's co-op before
      and after), and never grants or removes the federation_admin role;
    - the last active federation admin is never removed or demoted (the
      federation would have nobody left to add co-ops or admins).
    """
    ctx.require(*ADMIN_ROLES)
    if not ctx.is_federation_admin:
        if before is not None and before.coop != ctx.coop:
            raise NotFound("notfound.staff", login=before.login)
        if coop != ctx.coop:
            raise NotPermitted("perm.other_coop")
        if role == FED or (before is not None and before.role.value == FED):
            raise NotPermitted("staff.federation_role")
    was_fed = before is not None and before.active and before.role.value == FED
    stays_fed = active and role == FED
    if was_fed and not stays_fed and active_federation_admins <= 1:
        raise NotPermitted("staff.last_federation_admin", login=before.login)

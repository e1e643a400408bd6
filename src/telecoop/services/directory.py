"""Co-ops, resources and staff: who and what there is, as this user may see it."""

from __future__ import annotations

from sqlmodel import Session

from telecoop.domain import access
from telecoop.domain import model as m
from telecoop.domain import validate as v
from telecoop.domain.errors import BadInput, NotFound, NotPermitted, TeleCoopError
from telecoop.services import audit
from telecoop.services.context import ADMIN_ROLES, Context
from telecoop.store import convert
from telecoop.store import tables as tb
from telecoop.store import directory as store_directory
from telecoop.store.directory import resources_from_rows
from telecoop.store.engine import read_session, write_session


def list_coops(ctx: Context) -> list[m.Coop]:
    with read_session(ctx.engine) as s:
        return [convert.coop(r) for r in store_directory.coop_rows(s)]


def list_resources(
    ctx: Context,
    *,
    kind: m.ResourceKind | None = None,
    include_inactive: bool = False,
) -> list[m.Resource]:
    """Resources this user's co-op may see: its own and those shared with it."""
    with read_session(ctx.engine) as s:
        return store_directory.resources_seen_by(s, ctx.actor, kind=kind, include_inactive=include_inactive)


def get_resource(ctx: Context, resource_id: int) -> m.Resource:
    """One resource this user may see, or NotFound."""
    with read_session(ctx.engine) as s:
        return load_resource(s, ctx, resource_id)


def load_resource(session: Session, ctx: Context, resource_id: int) -> m.Resource:
    """One resource ``ctx``'s actor may see (``access.sees_resource``), or NotFound."""
    row = session.get(tb.ResourceRow, resource_id)
    if row is None:
        raise NotFound("notfound.resource", id=resource_id)
    res = resources_from_rows(session, [row])[0]
    if not access.sees_resource(ctx.actor, res):
        raise NotFound("notfound.resource", id=resource_id)
    return res


def list_staff(ctx: Context) -> list[m.Staff]:
    """Staff of the user's co-op; the federation admin sees everyone."""
    if not ctx.is_federation_admin:
        ctx.require(*ADMIN_ROLES, m.Role.RECEPTIONIST)
    with read_session(ctx.engine) as s:
        rows = store_directory.staff_rows(s, coop=None if ctx.is_federation_admin else ctx.coop)
        return [convert.staff(r) for r in rows]


def add_staff(
    ctx: Context,
    *,
    login: str,
    coop: str,
    role: str,
    name: str | None = None,
    clinician_id: int | None = None,
) -> m.Staff:
    """Add a new staff member. An existing login is never rewritten: see ``set_staff``.

    Who may add whom: ``access.check_staff_change``.
    """
    ctx.require(*ADMIN_ROLES)
    login = v.login(login)
    coop = v.slug(coop, "coop")
    role_value = m.Role(v.choice(role, "role", [r.value for r in m.Role]))
    display = v.name(name or login, "name")
    access.check_staff_change(ctx.actor, None, coop=coop, role=role_value.value, active=True, active_federation_admins=0)
    with write_session(ctx.engine) as s:
        if s.get(tb.CoopRow, coop) is None:
            raise BadInput("field.unknown_coop", value=coop)
        if clinician_id is not None:
            _check_clinician(s, clinician_id, coop)
        if s.get(tb.StaffRow, login) is not None:
            # Once, a co-op admin "added" the federation admin as a
            # receptionist and so demoted them: changes go through set_staff.
            raise TeleCoopError("staff.exists", login=login)
        row = tb.StaffRow(login=login, name=display, coop=coop, role=role_value.value, clinician_id=clinician_id)
        s.add(row)
        audit.record(
            s, ctx, "staff.add", "staff", login, coop=coop, before=None,
            after={"name": display, "coop": coop, "role": role_value.value},
        )
        s.flush()
        return convert.staff(row)


def _check_clinician(s: Session, clinician_id: int, coop: str) -> None:
    res = s.get(tb.ResourceRow, clinician_id)
    if res is None:
        raise NotFound("notfound.resource", id=clinician_id)
    if res.kind != m.ResourceKind.CLINICIAN.value or res.coop != coop:
        raise BadInput("field.not_clinician", value=clinician_id)


def _active_federation_admins(s: Session) -> int:
    return store_directory.staff_count(s, role=m.Role.FEDERATION_ADMIN, active=True)


def set_staff(
    ctx: Context,
    login: str,
    *,
    role: str | None = None,
    coop: str | None = None,
    active: bool | None = None,
) -> m.Staff:
    """Change an existing staff member's role, co-op or access (audited as ``staff.set``).

    Who may change what: ``access.check_staff_change``. Moving someone to
    another co-op unlinks their clinician record (it belongs to the old one).
    """
    ctx.require(*ADMIN_ROLES)
    login = v.login(login)
    new_role = m.Role(v.choice(role, "role", [r.value for r in m.Role])).value if role is not None else None
    new_coop = v.slug(coop, "coop") if coop is not None else None
    if new_role is None and new_coop is None and active is None:
        raise BadInput("staff.set_nothing")
    if active is False and login == ctx.actor.login:
        raise NotPermitted("staff.self")
    with write_session(ctx.engine) as s:
        row = s.get(tb.StaffRow, login)
        if row is None:
            raise NotFound("notfound.staff", login=login)
        target_coop = new_coop or row.coop
        target_role = new_role or row.role
        target_active = row.active if active is None else active
        access.check_staff_change(
            ctx.actor, convert.staff(row), coop=target_coop, role=target_role, active=target_active,
            active_federation_admins=_active_federation_admins(s),
        )
        if s.get(tb.CoopRow, target_coop) is None:
            raise BadInput("field.unknown_coop", value=target_coop)
        before = {"coop": row.coop, "role": row.role, "active": row.active}
        if target_coop != row.coop:
            row.clinician_id = None
        row.coop, row.role, row.active = target_coop, target_role, target_active
        s.add(row)
        audit.record(
            s, ctx, "staff.set", "staff", login, coop=target_coop, before=before,
            after={"coop": row.coop, "role": row.role, "active": row.active},
        )
        s.flush()
        return convert.staff(row)


def deactivate_staff(ctx: Context, login: str) -> m.Staff:
    """Take away a staff member's access (the record and its history stay).

    Co-op admins manage their own co-op; nobody deactivates themselves, and
    the last active federation admin stays (``access.check_staff_change``).
    """
    ctx.require(*ADMIN_ROLES)
    login = v.login(login)
    if login == ctx.actor.login:
        raise NotPermitted("staff.self")
    with write_session(ctx.engine) as s:
        row = s.get(tb.StaffRow, login)
        if row is None or not access.covers(ctx.actor, row.coop):
            raise NotFound("notfound.staff", login=login)
        access.check_staff_change(
            ctx.actor, convert.staff(row), coop=row.coop, role=row.role, active=False,
            active_federation_admins=_active_federation_admins(s),
        )
        before = {"active": row.active}
        row.active = False
        s.add(row)
        audit.record(s, ctx, "staff.deactivate", "staff", login, coop=row.coop, before=before, after={"active": False})
        s.flush()
        return convert.staff(row)

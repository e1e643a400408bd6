"""The append-only audit trail: written in the same transaction as each change."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlmodel import Session, col, or_, select

from telecoop.domain import access
from telecoop.domain import model as m
from telecoop.services.context import Context
from telecoop.store import tables as tb
from telecoop.store.engine import read_session


def _default(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def record(
    session: Session,
    ctx: Context,
    action: str,
    entity: str,
    entity_id: object,
    *,
    coop: str | None,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    """Add one audit event to ``session``'s transaction (committed with the change).

    A Core insert, not an ORM object: this runs inside every write
    transaction, while other writers wait for the lock.
    """
    session.execute(
        sa.insert(tb.AuditRow.__table__).values(
            at=ctx.now(),
            actor=ctx.actor.login,
            coop=coop,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=json.dumps(before, default=_default, ensure_ascii=False, sort_keys=True) if before else None,
            after=json.dumps(after, default=_default, ensure_ascii=False, sort_keys=True) if after else None,
        )
    )


PRIVATE_FIELDS = access.PATIENT_FIELDS


def decode(data: str | None) -> dict | None:
    """An event's stored before/after, as a dict."""
    return json.loads(data) if data else None


def _event(row: tb.AuditRow, ctx: Context) -> m.AuditEvent:
    before = json.loads(row.before) if row.before else None
    after = json.loads(row.after) if row.after else None
    # Patient data is the booking co-op's alone (Law 25), federation admin included.
    if not access.sees_audit_patient(ctx.actor, row.entity, row.coop):
        before = access.masked(before)
        after = access.masked(after)
    return m.AuditEvent(
        id=row.id,
        at=row.at,
        actor=row.actor,
        coop=row.coop,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        before=before,
        after=after,
    )


def list_audit(ctx: Context, *, limit: int = 500) -> list[m.AuditEvent]:
    """The audit events this user may see, newest first.

    Federation admin: all. Co-op admin: their co-op's. Others: their own actions.
    """
    stmt = select(tb.AuditRow).order_by(col(tb.AuditRow.id).desc()).limit(limit)
    if ctx.role == m.Role.FEDERATION_ADMIN:
        pass
    elif ctx.role == m.Role.COOP_ADMIN:
        stmt = stmt.where(or_(tb.AuditRow.coop == ctx.coop, tb.AuditRow.actor == ctx.actor.login))
    else:
        stmt = stmt.where(tb.AuditRow.actor == ctx.actor.login)
    with read_session(ctx.engine) as s:
        return [_event(r, ctx) for r in s.exec(stmt).all()]

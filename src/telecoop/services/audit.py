"""The append-only audit trail: written in the same transaction as each change."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlmodel import Session

from telecoop.domain import access
from telecoop.domain import model as m
from telecoop.services.context import Context
from telecoop.store import audit as store_audit
from telecoop.store import convert
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
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add one audit event to ``session``'s transaction (committed with the change).

    A Core insert, not an ORM object: this runs inside every write
    transaction, while other writers wait for the lock.
    """
    record_by(
        session, at=ctx.now(), actor=ctx.actor.login, action=action, entity=entity, entity_id=entity_id,
        coop=coop, before=before, after=after,
    )


def event_values(
    ctx: Context,
    action: str,
    entity: str,
    *,
    coop: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns of the event :func:`record` would add, but its ``entity_id``: for a store
    function that writes a new row and its event together (``store.bookings.add_with_audit``)."""
    return dict(at=ctx.now(), actor=ctx.actor.login, coop=coop, action=action, entity=entity,
                before=_encode(before), after=_encode(after))


def _encode(data: dict[str, Any] | None) -> str | None:
    return json.dumps(data, default=_default, ensure_ascii=False, sort_keys=True) if data else None


def record_by(
    session: Session,
    *,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: object,
    coop: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """:func:`record` for a caller with no staff context: the import, ``init`` (a login and a clock's time)."""
    store_audit.append(
        session,
        at=at,
        actor=actor,
        coop=coop,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=_encode(before),
        after=_encode(after),
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
        id=convert.key(row.id),
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
    with read_session(ctx.engine) as s:
        return [_event(r, ctx) for r in store_audit.events_seen_by(s, ctx.actor, limit=limit)]

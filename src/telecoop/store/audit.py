"""The audit table's queries: append one event, read the events one staff member may see, a booking's history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, col, or_, select

from telecoop.domain import model as m
from telecoop.store import tables as tb


def append(
    session: Session,
    *,
    at: dt.datetime,
    actor: str,
    coop: str | None,
    action: str,
    entity: str,
    entity_id: str,
    before: str | None,
    after: str | None,
) -> None:
    """One event in ``session``'s transaction. A Core insert: it runs inside every write, while other writers wait."""
    session.execute(
        sa.insert(tb.table_of(tb.AuditRow)).values(
            at=at, actor=actor, coop=coop, action=action, entity=entity, entity_id=entity_id,
            before=before, after=after,
        )
    )


def events_seen_by(session: Session, actor: m.Staff, *, limit: int) -> Sequence[tb.AuditRow]:
    """Newest first, the events ``domain.access.sees_audit_event`` lets ``actor`` see, as SQL."""
    A = tb.AuditRow
    stmt = select(A).order_by(col(A.id).desc()).limit(limit)
    if actor.role == m.Role.FEDERATION_ADMIN:
        pass
    elif actor.role == m.Role.COOP_ADMIN:
        stmt = stmt.where(or_(A.coop == actor.coop, A.actor == actor.login))
    else:
        stmt = stmt.where(A.actor == actor.login)
    return session.exec(stmt).all()


def history(session: Session, entity: str, entity_id: str) -> Sequence[tb.AuditRow]:
    """One entity's events, oldest first."""
    A = tb.AuditRow
    stmt = select(A).where(col(A.entity) == entity, col(A.entity_id) == entity_id).order_by(col(A.at), col(A.id))
    return session.exec(stmt).all()


def changes_after_booking(session: Session, ids: list[int]) -> dict[str, int]:
    """Booking id (as text) -> its audit events after ``booking.book`` (the calendar's SEQUENCE)."""
    A = tb.AuditRow
    stmt = (
        select(A.entity_id, sa.func.count())
        .where(A.entity == "booking", col(A.entity_id).in_([str(i) for i in ids]), A.action != "booking.book")
        .group_by(col(A.entity_id))
    )
    return {entity_id: int(n) for entity_id, n in session.exec(stmt).all()}

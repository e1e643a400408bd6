"""Bookings a closure, a deactivation or a sharing withdrawal would strand.

One home for "which active bookings does this change leave standing", read
by the admin services and by the CSV import alike. A booking is stranded
when it is still active (booked or checked in), has not ended yet, and sits
on the closed, deactivated or withdrawn resource. Forced, such bookings keep
their time and get a ``conflict`` code (``closure:ID``, ``inactive:RID``,
``unshared:RID``) so their booking co-op can call the patient
(docs/booking-life-cycle.md says when the flag clears).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from telecoop.domain import model as m
from telecoop.store import convert
from telecoop.store import tables as tb

ACTIVE = (m.BookingStatus.BOOKED.value, m.BookingStatus.CHECKED_IN.value)


def _on(resource_ids: Iterable[int] | SelectOfScalar[int | None]) -> ColumnElement[bool]:
    B = tb.BookingRow
    return or_(col(B.clinician_id).in_(resource_ids), col(B.room_id).in_(resource_ids))


def stranded(
    session: Session,
    *,
    now: dt.datetime,
    resource_id: int | None = None,
    coop: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    booking_coops: Iterable[str] | None = None,
) -> list[tb.BookingRow]:
    """Active bookings not yet over on ``resource_id`` (or on any resource of ``coop``).

    ``start``/``end`` narrow to those overlapping ``[start, end)`` (a closure);
    ``booking_coops`` to those booked by these co-ops (a sharing withdrawal).
    """
    B = tb.BookingRow
    stmt = select(B).where(col(B.status).in_(ACTIVE), col(B.end) > now).order_by(col(B.start), col(B.id))
    if resource_id is not None:
        stmt = stmt.where(_on([resource_id]))
    elif coop is not None:
        stmt = stmt.where(_on(select(col(tb.ResourceRow.id)).where(col(tb.ResourceRow.coop) == coop)))
    if start is not None:
        stmt = stmt.where(col(B.end) > start)
    if end is not None:
        stmt = stmt.where(col(B.start) < end)
    if booking_coops is not None:
        stmt = stmt.where(col(B.coop).in_(sorted(set(booking_coops))))
    return list(session.exec(stmt).all())


def flag(session: Session, rows: list[tb.BookingRow], code: str, now: dt.datetime, *, actor: str) -> None:
    """Mark ``rows`` as standing over a change made anyway, with one ``booking.conflict``
    audit event each (for the booking's co-op), whoever forced it: app, CLI or import."""
    for row in rows:
        row.conflict = code
        row.updated_at = now
        session.add(row)
    session.flush()
    if rows:
        session.execute(
            sa.insert(tb.table_of(tb.AuditRow)),
            [
                dict(at=now, actor=actor, coop=row.coop, action="booking.conflict", entity="booking",
                     entity_id=str(row.id), before=None, after=json.dumps({"conflict": code}, sort_keys=True))
                for row in rows
            ],
        )


def clear(session: Session, code: str, *, booking_coops: Iterable[str] | None = None) -> int:
    """Clear the flag ``code`` (its cause is gone); returns how many bookings it cleared."""
    B = tb.BookingRow
    stmt = select(B).where(B.conflict == code)
    if booking_coops is not None:
        stmt = stmt.where(col(B.coop).in_(sorted(set(booking_coops))))
    rows = list(session.exec(stmt).all())
    for row in rows:
        row.conflict = ""
        session.add(row)
    session.flush()
    return len(rows)


def described(session: Session, rows: list[tb.BookingRow]) -> list[m.Booking]:
    """The stranded bookings as an admin of another co-op may see them: no patient, no reason."""
    ids = {r.clinician_id for r in rows} | {r.room_id for r in rows if r.room_id is not None}
    names = {
        rid: (name, coop, tz)
        for rid, name, coop, tz in session.exec(
            select(col(tb.ResourceRow.id), col(tb.ResourceRow.name), col(tb.ResourceRow.coop), col(tb.CoopRow.tz))
            .join(tb.CoopRow, col(tb.CoopRow.slug) == col(tb.ResourceRow.coop))
            .where(col(tb.ResourceRow.id).in_(sorted(ids)))
        ).all()
    }
    out = []
    for r in rows:
        c_name, c_coop, c_tz = names.get(r.clinician_id, ("?", "", "UTC"))
        out.append(
            m.Booking(
                id=convert.key(r.id), clinician_id=r.clinician_id, room_id=r.room_id, coop=r.coop, start=r.start, end=r.end,
                status=m.BookingStatus(r.status), mode=m.Mode(r.mode), clinician=c_name,
                room=names[r.room_id][0] if r.room_id in names else None,
                clinician_coop=c_coop, clinician_tz=c_tz, masked=True, conflict=r.conflict,
            )
        )
    return out

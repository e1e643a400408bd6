"""issue 13: the store side of holds, quotas and the waitlist (queries and database guards).

A hold is a row of its own table, not a booking: booking lists, exports,
reports, calendars and the status life cycle never meet one. The database
still refuses a booking over a live hold and a hold over a booking or a live
hold (SQLite triggers below, beside the booking triggers of ``engine.py``).
"Live" is judged against the writing row's own instant (``updated_at``):
expiry is a time, and nothing has to run for an expired hold to stop
blocking.
"""

from __future__ import annotations

import datetime as dt
import sqlalchemy as sa
from sqlmodel import Session, col, or_, select

from telecoop.store import tables as tb

HELD = "held"
MAX_SPAN = dt.timedelta(days=1)

_OVERLAPS = """
      AND x.start < NEW."end" AND NEW.start < x."end"
      AND x.start >= datetime(NEW.start, '-1 day')
      AND (x.clinician_id = NEW.clinician_id OR x.room_id = NEW.room_id)
"""
# The marker "booking overlaps an active booking" makes engine.is_overlap_error
# (and so every caller's "this slot was just taken") recognise these too.
_HOLD_GUARD = f"""
    SELECT RAISE(ABORT, 'telecoop: hold longer than a day')
    WHERE julianday(NEW."end") - julianday(NEW.start) > 1;
    SELECT RAISE(ABORT, 'telecoop: booking overlaps an active booking (hold)')
    WHERE NEW.status = 'held' AND (
        EXISTS (SELECT 1 FROM booking AS x WHERE x.status IN ('booked', 'checked_in') {_OVERLAPS})
        OR EXISTS (SELECT 1 FROM hold AS x WHERE x.status = 'held' AND x.id IS NOT NEW.id
                   AND x.expires > NEW.updated_at {_OVERLAPS})
    );
"""
_BOOKING_GUARD = f"""
    SELECT RAISE(ABORT, 'telecoop: booking overlaps an active booking (hold)')
    WHERE NEW.status IN ('booked', 'checked_in') AND EXISTS (
        SELECT 1 FROM hold AS x WHERE x.status = 'held' AND x.expires > NEW.updated_at {_OVERLAPS}
    );
"""
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS hold_no_overlap_insert BEFORE INSERT ON hold BEGIN {_HOLD_GUARD} END",
    f"""CREATE TRIGGER IF NOT EXISTS hold_no_overlap_update
        BEFORE UPDATE OF start, "end", status, clinician_id, room_id, expires ON hold BEGIN {_HOLD_GUARD} END""",
    f"CREATE TRIGGER IF NOT EXISTS booking_no_hold_insert BEFORE INSERT ON booking BEGIN {_BOOKING_GUARD} END",
    f"""CREATE TRIGGER IF NOT EXISTS booking_no_hold_update
        BEFORE UPDATE OF start, "end", status, clinician_id, room_id ON booking BEGIN {_BOOKING_GUARD} END""",
]

# PostgreSQL: a hold never overlaps another live hold (EXCLUDE, as for bookings; the
# writers first mark overlapping expired holds lapsed: ``lapse_expired``). A hold and
# a booking across the two tables: row triggers like SQLite's, raising SQLSTATE 23P01
# (exclusion_violation) so that ``engine.is_overlap_error`` says "this slot was just
# taken" for both. Offers reach the other apps through the same LISTEN/NOTIFY as bookings.
_PG_OVERLAPS = """x.start < NEW."end" AND NEW.start < x."end"
               AND (x.clinician_id = NEW.clinician_id OR x.room_id = NEW.room_id)"""
POSTGRES_DDL = [
    f"""CREATE OR REPLACE FUNCTION telecoop_booking_not_held() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.status IN ('booked', 'checked_in') AND EXISTS (
                SELECT 1 FROM hold AS x WHERE x.status = 'held' AND x.expires > NEW.updated_at AND {_PG_OVERLAPS}
            ) THEN
                RAISE EXCEPTION 'telecoop: booking overlaps an active booking (hold)' USING ERRCODE = '23P01';
            END IF;
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER booking_not_held BEFORE INSERT OR UPDATE OF start, "end", status, clinician_id, room_id
       ON booking FOR EACH ROW EXECUTE FUNCTION telecoop_booking_not_held()""",
    f"""CREATE OR REPLACE FUNCTION telecoop_hold_not_booked() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.status = 'held' AND EXISTS (
                SELECT 1 FROM booking AS x WHERE x.status IN ('booked', 'checked_in') AND {_PG_OVERLAPS}
            ) THEN
                RAISE EXCEPTION 'telecoop: booking overlaps an active booking (hold)' USING ERRCODE = '23P01';
            END IF;
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER hold_not_booked BEFORE INSERT OR UPDATE OF start, "end", status, clinician_id, room_id
       ON hold FOR EACH ROW EXECUTE FUNCTION telecoop_hold_not_booked()""",
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE hold ADD CONSTRAINT hold_clinician_no_overlap EXCLUDE USING gist
       (clinician_id WITH =, tstzrange(start, "end", '[)') WITH &&) WHERE (status = 'held')""",
    """ALTER TABLE hold ADD CONSTRAINT hold_room_no_overlap EXCLUDE USING gist
       (room_id WITH =, tstzrange(start, "end", '[)') WITH &&) WHERE (status = 'held')""",
    """CREATE TRIGGER hold_notifies AFTER INSERT OR UPDATE OR DELETE ON hold
       FOR EACH STATEMENT EXECUTE FUNCTION telecoop_notify()""",
    """CREATE TRIGGER waitlist_entry_notifies AFTER INSERT OR UPDATE OR DELETE ON waitlist_entry
       FOR EACH STATEMENT EXECUTE FUNCTION telecoop_notify()""",
]

NEW_TABLES = (
    tb.WaitlistEntryRow, tb.HoldRow, tb.SharingTermsRow, tb.QuotaRow, tb.OverbookRow, tb.CoopCapacityRow,
)


def held_select(
    clinician_ids: list[int],
    room_ids: list[int],
    lo: dt.datetime,
    hi: dt.datetime,
    now: dt.datetime,
    exclude_hold: int | None = None,
):
    """(id, clinician, room, start, end) of live holds (held, not expired at ``now``) of these resources
    overlapping [lo, hi): the shape of the bookings query it is joined to (UNION ALL)."""
    H = tb.HoldRow
    who = []
    if clinician_ids:
        who.append(col(H.clinician_id).in_(clinician_ids))
    if room_ids:
        who.append(col(H.room_id).in_(room_ids))
    stmt = select(H.id, H.clinician_id, H.room_id, H.start, H.end).where(
        H.status == HELD, H.expires > now, H.start < hi, H.start > lo - MAX_SPAN, H.end > lo, or_(*who)
    )
    if exclude_hold is not None:
        stmt = stmt.where(H.id != exclude_hold)
    return stmt


def lapse_expired(session: Session, clinician_id: int, room_id: int | None, start: dt.datetime,
                  end: dt.datetime, now: dt.datetime) -> list[int]:
    """Mark expired holds overlapping [start, end) on these resources lapsed; their ids.

    Called first by every write that inserts a hold, so that no dead hold
    ever stands in the way of a database constraint.
    """
    H = tb.HoldRow
    who = [H.clinician_id == clinician_id]
    if room_id is not None:
        who.append(H.room_id == room_id)
    ids = list(session.exec(select(H.id).where(
        H.status == HELD, H.expires <= now, H.start < end, H.end > start, H.start > start - MAX_SPAN, or_(*who)
    )).all())
    if ids:
        session.execute(sa.update(H.__table__).where(H.__table__.c.id.in_(ids)).values(status="lapsed", updated_at=now))
    return ids

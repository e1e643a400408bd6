"""Schema 4 (issue 13): holds and offers, sharing terms and quotas, overbookings, the waitlist,
co-op hold/offer settings; and the database guards between holds and bookings.

Frozen: the guards' SQL is copied here, not imported. SQLite: triggers judging a
hold live by ``expires > NEW.updated_at`` (the writing row's own instant: expiry
is a time, not a job). PostgreSQL: EXCLUDE between live holds, row triggers
raising 23P01 between holds and bookings, and NOTIFY on the new tables.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 08:01:43.669180
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

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

# What ``telecoop check`` looks for from this revision (store.schema.missing_objects;
# SQLite: the names in SQLITE_TRIGGERS).
POSTGRES_OBJECTS = {
    "constraint": ("hold_clinician_no_overlap", "hold_room_no_overlap"),
    "function": ("telecoop_booking_not_held", "telecoop_hold_not_booked"),
    "trigger": ("booking_not_held", "hold_not_booked", "hold_notifies", "waitlist_entry_notifies"),
}

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('coop_capacity',
    sa.Column('coop', sa.String(), nullable=False),
    sa.Column('hold_minutes', sa.Integer(), nullable=False),
    sa.Column('offer_minutes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['coop'], ['coop.slug'], ),
    sa.PrimaryKeyConstraint('coop')
    )
    op.create_table('sharing_overbook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('coop', sa.String(), nullable=False),
    sa.Column('week', sa.String(), nullable=False),
    sa.Column('extra_minutes', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('granted_by', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coop'], ['coop.slug'], ),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sharing_overbook', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharing_overbook_resource_id'), ['resource_id'], unique=False)

    op.create_table('sharing_quota',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('coop', sa.String(), nullable=False),
    sa.Column('minutes_per_week', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['coop'], ['coop.slug'], ),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], ),
    sa.PrimaryKeyConstraint('resource_id', 'coop')
    )
    op.create_table('sharing_terms',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('min_notice_hours', sa.Integer(), nullable=False),
    sa.Column('release_hours', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], ),
    sa.PrimaryKeyConstraint('resource_id')
    )
    op.create_table('waitlist_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coop', sa.String(), nullable=False),
    sa.Column('added_by', sa.String(), nullable=False),
    sa.Column('specialty', sa.String(), nullable=False),
    sa.Column('language', sa.String(), nullable=False),
    sa.Column('mode', sa.String(), nullable=False),
    sa.Column('coops', sa.String(), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=False),
    sa.Column('to_date', sa.Date(), nullable=False),
    sa.Column('patient', sa.String(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('duration', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], ),
    sa.ForeignKeyConstraint(['coop'], ['coop.slug'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('waitlist_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_entry_coop'), ['coop'], unique=False)
        batch_op.create_index('ix_waitlist_status_specialty', ['status', 'specialty'], unique=False)

    op.create_table('hold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinician_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('coop', sa.String(), nullable=False),
    sa.Column('held_by', sa.String(), nullable=False),
    sa.Column('start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], ),
    sa.ForeignKeyConstraint(['clinician_id'], ['resource.id'], ),
    sa.ForeignKeyConstraint(['coop'], ['coop.slug'], ),
    sa.ForeignKeyConstraint(['entry_id'], ['waitlist_entry.id'], ),
    sa.ForeignKeyConstraint(['room_id'], ['resource.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('hold', schema=None) as batch_op:
        batch_op.create_index('ix_hold_clinician_start', ['clinician_id', 'start'], unique=False)
        batch_op.create_index('ix_hold_coop_status', ['coop', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_hold_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index('ix_hold_room_start', ['room_id', 'start'], unique=False)

    # ### end Alembic commands ###
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for ddl in SQLITE_TRIGGERS:
            op.execute(ddl)
    elif dialect == "postgresql":
        for ddl in POSTGRES_DDL:
            op.execute(ddl)
    else:  # pragma: no cover - make_engine opens nothing else
        raise NotImplementedError(f"TeleCoop has no database objects for {dialect}")


def downgrade() -> None:
    # The triggers and constraints go with their tables; the booking triggers need dropping.
    if op.get_bind().dialect.name == "sqlite":
        for name in ("booking_no_hold_insert", "booking_no_hold_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS booking_not_held ON booking")
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('hold', schema=None) as batch_op:
        batch_op.drop_index('ix_hold_room_start')
        batch_op.drop_index(batch_op.f('ix_hold_entry_id'))
        batch_op.drop_index('ix_hold_coop_status')
        batch_op.drop_index('ix_hold_clinician_start')

    op.drop_table('hold')
    with op.batch_alter_table('waitlist_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_status_specialty')
        batch_op.drop_index(batch_op.f('ix_waitlist_entry_coop'))

    op.drop_table('waitlist_entry')
    op.drop_table('sharing_terms')
    op.drop_table('sharing_quota')
    with op.batch_alter_table('sharing_overbook', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sharing_overbook_resource_id'))

    op.drop_table('sharing_overbook')
    op.drop_table('coop_capacity')
    # ### end Alembic commands ###

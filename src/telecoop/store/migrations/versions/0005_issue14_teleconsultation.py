"""issue 14: the teleconsultation record, interpreters and follow-up series.

- booking: patient_location ('QC'), patient_site, consent_by, consent_at,
  interpreter_id, series_id, series_index, video_link; index (interpreter_id, start);
- the old mode word 'room' becomes 'in-person' (data);
- resource.licences ('QC'); coop.video_platform;
- the ``series`` table;
- the overlap guard covers the interpreter too: SQLite's booking triggers are
  recreated (the batch copy of ``booking`` drops them anyway) with
  ``interpreter_id`` in their condition; PostgreSQL gets the exclusion
  constraint ``booking_interpreter_no_overlap``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from telecoop.store.migrations.batch import batch_alter_keeping_triggers

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# Frozen copy of the baseline's overlap condition, with the interpreter added.
_OVERLAP_CONDITION = """
    SELECT RAISE(ABORT, 'telecoop: booking longer than a day')
    WHERE julianday(NEW."end") - julianday(NEW.start) > 1;
    SELECT RAISE(ABORT, 'telecoop: booking overlaps an active booking')
    WHERE NEW.status IN ('booked', 'checked_in') AND EXISTS (
        SELECT 1 FROM booking AS b
        WHERE b.status IN ('booked', 'checked_in')
          AND b.id IS NOT NEW.id
          AND b.start < NEW."end" AND NEW.start < b."end"
          AND b.start >= datetime(NEW.start, '-1 day')
          AND (b.clinician_id = NEW.clinician_id OR b.room_id = NEW.room_id
               OR b.interpreter_id = NEW.interpreter_id)
    );
"""
SQLITE_BOOKING_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS booking_no_overlap_insert
        BEFORE INSERT ON booking BEGIN {_OVERLAP_CONDITION} END""",
    f"""CREATE TRIGGER IF NOT EXISTS booking_no_overlap_update
        BEFORE UPDATE OF start, "end", status, clinician_id, room_id, interpreter_id ON booking
        BEGIN {_OVERLAP_CONDITION} END""",
]
POSTGRES_INTERPRETER_GUARD = """ALTER TABLE booking ADD CONSTRAINT booking_interpreter_no_overlap
    EXCLUDE USING gist (interpreter_id WITH =, tstzrange(start, "end", '[)') WITH &&)
    WHERE (status IN ('booked','checked_in'))"""

# What ``telecoop check`` looks for from this revision (store.schema.missing_objects): the
# booking triggers as remade here (their SQL names the interpreter), and the exclusion.
SQLITE_CHECKED = {"booking_no_overlap_insert": "interpreter_id", "booking_no_overlap_update": "interpreter_id"}
POSTGRES_OBJECTS = {"constraint": ("booking_interpreter_no_overlap",)}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table('series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coop', sa.String(), nullable=False),
    sa.Column('clinician_id', sa.Integer(), nullable=False),
    sa.Column('repeat', sa.String(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('tz', sa.String(), nullable=False),
    sa.Column('created_by', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['clinician_id'], ['resource.id'], ),
    sa.ForeignKeyConstraint(['coop'], ['coop.slug'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_series_coop'), ['coop'], unique=False)

    # The batch copy of booking sets aside and remakes every trigger naming booking (0004's
    # hold guards); its own overlap triggers are replaced by the versions with the interpreter.
    with batch_alter_keeping_triggers(
        'booking', replaced=('booking_no_overlap_insert', 'booking_no_overlap_update')
    ) as batch_op:
        batch_op.add_column(sa.Column('patient_location', sa.String(), server_default='QC', nullable=False))
        batch_op.add_column(sa.Column('patient_site', sa.String(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('consent_by', sa.String(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('interpreter_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('series_index', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('video_link', sa.String(), server_default='', nullable=False))
        batch_op.create_index('ix_booking_interpreter_start', ['interpreter_id', 'start'], unique=False)
        batch_op.create_foreign_key('fk_booking_series_id', 'series', ['series_id'], ['id'])
        batch_op.create_foreign_key('fk_booking_interpreter_id', 'resource', ['interpreter_id'], ['id'])

    with op.batch_alter_table('coop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('video_platform', sa.String(), server_default='', nullable=False))

    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.add_column(sa.Column('licences', sa.String(), server_default='QC', nullable=False))

    # Data: "room" was the word for a visit where the patient comes in person.
    op.execute("UPDATE booking SET mode = 'in-person' WHERE mode = 'room'")
    if dialect == "sqlite":
        for ddl in SQLITE_BOOKING_TRIGGERS:
            op.execute(ddl)
    elif dialect == "postgresql":
        op.execute(POSTGRES_INTERPRETER_GUARD)
    else:  # pragma: no cover - make_engine opens nothing else
        raise NotImplementedError(f"TeleCoop has no database objects for {dialect}")


def downgrade() -> None:
    raise NotImplementedError("not undone: restore a copy made by 'telecoop backup'")

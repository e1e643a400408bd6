"""issue 14: an existing PostgreSQL database at revision 0003 (the baseline), with data in it,
upgraded to the head by ``telecoop upgrade``: rows, ids and sequences survive, the old mode
word becomes in-person, and every guarantee of the later revisions is there and works.

The data are tests/data/schema3.db's (a real file written by TeleCoop at schema 3, the
one the SQLite upgrade tests use), copied into a PostgreSQL database made by the
baseline revision alone: what a federation moved to PostgreSQL before 0004 holds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from pgtools import pg_engine, pg_scratch  # noqa: F401  (fixture)
from telecoop.cli import main
from telecoop.domain import model as m
from telecoop.services import booking as booking_service
from telecoop.services.context import open_context
from telecoop.store import schema
from telecoop.store.engine import schema_version

SCHEMA3 = Path(__file__).parent / "data" / "schema3.db"
#: foreign-key order (meta is the baseline's own: instance id, version)
TABLES = ("coop", "resource", "staff", "resource_share", "availability", "closure", "booking", "audit")
NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.timezone.utc)


def _aware(row: dict) -> dict:
    """SQLite keeps naive UTC instants; PostgreSQL's are timestamptz."""
    return {k: v.replace(tzinfo=dt.timezone.utc) if isinstance(v, dt.datetime) and v.tzinfo is None else v
            for k, v in row.items()}


def _rows_of_schema3() -> dict[str, list[dict]]:
    src = sa.create_engine(f"sqlite:///{SCHEMA3}")
    meta = sa.MetaData()
    meta.reflect(src)
    try:
        with src.connect() as conn:
            return {name: [_aware(dict(r._mapping)) for r in conn.execute(meta.tables[name].select())]
                    for name in TABLES}
    finally:
        src.dispose()


def _database_at_0003_with_data(url: str, rows: dict[str, list[dict]]) -> None:
    engine = pg_engine(url)
    try:
        with schema.migration_connection(engine) as conn:
            command.upgrade(schema.alembic_config(conn), schema.BASELINE)
            meta = sa.MetaData()
            meta.reflect(conn)
            for name in TABLES:
                conn.execute(meta.tables[name].insert(), rows[name])
            for name in ("resource", "booking", "availability", "closure", "audit"):
                conn.exec_driver_sql(  # as the copy that filled it would (migrate --to resets them too)
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
        assert schema_version(engine) == int(schema.BASELINE)
    finally:
        engine.dispose()


def test_a_postgresql_database_at_0003_with_data_upgrades_to_the_head(pg_scratch, capsys):  # noqa: F811
    rows = _rows_of_schema3()
    assert len(rows["booking"]) == 6 and {r["mode"] for r in rows["booking"]} == {"room", "video", "phone"}
    _database_at_0003_with_data(pg_scratch, rows)

    # An ordinary command refuses the database behind, saying what to run; upgrade brings it to the head.
    assert main(["--lang", "en", "--db", pg_scratch, "check"]) == 1
    assert f"telecoop --db {pg_scratch} upgrade" in capsys.readouterr().err
    assert main(["--lang", "en", "--db", pg_scratch, "upgrade"]) == 0
    assert f"from schema {int(schema.BASELINE)} to schema {schema.version()}" in capsys.readouterr().out
    assert main(["--lang", "en", "--db", pg_scratch, "check"]) == 0
    out = capsys.readouterr().out
    assert f"schema {schema.version()}, integrity: ok" in out and "bookings: 6" in out

    engine = pg_engine(pg_scratch)
    try:
        with engine.connect() as conn:
            assert schema.missing_objects(conn) == []  # 0004's and 0005's guarantees included
            for name in TABLES:  # every row, under its own id
                keys = sa.inspect(conn).get_pk_constraint(name)["constrained_columns"]
                got = {tuple(r) for r in conn.exec_driver_sql(f'SELECT {", ".join(keys)} FROM "{name}"')}
                assert got == {tuple(r[k] for k in keys) for r in rows[name]}, name
            bookings = {r.id: r for r in conn.exec_driver_sql(
                "SELECT id, mode, status, start, patient, patient_location, consent_by, video_link, interpreter_id "
                "FROM booking")}
            for old in rows["booking"]:
                new = bookings[old["id"]]
                assert (new.status, new.start, new.patient) == (old["status"], old["start"], old["patient"])
                assert new.mode == ("in-person" if old["mode"] == "room" else old["mode"])
                assert (new.patient_location, new.consent_by, new.video_link, new.interpreter_id) == ("QC", "", "", None)
            assert set(conn.exec_driver_sql("SELECT DISTINCT licences FROM resource").scalars()) == {"QC"}
            assert conn.exec_driver_sql("SELECT count(*) FROM series").scalar() == 0
    finally:
        engine.dispose()

    # The guarantees work on the old data's database: ids go on from the last one, and one
    # interpreter cannot be in two active bookings at once (0005), on top of the baseline's rules.
    engine = pg_engine(pg_scratch)
    insert = sa.text(
        'INSERT INTO booking (clinician_id, interpreter_id, coop, booked_by, start, "end", patient, reason, mode, '
        "status, cancel_reason, conflict, created_at, updated_at, patient_location, patient_site, consent_by, "
        "video_link) VALUES (:c, 40, 'gaspesie', 'recep.gaspesie', :s, :e, 'AB', '', 'video', 'booked', '', '', "
        ":now, :now, 'QC', '', 'recep.gaspesie', '') RETURNING id")
    start = dt.datetime(2026, 12, 9, 14, 0, tzinfo=dt.timezone.utc)
    try:
        with engine.begin() as conn:
            new_id = conn.execute(insert, {"c": 1, "s": start, "e": start + dt.timedelta(minutes=30),
                                           "now": NOW}).scalar()
        assert new_id == max(r["id"] for r in rows["booking"]) + 1
        with pytest.raises(sa.exc.IntegrityError, match="booking_interpreter_no_overlap"):
            with engine.begin() as conn:  # another clinician, the same interpreter, overlapping
                conn.execute(insert, {"c": 2, "s": start + dt.timedelta(minutes=15),
                                      "e": start + dt.timedelta(minutes=45), "now": NOW})
    finally:
        engine.dispose()

    # And TeleCoop reads it as any database at the head: the room visit is in person.
    ctx = open_context(pg_scratch, "recep.iles", clock=lambda: NOW)  # its co-op booked it
    try:
        first = booking_service.get_booking(ctx, 1)
        assert first.mode == m.Mode.IN_PERSON and first.room_id == 40 and first.patient_location == "QC"
    finally:
        ctx.engine.dispose()

"""The store: SQLite set-up, schema version, append-only audit."""

from __future__ import annotations

import sqlite3

import engines
import pytest
import sqlalchemy as sa

from telecoop.domain.errors import StoreError
from telecoop.store.engine import SCHEMA_VERSION, make_engine, read_session, schema_version, write_session
from telecoop.store import tables as tb


def test_sqlite_is_set_up_as_design_says(tmp_path):
    engine = make_engine(tmp_path / "a.db")
    with engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar_one()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") >= 15000
        assert pragma("foreign_keys") == 1
    engine.dispose()


def test_write_sessions_begin_immediate(tmp_path):
    engine = make_engine(tmp_path / "a.db")
    seen = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    with write_session(engine) as s:
        s.add(tb.Meta(key="x", value="1"))
    with read_session(engine) as s:
        s.get(tb.Meta, "x")
    assert "BEGIN IMMEDIATE" in seen
    assert seen.count("BEGIN") == 1  # the read
    engine.dispose()


def test_write_session_rolls_back_on_error(tmp_path):
    engine = make_engine(tmp_path / "a.db")
    with pytest.raises(RuntimeError):
        with write_session(engine) as s:
            s.add(tb.Meta(key="x", value="1"))
            s.flush()
            raise RuntimeError("boom")
    with read_session(engine) as s:
        assert s.get(tb.Meta, "x") is None
    engine.dispose()


def test_schema_version_is_stored(tmp_path):
    engine = make_engine(tmp_path / "a.db")
    assert schema_version(engine) == SCHEMA_VERSION
    engine.dispose()


def test_newer_schema_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "a.db"
    make_engine(path).dispose()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = ?", (f"{SCHEMA_VERSION + 1:04d}",))
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as err:
        make_engine(path)
    assert "newer" in err.value.message("en") and "plus récente" in err.value.message("fr")


def _pre_alembic(path) -> None:
    """A file from before Alembic: the committed schema-3 file (today's head has later revisions too)."""
    import shutil
    from pathlib import Path

    shutil.copy(Path(__file__).parent / "data" / "schema3.db", path)


def test_older_schema_is_migrated(tmp_path):
    path = tmp_path / "a.db"
    _pre_alembic(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    engine = make_engine(path)
    assert schema_version(engine) == SCHEMA_VERSION
    engine.dispose()


def test_foreign_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError):
        make_engine(path)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError):
        make_engine(garbage)


def test_missing_file_is_not_created_when_opening(tmp_path):
    with pytest.raises(StoreError) as err:
        make_engine(tmp_path / "nope.db", create=False)
    assert "telecoop init" in err.value.message("en")
    assert not (tmp_path / "nope.db").exists()


def test_audit_trail_is_append_only(db_path):
    conn = engines.Direct(db_path)  # SQLite's triggers, PostgreSQL's telecoop_append_only()
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] >= 1
    for statement in ("DELETE FROM audit", "UPDATE audit SET actor = 'x'"):
        with pytest.raises(Exception, match="append-only"):
            conn.execute(statement)
    assert conn.execute("SELECT count(*) FROM audit WHERE actor = 'x'").fetchone()[0] == 0
    conn.close()


def test_naive_datetime_never_reaches_the_store(tmp_path):
    import datetime as dt

    engine = make_engine(tmp_path / "a.db")
    with pytest.raises(Exception, match="naive"):
        with write_session(engine) as s:
            s.add(tb.AuditRow(at=dt.datetime(2026, 1, 1), actor="x", action="a", entity="e", entity_id="1"))
    engine.dispose()


def test_a_version_1_file_gets_the_bounded_trigger_and_directory_version(tmp_path):
    """Migration 1 -> 2 replaces the overlap triggers and adds the directory counter."""
    path = tmp_path / "a.db"
    _pre_alembic(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.execute("DELETE FROM meta WHERE key = 'directory_version'")
    conn.execute("DROP TRIGGER booking_no_overlap_insert")
    conn.commit()
    conn.close()
    engine = make_engine(path)
    assert schema_version(engine) == SCHEMA_VERSION
    with engine.connect() as c:
        sql = c.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'booking_no_overlap_insert'").scalar_one()
        assert "-1 day" in sql
        assert c.exec_driver_sql("SELECT value FROM meta WHERE key = 'directory_version'").scalar_one() == "0"
    engine.dispose()


@pytest.mark.sqlite_only("migrates an SQLite file of schema 2; no PostgreSQL database predates schema 3")
def test_a_version_2_file_keeps_its_bookings_and_gains_the_conflict_flag(tmp_path):
    """Migration 2 -> 3: the booking table gets ``conflict`` ("" for every existing booking)."""
    path = tmp_path / "a.db"
    _pre_alembic(path)
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM booking")
    conn.execute("ALTER TABLE booking DROP COLUMN conflict")
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.execute(
        "INSERT INTO booking (clinician_id, coop, booked_by, start, \"end\", patient, reason, mode, status,"
        " cancel_reason, created_at, updated_at) VALUES (1, 'gaspesie', 'recep.gaspesie', '2026-12-08 14:00:00',"
        " '2026-12-08 14:30:00', 'AB', '', 'video', 'booked', '', '2026-12-01 00:00:00', '2026-12-01 00:00:00')"
    )
    conn.commit()
    conn.close()
    engine = make_engine(path)
    assert schema_version(engine) == SCHEMA_VERSION >= 3
    with engine.connect() as c:
        assert c.exec_driver_sql("SELECT patient, conflict FROM booking").all() == [("AB", "")]
    engine.dispose()


def test_directory_changes_bump_the_directory_version(db_path):
    from telecoop.store.engine import directory_version

    engine = make_engine(db_path)
    with read_session(engine) as s:
        before = directory_version(s)
    conn = engines.Direct(db_path)  # a statement trigger on PostgreSQL
    conn.execute("UPDATE resource SET name = 'Renamed' WHERE id = 8")
    conn.commit()
    conn.close()
    with read_session(engine) as s:
        assert directory_version(s) != before
    engine.dispose()


def test_a_booking_longer_than_a_day_is_refused_by_the_database(db_path):
    conn = engines.Direct(db_path)  # SQLite's trigger, PostgreSQL's CHECK booking_span_ok
    with pytest.raises(conn.integrity_error, match="longer than a day|booking_span_ok"):
        conn.execute(
            "INSERT INTO booking (clinician_id, coop, booked_by, start, \"end\", patient, reason, mode, status,"
            " cancel_reason, created_at, updated_at) VALUES (8, 'iles', 'x', '2026-12-08 14:00:00.000000',"
            " '2026-12-10 14:00:00.000000', 'P', '', 'video', 'booked', '', '2026-12-01 00:00:00', '2026-12-01 00:00:00')"
        )
    conn.close()


def test_writes_checkpoint_after_their_turn_not_during_a_commit(tmp_path):
    """Auto-checkpoint is off (it stalled every writer at once); each write checkpoints its own pages."""
    engine = make_engine(tmp_path / "a.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 0
    for i in range(50):
        with write_session(engine) as s:
            s.add(tb.Meta(key=f"k{i}", value="x" * 2000))
    raw = engine.raw_connection()
    busy, log, done = raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    raw.close()
    assert busy == 0 and log == done  # nothing was left waiting in the WAL
    engine.dispose()


def test_a_version_2_file_gets_an_instance_id_that_then_stays(tmp_path):
    """Migration 2 -> 3 adds the random identifier calendar UIDs carry; new files have their own."""
    from telecoop.store.engine import instance_id

    path = tmp_path / "a.db"
    _pre_alembic(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.execute("DELETE FROM meta WHERE key = 'instance_id'")
    conn.commit()
    conn.close()
    ids = []
    for _ in range(2):
        engine = make_engine(path)
        assert schema_version(engine) == SCHEMA_VERSION
        with read_session(engine) as s:
            ids.append(instance_id(s))
        engine.dispose()
    other = make_engine(tmp_path / "b.db")
    with read_session(other) as s:
        assert len(ids[0]) == 32 and ids[0] == ids[1] != instance_id(s)
    other.dispose()

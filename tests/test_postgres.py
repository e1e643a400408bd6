"""The PostgreSQL engine (issue 12): addresses, schema, the writers' turn, and failures as one line.

The address tests need no server and run in the SQLite half; the rest run on a
real PostgreSQL server in throwaway databases (``TELECOOP_TEST_DB=postgresql``,
tests/engines.py) and skip otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid

import engines
import pendulum
import pytest
import sqlalchemy as sa

from telecoop import locations
from telecoop.cli import main
from telecoop.domain.errors import BadInput, StoreError
from telecoop.services.context import may_act_as
from telecoop.store import engine as store
from telecoop.store import tables as tb

INIT = ["init", "--coop", "gaspesie", "--coop-name", "G", "--tz", "America/Toronto", "--admin", "fed.admin"]


# --------------------------------------------------------------------------- #
# Addresses (no server needed)
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("url", ["postgresql://fed:s3cret@localhost/telecoop",
                                 "postgres:///telecoop?password=s3cret&host=/var/run/postgresql"])
@pytest.mark.parametrize("lang, words", [("en", "no password in the database address"),
                                         ("fr", "pas de mot de passe dans l'adresse")])
def test_a_password_on_the_command_line_is_refused_in_one_line(capsys, monkeypatch, url, lang, words):
    assert main(["--lang", lang, "--db", url, "coops"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"telecoop: {words}") and err.count("\n") == 1
    assert "s3cret" not in err and ("pgpass" in err)
    monkeypatch.setenv("TELECOOP_DB", url)  # the environment too: it shows in /proc/PID/environ
    assert main(["--lang", lang, "coops"]) == 2
    assert "s3cret" not in capsys.readouterr().err


def test_libpq_address_forms_are_accepted_as_given():
    for url in ("postgresql://db.example:5433/telecoop", "postgresql:///telecoop?host=/var/run/postgresql",
                "postgresql://?service=telecoop", "postgres://app@db.example/telecoop?sslmode=verify-full"):
        target = locations.db_file(url)
        assert locations.is_db_url(target) and target == url
    assert not locations.is_db_url(locations.db_file("x.db?mode=ro"))
    with pytest.raises(BadInput) as err:
        locations.db_file("postgresql://h/x?no_such_option=1")
    assert err.value.key == "store.pg_url"


def test_as_on_postgresql_needs_root_or_ones_own_private_connection_settings(tmp_path):
    """No database file to own: the service account is the one whose own pgpass/service file opens it."""
    uid = os.getuid()
    url = locations.db_file("postgresql://db.example/telecoop")
    env = {"HOME": str(tmp_path)}
    assert may_act_as(url, uid=0, environ=env)
    if uid == 0:
        return  # (what follows needs an account that is not root)
    assert not may_act_as(url, uid=uid, environ=env)  # no settings file
    pgpass = tmp_path / ".pgpass"
    pgpass.write_text("db.example:5432:telecoop:app:pw\n")
    pgpass.chmod(0o600)
    assert may_act_as(url, uid=uid, environ=env)
    assert not may_act_as(url, uid=uid + 1, environ=env)  # someone else's settings
    pgpass.chmod(0o622)
    assert not may_act_as(url, uid=uid, environ=env)  # writable by others: anyone could point it elsewhere
    service = locations.db_file("postgresql://?service=telecoop")
    assert not may_act_as(service, uid=uid, environ=env)  # a service is read from the service file
    (tmp_path / ".pg_service.conf").write_text("[telecoop]\nhost=db.example\n")
    assert may_act_as(service, uid=uid, environ=env)
    assert not may_act_as(service, uid=uid, environ={**env, "SUDO_USER": "alice", "SUDO_UID": "1001"})


def test_an_unreachable_server_is_one_line_in_both_languages(capsys):
    url = "postgresql://127.0.0.1:1/telecoop"  # nothing listens on port 1 of this machine
    assert main(["--lang", "en", "--db", url, "--as", "fed.admin", "coops"]) == 1
    err = capsys.readouterr().err
    assert err == f"telecoop: cannot reach the PostgreSQL server of {url} (stopped, or wrong host or port?); nothing was changed\n"
    assert main(["--lang", "fr", "--db", url, "--as", "fed.admin", "coops"]) == 1
    assert "impossible de joindre le serveur PostgreSQL" in capsys.readouterr().err


# --------------------------------------------------------------------------- #
# On a real server
# --------------------------------------------------------------------------- #


def test_init_makes_the_schema_with_the_contracts_objects_and_check_says_ok(pg_url, capsys):
    with pytest.raises(StoreError) as err:  # an empty database is no TeleCoop database yet
        store.make_engine(pg_url, create=False)
    assert err.value.key == "store.pg_empty" and "telecoop init" in err.value.message("en")
    assert main(["--lang", "en", "--db", pg_url, *INIT]) == 0
    engine = store.make_engine(pg_url, create=False)
    with engine.connect() as conn:
        types = dict(conn.execute(sa.text(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'booking'"
        )).all())
        assert types["start"] == types["end"] == types["created_at"] == "timestamp with time zone"
        from telecoop.store import schema

        assert schema.missing_objects(conn) == []
    assert store.is_postgres(engine) and store.integrity_check(engine) == "ok"
    capsys.readouterr()
    assert main(["--lang", "en", "--db", pg_url, "--as", "fed.admin", "check"]) == 0
    assert "integrity: ok" in capsys.readouterr().out
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE booking DROP CONSTRAINT booking_room_no_overlap")
    engine.dispose()
    assert main(["--lang", "en", "--db", pg_url, "--as", "fed.admin", "check"]) == 1
    assert "booking_room_no_overlap" in capsys.readouterr().out
    assert main(["--lang", "en", "--db", pg_url, "upgrade"]) == 0
    assert "already at schema" in capsys.readouterr().out


def test_a_missing_database_and_an_unknown_role_are_one_line_each(pg_url, capsys):
    missing = pg_url.replace(engines.database_name(pg_url), f"tc_missing_{uuid.uuid4().hex[:6]}")
    assert main(["--lang", "en", "--db", missing, "--as", "fed.admin", "coops"]) == 1
    err = capsys.readouterr().err
    assert "does not exist; an administrator creates it (createdb)" in err and err.count("\n") == 1
    sep = "&" if "?" in pg_url else "?"
    stranger = f"{pg_url}{sep}user=tc_nobody_{uuid.uuid4().hex[:6]}"
    assert main(["--lang", "fr", "--db", stranger, "--as", "fed.admin", "coops"]) == 1
    err = capsys.readouterr().err
    assert "a refusé la connexion" in err and err.count("\n") == 1


@pytest.fixture
def limited_role(pg_url):
    """A role of this run with no rights on the database; the test connects as root and SETs it."""
    role = f"tc_role_{uuid.uuid4().hex[:8]}"
    admin = engines._admin()
    admin.execute(f'CREATE ROLE "{role}" NOLOGIN')
    sep = "&" if "?" in pg_url else "?"
    yield role, f"{pg_url}{sep}options=-c%20role%3D{role}"
    engines.drop_database(pg_url)
    admin.execute(f'DROP OWNED BY "{role}"')
    admin.execute(f'DROP ROLE "{role}"')


def test_without_the_right_to_add_btree_gist_init_says_what_is_missing(limited_role, capsys):
    role, url = limited_role
    engines._admin().execute(f'REVOKE CREATE ON DATABASE "{engines.database_name(url)}" FROM PUBLIC')
    assert main(["--lang", "en", "--db", url, *INIT]) == 1
    err = capsys.readouterr().err
    assert err.startswith("telecoop: the PostgreSQL extension btree_gist is missing") and err.count("\n") == 1
    assert "CREATE EXTENSION btree_gist" in err


def test_a_role_that_may_only_read_is_refused_in_one_line_and_nothing_changes(limited_role, capsys):
    role, url = limited_role
    plain = url.split("options=")[0].rstrip("?&")
    assert main(["--db", plain, *INIT]) == 0
    admin_engine = store.make_engine(plain, create=False)
    with admin_engine.begin() as conn:
        conn.exec_driver_sql(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"')
    admin_engine.dispose()
    before = engines.pg_digest(plain)
    capsys.readouterr()
    code = main(["--lang", "en", "--db", url, "--as", "fed.admin", "staff", "add", "x.y",
                 "--coop", "gaspesie", "--role", "receptionist", "--name", "X"])
    err = capsys.readouterr().err
    assert code == 1 and err == f"telecoop: the PostgreSQL role is not allowed to do that in {url}; nothing was changed\n"
    assert engines.pg_digest(plain) == before


def test_backup_says_pg_dump_in_one_line(db_path, tmp_path, capsys):
    if not engines.ON_PG:
        pytest.skip("PostgreSQL half only")
    target = tmp_path / "copy.db"
    assert main(["--lang", "en", "--db", db_path, "--as", "fed.admin", "backup", str(target)]) == 1
    assert capsys.readouterr().err == (
        "telecoop: a PostgreSQL database is backed up with pg_dump (or a standby), not with 'telecoop backup'\n"
    )
    assert not target.exists()


def test_write_sessions_take_the_writers_turn_and_wait_at_most_the_timeout(db_path, monkeypatch):
    if not engines.ON_PG:
        pytest.skip("PostgreSQL half only")
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 300)
    engine = store.make_engine(db_path, create=False)
    seen = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    with store.write_session(engine) as s:
        s.add(tb.Meta(key="x", value="1"))
    with store.read_session(engine) as s:
        s.get(tb.Meta, "x")
    # the write only, its turn taken in the round trip that begins it
    assert seen.count(f"BEGIN; SELECT pg_advisory_xact_lock({store.WRITERS_LOCK})") == 1
    holder = engines.Direct(db_path)
    holder.execute(f"SELECT pg_advisory_lock({store.WRITERS_LOCK})")  # another writer holds the turn
    from telecoop.domain.errors import Busy

    with pytest.raises(Busy):
        with store.write_session(engine) as s:
            s.add(tb.Meta(key="y", value="1"))
    holder.close()  # its turn ends with its session
    with store.write_session(engine) as s:
        s.add(tb.Meta(key="y", value="1"))
    engine.dispose()


def test_a_booking_waits_only_for_writes_on_its_own_resources(as_user, db_path, monkeypatch):
    """The finer turn (store.engine._pg_turn_statements): a booking of named resources shares the writers'
    turn with other such bookings and waits for its resources' own locks; every other write (and a
    booking of "any room") still has the turn to itself. Another connection plays the other writer."""
    if not engines.ON_PG:
        pytest.skip("PostgreSQL half only")
    from telecoop.domain.errors import Busy
    from telecoop.services import booking as bk

    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 300)
    ctx = as_user("recep.gaspesie")

    def book(clinician: int, start: str, **more):
        return bk.book(ctx, clinician_id=clinician, start=start, duration=30, patient="AB", consent=True, **more)

    other = engines.Direct(db_path)
    other.execute(f"SELECT pg_advisory_lock({store.RESOURCE_LOCKS}, 8)")  # a booking of clinician 8 under way
    with pytest.raises(Busy):
        book(8, "2026-12-08T10:00")
    assert book(1, "2026-12-08T09:00").clinician_id == 1  # another clinician's booking goes ahead
    other.execute("SELECT pg_advisory_unlock_all()")
    other.execute(f"SELECT pg_advisory_lock_shared({store.WRITERS_LOCK})")  # a booking of other resources
    assert book(8, "2026-12-08T10:00").clinician_id == 8
    with pytest.raises(Busy):  # any other write waits for it ...
        with store.write_session(ctx.engine) as s:
            s.add(tb.Meta(key="x", value="1"))
    with pytest.raises(Busy):  # ... and so does a booking that chooses among every room
        book(1, "2026-12-08T10:00", any_room=True, mode="room")
    other.execute("SELECT pg_advisory_unlock_all()")
    other.execute(f"SELECT pg_advisory_lock({store.WRITERS_LOCK})")  # a write that has the turn to itself
    with pytest.raises(Busy):
        book(8, "2026-12-08T11:00")
    other.close()
    assert [b.start.hour for b in bk.list_bookings(ctx)] == [14, 14]  # 09:00 Toronto, 10:00 Halifax


def test_the_overlap_constraint_is_the_same_slot_taken(db_path):
    if not engines.ON_PG:
        pytest.skip("PostgreSQL half only")
    engine = store.make_engine(db_path, create=False)
    start = dt.datetime(2030, 3, 12, 14, tzinfo=dt.timezone.utc)
    row = dict(clinician_id=8, coop="iles", booked_by="x", start=start, end=start + dt.timedelta(minutes=30),
               patient="P", created_at=start, updated_at=start)
    with store.write_session(engine) as s:
        s.add(tb.BookingRow(**row))
    with pytest.raises(sa.exc.IntegrityError) as err:
        with store.write_session(engine) as s:
            s.add(tb.BookingRow(**{**row, "start": start + dt.timedelta(minutes=15),
                                   "end": start + dt.timedelta(minutes=45)}))
    assert store.is_overlap_error(err.value)
    # A cancelled booking no longer holds its slot.
    with store.write_session(engine) as s:
        s.exec(sa.update(tb.BookingRow).values(status="cancelled"))
        s.add(tb.BookingRow(**{**row, "start": start + dt.timedelta(minutes=15),
                               "end": start + dt.timedelta(minutes=45)}))
    engine.dispose()


def test_a_server_gone_mid_transaction_is_one_line_and_nothing_is_half_written(db_path):
    if not engines.ON_PG:
        pytest.skip("PostgreSQL half only")
    engine = store.make_engine(db_path, create=False)
    killer = engines.Direct(db_path)
    with pytest.raises(sa.exc.DBAPIError) as err:
        with store.write_session(engine) as s:
            s.add(tb.Meta(key="half", value="1"))
            s.flush()
            pid = s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
            killer.execute("SELECT pg_terminate_backend(?)", (pid,))
            s.add(tb.Meta(key="half2", value="1"))
            s.flush()
    known = store.store_error(err.value, db_path)
    assert known is not None and known.key == "store.pg_lost", err.value
    assert "nothing was half-written" in known.message("en")
    assert killer.execute("SELECT count(*) FROM meta WHERE key LIKE 'half%'").fetchone()[0] == 0
    killer.close()
    with store.read_session(engine) as s:  # the next session gets a new connection
        assert s.get(tb.Meta, "schema_version") is not None
    engine.dispose()


def test_a_change_by_another_connection_reaches_the_watcher(db_path):
    if not engines.ON_PG:
        pytest.skip("PostgreSQL half only")
    engine = store.make_engine(db_path, create=False)
    watcher = store.change_watcher(engine)
    assert not watcher.changed()
    other = engines.Direct(db_path)
    other.execute("UPDATE resource SET name = 'Renamed' WHERE id = 8")
    other.close()
    assert watcher.changed(wait=5)  # NOTIFY follows the other side's commit
    assert not watcher.changed()
    watcher.close()
    engine.dispose()


def test_demo_fills_an_empty_database_and_fresh_erases_only_a_demo(pg_url, capsys):
    from telecoop.services.dataio import build_demo

    # The suite's fixed clock, written out: "from conftest import" may find tests/tui's conftest.
    def clock():
        return pendulum.datetime(2026, 12, 7, 12, 0, tz="UTC")

    assert build_demo(pg_url, clock=clock) is True
    assert build_demo(pg_url, clock=clock) is False  # there already: opened as it is
    assert build_demo(pg_url, fresh=True, clock=clock) is True
    other = engines.create_database("pg")
    assert main(["--db", other, *INIT]) == 0
    before = engines.pg_digest(other)
    with pytest.raises(StoreError) as err:
        build_demo(other, fresh=True)
    assert err.value.key == "store.not_demo" and engines.pg_digest(other) == before

"""Issue 9 (part a): private files, identity and roles that cannot be bent,
and a clear line for every failure a person can cause."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import engines
import pytest

from telecoop import locations
from telecoop.cli import main
from telecoop.domain.errors import BadInput, NotPermitted, TeleCoopError
from telecoop.services import directory as ds
from telecoop.services.context import os_login

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def run(db_path, capsys):
    def call(*argv: str, login: str | None = "fed.admin", lang: str = "en"):
        args = ["--db", str(db_path), "--lang", lang] + (["--as", login] if login else [])
        code = main([*args, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return call


@pytest.fixture
def umask():
    old = os.umask(0o022)
    yield lambda value: os.umask(value)
    os.umask(old)


# --------------------------------------------------------------------------- #
# 1. Patient files are private, whatever the umask
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("value", [0o022, 0o000])
def test_services_create_private_files_whatever_the_umask(tmp_path, umask, value):
    """The store and io layers set the modes themselves (not only the CLI's umask)."""
    from telecoop.io import csvio
    from telecoop.services.admin import init_database
    from telecoop.store.engine import backup, make_engine, write_session

    umask(value)
    db = tmp_path / "new" / "deeper" / "telecoop.db"
    init_database(db, coop="gaspesie", coop_name="G", tz="America/Toronto", admin="fed.admin")
    engine = make_engine(db, create=False)
    with write_session(engine):  # keeps the -wal/-shm alive while we look
        raw = engine.raw_connection()
        raw.cursor().execute("SELECT 1")
        for suffix in ("", "-wal", "-shm"):
            assert mode(Path(f"{db}{suffix}")) == 0o600, suffix
        raw.close()
    assert mode(db.parent) == 0o700 and mode(db.parent.parent) == 0o700
    backup(engine, tmp_path / "copy.db")
    assert mode(tmp_path / "copy.db") == 0o600
    csvio.export_dir(engine, tmp_path / "out" / "csv", include_bookings=True)
    engine.dispose()
    assert mode(tmp_path / "out") == 0o700 and mode(tmp_path / "out" / "csv") == 0o700
    for f in (tmp_path / "out" / "csv").iterdir():
        assert mode(f) == 0o600, f
    locations.write_private_bytes(tmp_path / "a.ics", b"x")
    assert mode(tmp_path / "a.ics") == 0o600


@pytest.mark.sqlite_only("the modes of the SQLite file and its -wal/-shm")
@pytest.mark.parametrize("value", [0o022, 0o000])
def test_cli_files_are_private_whatever_the_umask(tmp_path, demo_template, umask, value, capsys):
    db = tmp_path / "demo.db"
    shutil.copy(demo_template, db)
    umask(value)
    base = ["--lang", "en", "--db", str(db)]
    assert main([*base, "--as", "fed.admin", "backup", str(tmp_path / "b.db")]) == 0
    assert main([*base, "export", str(tmp_path / "exp")]) == 0
    assert main([*base, "--as", "recep.gaspesie", "ics", "--resource", "1", "-o", str(tmp_path / "r.ics")]) == 0
    for path in [tmp_path / "b.db", tmp_path / "r.ics", *(tmp_path / "exp").iterdir()]:
        assert mode(path) == 0o600, path
    assert mode(tmp_path / "exp") == 0o700
    fresh = tmp_path / "f" / "t.db"
    assert main(["--db", str(fresh), "init", "--coop", "gaspesie", "--coop-name", "G", "--tz", "America/Toronto",
                 "--admin", "fed.admin"]) == 0
    assert mode(fresh) == 0o600 and mode(fresh.parent) == 0o700


@pytest.mark.sqlite_only("the database file's mode")
def test_check_warns_when_others_may_read_the_database(run, db_path):
    os.chmod(db_path, 0o600)
    code, _out, err = run("check")
    assert code == 0 and err == ""
    os.chmod(db_path, 0o644)
    code, _out, err = run("check")
    assert code == 0
    assert err == f"warning: {db_path} is readable by other accounts (mode 644); it holds patient data: chmod 600 {db_path}\n"


# --------------------------------------------------------------------------- #
# 6. Identity and roles cannot be bent
# --------------------------------------------------------------------------- #


def _free_uid() -> int:
    import pwd

    uid = 54_321
    while True:
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid
        uid += 1


def test_login_comes_from_the_password_database_never_USER(db_path):
    uid = _free_uid()
    for env in ({"USER": "fed.admin"}, {"LOGNAME": "fed.admin", "USER": "fed.admin"}, {}):
        with pytest.raises(NotPermitted) as exc:
            os_login(environ=env, uid=uid, db_path=db_path)
        assert exc.value.key == "identity.no_passwd"
    assert os_login(environ={"USER": "fed.admin"}, uid=0) == "root"


def test_unknown_uid_cannot_export_every_patient(db_path, tmp_path, monkeypatch, capsys):
    """The probe of the issue: a uid with no passwd entry plus USER=fed.admin."""
    uid = _free_uid()
    monkeypatch.setattr(os, "getuid", lambda: uid)
    monkeypatch.setenv("USER", "fed.admin")
    monkeypatch.setenv("LOGNAME", "fed.admin")
    code = main(["--lang", "en", "--db", str(db_path), "export", str(tmp_path / "out")])
    assert code == 1
    assert capsys.readouterr().err == f"telecoop: account {uid} has no password-database entry; TeleCoop cannot tell who you are\n"
    assert not (tmp_path / "out").exists()


def _staff(as_user, login):
    return {s.login: s for s in ds.list_staff(as_user("fed.admin"))}[login]


def test_staff_add_never_rewrites_an_existing_login(as_user):
    admin = as_user("admin.gaspesie")
    with pytest.raises(TeleCoopError) as exc:
        ds.add_staff(admin, login="fed.admin", coop="gaspesie", role="receptionist")
    assert exc.value.key == "staff.exists"
    assert _staff(as_user, "fed.admin").role.value == "federation_admin"
    fed = as_user("fed.admin")
    with pytest.raises(TeleCoopError):
        ds.add_staff(fed, login="recep.iles", coop="gaspesie", role="coop_admin")
    assert _staff(as_user, "recep.iles").coop == "iles"


@pytest.mark.parametrize(
    ("actor", "login", "change", "key"),
    [
        ("admin.gaspesie", "fed.admin", {"role": "receptionist"}, "staff.federation_role"),
        ("admin.gaspesie", "recep.gaspesie", {"role": "federation_admin"}, "staff.federation_role"),
        ("admin.gaspesie", "recep.gaspesie", {"coop": "iles"}, "perm.other_coop"),
        ("admin.gaspesie", "recep.iles", {"role": "coop_admin"}, "notfound.staff"),
        ("admin.gaspesie", "recep.iles", {"active": True}, "notfound.staff"),
        ("recep.gaspesie", "recep.gaspesie", {"role": "coop_admin"}, "perm.denied"),
        ("fed.admin", "fed.admin", {"role": "receptionist"}, "staff.last_federation_admin"),
        ("fed.admin", "fed.admin", {"active": False}, "staff.self"),
        ("fed.admin", "nobody.here", {"role": "receptionist"}, "notfound.staff"),
        ("fed.admin", "recep.iles", {}, "staff.set_nothing"),
        ("fed.admin", "recep.iles", {"role": "boss"}, "field.choice"),
        ("fed.admin", "recep.iles", {"coop": "nowhere"}, "field.unknown_coop"),
    ],
)
def test_staff_set_refuses_what_the_actor_may_not_do(as_user, actor, login, change, key):
    before = ds.list_staff(as_user("fed.admin"))
    with pytest.raises(TeleCoopError) as exc:
        ds.set_staff(as_user(actor), login, **change)
    assert exc.value.key == key
    assert ds.list_staff(as_user("fed.admin")) == before


def test_the_last_federation_admin_stays(as_user):
    fed = as_user("fed.admin")
    ds.add_staff(fed, login="fed.two", coop="iles", role="federation_admin")
    two = as_user("fed.two")
    ds.deactivate_staff(two, "fed.admin")  # another one remains: allowed
    with pytest.raises(NotPermitted) as exc:
        ds.set_staff(two, "fed.two", role="coop_admin")
    assert exc.value.key == "staff.last_federation_admin"
    ds.set_staff(two, "fed.admin", active=True)  # given back
    ds.set_staff(two, "fed.two", role="coop_admin")  # now fed.admin remains
    assert _staff(as_user, "fed.two").role.value == "coop_admin"
    with pytest.raises(NotPermitted):
        ds.deactivate_staff(as_user("admin.gaspesie"), "fed.admin")


def test_staff_set_in_the_cli_is_audited(run, db_path):
    code, out, err = run("staff", "set", "recep.gaspesie", "--role", "coop_admin", login="admin.gaspesie")
    assert (code, out, err) == (0, "staff record of 'recep.gaspesie' updated\n", "")
    code, out, _ = run("audit", "--json")
    last = next(e for e in json.loads(out) if e["action"] == "staff.set")
    assert (last["action"], last["actor"], last["entity_id"]) == ("staff.set", "admin.gaspesie", "recep.gaspesie")
    assert (last["before"]["role"], last["after"]["role"]) == ("receptionist", "coop_admin")
    code, _, err = run("staff", "add", "recep.gaspesie", "--coop", "gaspesie", "--role", "receptionist",
                       login="admin.gaspesie")
    assert code == 1 and "telecoop staff set recep.gaspesie" in err
    code, _, err = run("staff", "set", "fed.admin", "--role", "receptionist", login="admin.gaspesie")
    assert (code, err) == (1, "telecoop: only a federation admin grants or removes that role\n")
    from telecoop.services.context import open_context

    assert run("staff", "remove", "recep.iles")[0] == 0
    with pytest.raises(NotPermitted):
        open_context(db_path, "recep.iles")
    code, out, _ = run("staff", "set", "recep.iles", "--restore")
    assert code == 0
    open_context(db_path, "recep.iles").engine.dispose()  # may work again


def test_federation_admin_export_masks_other_coops_patients(tmp_path, demo_template, capsys):
    db = engines.copy_db(demo_template, tmp_path / "demo.db")
    assert main(["--db", str(db), "--as", "fed.admin", "export", str(tmp_path / "fed")]) == 0
    assert main(["--db", str(db), "export", str(tmp_path / "owner")]) == 0  # the file's owner: everything
    import csv

    def rows(folder):
        with open(folder / "bookings.csv", encoding="utf-8") as fh:
            return {r["id"]: r for r in csv.DictReader(fh)}

    fed, full = rows(tmp_path / "fed"), rows(tmp_path / "owner")
    assert fed.keys() == full.keys() and len(fed) > 100
    others = [i for i, r in full.items() if r["coop"] != "gaspesie"]
    own = [i for i, r in full.items() if r["coop"] == "gaspesie"]
    assert others and own
    assert all(fed[i]["patient"] == "" and fed[i]["reason"] == "" and fed[i]["booked_by"] == "" for i in others)
    assert all(full[i]["patient"] != "" for i in others)
    assert all(fed[i] == full[i] for i in own)


# --------------------------------------------------------------------------- #
# 7. Zones: canonical IANA names only, one validator
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("zone", ["right/America/Toronto", "posix/America/Toronto", "america/toronto",
                                  "America/Toronto/", "/usr/share/zoneinfo/America/Toronto", "../etc/passwd"])
def test_only_canonical_zone_names(tmp_path, zone, capsys):
    from telecoop.domain import validate
    from telecoop.domain.timeutil import zone as tz_zone

    with pytest.raises(BadInput):
        validate.tz(zone)
    with pytest.raises(BadInput):
        tz_zone(zone)
    db = tmp_path / "t.db"
    code = main(["--lang", "en", "--db", str(db), "init", "--coop", "gaspesie", "--coop-name", "G", "--tz", zone,
                 "--admin", "fed.admin"])
    assert code == 2 and capsys.readouterr().err.startswith("telecoop: unknown time zone")
    assert not db.exists()


# --------------------------------------------------------------------------- #
# 8. A clear line for what a person can do
# --------------------------------------------------------------------------- #

BIG = "9" * 25
CLEAR_LINES = [
    (["cancel", BIG, "--reason", "x"], 2, f"'{BIG}' is not a valid id (a whole number from 1 to 9223372036854775807)"),
    (["status", "18446744073709551616", "completed"], 2, "is not a valid id"),
    (["book", "--consent", "--clinician", BIG, "--start", "2026-12-08T10:00", "--patient", "P"], 2, "is not a valid id"),
    (["ics", "--resource", "-" + BIG], 2, "is not a valid id"),
    (["bookings", "--from", "0001-01-01"], 2, "'0001-01-01' is outside the allowed range (1900-01-01 to 2199-12-31)"),
    (["bookings", "--to", "9999-12-31"], 2, "outside the allowed range"),
    (["slots", "--from", "9999-12-30"], 2, "outside the allowed range"),
    (["book", "--consent", "--clinician", "1", "--start", "0001-01-01T00:00", "--patient", "P"], 2, "outside the allowed range"),
    (["book", "--consent", "--clinician", "1", "--start", "9999-12-31T23:30Z", "--patient", "P"], 2, "outside the allowed range"),
    (["book", "--consent", "--clinician", "1", "--start", "0001-01-01T00:00+14:00", "--patient", "P"], 2, "outside the allowed range"),
    (["report", "usage", "--month", "0000-01"], 2, "'0000-01' is outside the allowed range (1900-01 to 2199-12)"),
    (["report", "no-shows", "--month", "9999-12"], 2, "outside the allowed range"),
    (["cancel", "1", "--reason", "caf\udcc3"], 2, "argument 'caf?' holds bytes that are not UTF-8"),
    (["staff", "add", "\udcff\udcfe", "--coop", "gaspesie", "--role", "receptionist"], 2, "holds bytes that are not UTF-8"),
    (["ics", "--resource", "1", "-o", "{tmp}"], 2, "{tmp} is a folder; give a file name"),
    (["ics", "--resource", "1", "-o", "{tmp}/no/such/x.ics"], 2, "the folder of {tmp}/no/such/x.ics does not exist"),
    (["ics", "--resource", "1", "-o", "/dev/full"], 1, "no disk space left to write /dev/full; nothing was kept"),
    (["backup", "{tmp}"], 2, "{tmp} is a folder; give a file name"),
    (["backup", "{tmp}/no/such/b.db"], 2, "the folder of {tmp}/no/such/b.db does not exist"),
    (["export", "/dev/full"], 2, "part of /dev/full/coops.csv.tmp is not a folder"),
    (["staff", "add", "x" * 10_000, "--coop", "gaspesie", "--role", "receptionist"], 2, "is not a valid login"),
]


@pytest.mark.parametrize(("argv", "code", "line"), CLEAR_LINES, ids=[" ".join(a[:2])[:30] for a, _, _ in CLEAR_LINES])
def test_what_a_person_can_do_gets_its_own_line(tmp_path, demo_template, capsys, argv, code, line):
    db = engines.copy_db(demo_template, tmp_path / "demo.db")
    digest = engines.pg_digest if engines.ON_PG else lambda p: p.read_bytes()
    before = digest(db)
    if engines.ON_PG and argv[0] == "backup":  # before any check of the target: pg_dump's job
        code, line = 1, "is backed up with pg_dump"
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    got = main(["--lang", "en", "--db", str(db), "--as", "fed.admin", *argv])
    out, err = capsys.readouterr()
    assert got == code, err
    assert err.count("\n") == 1 and err.startswith("telecoop: ")
    assert line.replace("{tmp}", str(tmp_path)) in err
    assert "unexpected" not in err and "Traceback" not in err
    assert len(err) < 300  # echoed values are cut
    assert digest(db) == before
    assert not (tmp_path / "no").exists()  # no missing folder made on the way


@pytest.mark.sqlite_only("a full disk under the SQLite file")
def test_a_full_disk_leaves_no_half_written_file(tmp_path, demo_template, monkeypatch, capsys):
    """ENOSPC in the middle of an export or an .ics: one line, no partial file kept."""
    db = tmp_path / "demo.db"
    shutil.copy(demo_template, db)
    import csv as csv_module

    real_writer = csv_module.writer

    class FullDisk:
        def __init__(self, fh, **kw):
            self.inner = real_writer(fh, **kw)

        def writerow(self, row):
            return self.inner.writerow(row)

        def writerows(self, rows):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(csv_module, "writer", FullDisk)
    code = main(["--lang", "en", "--db", str(db), "export", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("telecoop: no disk space left to write")
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.sqlite_only("SQLite's lock; PostgreSQL's turn is in tests/test_postgres.py")
def test_a_database_locked_past_the_timeout_says_busy_without_sql(tmp_path, demo_template, monkeypatch, capsys):
    from telecoop.store import engine as store_engine

    db = tmp_path / "demo.db"
    shutil.copy(demo_template, db)
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 100)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code = main(["--lang", "en", "--db", str(db), "--as", "admin.gaspesie", "closures", "holidays",
                     "--year", "2027"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("telecoop: the database has been busy with another write for ") and "try again" in err
    assert "BEGIN" not in err and "SELECT" not in err and err.count("\n") == 1


def test_an_unexpected_error_goes_to_a_private_log(db_path, tmp_path, monkeypatch, capsys):
    from telecoop import cli

    logs = tmp_path / "state" / "log"
    monkeypatch.setattr(locations, "log_dir", lambda: logs)

    def broken(args):
        raise ZeroDivisionError("a bug, with a patient reference P-123 in it")

    monkeypatch.setitem(cli.COMMANDS, "coops", broken)
    code = main(["--lang", "en", "--db", str(db_path), "--as", "fed.admin", "coops"])
    err = capsys.readouterr().err
    log = logs / "errors.log"
    assert code == 1
    assert err == f"telecoop: unexpected error (ZeroDivisionError); the details are in {log}\n"
    assert "P-123" not in err
    text = log.read_text()
    assert "Traceback" in text and "ZeroDivisionError" in text and "in broken" in text
    assert mode(log) == 0o600 and mode(logs) == 0o700


@pytest.mark.sqlite_only("restores an SQLite backup file")
def test_restore_from_a_backup(tmp_path, demo_template, capsys):
    """The procedure of docs/operations.md: backup, damage, copy the backup back, check."""
    db = tmp_path / "demo.db"
    shutil.copy(demo_template, db)
    base = ["--lang", "en", "--db", str(db)]
    assert main([*base, "--as", "fed.admin", "backup", str(tmp_path / "monday.db")]) == 0
    capsys.readouterr()
    assert main([*base, "--as", "fed.admin", "bookings", "--json"]) == 0
    wanted = json.loads(capsys.readouterr().out)
    data = bytearray(db.read_bytes())
    data[len(data) // 3: len(data) // 3 + 50_000] = os.urandom(50_000)
    db.write_bytes(bytes(data))
    assert main([*base, "check"]) == 1
    assert "restore the last copy made by 'telecoop backup'" in capsys.readouterr().err
    for suffix in ("-wal", "-shm"):  # as documented: the damaged file's companions go too
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(tmp_path / "monday.db", db)
    assert main([*base, "check"]) == 0
    assert "integrity: ok" in capsys.readouterr().out
    assert main([*base, "--as", "fed.admin", "bookings", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == wanted


def test_the_app_says_busy_without_sql_and_logs_bugs(tmp_path, monkeypatch):
    """The app's worker guard: the same clear line for a locked database, a logged traceback for a bug."""
    import sqlalchemy as sa

    from telecoop.tui.messages import failure

    logs = tmp_path / "log"
    monkeypatch.setattr(locations, "log_dir", lambda: logs)
    locked = sa.exc.OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))
    msg = failure(locked, "/srv/t.db")
    assert msg.text.startswith("the database has been busy with another write for ") and "BEGIN" not in msg.text
    ro = sa.exc.OperationalError("INSERT INTO staff ...", {}, sqlite3.OperationalError("attempt to write a readonly database"))
    assert failure(ro, "/srv/t.db").text == "the database /srv/t.db is read-only; nothing was changed"
    bug = failure(KeyError("x"))
    assert bug.text == f"unexpected error (KeyError); the details are in {logs / 'errors.log'}"
    assert "KeyError" in (logs / "errors.log").read_text()

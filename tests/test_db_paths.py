"""Issue 9: what --db may point at. Nothing that is not a usable TeleCoop database of
this version is ever written to: every command says so in one line, in the user's
language, exit 1 or 2, no traceback, and leaves the file byte for byte as it was,
before it even looks at who is asking (``--as nobody.here`` would be refused too).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from telecoop.cli import main
from telecoop.domain.errors import StoreError
from telecoop.store.engine import SCHEMA_VERSION

# Commands that read, and commands that write; each with arguments that would
# pass on a good database. ``--as nobody.here``: the file's problem comes first.
READERS = [
    ["coops"],
    ["bookings", "--json"],
    ["slots", "--limit", "1"],
    ["staff", "list"],
    ["audit"],
    ["report", "usage", "--month", "2026-12"],
    ["check"],
]
WRITERS = [
    ["staff", "add", "x.y", "--coop", "gaspesie", "--role", "receptionist"],
    ["cancel", "1", "--reason", "r"],
    ["closures", "holidays", "--year", "2026"],
    ["book", "--consent", "--clinician", "1", "--start", "2026-12-08T10:00", "--patient", "P1"],
    ["export", "{tmp}/out"],
    ["backup", "{tmp}/copy.db"],
    ["ics", "1", "-o", "{tmp}/one.ics"],
]


def _digest(path: Path) -> str:
    if path.is_dir():
        return "dir:" + ",".join(sorted(os.listdir(path)))
    if path.is_fifo():
        return "fifo"
    if not path.exists():
        return "absent"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sqlite(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path)
    for stmt in sql:
        conn.execute(stmt)
    conn.commit()
    conn.close()


def _older(db: Path) -> None:
    """A schema-1 file as TeleCoop wrote them before Alembic: no alembic_version, meta says 1.

    Made from the committed schema-3 file (today's head has later revisions, issue 14's 0004).
    """
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(Path(__file__).parent / "data" / "schema3.db", db)
    _sqlite(db, "UPDATE meta SET value = '1' WHERE key = 'schema_version'")


def _newer(db: Path) -> None:
    _sqlite(db, f"UPDATE alembic_version SET version_num = '{SCHEMA_VERSION + 1:04d}'")


def _fold(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def make_case(name: str, tmp: Path, template: Path) -> tuple[Path, str, dict]:
    """Build the bad --db of case ``name``; return (path, expected key, its params)."""
    db = tmp / "telecoop.db"
    if name == "folder":
        db.mkdir()
        return db, "store.is_dir", {"path": str(db)}
    if name == "missing parent":
        db = tmp / "no" / "such" / "telecoop.db"
        return db, "store.missing", {"path": str(db)}
    if name == "0-byte file":
        db.write_bytes(b"")
        return db, "store.empty_file", {"path": str(db)}
    if name == "FIFO":  # reading it would block forever
        os.mkfifo(db)
        return db, "store.not_db", {"path": str(db)}
    if name == "not SQLite":
        db.write_text("login,name\nfed.admin,x\n")
        return db, "store.not_db", {"path": str(db)}
    if name == "foreign SQLite":
        # A rollback-journal file of another program: once, opening it switched it to WAL.
        _sqlite(db, "CREATE TABLE patients (id INTEGER, name TEXT)", "INSERT INTO patients VALUES (1, 'x')")
        return db, "store.foreign", {"tables": "patients"}
    shutil.copy(template, db)
    if name == "truncated":
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 2 + 100])
        return db, "store.damaged", {"path": str(db)}
    if name == "newer schema":
        _newer(db)
        _fold(db)
        return db, "store.newer", {"found": SCHEMA_VERSION + 1, "supported": SCHEMA_VERSION}
    if name == "older schema":
        _older(db)
        _fold(db)
        return db, "store.older", {"path": str(db), "found": 1, "supported": SCHEMA_VERSION,
                                   "command": f"telecoop --db {db} upgrade"}
    if name == "read-only":
        os.chmod(db, 0o444)
        return db, "store.readonly", {"path": str(db)}
    raise AssertionError(name)


CASES = ["folder", "missing parent", "0-byte file", "not SQLite", "foreign SQLite", "truncated",
         "newer schema", "older schema", "FIFO"]
MATRIX = [(case, cmd, "en") for case in CASES for cmd in READERS + WRITERS]
# A read-only file is fine to read; only what writes must be refused.
MATRIX += [("read-only", cmd, "en") for cmd in (WRITERS[0], WRITERS[2], ["staff", "remove", "recep.iles"])]
# French: one reader and one writer per case.
MATRIX += [(case, cmd, "fr") for case in CASES for cmd in (READERS[0], WRITERS[0])]
MATRIX += [("read-only", WRITERS[0], "fr")]


@pytest.mark.sqlite_only("damaged, cut, older, newer and read-only SQLite files")
@pytest.mark.parametrize(
    ("case", "command", "lang"), MATRIX, ids=[f"{c}:{' '.join(cmd[:2])}:{lang}" for c, cmd, lang in MATRIX]
)
def test_a_bad_database_path_is_refused_untouched(tmp_path, sample_template, capsys, case, command, lang):
    db, key, params = make_case(case, tmp_path, sample_template)
    before = _digest(db)
    siblings = sorted(p.name for p in db.parent.iterdir()) if db.parent.exists() else None
    argv = [a.replace("{tmp}", str(tmp_path)) for a in command]
    # Whoever asks, the file's problem comes first; a read-only file is a
    # good database, so there a real admin asks.
    login = "fed.admin" if case == "read-only" else "nobody.here"
    code = main(["--db", str(db), "--lang", lang, "--as", login, *argv])
    out, err = capsys.readouterr()
    assert code in (1, 2)
    assert err == f"telecoop: {StoreError(key, **params).message(lang)}\n"
    assert "Traceback" not in err and not out
    assert _digest(db) == before
    if case != "read-only":  # SQLite's read-only mode may leave its -shm beside the file
        assert (sorted(p.name for p in db.parent.iterdir()) if db.parent.exists() else None) == siblings
    assert not (tmp_path / "out").exists() and not (tmp_path / "copy.db").exists()


@pytest.mark.sqlite_only("migrates an SQLite file of an older schema")
def test_init_and_import_create_and_upgrade_migrates(tmp_path, sample_template, capsys):
    """The three that may write: init and import create; upgrade migrates in place, refuses newer."""
    db = tmp_path / "new.db"
    assert main(["--db", str(db), "init", "--coop", "gaspesie", "--coop-name", "G", "--tz", "America/Toronto",
                 "--admin", "fed.admin"]) == 0
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert main(["--db", str(empty), "import", str(Path(__file__).parents[1] / "sample_data")]) == 0
    old = tmp_path / "old.db"
    shutil.copy(sample_template, old)
    _older(old)
    capsys.readouterr()
    assert main(["--lang", "en", "--db", str(old), "--as", "fed.admin", "coops"]) == 1
    assert f"then run: telecoop --db {old} upgrade\n" in capsys.readouterr().err  # the exact command
    assert main(["--lang", "en", "--db", str(old), "upgrade"]) == 0
    assert f"schema 1 to schema {SCHEMA_VERSION}" in capsys.readouterr().out
    assert main(["--db", str(old), "--as", "fed.admin", "coops"]) == 0
    assert main(["--lang", "en", "--db", str(old), "upgrade"]) == 0
    assert "already" in capsys.readouterr().out
    _newer(old)
    before = _digest(old)
    assert main(["--lang", "en", "--db", str(old), "upgrade"]) == 1
    assert "newer" in capsys.readouterr().err
    assert _digest(old) == before


def test_db_is_a_file_path_never_a_uri(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    odd = "x.db?mode=ro"
    assert main(["--db", odd, "init", "--coop", "gaspesie", "--coop-name", "G", "--tz", "America/Toronto",
                 "--admin", "fed.admin"]) == 0
    # The file has exactly that name; nothing was written to "x.db".
    assert (tmp_path / odd).is_file() and not (tmp_path / "x.db").exists()
    assert main(["--db", odd, "--as", "fed.admin", "coops"]) == 0
    capsys.readouterr()
    # (postgresql:// addresses are the other engine: tests/test_postgres.py)
    assert main(["--lang", "en", "--db", "https://example.org/db", "coops"]) == 2
    assert capsys.readouterr().err.startswith("telecoop: --db takes a file path or a postgresql:// address, not")
    monkeypatch.setenv("TELECOOP_DB", "sqlite:///x.db")
    assert main(["--lang", "fr", "coops"]) == 2
    assert "--db prend un chemin de fichier ou une adresse postgresql://" in capsys.readouterr().err


@pytest.mark.sqlite_only("scribbles over the pages of an SQLite file")
def test_a_damaged_page_says_restore_from_a_backup(db_path, capsys):
    """Damage inside the file (not a cut one) shows when read: the same line, naming the backup command."""
    size = db_path.stat().st_size
    with open(db_path, "r+b") as fh:  # scribble over the pages of the middle of the file
        fh.seek(size // 2)
        fh.write(os.urandom(size // 4))
    code = main(["--lang", "en", "--db", str(db_path), "--as", "fed.admin", "check"])
    err = capsys.readouterr().err
    assert code == 1
    assert "damaged" in err and "telecoop backup" in err and "Traceback" not in err


@pytest.mark.sqlite_only("demo files; PostgreSQL's demo --fresh is in tests/test_postgres.py")
def test_demo_fresh_erases_only_a_demo_database(tmp_path, sample_template, demo_template, capsys):
    """``demo --fresh`` deletes the file it rebuilds: never someone's real database."""
    real = tmp_path / "real.db"
    shutil.copy(sample_template, real)
    before = _digest(real)
    assert main(["--lang", "en", "--db", str(real), "demo", "--fresh"]) == 1
    assert capsys.readouterr().err == f"telecoop: {real} is not a demo database; 'demo --fresh' will not erase it\n"
    assert _digest(real) == before
    other = tmp_path / "notes.txt"
    other.write_text("not a database\n")
    assert main(["--lang", "en", "--db", str(other), "demo", "--fresh"]) == 1
    assert other.read_text() == "not a database\n"
    demo = tmp_path / "demo.db"
    shutil.copy(demo_template, demo)
    assert main(["--lang", "en", "--db", str(demo), "demo", "--fresh"]) == 0  # its own file: rebuilt
    assert "demo database built" in capsys.readouterr().err


@pytest.mark.sqlite_only("SQLite files of an older schema")
@pytest.mark.parametrize("command", [
    ["init", "--coop", "gaspesie", "--coop-name", "G", "--tz", "America/Toronto", "--admin", "fed.admin"],
    ["import", str(Path(__file__).parents[1] / "sample_data" / "coops.csv")],
])
def test_init_and_import_do_not_migrate_either(tmp_path, sample_template, capsys, command):
    """Only ``upgrade`` migrates: init and import on an older file say so and leave it as it was."""
    db = tmp_path / "old.db"
    shutil.copy(sample_template, db)
    _older(db)
    _fold(db)
    before = _digest(db)
    assert main(["--lang", "en", "--db", str(db), *command]) == 1
    assert capsys.readouterr().err == f"telecoop: {StoreError('store.older', path=str(db), found=1, supported=SCHEMA_VERSION, command=f'telecoop --db {db} upgrade').message('en')}\n"
    assert _digest(db) == before

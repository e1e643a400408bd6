"""The bad-input catalogue (issue 9): every CLI command, table-driven.

Each bad input must give exit 2 (bad input) or 1 (refused), one clear line on
stderr in the user's language, nothing on stdout, never a traceback nor an
"unexpected error", no terminal escape echoed back, and a database that is
byte-for-byte unchanged (main file and WAL hashed after every case, and
compared with their hash before the first), with no file or folder left behind
(in the catalogue's folder or the current one). Commands run in-process through
``main()`` for speed, on one database per module: since no case may change it,
every case also checks that the ones before it did not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import engines
import pytest

from telecoop.cli import main
from telecoop.store import tables as tb
from telecoop.store.engine import make_engine, sync_id_sequences, write_session

LONG = "x" * 10_000
CTRL = "AB\x1b[31m\x07"
NUL = "A\x00B"
NEWLINE = "A\nB"
BIDI = "A\u202eB"
MARKUP = "[bold red]AB[/]"
SQL = "1; DROP TABLE booking;--"
SQLQ = "' OR '1'='1"
OWN_BOOKING, OTHER_BOOKING = 501, 502  # made below: one by Gaspésie, one by Îles on Îles' private nurse

# (value, expected exit) lists, reused across commands.
IDS = [("", 2), ("abc", 2), ("-1", 2), ("0", 2), ("1.5", 2), (SQL, 2), (SQLQ, 2), (MARKUP, 2), (LONG, 2),
       (CTRL, 2), ("99999999", 1)]
BOOKING_IDS = IDS + [(str(OTHER_BOOKING), 1)]
DATES = [("", 2), ("tomorrow", 2), ("2030-02-30", 2), ("2030-13-01", 2), ("2030-00-10", 2), ("30/03/2030", 2),
         (LONG, 2), (CTRL, 2), (MARKUP, 2), (SQL, 2), ("2030-1-1", 2)]
STARTS = [("", 2), ("tomorrow", 2), ("2030-02-30T10:00", 2), ("2030-13-01T10:00", 2), ("2030-03-12T25:00", 2),
          ("2030-03-12T10:61", 2), ("2030-03-10T02:30", 2),  # spring-forward gap (Îles, Halifax time)
          ("2030-11-03T01:30", 2),  # fall-back: happens twice
          ("2020-03-10T10:00", 2),  # in the past
          (LONG, 2), (CTRL, 2), (MARKUP, 2), (SQL, 2), ("2030-03-12T10:00+25:00", 2)]
DURATIONS = [("0", 2), ("-30", 2), ("6000", 2), ("4", 2), ("481", 2), ("abc", 2), ("", 2), ("1.5", 2), (SQL, 2)]
TEXTS = [(LONG, 2), (CTRL, 2), (NUL, 2), (BIDI, 2)]
SLUGS = [("", 2), ("nowhere", 2), (SQL, 2), (SQLQ, 2), (MARKUP, 2), (LONG, 2), (CTRL, 2), ("Gaspésie", 2)]
LOGINS = [("", 2), (LONG, 2), (CTRL, 2), (MARKUP, 2), (SQL, 2), ("UPPER CASE", 2), (NUL, 2)]

BOOK = ["book", "--consent", "--clinician", "8", "--start", "2030-03-12T10:00", "--duration", "30", "--patient", "AB"]
SLOTS = ["slots", "--specialty", "psychology", "--from", "2030-03-12", "--days", "1"]
STAFF_ADD = ["staff", "add", "new.person", "--coop", "gaspesie", "--role", "receptionist", "--name", "New Person"]


CLOSE = ["closures", "add", "--resource", "1", "--from", "2030-04-01", "--to", "2030-04-02", "--reason", "Vacances"]
STAFF_SET = ["staff", "set", "recep.gaspesie", "--role", "receptionist", "--coop", "gaspesie"]
STRAND = ["closures", "add", "--resource", "8", "--from", "2030-03-12", "--to", "2030-03-12", "--reason", "Vacances"]
FHIR = ["fhir", "publish", "--out", "{tmp}/fhir", "--days", "7"]
# output paths: a folder where a file goes, a missing parent, a file as parent, a name too long
OUTPUTS = [("{tmp}/empty", 2), ("{tmp}/no/such/x.xlsx", 2), ("{tmp}/bad/odd.csv/x.xlsx", 2), ("{tmp}/" + "n" * 300, 1)]
# output folders (a missing one is made): a file, a file as parent, a name too long
FOLDERS = [("{tmp}/bad/odd.csv", 2), ("{tmp}/bad/odd.csv/sub", 2), ("{tmp}/" + "n" * 300, 1)]


def _closures_add_rows() -> list[tuple[list[str], int]]:
    rows = _vary(CLOSE, "--resource", IDS + [("9", 1)])  # Îles' private nurse
    by_coop = [a for a in CLOSE if a not in ("--resource", "1")] + ["--coop", "gaspesie"]
    rows += _vary(by_coop, "--coop", SLUGS + [("iles", 1)])
    rows += _vary(CLOSE, "--from", DATES + [("2030-04-01 25:00", 2), ("2030-03-10 02:30", 2)])
    rows += _vary(CLOSE, "--to", DATES + [("2030-04-01 10:61", 2)])
    rows += _vary(CLOSE, "--reason", [("", 2), ("   ", 2)] + TEXTS)
    rows += [(CLOSE[:4] + ["--from", "2030-04-02", "--to", "2030-04-01"] + CLOSE[8:], 2),
             ([*CLOSE, "--coop", "gaspesie"], 2), ([a for a in CLOSE if a not in ("--resource", "1")], 2),
             ([*CLOSE[:2], "--resource", "8"] + CLOSE[4:], 1)]  # Îles' clinician
    return rows


def _vary(base: list[str], option: str, values: list[tuple[str, int]]) -> list[tuple[list[str], int]]:
    """``base`` with ``option``'s value replaced (or appended) by each bad value."""
    out = []
    for value, code in values:
        argv = list(base)
        if option in argv:
            argv[argv.index(option) + 1] = value
        else:
            argv += [option, value]
        out.append((argv, code))
    return out


def _positional(prefix: list[str], values: list[tuple[str, int]], suffix: list[str]) -> list[tuple[list[str], int]]:
    return [([*prefix, v, *suffix], c) for v, c in values]


def _cases() -> list[tuple[str, list[str], int, str]]:
    """(id, argv, expected exit, login)."""
    table: list[tuple[list[str], int, str]] = []

    def add(rows, login="recep.gaspesie"):
        table.extend((argv, code, login) for argv, code in rows)

    # book
    add(_vary(BOOK, "--clinician", IDS + [("40", 2), ("9", 1)]))  # a room; Îles' private nurse
    add(_vary(BOOK, "--room", IDS + [("1", 2), ("44", 1)]))  # a clinician; a private room elsewhere
    add(_vary(BOOK, "--start", STARTS))
    add(_vary(BOOK, "--duration", DURATIONS))
    add(_vary(BOOK, "--patient", [("", 2), ("   ", 2), ("x" * 41, 2)] + TEXTS + [(NEWLINE, 2)]))
    add(_vary(BOOK, "--reason", TEXTS))
    add(_vary(BOOK, "--mode", [("", 2), ("fax", 2), (MARKUP, 2), (SQL, 2)]))
    add([([*BOOK, "--room", "40", "--any-room"], 2)])
    # slots
    add(_vary(SLOTS, "--from", DATES))
    add(_vary(SLOTS, "--days", [("0", 2), ("-1", 2), ("100000", 2), ("abc", 2), ("", 2)]))
    add(_vary(SLOTS, "--duration", DURATIONS))
    add(_vary(SLOTS, "--limit", [("0", 2), ("-1", 2), ("abc", 2), ("10000000", 2)]))
    add(_vary(SLOTS, "--coop", SLUGS))
    add(_vary(SLOTS, "--clinician", IDS))
    add(_vary(SLOTS, "--room", IDS))
    add(_vary(SLOTS, "--specialty", [("", 2), ("astrology", 2), (SQL, 2)]))
    add(_vary(SLOTS, "--language", [("", 2), ("klingon", 2), (MARKUP, 2)]))
    # cancel, reschedule, status
    add(_positional(["cancel"], BOOKING_IDS, ["--reason", "Malade"]))
    add(_vary(["cancel", str(OWN_BOOKING), "--reason", "x"], "--reason", [("", 2), ("   ", 2)] + TEXTS))
    add(_positional(["reschedule"], BOOKING_IDS, ["--start", "2030-03-12T11:00"]))
    add(_vary(["reschedule", str(OWN_BOOKING), "--start", "x"], "--start", STARTS))
    add(_positional(["status"], BOOKING_IDS, ["no-show"]))
    add(_positional(["status", str(OWN_BOOKING)], [("", 2), ("done", 2), (MARKUP, 2), (SQL, 2), ("booked", 2)], []))
    # bookings, ics
    add(_vary(["bookings"], "--from", DATES))
    add(_vary(["bookings"], "--to", DATES))
    add([(["bookings", "--from", "2030-03-12", "--to", "2030-03-01"], 2)])
    add(_positional(["ics"], BOOKING_IDS, []))
    add(_vary(["ics"], "--resource", IDS + [("9", 1)]))
    add([(["ics"], 2), (["ics", str(OWN_BOOKING), "--resource", "8"], 2)])
    add(_vary(["ics", "--resource", "8"], "--from", DATES[:6]))
    add([(["ics", "--resource", "8", "--from", "2030-03-12", "--to", "2030-03-01"], 2)])
    # report
    add([(["report", k], 2) for k in ("", "money", MARKUP, SQL)], "fed.admin")
    add(_vary(["report", "usage"], "--month", [("", 2), ("2026-13", 2), ("2026-00", 2), ("abc", 2), (LONG, 2),
                                              (CTRL, 2), (SQL, 2), ("2026-1", 2), ("2026-12-01", 2)]), "fed.admin")
    add([(["report", "usage", "--json", "--csv"], 2)], "fed.admin")
    # staff
    add(_positional(["staff", "add"], LOGINS, STAFF_ADD[3:]), "admin.gaspesie")
    # another (or no such) co-op is refused to a co-op admin before it is looked up
    add(_vary(STAFF_ADD, "--coop", [(v, 1 if v == "nowhere" else c) for v, c in SLUGS] + [("iles", 1)]), "admin.gaspesie")
    add(_vary(STAFF_ADD, "--role", [("", 2), ("king", 2), (SQL, 2), ("federation_admin", 1)]), "admin.gaspesie")
    add(_vary(STAFF_ADD, "--name", [(LONG, 2), (CTRL, 2), (NUL, 2), (BIDI, 2)]), "admin.gaspesie")
    add(_vary(STAFF_ADD, "--clinician-id", IDS + [("9", 2), ("40", 2)]), "admin.gaspesie")
    add([(STAFF_ADD, 1)])  # a receptionist may not add staff
    add(_positional(["staff", "remove"], LOGINS + [("nobody.here", 1), ("recep.iles", 1), ("admin.gaspesie", 1)], []),
        "admin.gaspesie")
    add([(["staff"], 2), (["staff", "fire", "x"], 2)], "admin.gaspesie")
    # closures
    add(_vary(["closures", "holidays", "--year", "2027"], "--year",
              [("0", 2), ("-1", 2), ("99999", 2), ("abc", 2), ("", 2), ("1", 2), (SQL, 2)]), "admin.gaspesie")
    add(_vary(["closures", "holidays", "--year", "2027"], "--coop", SLUGS + [("iles", 1)]), "admin.gaspesie")
    add([(["closures", "holidays", "--year", "2027"], 1)])  # a receptionist
    # who: --as
    for login, code in [("nobody.here", 1), (SQL, 1), (LONG, 1), (CTRL, 1), (MARKUP, 1), ("", 1)]:
        table.append((["coops"], code, login))
    # directory, data, admin commands refused to a receptionist
    add([(["export", "{tmp}/out"], 1), (["backup", "{tmp}/copy.db"], 1), (["audit", "--json", "--csv"], 2)])
    # import
    add([(["import", "{tmp}/none"], 1), (["import", "{tmp}/empty"], 2), (["import", "{tmp}/bad/odd.csv"], 2),
         (["import", "{tmp}/bad"], 2), (["import", "{tmp}/bad/bookings.csv"], 2)], "fed.admin")
    # the commands the other branches added (issues 8, 9a, 11)
    add(_closures_add_rows(), "admin.gaspesie")
    add([(CLOSE, 1)])  # a receptionist may not close
    add([(STRAND, 1)], "fed.admin")  # over OWN_BOOKING without --force: refused, the booking listed
    add(_vary(["closures", "list"], "--resource", IDS), "admin.gaspesie")
    add([(["closures", "list", "--resource", "9"], 1), (["closures", "list", "extra"], 2)])
    add(_vary(["bookings", "--conflicts"], "--from", DATES[:6]))
    add(_vary(["bookings", "--conflicts"], "--to", DATES[:6]))
    add([(["bookings", "--conflicts", "--from", "2030-03-12", "--to", "2030-03-01"], 2)])
    add([(["import", "--force", "{tmp}/none"], 1), (["import", "--force", "{tmp}/empty"], 2),
         (["import", "--force", "{tmp}/bad"], 2), (["import", "--force", "{tmp}/bad/bookings.csv"], 2),
         (["import", "--force", "{tmp}/bad/odd.csv"], 2)], "fed.admin")
    add([(["import", "--force", "{tmp}/empty"], 1)])  # a receptionist
    add(_positional(["staff", "set"], LOGINS + [("nobody.here", 1), ("recep.iles", 1)], ["--role", "receptionist"]),
        "admin.gaspesie")
    add(_vary(STAFF_SET, "--role", [("", 2), ("king", 2), (SQL, 2), (MARKUP, 2), ("federation_admin", 1)]),
        "admin.gaspesie")
    add(_vary(STAFF_SET, "--coop", [(v, 1 if v == "nowhere" else c) for v, c in SLUGS] + [("iles", 1)]),
        "admin.gaspesie")
    add([(STAFF_SET, 1), (["staff", "set"], 2)])  # a receptionist; no login
    add([(["staff", "set", "fed.admin", "--role", "receptionist"], 1)], "fed.admin")  # the last federation admin
    add([(["upgrade", "now"], 2), (["upgrade", "--force"], 2), (["upgrade", ""], 2)], "fed.admin")
    # issue 12: migrate --to takes an empty PostgreSQL database's address, nothing else, never a password
    add([(["migrate"], 2), (["migrate", "--to"], 2), (["migrate", "--to", ""], 2), (["migrate", "--to", "{tmp}/x.db"], 2),
         (["migrate", "--to", "sqlite:///x.db"], 2), (["migrate", "--to", SQL], 2), (["migrate", "--to", MARKUP], 2),
         (["migrate", "--to", "postgresql://u:secret@localhost/x"], 2), (["migrate", "now", "--to", "postgresql:///x"], 2)])
    for option in ("--excel", "--xlsx"):
        add([(["export", option], 2), (["export", option, ""], 2)], "fed.admin")
        add(_vary(["export"], option, OUTPUTS if option == "--xlsx" else FOLDERS), "fed.admin")
        add([(["export", option, "{tmp}/out"], 1)])  # a receptionist
    add([(["export", "{tmp}/empty", "--xlsx", ""], 2), (["backup", ""], 2), (["ics", "--resource", "8", "-o", ""], 2)],
        "fed.admin")
    add(_vary(["report", "usage", "--xlsx", "x"], "--xlsx", OUTPUTS + [("", 2)]), "fed.admin")
    add([(["report", "usage", "--xlsx"], 2), (["report", "usage", "--json", "--xlsx", "{tmp}/r.xlsx"], 2),
         (["report", "money", "--xlsx", "{tmp}/r.xlsx"], 2),
         (["report", "usage", "--month", "2026-13", "--xlsx", "{tmp}/r.xlsx"], 2)], "fed.admin")
    add(_vary(FHIR, "--days", [("0", 2), ("-1", 2), ("100000", 2), ("abc", 2), ("", 2), ("1.5", 2), (SQL, 2)]),
        "fed.admin")
    add(_vary(FHIR, "--out", FOLDERS + [("", 2), ("   ", 2)]), "fed.admin")
    add(_vary(FHIR, "--base-url", [("http://example.org", 2), ("javascript:alert(1)", 2), (CTRL, 2), (LONG, 2),
                                   (MARKUP, 2), (SQL, 2)]), "fed.admin")
    add([(["fhir", "publish"], 2), (["fhir"], 2), (["fhir", "pull", "--out", "{tmp}/fhir"], 2)], "fed.admin")
    add([(FHIR, 1)])  # a receptionist
    add([(["completion"], 2), (["completion", "zsh"], 2), (["completion", ""], 2), (["completion", MARKUP], 2),
         (["completion", CTRL], 2), (["completion", "bash", "extra"], 2)], None)
    # usage errors
    add([(["fly"], 2), (["book"], 2), (["book", "--consent", "--clinician", "8", "--bogus", "1"], 2), ([], 2)])

    cases = []
    for argv, code, login in table:
        shown = " ".join(a if len(a) < 30 else a[:12] + "…" for a in argv).encode("unicode_escape").decode()
        cases.append((f"{login}: {shown}", argv, code, login))
    return cases


CASES = _cases()


def _digest(db: Path) -> str:
    if engines.ON_PG:
        return engines.pg_digest(db)  # every row of every table
    h = hashlib.sha256()
    for suffix in ("", "-wal"):
        p = Path(f"{db}{suffix}")
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()


def _files(tmp: Path) -> set[str]:
    """What lies in the catalogue's folder and the current one, the database's own files aside."""
    here = {f"./{p.name}" for p in Path.cwd().iterdir()}
    return here | {str(p.relative_to(tmp)) for p in tmp.rglob("*") if not p.name.startswith("telecoop.db")}


@pytest.fixture(scope="module")
def world(tmp_path_factory, sample_template):
    """One database for the whole catalogue, with a booking of Gaspésie and one of Îles."""
    tmp = tmp_path_factory.mktemp("bad")
    db = engines.copy_db(sample_template, tmp / "telecoop.db")
    engines.keep(db)
    engine = make_engine(db)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    with write_session(engine) as s:
        for bid, cid, coop, who in ((OWN_BOOKING, 8, "gaspesie", "recep.gaspesie"), (OTHER_BOOKING, 9, "iles", "recep.iles")):
            start = dt.datetime(2030, 3, 12, 14, tzinfo=dt.timezone.utc)
            s.add(tb.BookingRow(id=bid, clinician_id=cid, coop=coop, booked_by=who, start=start,
                                end=start + dt.timedelta(minutes=30), patient="SECRET-" + coop, reason="",
                                mode="video", status="booked", cancel_reason="", created_at=now, updated_at=now))
        sync_id_sequences(s)  # (PostgreSQL: the ids above were given, not drawn)
    if not engines.ON_PG:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    (tmp / "empty").mkdir()
    bad = tmp / "bad"
    bad.mkdir()
    (bad / "odd.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (bad / "bookings.csv").write_text(
        "id,clinician_id,room_id,coop,booked_by,start,end,patient,reason,mode,status,cancel_reason\n"
        f"1,8,,gaspesie,recep.gaspesie,2030-03-12T14:00:00Z,2030-03-13T14:00:00Z,{CTRL},,video,booked,\n",
        encoding="utf-8",
    )
    yield db, tmp, _digest(db)  # (every case's database must hash to this)
    if engines.ON_PG:
        engines.drop_database(db)


def _run(world, argv, login, lang, capsys):
    db, tmp, _ = world
    argv = [a.replace("{tmp}", str(tmp)) for a in argv]
    head = ["--db", str(db), "--lang", lang] + (["--as", login] if login is not None else [])
    code = main([*head, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _assert_clear_refusal(code, out, err, expected, argv):
    assert code == expected, err
    assert out == ""
    lines = err.splitlines()
    if argv and argv[0] == "import" and len(lines) > 1:
        lines = lines[:1]  # an import names each problem on its own file:line:column line after the summary
    elif argv == STRAND:  # a closure over bookings lists them (no patient) under the refusal, then how to force
        assert len(lines) == 3 and lines[1].startswith("  #") and "--force" in lines[2], err
        lines = lines[:1]
    else:
        assert len(lines) == 1, err[:2000]
    line = lines[0]
    assert line.startswith("telecoop: ")
    assert "Traceback" not in err and "unexpected" not in err and "inattendue" not in err
    assert not any(ch in err for ch in "\x1b\x07\x00\u202e")
    assert len(line) < 400


@pytest.mark.parametrize("argv, expected, login", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_clear_line_and_changes_nothing(world, capsys, argv, expected, login):
    files = _files(world[1])
    code, out, err = _run(world, argv, login, "en", capsys)
    _assert_clear_refusal(code, out, err, expected, argv)
    assert _digest(world[0]) == world[2]
    assert _files(world[1]) == files, "a refused command left a file or folder behind"
    assert "SECRET-iles" not in err


FRENCH_SAMPLE = CASES[::9]


@pytest.mark.parametrize("argv, expected, login", [c[1:] for c in FRENCH_SAMPLE], ids=[c[0] for c in FRENCH_SAMPLE])
def test_in_french_too(world, capsys, argv, expected, login):
    code, out, err = _run(world, argv, login, "fr", capsys)
    _assert_clear_refusal(code, out, err, expected, argv)
    _, _, english = _run(world, argv, login, "en", capsys)
    assert err.splitlines()[0] != english.splitlines()[0], "the same words in both languages"
    assert _digest(world[0]) == world[2]


def test_the_catalogue_is_big_enough():
    assert len(CASES) >= 200, len(CASES)


INIT = {"--coop": "newcoop", "--coop-name": "New", "--tz": "America/Toronto", "--admin": "new.admin"}
INIT_BAD = (
    [("--coop", v) for v, _ in SLUGS if v != "nowhere"]
    + [("--coop-name", v) for v in ("", LONG, CTRL, NUL)]
    + [("--tz", v) for v in ("", "Mars/Olympus", SQL, "UTC/../../etc", CTRL, LONG)]
    + [("--admin", v) for v, _ in LOGINS]
)


@pytest.mark.parametrize("option, value", INIT_BAD, ids=[f"{o}={v[:12]!r}" for o, v in INIT_BAD])
def test_init_with_a_bad_value_says_so_and_creates_nothing(tmp_path, capsys, option, value):
    db = tmp_path / "new.db"
    argv = ["--db", str(db), "--lang", "en", "init"]
    for name, good in INIT.items():
        argv += [name, value if name == option else good]
    code = main(argv)
    out, err = capsys.readouterr()
    _assert_clear_refusal(code, out, err, 2, ["init"])
    assert not list(tmp_path.glob("new.db*")), "a refused init left a file behind"

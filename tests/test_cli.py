"""The CLI contract (DESIGN section 8): commands, JSON keys, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest

from telecoop.cli import main


@pytest.fixture
def run(db_path, capsys):
    def call(*argv: str, login: str | None = "recep.gaspesie", lang: str = "en"):
        args = ["--db", str(db_path), "--lang", lang]
        if login:
            args += ["--as", login]
        code = main([*args, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return call


def _future_tuesday() -> str:
    import datetime as dt

    import pendulum

    day = pendulum.now("America/Toronto").date() + dt.timedelta(days=7)
    while day.weekday() != 1 or (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 5):
        day += dt.timedelta(days=1)
    return day.isoformat()


def test_coops_json_has_the_contract_keys(run):
    code, out, _ = run("coops", "--json")
    assert code == 0
    coops = json.loads(out)
    assert len(coops) == 7
    assert {"slug", "name", "region", "tz"} <= coops[0].keys()
    assert {c["tz"] for c in coops} >= {"America/Toronto", "America/Halifax", "America/Blanc-Sablon"}


def test_resources_json_shows_what_my_coop_may_book(run):
    code, out, _ = run("resources", "--json")
    res = json.loads(out)
    assert code == 0
    assert {"id", "kind", "name", "coop", "specialty", "languages", "sharing"} <= res[0].keys()
    assert all(isinstance(r["id"], int) for r in res)
    ids = {r["id"] for r in res}
    assert 3 in ids  # Gaspésie's own private nurse
    assert 9 not in ids  # Îles' private nurse
    code, out, _ = run("resources", "--json", login="recep.saguenay")
    assert 3 not in {r["id"] for r in json.loads(out)}


def test_staff_add_and_list(run):
    code, out, err = run("staff", "add", "new.recep", "--coop", "gaspesie", "--role", "receptionist", login="admin.gaspesie")
    assert code == 0, err
    code, out, _ = run("staff", "list", "--json", login="admin.gaspesie")
    staff = json.loads(out)
    assert {"login", "name", "coop", "role"} <= staff[0].keys()
    assert "new.recep" in {s["login"] for s in staff}
    # A co-op admin cannot add staff to another co-op; a receptionist cannot add at all.
    code, _, err = run("staff", "add", "x.y", "--coop", "iles", "--role", "receptionist", login="admin.gaspesie")
    assert code == 1 and err.count("\n") == 1
    code, _, err = run("staff", "add", "x.y", "--coop", "gaspesie", "--role", "receptionist")
    assert code == 1


def test_slots_book_bookings_cancel_round(run):
    day = _future_tuesday()
    code, out, err = run("slots", "--specialty", "psychology", "--from", day, "--days", "1", "--with-room", "--json")
    assert code == 0, err
    slots = json.loads(out)
    assert slots and {"clinician_id", "clinician", "coop", "room_id", "start", "end", "local_start"} <= slots[0].keys()
    assert slots[0]["start"].endswith("Z") and slots[0]["room_id"] is not None
    s = slots[0]
    code, out, err = run("book", "--consent", "--clinician", str(s["clinician_id"]), "--room", str(s["room_id"]),
                         "--start", s["start"], "--duration", "30", "--patient", "AB-1", "--json")
    assert code == 0, err
    b = json.loads(out)
    assert {"id", "clinician_id", "room_id", "coop", "start", "end", "status"} <= b.keys()
    assert b["start"] == s["start"] and b["status"] == "booked" and b["coop"] == "gaspesie"
    # Taken: exit 1, one clear line first, then the next free slots.
    code, _, err = run("book", "--consent", "--clinician", str(s["clinician_id"]), "--start", s["start"], "--duration", "30",
                       "--patient", "CD")
    assert code == 1 and err.splitlines()[0] == "telecoop: this slot was just taken"
    code, out, _ = run("bookings", "--json", login="recep.iles")
    seen = [x for x in json.loads(out) if x["id"] == b["id"]]
    if seen:  # the Îles co-op sees it only when the resource is theirs or shared with them
        assert seen[0]["patient"] is None and seen[0]["masked"] is True
    code, _, err = run("cancel", str(b["id"]), "--reason", "Patient malade")
    assert code == 0, err
    code, out, _ = run("bookings", "--json")
    assert [x["status"] for x in json.loads(out) if x["id"] == b["id"]] == ["cancelled"]


def test_status_and_reschedule(run):
    day = _future_tuesday()
    code, out, err = run("book", "--consent", "--clinician", "8", "--start", f"{day}T10:00", "--duration", "30", "--patient", "AB", "--json")
    assert code == 0, err
    bid = str(json.loads(out)["id"])
    code, out, err = run("reschedule", bid, "--start", f"{day}T11:00", "--json")
    assert code == 0, err and json.loads(out)["id"] == int(bid)
    # Days ahead: refused, saying from when, and nothing changes.
    code, _, err = run("status", bid, "no-show")
    assert code == 1 and f"'no-show' is possible only from {day} 10:00" in err and err.count("\n") == 1
    code, out, _ = run("bookings", "--json")
    assert [x["status"] for x in json.loads(out) if x["id"] == int(bid)] == ["booked"]


def test_status_refused_early_accepted_on_time(run, monkeypatch):
    """The CLI on the suite's fixed clock: Monday 2026-12-07 07:00 in Gaspésie."""
    import pendulum

    from telecoop.services import context as context_module
    from tests.conftest import NOW

    real = context_module.open_context
    now = [NOW]
    monkeypatch.setattr(context_module, "open_context", lambda *a, **k: real(*a, **k, clock=lambda: now[0]))
    code, out, err = run("book", "--consent", "--clinician", "8", "--start", "2026-12-08T10:00", "--duration", "30",
                         "--patient", "AB", "--mode", "room", "--json")
    assert code == 0, err
    bid = str(json.loads(out)["id"])
    code, _, err = run("status", bid, "checked-in")
    assert code == 1 and err.strip() == f"telecoop: booking {bid}: 'checked in' is possible only from 2026-12-08 08:00"
    code, _, err = run("status", bid, "no-show", lang="fr")
    assert code == 1 and "« absent » possible seulement à partir du 2026-12-08 09:00" in err
    now[0] = pendulum.datetime(2026, 12, 8, 13, 0, tz="UTC")  # 60 min before the start
    code, out, err = run("status", bid, "checked-in", "--json")
    assert code == 0 and json.loads(out)["status"] == "checked_in", err
    code, _, err = run("status", bid, "completed")
    assert code == 1 and "possible only from 2026-12-08 09:00" in err
    now[0] = pendulum.datetime(2026, 12, 8, 14, 0, tz="UTC")
    code, out, err = run("status", bid, "completed", "--json")
    assert code == 0 and json.loads(out)["status"] == "completed", err


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["book", "--consent", "--clinician", "8", "--start", "2030-03-10T02:30", "--patient", "AB"], "does not exist"),
        (["book", "--consent", "--clinician", "8", "--start", "2030-11-03T01:30", "--patient", "AB"], "happens twice"),
        (["book", "--consent", "--clinician", "8", "--start", "tomorrow", "--patient", "AB"], "not a valid date-time"),
        (["book", "--consent", "--clinician", "8", "--start", "2030-03-12T10:00", "--patient", "x" * 41], "40 characters"),
        (["slots", "--from", "2026-13-01"], "not a valid date"),
        (["book", "--consent", "--clinician", "8", "--start", "2030-03-12T10:00", "--patient", "AB", "--duration", "0"], "invalid duration"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(run, argv, expected):
    code, out, err = run(*argv)
    assert code == 2
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err


def test_errors_speak_french(run):
    code, _, err = run("book", "--consent", "--clinician", "8", "--start", "2030-03-10T02:30", "--patient", "AB", lang="fr")
    assert code == 2 and "n'existe pas" in err and "heure d'été" in err


def test_not_found_and_not_permitted_exit_1(run):
    assert run("cancel", "999", "--reason", "x")[0] == 1
    assert run("book", "--consent", "--clinician", "9", "--start", "2030-03-12T10:00", "--patient", "AB")[0] == 1  # private to Îles


def test_unknown_login_is_refused_with_the_command_to_add_it(db_path, capsys, monkeypatch):
    monkeypatch.setenv("SUDO_USER", "stranger")
    code = main(["--db", str(db_path), "--lang", "en", "coops"])
    err = capsys.readouterr().err
    assert code == 1 and "telecoop staff add stranger" in err


def test_init_then_check(tmp_path, capsys):
    db = tmp_path / "fed.db"
    code = main(["--db", str(db), "--lang", "en", "init", "--coop", "gaspesie", "--coop-name", "Coop Gaspésie",
                 "--tz", "America/Toronto", "--admin", "root"])
    assert code == 0
    assert main(["--db", str(db), "--lang", "en", "check"]) == 0
    out = capsys.readouterr().out
    from telecoop.store.engine import SCHEMA_VERSION

    assert f"schema {SCHEMA_VERSION}, integrity: ok" in out
    # A second init on the same file is refused, and so is a bad zone.
    assert main(["--db", str(db), "init", "--coop", "x1", "--coop-name", "X", "--tz", "America/Toronto", "--admin", "a"]) == 1
    assert main(["--db", str(tmp_path / "b.db"), "init", "--coop", "x1", "--coop-name", "X", "--tz", "Mars/Olympus", "--admin", "a"]) == 2


def test_check_on_missing_file_is_a_clear_refusal(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.db"), "--lang", "en", "check"]) == 1
    assert "no database at" in capsys.readouterr().err


def test_audit_json(run):
    code, out, _ = run("audit", "--json", login="fed.admin")
    events = json.loads(out)
    assert code == 0 and events and events[0]["action"] == "import"


def test_holidays_add_closures_once(run):
    import holidays

    expected = len(holidays.country_holidays("CA", subdiv="QC", years=2027))
    code, out, err = run("closures", "holidays", "--year", "2027", login="admin.gaspesie")
    assert code == 0 and out.startswith(f"{expected} "), err
    code, out, _ = run("closures", "holidays", "--year", "2027", login="admin.gaspesie")
    assert code == 0 and " 0 " in f" {out}"


@pytest.mark.sqlite_only("SQLite's online backup API makes a file; PostgreSQL's is pg_dump (tests/test_postgres.py)")
def test_backup_is_a_usable_copy(run, tmp_path, capsys):
    target = tmp_path / "copy.db"
    code, _, err = run("backup", str(target), login="fed.admin")
    assert code == 0, err
    assert main(["--db", str(target), "--lang", "en", "check"]) == 0


def test_control_characters_never_reach_the_terminal(run):
    code, out, err = run("book", "--consent", "--clinician", "8", "--start", "2030-03-12T10:00", "--patient", "\x1b]0;pwned\x07")
    assert code == 2 and "\x1b" not in err and "\x07" not in err


@pytest.mark.both_engines
def test_import_export_round_trip_through_the_cli(tmp_path, capsys):
    """The issue's own words: import sample_data, export D1, import D1 anew, export D2 == D1."""
    from pathlib import Path

    import engines

    sample = Path(__file__).resolve().parents[1] / "sample_data"
    x, y = engines.empty_db(tmp_path / "x.db"), engines.empty_db(tmp_path / "y.db")
    d1, d2 = tmp_path / "D1", tmp_path / "D2"
    assert main(["--db", str(x), "import", str(sample)]) == 0
    assert main(["--db", str(x), "export", str(d1)]) == 0
    assert main(["--db", str(y), "import", str(d1)]) == 0
    assert main(["--db", str(y), "export", str(d2)]) == 0
    names = sorted(p.name for p in d1.iterdir())
    assert names == sorted(p.name for p in d2.iterdir())
    assert {"coops.csv", "staff.csv", "resources.csv", "availability.csv", "closures.csv"} <= set(names)
    for name in names:
        assert (d1 / name).read_bytes() == (d2 / name).read_bytes(), name


def test_receptionist_may_not_export(run, tmp_path):
    code, _, err = run("export", str(tmp_path / "out"))
    assert code == 1 and "not permitted" in err


def test_the_app_refuses_to_start_without_a_terminal(db_path, capsys):
    """ssh -T, scp or a script: no one could use or quit it, so it does not start."""
    code = main(["--db", str(db_path), "--lang", "en", "--as", "recep.gaspesie"])
    assert code == 2 and "needs a terminal" in capsys.readouterr().err


def test_a_refused_import_into_a_new_file_leaves_nothing_behind(tmp_path, capsys):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "coops.csv").write_text("slug;name;region;tz;lang\nx-coop;;R;Mars/Olympus;fr\n", encoding="utf-8")
    db = tmp_path / "new.db"
    assert main(["--db", str(db), "--lang", "fr", "import", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "coops.csv:2:name: le champ « nom » est vide" in err
    assert "coops.csv:2:tz: fuseau horaire inconnu" in err
    assert not db.exists() and not list(tmp_path.glob("new.db*"))


def test_an_admin_removes_a_departed_staff_member(run, db_path, capsys):
    code, out, err = run("staff", "remove", "recep2.gaspesie", login="admin.gaspesie")
    assert code == 0, err
    code, _, err = run("coops", login="recep2.gaspesie")
    assert code == 1 and "no active staff record" in err
    assert run("staff", "remove", "recep.iles", login="admin.gaspesie")[0] == 1  # another co-op
    assert run("staff", "remove", "admin.gaspesie", login="admin.gaspesie")[0] == 1  # not oneself
    assert run("staff", "remove", "fed.admin", login="admin.gaspesie")[0] == 1
    code, out, _ = run("audit", "--json", login="admin.gaspesie")
    assert json.loads(out)[0]["action"] == "staff.deactivate"


def test_bookings_by_patient_reference_only_ever_match_my_coop(run):
    """issue 10: find a booking by the patient reference the co-op chose; never another co-op's."""
    day = _future_tuesday()
    code, out, err = run("book", "--consent", "--clinician", "8", "--start", f"{day}T10:00", "--duration", "30",
                         "--patient", "Chart-4711", "--json")
    assert code == 0, err
    mine = json.loads(out)["id"]
    # Îles books the same (shared) clinician under a reference that contains the same text.
    code, out, err = run("book", "--consent", "--clinician", "8", "--start", f"{day}T11:00", "--duration", "30",
                         "--patient", "chart-4711-b", "--json", login="recep.iles")
    assert code == 0, err
    theirs = json.loads(out)["id"]

    code, out, err = run("bookings", "--patient", "CHART-47", "--json")
    assert code == 0, err
    assert [b["id"] for b in json.loads(out)] == [mine]
    code, out, _ = run("bookings", "--patient", "chart-4711", "--json", login="recep.iles")
    assert [b["id"] for b in json.loads(out)] == [theirs]
    # The federation admin is of Gaspésie: a reference search stays in Gaspésie too.
    code, out, _ = run("bookings", "--patient", "4711", "--json", login="fed.admin")
    assert [b["id"] for b in json.loads(out)] == [mine]
    # Table output, and a reference that matches nothing.
    code, out, _ = run("bookings", "--patient", "chart-4711")
    assert code == 0 and "Chart-4711" in out and "chart-4711-b" not in out
    code, out, _ = run("bookings", "--patient", "%")
    assert code == 0 and json.loads(run("bookings", "--patient", "%", "--json")[1]) == []
    # Bad input: one line, exit 2.
    code, _, err = run("bookings", "--patient", "x" * 41)
    assert code == 2 and err.count("\n") == 1


def test_reschedule_to_another_clinician(run):
    day = _future_tuesday()
    code, out, err = run("book", "--consent", "--clinician", "8", "--start", f"{day}T10:00", "--duration", "30", "--patient", "AB", "--json")
    assert code == 0, err
    bid = str(json.loads(out)["id"])
    code, out, err = run("slots", "--clinician", "14", "--from", day, "--days", "3", "--limit", "1", "--json")
    start = json.loads(out)[0]["start"]
    code, out, err = run("reschedule", bid, "--start", start, "--clinician", "14", "--json")
    assert code == 0, err
    moved = json.loads(out)
    assert (moved["id"], moved["clinician_id"], moved["start"]) == (int(bid), 14, start)
    code, _, err = run("reschedule", bid, "--start", start, "--room", "40")
    assert code == 2 and err.count("\n") == 1 and "has no room" in err

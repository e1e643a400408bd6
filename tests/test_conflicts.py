"""Closures, deactivations and sharing withdrawals never strand a patient silently.

Gaspésie books the Îles psychologist (resource 8) for Tuesday 2026-12-08;
the Îles admin then closes, deactivates or stops sharing him.
"""

from __future__ import annotations

import json

import pytest

from telecoop.cli import main
from telecoop.domain.errors import WouldStrand
from telecoop.services import admin
from telecoop.services import booking as bk
from telecoop.services.audit import list_audit

PSYCHOLOGIST_ILES = 8


@pytest.fixture
def two_bookings(as_user):
    gas = as_user("recep.gaspesie")
    a = bk.book(gas, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T10:00", duration=30, consent=True, patient="AB-1", mode="video")
    b = bk.book(gas, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T11:00", duration=30, consent=True, patient="CD-2", mode="video")
    return a, b


def test_closure_over_bookings_is_refused_then_forced_and_flagged(as_user, two_bookings):
    a, b = two_bookings
    iles = as_user("admin.iles")
    with pytest.raises(WouldStrand) as err:
        admin.add_closure(iles, resource_id=PSYCHOLOGIST_ILES, start="2026-12-08", end="2026-12-08", reason="Tempête")
    assert err.value.exit_code == 1
    assert [x.id for x in err.value.bookings] == [a.id, b.id]
    assert all(x.masked and x.patient is None for x in err.value.bookings), "another co-op's patients stay hidden"
    assert admin.list_closures(iles, resource_id=PSYCHOLOGIST_ILES) == [], "refused: nothing written"
    assert bk.list_bookings(as_user("recep.gaspesie"), conflicts_only=True) == []

    c = admin.add_closure(iles, resource_id=PSYCHOLOGIST_ILES, start="2026-12-08", end="2026-12-08", reason="Tempête",
                          force=True)
    gas = as_user("recep.gaspesie")
    flagged = bk.list_bookings(gas, conflicts_only=True)
    assert [(x.id, x.conflict, x.patient) for x in flagged] == [(a.id, f"closure:{c.id}", "AB-1"), (b.id, f"closure:{c.id}", "CD-2")]
    assert all(x.status == "booked" for x in flagged), "they keep their time"
    assert bk.list_bookings(as_user("recep.iles"), conflicts_only=True) == [], "only the booking co-op's list"
    events = [(e.entity_id, e.actor, e.coop, e.after) for e in list_audit(as_user("fed.admin")) if e.action == "booking.conflict"]
    assert sorted(events) == sorted((str(x.id), "admin.iles", "gaspesie", {"conflict": f"closure:{c.id}"}) for x in (a, b))
    # Cancelling one clears its flag; removing the closure clears the rest.
    bk.cancel(gas, a.id, reason="Rappelé, reporté")
    assert [x.id for x in bk.list_bookings(gas, conflicts_only=True)] == [b.id]
    admin.remove_closure(iles, c.id)
    assert bk.list_bookings(gas, conflicts_only=True) == []


def test_whole_coop_closure_refused_over_bookings(as_user, two_bookings):
    iles = as_user("admin.iles")
    with pytest.raises(WouldStrand):
        admin.add_closure(iles, coop="iles", start="2026-12-08 09:00", end="2026-12-08 12:00", reason="Panne")
    # A closure that misses them goes through.
    admin.add_closure(iles, coop="iles", start="2026-12-08 13:00", end="2026-12-08 15:00", reason="Formation")
    fed = as_user("fed.admin")
    with pytest.raises(WouldStrand):
        admin.add_closure(fed, coop="iles", start="2026-12-08", end="2026-12-08", reason="Férié")


def test_deactivating_a_resource_with_bookings_is_refused_unless_forced(as_user, two_bookings):
    a, b = two_bookings
    iles = as_user("admin.iles")
    with pytest.raises(WouldStrand) as err:
        admin.set_active(iles, PSYCHOLOGIST_ILES, False)
    assert len(err.value.bookings) == 2
    admin.set_active(iles, PSYCHOLOGIST_ILES, False, force=True)
    gas = as_user("recep.gaspesie")
    assert {x.conflict for x in bk.list_bookings(gas, conflicts_only=True)} == {f"inactive:{PSYCHOLOGIST_ILES}"}
    admin.set_active(iles, PSYCHOLOGIST_ILES, True)
    assert bk.list_bookings(gas, conflicts_only=True) == []


def test_withdrawing_sharing_from_a_partner_with_bookings(as_user, two_bookings):
    iles = as_user("admin.iles")
    kwargs = dict(resource_id=PSYCHOLOGIST_ILES, kind="clinician", name="Étienne Boudreau", specialty="psychology",
                  languages="fr en", buffer_minutes=10)
    # Listing Gaspésie keeps its bookings visible: nothing stranded.
    admin.save_resource(iles, sharing="listed", shared_with="gaspesie saguenay", **kwargs)
    with pytest.raises(WouldStrand) as err:
        admin.save_resource(iles, sharing="private", **kwargs)
    assert {x.coop for x in err.value.bookings} == {"gaspesie"}
    admin.save_resource(iles, sharing="private", force=True, **kwargs)
    gas = as_user("recep.gaspesie")
    assert {x.conflict for x in bk.list_bookings(gas, conflicts_only=True)} == {f"unshared:{PSYCHOLOGIST_ILES}"}
    admin.save_resource(iles, sharing="all", **kwargs)
    assert bk.list_bookings(gas, conflicts_only=True) == []


def test_rescheduling_a_flagged_booking_clears_its_flag(as_user, two_bookings):
    a, _b = two_bookings
    iles = as_user("admin.iles")
    admin.add_closure(iles, resource_id=PSYCHOLOGIST_ILES, start="2026-12-08 10:00", end="2026-12-08 10:30",
                      reason="Rendez-vous médical", force=True)
    gas = as_user("recep.gaspesie")
    assert [x.id for x in bk.list_bookings(gas, conflicts_only=True)] == [a.id]
    bk.reschedule(gas, a.id, start="2026-12-08T13:00")
    assert bk.list_bookings(gas, conflicts_only=True) == []
    assert bk.get_booking(gas, a.id).conflict == ""


# --------------------------------------------------------------------------- #
# The command line
# --------------------------------------------------------------------------- #


@pytest.fixture
def run(db_path, capsys, monkeypatch):
    """The CLI on the suite's fixed clock (Monday 2026-12-07 07:00 in Gaspésie)."""
    from telecoop.services import context as context_module
    from tests.conftest import NOW

    real = context_module.open_context
    monkeypatch.setattr(context_module, "open_context", lambda *a, **k: real(*a, **k, clock=lambda: NOW))

    def call(*argv: str, login: str = "admin.iles", lang: str = "en"):
        code = main(["--db", str(db_path), "--lang", lang, "--as", login, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return call


def test_cli_closures_add_refused_then_forced_and_bookings_conflicts(run, two_bookings):
    a, b = two_bookings
    args = ["closures", "add", "--resource", "8", "--from", "2026-12-08", "--to", "2026-12-08", "--reason", "Tempête"]
    code, out, _ = run("closures", "list", "--json")
    existing = json.loads(out)
    code, out, err = run(*args)
    lines = err.splitlines()
    assert code == 1 and lines[0] == "telecoop: refused: 2 active bookings would be left on a closed or withdrawn resource:"
    assert f"#{a.id}" in lines[1] and f"#{b.id}" in lines[2] and "gaspesie" in lines[1]
    assert "AB-1" not in err, "no patient reference of another co-op"
    assert "--force" in lines[-1]
    code, out, _ = run("closures", "list", "--json")
    assert code == 0 and json.loads(out) == existing

    code, out, err = run(*args, "--force")
    assert code == 0, err
    assert "2 bookings flagged as conflicts" in out
    code, out, _ = run("closures", "list", "--json")
    [closure] = [c for c in json.loads(out) if c not in existing]
    assert {"id", "resource_id", "coop", "start", "end", "reason"} <= closure.keys()
    assert closure["resource_id"] == 8 and closure["start"] == "2026-12-08T04:00:00Z" and closure["reason"] == "Tempête"

    code, out, _ = run("bookings", "--conflicts", "--json", login="recep.gaspesie")
    flagged = json.loads(out)
    assert [(x["id"], x["conflict"], x["patient"]) for x in flagged] == [
        (a.id, f"closure:{closure['id']}", "AB-1"), (b.id, f"closure:{closure['id']}", "CD-2")
    ]
    code, out, _ = run("bookings", "--conflicts", login="recep.gaspesie", lang="fr")
    assert code == 0 and f"fermeture {closure['id']}" in out and "AB-1" in out
    code, out, _ = run("bookings", "--conflicts", "--json", login="recep.iles")
    assert json.loads(out) == []
    # Not a conflicts listing: the plain list still carries the key, null when clear.
    code, out, _ = run("bookings", "--json", login="recep.gaspesie")
    assert {x["id"]: x["conflict"] for x in json.loads(out)}[a.id] == f"closure:{closure['id']}"


def test_cli_closures_add_bad_input(run):
    code, _, err = run("closures", "add", "--coop", "iles", "--from", "2026-12-09", "--to", "2026-12-08", "--reason", "x")
    assert code == 2 and err.count("\n") == 1
    code, _, err = run("closures", "add", "--coop", "gaspesie", "--from", "2026-12-08", "--to", "2026-12-08", "--reason", "x")
    assert code == 1 and err.count("\n") == 1  # another co-op
    code, out, err = run("closures", "add", "--coop", "iles", "--from", "2026-12-25", "--to", "2026-12-25",
                         "--reason", "Noël", "--json")
    assert code == 0 and json.loads(out)["coop"] == "iles", err


def test_import_of_a_closure_over_bookings_needs_force(run, two_bookings, tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "closures.csv").write_text("resource_id,coop,start,end,reason\n8,,2026-12-08,2026-12-08,Tempête\n")
    code, out, _ = run("closures", "list", "--json", login="fed.admin")
    existing = json.loads(out)
    code, _, err = run("import", str(folder), login="fed.admin")
    assert code == 1 and "2 active bookings" in err.splitlines()[0]
    code, out, _ = run("closures", "list", "--json", login="fed.admin")
    assert json.loads(out) == existing
    code, _, err = run("import", str(folder), "--force", login="fed.admin")
    assert code == 0, err
    code, out, _ = run("bookings", "--conflicts", "--json", login="recep.gaspesie")
    flagged = json.loads(out)
    assert len(flagged) == 2
    # Audited as the app and `closures add --force` do: one event per flagged booking.
    code, out, _ = run("audit", "--json", login="fed.admin")
    events = [(e["action"], e["entity_id"], e["actor"], e["coop"], e["after"]) for e in json.loads(out)
              if e["actor"] == "fed.admin" and e["action"] in ("booking.conflict", "import")]
    assert sorted(events, key=str) == sorted(
        [("import", "csv", "fed.admin", None, {"closures": 1})]
        + [("booking.conflict", str(b["id"]), "fed.admin", "gaspesie", {"conflict": b["conflict"]}) for b in flagged],
        key=str,
    ), events

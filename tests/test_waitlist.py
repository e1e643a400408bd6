"""issue 13: the waitlist — a cancellation in one co-op becomes a timed offer to another co-op's patient."""

from __future__ import annotations

import datetime as dt
import json

import pendulum
import pytest

from telecoop.cli import main
from telecoop.domain.errors import BadInput, NotFound
from telecoop.services import booking as bk
from telecoop.services import holds, waitlist
from telecoop.services.context import open_context

NOW = pendulum.datetime(2026, 12, 7, 12, 0, tz="UTC")
TUESDAY = dt.date(2026, 12, 8)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def ctx_of(db_path, clock):
    opened = {}

    def make(login: str):
        if login not in opened:
            opened[login] = open_context(db_path, login, clock=clock)
        return opened[login]

    yield make
    for ctx in opened.values():
        ctx.engine.dispose()


def booked_then_cancelled(ctx_of, clinician_id=8, login="recep.iles"):
    ctx = ctx_of(login)
    slot = bk.search_slots(ctx, clinician_id=clinician_id, from_date=TUESDAY, days=1, limit=1)[0]
    b = bk.book(ctx, clinician_id=clinician_id, start=slot.start, duration=30, patient="I-1", consent=True)
    return lambda: bk.cancel(ctx, b.id, reason="patient malade"), slot


def wait(ctx, **kw):
    args = dict(specialty="psychology", from_date=TUESDAY, to_date=TUESDAY + dt.timedelta(days=7), patient="W")
    return waitlist.add(ctx, **{**args, **kw})


def test_a_cancellation_is_offered_to_the_waiting_patient_who_books_it(ctx_of):
    cancel, slot = booked_then_cancelled(ctx_of)
    gaspesie = ctx_of("recep.gaspesie")
    wait(gaspesie, patient="GA-12")
    assert waitlist.offers(gaspesie) == []
    cancel()
    [(offer, offered_entry)] = waitlist.offers(gaspesie)
    assert (offer.clinician_id, offer.start, offer.coop) == (8, slot.start, "gaspesie")
    assert offer.expires == NOW + dt.timedelta(minutes=30) and offered_entry.patient == "GA-12"
    # Held for Gaspésie: nobody else's search offers it, and Îles sees no offer of its own.
    assert slot.start not in [s.start for s in bk.search_slots(ctx_of("recep.iles"), clinician_id=8,
                                                                 from_date=TUESDAY, days=1)]
    assert waitlist.offers(ctx_of("recep.iles")) == []
    booking = waitlist.accept(gaspesie, offer.id, consent=True)
    assert (booking.patient, booking.coop, booking.start) == ("GA-12", "gaspesie", slot.start)
    assert waitlist.list_entries(gaspesie) == []  # booked: no longer open
    assert waitlist.list_entries(gaspesie, include_closed=True)[0].booking_id == booking.id


def test_the_first_by_priority_then_age_gets_it_and_a_lapsed_offer_passes_on(ctx_of, clock):
    cancel, slot = booked_then_cancelled(ctx_of)
    gaspesie, bcn = ctx_of("recep.gaspesie"), ctx_of("recep.basse-cote-nord")
    older = wait(gaspesie, patient="G-old")
    clock.now = NOW + dt.timedelta(minutes=1)
    urgent = wait(bcn, patient="B-urgent", priority=5)
    clock.now = NOW + dt.timedelta(minutes=2)
    cancel()
    [(first, entry)] = waitlist.offers(bcn)
    assert entry.id == urgent.id and waitlist.offers(gaspesie) == []
    clock.now = first.expires  # lapsed by time alone: the next look passes it on
    [(second, entry)] = waitlist.offers(gaspesie)
    assert entry.id == older.id and second.start == slot.start
    assert waitlist.offers(bcn) == []
    assert [e.status for e in waitlist.list_entries(bcn)] == ["waiting"]  # waits again, for another slot
    with pytest.raises(holds.HoldExpired):
        waitlist.accept(bcn, first.id, consent=True)
    # Declined (released), it goes on; nobody left who fits: the slot is simply free.
    holds.release(gaspesie, second.id)
    assert waitlist.offers(gaspesie) == [] and waitlist.offers(bcn) == []
    assert slot.start in [s.start for s in bk.search_slots(ctx_of("recep.iles"), clinician_id=8,
                                                           from_date=TUESDAY, days=1)]


def test_an_entry_is_offered_only_what_fits_it(ctx_of):
    gaspesie = ctx_of("recep.gaspesie")
    wait(gaspesie, specialty="nutrition")
    wait(gaspesie, language="en", coops=["iles"], from_date=TUESDAY + dt.timedelta(days=1))
    wait(gaspesie, coops=["basse-cote-nord"])
    wait(gaspesie, duration=60)
    cancel, _slot = booked_then_cancelled(ctx_of)
    cancel()
    assert waitlist.offers(gaspesie) == []
    english = wait(gaspesie, language="en", coops=["iles"])
    cancel2, _ = booked_then_cancelled(ctx_of)
    cancel2()
    assert [e.id for _h, e in waitlist.offers(gaspesie)] == [english.id]


def test_removing_an_entry_passes_its_offer_on_and_moving_a_booking_frees_its_old_time(ctx_of):
    iles = ctx_of("recep.iles")
    slot = bk.search_slots(iles, clinician_id=8, from_date=TUESDAY, days=1, limit=1)[0]
    b = bk.book(iles, clinician_id=8, start=slot.start, duration=30, patient="I-1", consent=True)
    gaspesie, bcn = ctx_of("recep.gaspesie"), ctx_of("recep.basse-cote-nord")
    first = wait(gaspesie, priority=2)
    second = wait(bcn)
    later = [s for s in bk.search_slots(iles, clinician_id=8, from_date=TUESDAY, days=1, limit=20)
             if s.start >= slot.start + dt.timedelta(hours=1)][0]
    bk.reschedule(iles, b.id, start=later.start)
    [(offer, entry)] = waitlist.offers(gaspesie)
    assert entry.id == first.id and offer.start == slot.start
    waitlist.remove(gaspesie, first.id)
    [(offer2, entry2)] = waitlist.offers(bcn)
    assert entry2.id == second.id and offer2.start == slot.start


def test_patient_references_of_entries_and_offers_stay_in_their_coop(ctx_of):
    gaspesie = ctx_of("recep.gaspesie")
    entry = wait(gaspesie, patient="GA-SECRET")
    fed = ctx_of("fed.admin")  # of Gaspésie: sees its own co-op's patients only
    wait(ctx_of("recep.iles"), patient="IL-SECRET")
    seen = {e.coop: e.patient for e in waitlist.list_entries(fed)}
    assert seen == {"gaspesie": "GA-SECRET", "iles": None}
    assert [e.id for e in waitlist.list_entries(ctx_of("recep.iles"))] != [entry.id]
    with pytest.raises(NotFound):
        waitlist.remove(ctx_of("recep.iles"), entry.id)
    from telecoop.services.audit import list_audit

    assert not any("GA-SECRET" in json.dumps(e.after or {}) for e in list_audit(fed))


def test_bad_entries_are_refused(ctx_of):
    gaspesie = ctx_of("recep.gaspesie")
    for bad in (dict(specialty="magic"), dict(language="de"), dict(mode="room"), dict(coops=["nowhere"]),
                dict(priority=10), dict(to_date=TUESDAY - dt.timedelta(days=2)), dict(patient=""),
                dict(from_date="2026-13-01")):
        with pytest.raises(BadInput):
            wait(gaspesie, **bad)
    assert waitlist.list_entries(gaspesie) == []


def run(db_path, *argv, login="recep.gaspesie", lang="en"):
    return main(["--db", str(db_path), "--lang", lang, "--as", login, *argv])


def test_cli_waitlist_add_list_offers_accept_remove(db_path, capsys):
    day = pendulum.now("America/Halifax").date() + dt.timedelta(days=8)
    while day.weekday() != 1:
        day += dt.timedelta(days=1)
    assert run(db_path, "waitlist", "add", "--specialty", "psychology", "--from", str(day), "--to", str(day),
               "--patient", "GA-1", "--priority", "3", "--json") == 0
    entry = json.loads(capsys.readouterr().out)
    assert (entry["patient"], entry["priority"], entry["status"]) == ("GA-1", 3, "waiting")
    assert run(db_path, "book", "--clinician", "8", "--start", f"{day}T10:00", "--patient", "I-1", "--consent", "--json",
               login="recep.iles") == 0
    booking = json.loads(capsys.readouterr().out)
    assert run(db_path, "cancel", str(booking["id"]), "--reason", "annulé", login="recep.iles") == 0
    capsys.readouterr()
    assert run(db_path, "waitlist", "offers", "--json") == 0
    [offer] = json.loads(capsys.readouterr().out)
    assert (offer["entry_id"], offer["patient"], offer["start"]) == (entry["id"], "GA-1", booking["start"])
    assert run(db_path, "waitlist", "offers", "--json", login="recep.iles") == 0
    assert json.loads(capsys.readouterr().out) == []
    assert run(db_path, "waitlist", "list", lang="fr") == 0
    assert "offre en cours" in capsys.readouterr().out
    assert run(db_path, "waitlist", "accept", str(offer["id"]), "--consent", "--json") == 0
    assert json.loads(capsys.readouterr().out)["patient"] == "GA-1"
    assert run(db_path, "waitlist", "remove", str(entry["id"])) == 1
    assert "no longer waiting" in capsys.readouterr().err
    assert run(db_path, "waitlist", "accept", "999") == 1
    assert capsys.readouterr().err == "telecoop: offer 999 not found\n"


def test_a_lifted_closure_offers_the_time_it_gives_back(ctx_of):
    """issue 13: removing a closure frees its time as a cancellation does: the first free slot goes on offer."""
    from telecoop.services import admin

    iles_admin, gaspesie = ctx_of("admin.iles"), ctx_of("recep.gaspesie")
    first = bk.search_slots(ctx_of("recep.iles"), clinician_id=8, from_date=TUESDAY, days=1, limit=1)[0]
    closure = admin.add_closure(iles_admin, resource_id=8, start=str(TUESDAY), end=str(TUESDAY), reason="Formation")
    wait(gaspesie, patient="GA-30", to_date=TUESDAY)
    assert waitlist.offers(gaspesie) == []
    admin.remove_closure(iles_admin, closure.id)
    [(offer, entry)] = waitlist.offers(gaspesie)
    assert (offer.clinician_id, offer.start, offer.end) == (8, first.start, first.start + dt.timedelta(minutes=30))
    assert entry.patient == "GA-30"


def test_a_lifted_coop_closure_offers_its_clinicians_time(ctx_of):
    from telecoop.services import admin

    iles_admin, gaspesie = ctx_of("admin.iles"), ctx_of("recep.gaspesie")
    closure = admin.add_closure(iles_admin, coop="iles", start=str(TUESDAY), end=str(TUESDAY), reason="Tempête")
    wait(gaspesie, patient="GA-31", to_date=TUESDAY)
    admin.remove_closure(iles_admin, closure.id)
    [(offer, _entry)] = waitlist.offers(gaspesie)
    assert offer.start.date() == TUESDAY and offer.coop == "gaspesie"

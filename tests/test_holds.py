"""issue 13: holds — busy for everyone else while live, confirmed into a booking, released, or simply expired."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pendulum
import pytest

from telecoop.cli import main
from telecoop.domain.errors import InvalidTransition, NotFound, SlotTaken
from telecoop.services import booking as bk
from telecoop.services import holds
from telecoop.services.context import open_context

NOW = pendulum.datetime(2026, 12, 7, 12, 0, tz="UTC")
DAY = dt.date(2026, 12, 8)  # a Tuesday


class Clock:
    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now = self.now + dt.timedelta(minutes=minutes)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def ctx_of(db_path, clock):
    opened = []

    def make(login: str):
        ctx = open_context(db_path, login, clock=clock)
        opened.append(ctx)
        return ctx

    yield make
    for ctx in opened:
        ctx.engine.dispose()


def first_slot(ctx, clinician_id=8, **kw):
    return bk.search_slots(ctx, clinician_id=clinician_id, from_date=DAY, days=1, limit=1, **kw)[0]


def starts(ctx, clinician_id=8, **kw):
    return {s.start for s in bk.search_slots(ctx, clinician_id=clinician_id, from_date=DAY, days=1, limit=200, **kw)}


def test_a_hold_is_busy_for_everyone_else_and_becomes_the_holders_booking(ctx_of):
    gaspesie, iles = ctx_of("recep.gaspesie"), ctx_of("recep.iles")
    slot = first_slot(gaspesie)
    hold = holds.place(gaspesie, clinician_id=8, start=slot.start, duration=30)
    assert hold.expires == NOW + dt.timedelta(minutes=10) and hold.live(NOW)
    # Busy in every search (the holder's too: the held time is not offered twice), and for a booking.
    assert slot.start not in starts(iles) and slot.start not in starts(gaspesie)
    with pytest.raises(SlotTaken) as taken:
        bk.book(iles, clinician_id=8, start=slot.start, duration=30, patient="I-1", consent=True)
    assert taken.value.alternatives  # the next free slots, as for any taken slot
    booking = holds.confirm(gaspesie, hold.id, patient="G-1", consent=True, reason="suivi")
    assert (booking.start, booking.clinician_id, booking.coop, booking.patient) == (slot.start, 8, "gaspesie", "G-1")
    assert holds.get_hold(gaspesie, hold.id).booking_id == booking.id
    with pytest.raises(InvalidTransition):
        holds.confirm(gaspesie, hold.id, patient="G-2", consent=True)


def test_a_released_or_expired_hold_frees_the_slot_with_nothing_left_to_clean(ctx_of, clock):
    gaspesie, iles = ctx_of("recep.gaspesie"), ctx_of("recep.iles")
    slot = first_slot(gaspesie)
    released = holds.place(gaspesie, clinician_id=8, start=slot.start, duration=30)
    holds.release(gaspesie, released.id)
    assert slot.start in starts(iles)
    expiring = holds.place(gaspesie, clinician_id=8, start=slot.start, duration=30, minutes=5)
    clock.advance(4.99)
    assert slot.start not in starts(iles)
    clock.advance(0.01)  # the instant it expires: free, though no process ran
    assert slot.start in starts(iles)
    won = bk.book(iles, clinician_id=8, start=slot.start, duration=30, patient="I-1", consent=True)
    assert won.coop == "iles"
    with pytest.raises(holds.HoldExpired) as expired:
        holds.confirm(gaspesie, expiring.id, patient="G-1", consent=True)
    assert expired.value.message("en") == "hold expired" and expired.value.exit_code == 1


def test_an_expired_hold_cannot_be_confirmed_even_when_the_slot_is_still_free(ctx_of, clock):
    gaspesie = ctx_of("recep.gaspesie")
    hold = holds.place(gaspesie, clinician_id=8, start=first_slot(gaspesie).start, duration=30)
    clock.advance(10)
    with pytest.raises(holds.HoldExpired):
        holds.confirm(gaspesie, hold.id, patient="G-1", consent=True)
    with pytest.raises(holds.HoldExpired):
        holds.release(gaspesie, hold.id)


def test_a_hold_with_a_room_keeps_the_room_too(ctx_of):
    gaspesie = ctx_of("recep.gaspesie")
    slot = first_slot(gaspesie, clinician_id=1, with_room=True)
    hold = holds.place(gaspesie, clinician_id=1, start=slot.start, duration=30, any_room=True)
    assert hold.room_id == slot.room_id
    # Another clinician at the same time gets another room, or none.
    other = bk.search_slots(gaspesie, clinician_id=4, start=slot.start, days=1, limit=1, with_room=True)
    assert not other or other[0].start != slot.start or other[0].room_id != hold.room_id


def test_another_coops_hold_is_not_found_and_its_own_is_shown(ctx_of):
    gaspesie, iles = ctx_of("recep.gaspesie"), ctx_of("recep.iles")
    hold = holds.place(gaspesie, clinician_id=8, start=first_slot(gaspesie).start, duration=30)
    for act in (lambda: holds.confirm(iles, hold.id, patient="X", consent=True), lambda: holds.release(iles, hold.id),
                lambda: holds.get_hold(iles, hold.id)):
        with pytest.raises(NotFound):
            act()
    assert [h.id for h in holds.live_holds(gaspesie)] == [hold.id]
    assert holds.live_holds(iles) == []


def test_the_database_itself_refuses_a_second_live_hold_over_a_hold(ctx_of):
    """SQLite's trigger, PostgreSQL's exclusion constraint: even a write that skips the service."""
    import sqlalchemy as sa

    from telecoop.store import tables as tb
    from telecoop.store.engine import write_session

    gaspesie = ctx_of("recep.gaspesie")
    hold = holds.place(gaspesie, clinician_id=8, start=first_slot(gaspesie).start, duration=30)
    values = dict(clinician_id=8, coop="iles", held_by="sql", start=hold.start, end=hold.end,
                  expires=hold.expires, status="held", created_at=NOW, updated_at=NOW)
    with pytest.raises(sa.exc.IntegrityError):
        with write_session(gaspesie.engine) as s:
            s.execute(sa.insert(tb.HoldRow.__table__).values(**values))


def test_the_database_refuses_a_booking_over_a_live_hold_but_not_over_an_expired_one(ctx_of):
    """SQLite's triggers, PostgreSQL's row triggers: a write that skips the service cannot book over a hold."""
    import sqlalchemy as sa

    from telecoop.store import tables as tb
    from telecoop.store.engine import is_overlap_error, write_session

    gaspesie = ctx_of("recep.gaspesie")
    hold = holds.place(gaspesie, clinician_id=8, start=first_slot(gaspesie).start, duration=30)

    def insert(written):
        with write_session(gaspesie.engine) as s:
            s.execute(sa.insert(tb.BookingRow.__table__).values(
                clinician_id=8, coop="iles", booked_by="sql", start=hold.start, end=hold.end, patient="X",
                reason="", mode="video", status="booked", cancel_reason="", created_at=written, updated_at=written))

    with pytest.raises(sa.exc.IntegrityError) as refused:
        insert(NOW)
    assert is_overlap_error(refused.value)
    insert(hold.expires)  # written at the instant it expired: allowed


def test_bad_hold_input_is_refused_plainly(ctx_of):
    gaspesie = ctx_of("recep.gaspesie")
    slot = first_slot(gaspesie)
    from telecoop.domain.errors import BadInput

    with pytest.raises(BadInput):
        holds.place(gaspesie, clinician_id=8, start=slot.start, duration=30, minutes=0)
    with pytest.raises(BadInput):
        holds.place(gaspesie, clinician_id=8, start=NOW - dt.timedelta(hours=1), duration=30)


def run(db_path, *argv, login="recep.gaspesie", capsys=None):
    code = main(["--db", str(db_path), "--lang", "en", "--as", login, *argv])
    out = capsys.readouterr() if capsys else None
    return code, out


def test_cli_hold_book_release_and_expired(db_path, capsys, monkeypatch):
    import json

    day = (pendulum.now("America/Halifax").date() + dt.timedelta(days=8))
    while day.weekday() != 1:
        day += dt.timedelta(days=1)
    code, out = run(db_path, "hold", "--clinician", "8", "--start", f"{day}T10:00", "--duration", "30", "--json",
                    capsys=capsys)
    assert code == 0, out.err
    held = json.loads(out.out)
    assert {"id", "expires", "start", "end", "clinician_id", "room_id", "status"} <= held.keys()
    code, out = run(db_path, "book", "--clinician", "8", "--start", f"{day}T10:00", "--patient", "I", "--consent", login="recep.iles",
                    capsys=capsys)
    assert code == 1 and "this slot was just taken" in out.err
    code, out = run(db_path, "book", "--hold", str(held["id"]), "--patient", "G-1", "--consent", "--json", capsys=capsys)
    assert code == 0 and json.loads(out.out)["start"] == held["start"]
    code, out = run(db_path, "hold", "--clinician", "8", "--start", f"{day}T11:00", "--minutes", "1", "--json",
                    capsys=capsys)
    assert code == 0, out.err
    second = json.loads(out.out)
    assert run(db_path, "release", str(second["id"]), capsys=capsys)[0] == 0
    code, out = run(db_path, "release", str(second["id"]), capsys=capsys)
    assert code == 1 and out.err == f"telecoop: hold {second['id']} was released\n"
    # An expired hold: the wall clock is moved past it.
    code, out = run(db_path, "hold", "--clinician", "8", "--start", f"{day}T13:00", "--minutes", "1", "--json",
                    capsys=capsys)
    assert code == 0, out.err
    third = json.loads(out.out)
    later = pendulum.now("UTC").add(minutes=2)
    monkeypatch.setattr(pendulum, "now", lambda tz="UTC": later.in_timezone(tz))
    code, out = run(db_path, "book", "--hold", str(third["id"]), "--patient", "G-2", "--consent", capsys=capsys)
    assert (code, out.err) == (1, "telecoop: hold expired\n")
    code, out = run(db_path, "--lang", "fr", "book", "--hold", str(third["id"]), "--patient", "G-2", "--consent", capsys=capsys)
    assert (code, out.err) == (1, "telecoop: réservation temporaire expirée\n")


def test_cli_book_needs_a_slot_or_a_hold(db_path, capsys):
    code, out = run(db_path, "book", "--patient", "X", "--consent", capsys=capsys)
    assert code == 2 and out.err == "telecoop: missing --clinician, --start\n"
    code, out = run(db_path, "book", "--hold", "1", "--clinician", "8", "--patient", "X", "--consent", capsys=capsys)
    assert code == 2 and "--hold keeps" in out.err
    code, out = run(db_path, "book", "--hold", "999", "--patient", "X", "--consent", capsys=capsys)
    assert code == 1 and out.err == "telecoop: hold 999 not found\n"


@pytest.mark.sqlite_only("an SQLite file of schema 3; no PostgreSQL database predates schema 4")
def test_a_schema_3_file_is_upgraded_with_the_holds_and_their_guards(tmp_path):
    import shutil
    from pathlib import Path

    path = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "data" / "schema3.db", path)
    assert main(["--db", str(path), "upgrade"]) == 0
    names = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}
    assert {"hold", "waitlist_entry", "sharing_terms", "sharing_quota", "sharing_overbook", "coop_capacity",
            "hold_no_overlap_insert", "hold_no_overlap_update", "booking_no_hold_insert",
            "booking_no_hold_update"} <= names

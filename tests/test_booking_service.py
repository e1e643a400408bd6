"""Booking use cases on a real SQLite file built from sample_data/."""

from __future__ import annotations

import datetime as dt

import engines
import pendulum
import pytest

from telecoop.domain.errors import BadInput, InvalidTransition, NotFound, NotPermitted, SlotTaken, WallTimeError
from telecoop.domain.model import BookingStatus
from telecoop.services import booking as bk
from telecoop.store import directory as store_directory

PSYCHOLOGIST_ILES = 8  # Étienne Boudreau, Îles (America/Halifax), shared with all, buffer 10
TUESDAY_10_ILES = "2026-12-08T10:00"  # 14:00Z
ROOM_GASPE = 40


def test_receptionist_in_gaspesie_books_psychologist_of_iles_for_tuesday_10(as_user):
    ctx = as_user("recep.gaspesie")
    b = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB-1234",
                reason="Suivi", mode="video")
    assert b.start == pendulum.datetime(2026, 12, 8, 14, 0, tz="UTC")
    assert b.end == pendulum.datetime(2026, 12, 8, 14, 30, tz="UTC")
    assert b.coop == "gaspesie" and b.status == BookingStatus.BOOKED and b.patient == "AB-1234"
    # The audit event was written with the booking.
    from telecoop.services.audit import list_audit

    events = list_audit(ctx)
    assert events[0].action == "booking.book" and events[0].entity_id == str(b.id)


def test_booked_slot_never_appears_in_a_later_search(as_user):
    ctx = as_user("recep.gaspesie")
    before = bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, from_date=dt.date(2026, 12, 8), days=1, limit=100)
    start = pendulum.datetime(2026, 12, 8, 14, 0, tz="UTC")
    assert any(s.start == start for s in before)
    bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=start, duration=30, consent=True, patient="AB")
    after = bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, from_date=dt.date(2026, 12, 8), days=1, limit=100)
    buffer = dt.timedelta(minutes=10)
    for s in after:
        assert not (s.start < start + dt.timedelta(minutes=30) + buffer and start - buffer < s.end)
    assert len(after) < len(before)


def test_second_booking_of_same_slot_is_refused_with_alternatives(as_user):
    a, b = as_user("recep.gaspesie"), as_user("recep.saguenay")
    bk.book(a, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB")
    with pytest.raises(SlotTaken) as err:
        bk.book(b, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="CD")
    assert err.value.exit_code == 1
    assert err.value.message("en") == "this slot was just taken"
    assert err.value.alternatives, "the refusal offers the next free slots"
    # issue 10: the same search (a psychologist, any), from the same day, not from after the taken time.
    alts = err.value.alternatives
    assert all(s.specialty == "psychology" for s in alts)
    assert [s.start for s in alts] == sorted(s.start for s in alts)
    taken = pendulum.datetime(2026, 12, 8, 14, 0, tz="UTC")
    assert alts[0].start < taken, "earlier that same Tuesday comes first"
    assert alts[0].start >= pendulum.datetime(2026, 12, 8, 5, 0, tz="UTC"), "from that Tuesday in Gaspésie"
    assert (PSYCHOLOGIST_ILES, taken) not in [(s.clinician_id, s.start) for s in alts]


def test_buffer_keeps_minutes_free_after_a_booking(as_user):
    ctx = as_user("recep.gaspesie")
    bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB")
    with pytest.raises(SlotTaken):
        bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T10:30", duration=30, consent=True, patient="CD")
    # 10:30 + 10 min buffer: 10:45 is fine (buffer of the clinician, 10 min).
    bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T10:45", duration=30, consent=True, patient="CD")


def test_outside_hours_is_bad_input_not_taken(as_user):
    ctx = as_user("recep.gaspesie")
    with pytest.raises(BadInput) as err:
        bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T12:00", duration=30, consent=True, patient="AB")
    assert err.value.key == "booking.unavailable"


def test_past_slot_refused(as_user):
    ctx = as_user("recep.gaspesie")
    with pytest.raises(BadInput) as err:
        bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-01T10:00", duration=30, consent=True, patient="AB")
    assert err.value.key == "booking.past"


def test_no_slot_in_the_past_or_within_minimum_notice(as_user):
    ctx = as_user("recep.gaspesie", now=pendulum.datetime(2026, 12, 8, 14, 5, tz="UTC"))
    ctx.settings.min_notice_minutes = 60
    slots = bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, days=1, limit=5)
    assert slots and slots[0].start >= pendulum.datetime(2026, 12, 8, 15, 5, tz="UTC")


def test_book_with_a_named_room_and_any_room(as_user):
    ctx = as_user("recep.gaspesie")
    b1 = bk.book(ctx, clinician_id=1, room_id=ROOM_GASPE, start="2026-12-08T09:00", duration=30, consent=True, patient="AB", mode="room")
    assert b1.room_id == ROOM_GASPE
    b2 = bk.book(ctx, clinician_id=4, any_room=True, start="2026-12-08T09:00", duration=30, consent=True, patient="CD", mode="room")
    assert b2.room_id is not None and b2.room_id != ROOM_GASPE
    with pytest.raises(SlotTaken):
        bk.book(ctx, clinician_id=5, room_id=ROOM_GASPE, start="2026-12-08T09:15", duration=30, consent=True, patient="EF")


def test_search_with_room_pairs_a_free_room(as_user):
    ctx = as_user("recep.gaspesie")
    slots = bk.search_slots(ctx, specialty="family_medicine", with_room=True, from_date=dt.date(2026, 12, 8), days=2, limit=20)
    assert slots and all(s.room_id is not None for s in slots)
    assert [s.start for s in slots] == sorted(s.start for s in slots)
    chosen = slots[0]
    b = bk.book(ctx, clinician_id=chosen.clinician_id, room_id=chosen.room_id, start=chosen.start, duration=30, consent=True, patient="AB")
    assert b.room_id == chosen.room_id


def test_search_filters_specialty_language_coop(as_user):
    ctx = as_user("recep.pontiac")
    slots = bk.search_slots(ctx, specialty="psychology", language="en", days=7, limit=50)
    assert slots
    assert {s.specialty for s in slots} == {"psychology"}
    assert all("en" in s.languages for s in slots)
    only = bk.search_slots(ctx, specialty="psychology", coop="iles", days=7, limit=50)
    assert only and {s.coop for s in only} == {"iles"}


def test_private_and_listed_resources_are_only_offered_to_their_coops(as_user):
    gas, sag = as_user("recep.gaspesie"), as_user("recep.saguenay")
    # 3: Gaspésie nursing, private. 7: Îles family medicine, listed for gaspesie only.
    # A clinician another co-op may not book is not found (as book says), not "no slots".
    assert bk.search_slots(gas, clinician_id=3, days=7, limit=1)
    with pytest.raises(NotFound):
        bk.search_slots(sag, clinician_id=3, days=7, limit=1)
    assert bk.search_slots(gas, clinician_id=7, days=7, limit=1)
    with pytest.raises(NotFound):
        bk.search_slots(sag, clinician_id=7, days=7, limit=1)
    assert not bk.search_slots(sag, specialty="nursing", coop="gaspesie", days=7, limit=5)
    with pytest.raises(NotFound):
        bk.book(sag, clinician_id=3, start="2026-12-08T09:00", duration=30, consent=True, patient="AB")


def test_cancel_needs_a_reason_and_frees_the_slot(as_user):
    ctx = as_user("recep.gaspesie")
    b = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB")
    with pytest.raises(BadInput):
        bk.cancel(ctx, b.id, reason="  ")
    assert bk.get_booking(ctx, b.id).status == BookingStatus.BOOKED
    done = bk.cancel(ctx, b.id, reason="Patient malade")
    assert done.status == BookingStatus.CANCELLED and done.cancel_reason == "Patient malade"
    again = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="CD")
    assert again.id != b.id
    with pytest.raises(InvalidTransition):
        bk.cancel(ctx, b.id, reason="twice")


def test_reschedule_moves_atomically_keeping_the_id(as_user):
    ctx = as_user("recep.gaspesie")
    b = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=45, consent=True, patient="AB")
    moved = bk.reschedule(ctx, b.id, start="2026-12-08T10:15")  # overlaps its own old time: fine
    assert moved.id == b.id and moved.start == pendulum.datetime(2026, 12, 8, 14, 15, tz="UTC")
    assert moved.end - moved.start == dt.timedelta(minutes=45)
    other = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T13:00", duration=30, consent=True, patient="CD")
    with pytest.raises(SlotTaken):
        bk.reschedule(ctx, b.id, start="2026-12-08T13:00")
    assert bk.get_booking(ctx, b.id).start == moved.start
    assert bk.get_booking(ctx, other.id).status == BookingStatus.BOOKED


def test_status_life_cycle(as_user):
    ctx = as_user("recep.gaspesie")
    b = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB", mode="room")
    b2 = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T09:00", duration=30, consent=True, patient="CD")
    started = as_user("recep.gaspesie", now=pendulum.datetime(2026, 12, 8, 14, 5, tz="UTC"))
    with pytest.raises(InvalidTransition):
        bk.set_status(started, b.id, "completed")  # in person: checked in first
    assert bk.set_status(started, b.id, "checked-in").status == BookingStatus.CHECKED_IN
    with pytest.raises(InvalidTransition):
        bk.set_status(started, b.id, "no-show")
    assert bk.set_status(started, b.id, "completed").status == BookingStatus.COMPLETED
    assert bk.set_status(started, b2.id, "no-show").status == BookingStatus.NO_SHOW
    with pytest.raises(InvalidTransition):
        bk.cancel(started, b2.id, reason="late")


def test_status_follows_the_clock(as_user):
    """Tuesday 10:00 in the Îles (14:00Z): check-in from 13:00Z to 14:30Z, no-show from 14:00Z."""
    ctx = as_user("recep.gaspesie")  # Monday 07:00 in Gaspésie
    b = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB", mode="room")
    for word in ("no-show", "completed", "checked-in"):
        with pytest.raises(InvalidTransition) as err:
            bk.set_status(ctx, b.id, word)
        assert err.value.exit_code == 1
    # Said in the user's zone (Gaspésie, Toronto time) and words: from when it becomes possible.
    assert err.value.message("en") == f"booking {b.id}: 'checked in' is possible only from 2026-12-08 08:00"
    assert err.value.message("fr") == f"rendez-vous {b.id} : « arrivé » possible seulement à partir du 2026-12-08 08:00"
    with pytest.raises(InvalidTransition) as err:
        bk.set_status(ctx, b.id, "no-show")
    assert err.value.message("fr").endswith("à partir du 2026-12-08 09:00")
    assert bk.get_booking(ctx, b.id).status == BookingStatus.BOOKED
    at = lambda h, mi: as_user("recep.gaspesie", now=pendulum.datetime(2026, 12, 8, h, mi, tz="UTC"))  # noqa: E731
    with pytest.raises(InvalidTransition):
        bk.set_status(at(12, 59), b.id, "checked-in")
    with pytest.raises(InvalidTransition):
        bk.set_status(at(13, 59), b.id, "no-show")
    with pytest.raises(InvalidTransition) as err:
        bk.set_status(at(14, 30), b.id, "checked-in")  # the consultation is over
    assert "only until 2026-12-08 09:30" in err.value.message("en")
    assert bk.set_status(at(13, 0), b.id, "checked-in").status == BookingStatus.CHECKED_IN
    # The slot never came free early: nobody else could take it.
    assert bk.get_booking(ctx, b.id).status.active


def test_video_visit_completed_by_its_clinician_once_started(as_user):
    rec = as_user("recep.gaspesie")
    video = bk.book(rec, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB", mode="video")
    clin = as_user("clin2.iles")  # Étienne Boudreau himself
    with pytest.raises(InvalidTransition) as err:
        bk.set_status(clin, video.id, "completed")
    assert "possible only from" in err.value.message("en")
    started = pendulum.datetime(2026, 12, 8, 14, 1, tz="UTC")
    assert bk.set_status(as_user("clin2.iles", now=started), video.id, "completed").status == BookingStatus.COMPLETED
    # The booking co-op's receptionist may too; an in-person visit still needs its check-in.
    phone = bk.book(rec, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T13:00", duration=30, consent=True, patient="CD", mode="phone")
    later = as_user("recep.gaspesie", now=pendulum.datetime(2026, 12, 8, 17, 0, tz="UTC"))
    assert bk.set_status(later, phone.id, "completed").status == BookingStatus.COMPLETED
    room = bk.book(rec, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T09:00", duration=30, consent=True, patient="EF", mode="room")
    with pytest.raises(InvalidTransition) as err:
        bk.set_status(later, room.id, "completed")
    assert err.value.message("en") == f"booking {room.id} cannot go from 'booked' to 'completed'"
    assert err.value.message("fr") == f"impossible de passer le rendez-vous {room.id} de « réservé » à « terminé »"


def test_clinician_marks_own_consultation_but_not_others(as_user):
    rec = as_user("recep.gaspesie", now=pendulum.datetime(2026, 12, 8, 13, 30, tz="UTC"))
    mine = bk.book(rec, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB")
    bk.set_status(rec, mine.id, "checked-in")
    clin = as_user("clin2.iles", now=pendulum.datetime(2026, 12, 8, 14, 10, tz="UTC"))  # Étienne Boudreau himself
    seen = bk.list_bookings(clin)
    assert [b.id for b in seen] == [mine.id] and seen[0].patient == "AB"
    assert bk.set_status(clin, mine.id, "completed").status == BookingStatus.COMPLETED
    other = as_user("clin.gaspesie")
    with pytest.raises(NotFound):
        bk.set_status(other, mine.id, "no-show")
    with pytest.raises(NotPermitted):
        bk.book(other, clinician_id=1, start="2026-12-08T09:00", duration=30, consent=True, patient="X")


def test_other_coop_sees_busy_never_patient_or_reason(as_user):
    gas = as_user("recep.gaspesie")
    b = bk.book(gas, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB-1234", reason="Anxiété")
    for login in ("recep.iles", "admin.iles", "fed.admin", "recep.pontiac"):
        ctx = as_user(login)
        if login == "fed.admin":
            # The federation admin sits in gaspesie: make a booking of another co-op to check.
            continue
        seen = [x for x in bk.list_bookings(ctx) if x.id == b.id]
        assert seen and seen[0].masked and seen[0].patient is None and seen[0].reason is None
        from telecoop.services.audit import list_audit

        for e in list_audit(ctx):
            assert "AB-1234" not in str(e.before) + str(e.after)
    sag = as_user("recep.saguenay")
    b2 = bk.book(sag, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T13:00", duration=30, consent=True, patient="ZZ-9", reason="Deuil")
    fed = as_user("fed.admin")
    seen = [x for x in bk.list_bookings(fed) if x.id == b2.id][0]
    assert seen.masked and seen.patient is None
    from telecoop.services.audit import list_audit

    assert all("ZZ-9" not in str(e.before) + str(e.after) for e in list_audit(fed))


def test_receptionist_cannot_change_another_coops_booking(as_user):
    gas = as_user("recep.gaspesie")
    b = bk.book(gas, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB")
    iles = as_user("recep.iles")
    with pytest.raises(NotPermitted):
        bk.cancel(iles, b.id, reason="no")
    with pytest.raises(NotPermitted):
        bk.reschedule(iles, b.id, start="2026-12-08T13:00")
    with pytest.raises(NotPermitted):
        bk.set_status(iles, b.id, "checked-in")


def test_wall_time_in_dst_gap_or_fold_is_refused(as_user):
    ctx = as_user("recep.gaspesie", now=pendulum.datetime(2026, 3, 1, 12, tz="UTC"))
    with pytest.raises(WallTimeError) as err:
        bk.book(ctx, clinician_id=1, start="2026-03-08T02:30", duration=30, consent=True, patient="AB")
    assert err.value.key == "time.gap" and err.value.exit_code == 2
    ctx2 = as_user("recep.gaspesie", now=pendulum.datetime(2026, 10, 1, 12, tz="UTC"))
    with pytest.raises(WallTimeError) as err:
        bk.book(ctx2, clinician_id=1, start="2026-11-01T01:30", duration=30, consent=True, patient="AB")
    assert err.value.key == "time.ambiguous"


@pytest.mark.parametrize(
    "kwargs, key",
    [
        ({"patient": ""}, "field.empty"),
        ({"patient": "x" * 41}, "booking.patient_long"),
        ({"patient": "AB\x1b[31m"}, "field.control"),
        ({"duration": 0}, "booking.duration"),
        ({"mode": "fax"}, "field.choice"),
        ({"start": "next tuesday"}, "time.invalid"),
    ],
)
def test_bad_booking_input_changes_nothing(as_user, kwargs, key):
    ctx = as_user("recep.gaspesie")
    args = {"clinician_id": PSYCHOLOGIST_ILES, "start": TUESDAY_10_ILES, "duration": 30, "patient": "AB"} | kwargs
    with pytest.raises(BadInput) as err:
        bk.book(ctx, **args)
    assert err.value.key == key
    assert bk.list_bookings(ctx) == []


def test_database_refuses_overlapping_insert_that_skips_the_service(as_user, db_path):
    ctx = as_user("recep.gaspesie")
    bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB")
    conn = engines.Direct(db_path)  # SQLite's trigger, or PostgreSQL's EXCLUDE constraint
    with pytest.raises(conn.integrity_error) as refused:
        conn.execute(
            "INSERT INTO booking (clinician_id, coop, booked_by, start, \"end\", patient, reason, mode, status,"
            " cancel_reason, conflict, created_at, updated_at) VALUES (8, 'iles', 'x', '2026-12-08 14:15:00.000000',"
            " '2026-12-08 14:45:00.000000', 'P', '', 'video', 'booked', '', '', '2026-12-01 00:00:00',"
            " '2026-12-01 00:00:00')"
        )
    assert conn.is_overlap(refused.value), refused.value
    conn.close()


def test_closure_of_whole_coop_removes_slots(as_user):
    ctx = as_user("recep.gaspesie", now=pendulum.datetime(2026, 12, 20, 12, tz="UTC"))
    slots = bk.search_slots(ctx, coop="gaspesie", from_date=dt.date(2026, 12, 25), days=1, limit=10)
    assert slots == []


def test_reschedule_search_may_overlap_the_booking_being_moved(as_user):
    ctx = as_user("recep.gaspesie")
    b = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB")
    plain = bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, from_date=dt.date(2026, 12, 8), days=1, limit=100)
    moving = bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, from_date=dt.date(2026, 12, 8), days=1, limit=100,
                             exclude_booking_id=b.id)
    ten_fifteen = pendulum.datetime(2026, 12, 8, 14, 15, tz="UTC")
    assert ten_fifteen not in {s.start for s in plain}
    assert ten_fifteen in {s.start for s in moving}
    assert bk.reschedule(ctx, b.id, start=ten_fifteen).start == ten_fifteen


def test_search_sees_a_resource_change_made_by_another_process(as_user, db_path):
    """Searches cache the directory; a change by another connection invalidates it."""
    ctx = as_user("recep.gaspesie")
    assert bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, from_date=dt.date(2026, 12, 8), days=1)
    slots = bk.search_slots(ctx, coop="iles", from_date=dt.date(2026, 12, 8), days=1, limit=1000)
    assert PSYCHOLOGIST_ILES in {sl.clinician_id for sl in slots}
    conn = engines.Direct(db_path)
    conn.execute("UPDATE resource SET sharing = 'private' WHERE id = ?", (PSYCHOLOGIST_ILES,))
    conn.commit()
    conn.close()
    # (Searched by co-op: asked by id, a clinician no longer shared is "not found" outright.)
    slots = bk.search_slots(ctx, coop="iles", from_date=dt.date(2026, 12, 8), days=1, limit=1000)
    assert PSYCHOLOGIST_ILES not in {sl.clinician_id for sl in slots}


def test_search_issues_a_bounded_number_of_queries(as_user):
    """No query per resource per day: the count depends on the days read, not on resources."""
    import sqlalchemy as sa

    ctx = as_user("fed.admin")
    store_directory.forget_snapshots()
    statements = []
    sa.event.listen(ctx.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    # Long slots over every resource: few fit, so the whole 30 days are read.
    slots = bk.search_slots(ctx, with_room=True, from_date=dt.date(2026, 12, 8), days=30, duration=240, limit=1000)
    assert len(slots) < 1000
    # Chunks of 1, 2, 4, 7, 7, 7, 2 days: 7 chunks x 2 queries (closures, bookings), plus
    # BEGIN, the directory version twice (clinicians, rooms) and, on a cold
    # cache, the directory once: resources, shares, zones and rules. issue 13: live holds join the
    # bookings query; the partners' sharing terms are one more query per search.
    assert len(statements) <= 7 * 2 + 1 + 2 + 4 + 1, statements
    statements.clear()
    bk.search_slots(ctx, with_room=True, from_date=dt.date(2026, 12, 8), days=30, duration=240, limit=1000)
    assert len(statements) <= 7 * 2 + 1 + 2 + 1, statements


def test_when_the_service_check_misses_the_database_trigger_still_refuses(as_user, monkeypatch):
    """The trigger is the last guard: its refusal reaches the user as 'slot taken', not a crash."""
    ctx = as_user("recep.gaspesie")
    first = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB")
    monkeypatch.setattr(bk, "_check_not_taken", lambda *a, **k: None)
    with pytest.raises(SlotTaken):
        bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T10:15", duration=30, consent=True, patient="CD")
    other = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T11:00", duration=30, consent=True, patient="EF")
    with pytest.raises(SlotTaken):
        bk.reschedule(ctx, other.id, start=first.start)
    assert [b.id for b in bk.list_bookings(ctx)] == [first.id, other.id]


def test_reschedule_to_another_clinician_of_the_specialty_keeps_the_id_and_audits_it(as_user):
    """issue 10: a move may go to whoever is free, not only the same clinician."""
    ctx = as_user("recep.gaspesie")
    b = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB")
    free = bk.search_slots(ctx, clinician_id=14, from_date=dt.date(2026, 12, 9), days=3, limit=1)
    moved = bk.reschedule(ctx, b.id, start=free[0].start, clinician_id=14)
    assert (moved.id, moved.clinician_id, moved.start) == (b.id, 14, free[0].start)
    assert moved.end - moved.start == dt.timedelta(minutes=30)
    details = bk.booking_details(ctx, b.id)
    assert [e.action for e in details.history] == ["booking.book", "booking.reschedule"]
    assert details.history[-1].start == free[0].start
    # A booking without a room cannot be given one by a move; a room is not a clinician.
    with pytest.raises(BadInput):
        bk.reschedule(ctx, b.id, start=free[0].start, room_id=ROOM_GASPE)
    with pytest.raises(BadInput):
        bk.reschedule(ctx, b.id, start=free[0].start, clinician_id=ROOM_GASPE)


def test_booking_details_show_link_and_history_to_the_booking_coop_only(as_user):
    mine = as_user("recep.gaspesie")
    b = bk.book(mine, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB")
    d = bk.booking_details(mine, b.id)
    # issue 14: the visit's own private link, on the booking co-op's platform (not the clinician's fixed one)
    assert d.video_link.startswith("https://visio.example.org/gaspesie/") and d.history
    assert d.minutes == 30 and d.clinician_coop.slug == "iles" and d.booking_coop.slug == "gaspesie"
    other = bk.booking_details(as_user("recep.iles"), b.id)  # the clinician's co-op, not the booking's
    assert other.booking.masked and other.video_link is None and other.history == ()
    admin = bk.booking_details(as_user("fed.admin"), b.id)  # federation admin of Gaspésie: its own
    assert admin.video_link
    with pytest.raises(NotFound):
        bk.booking_details(as_user("recep.saguenay"), 10**6)


def test_with_room_offers_my_coops_rooms_unless_partners_are_asked(as_user):
    """issue 10: the room is where the patient sits, so my co-op's rooms by default."""
    ctx = as_user("recep.iles")
    mine = bk.search_slots(ctx, specialty="psychology", with_room=True, from_date=dt.date(2026, 12, 8), days=3, limit=40)
    assert mine and {s.room_coop for s in mine} == {"iles"}
    wide = bk.search_slots(ctx, specialty="psychology", with_room=True, partner_rooms=True,
                           from_date=dt.date(2026, 12, 8), days=3, limit=200)
    assert {s.room_coop for s in wide} > {"iles"}
    # Own rooms stay the preferred pick: at a time my room is free, it is the one offered.
    mine_at = {(s.clinician_id, s.start): s.room_coop for s in mine}
    assert all(s.room_coop == "iles" for s in wide if (s.clinician_id, s.start) in mine_at)


def test_a_change_to_a_booking_that_moved_meanwhile_is_refused_and_says_how_it_is_now(as_user):
    """issue 10: stale dialogs. Nothing is done to a booking the user did not see as it is."""
    from telecoop.domain.errors import StaleBooking

    a, b = as_user("recep.gaspesie"), as_user("admin.gaspesie")
    seen = bk.book(a, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, consent=True, patient="AB")
    later = bk.search_slots(b, clinician_id=PSYCHOLOGIST_ILES, from_date=dt.date(2026, 12, 10), days=3, limit=1)[0]
    bk.reschedule(b, seen.id, start=later.start)
    with pytest.raises(StaleBooking) as err:
        bk.cancel(a, seen.id, reason="malade", seen=seen)
    assert err.value.exit_code == 1 and err.value.current.start == later.start
    assert bk.get_booking(a, seen.id).status == BookingStatus.BOOKED
    with pytest.raises(StaleBooking):
        bk.set_status(a, seen.id, "checked-in", seen=seen)
    with pytest.raises(StaleBooking):
        bk.reschedule(a, seen.id, start=TUESDAY_10_ILES, seen=seen)
    # Seen as it is now, it goes through.
    assert bk.cancel(a, seen.id, reason="malade", seen=err.value.current).status == BookingStatus.CANCELLED


def test_the_demo_tells_a_true_story(tmp_path):
    """issue 10: statutory holidays are closed (no slot on Christmas Day) and some of the last
    working day's video and phone visits are still open for their clinician to close."""
    from telecoop.io.demo import build_demo_database
    from telecoop.services.context import open_context

    NOW_MONDAY = pendulum.datetime(2026, 12, 7, 12, 0, tz="UTC")  # the suite's NOW
    path = tmp_path / "demo.db"
    build_demo_database(path, clock=lambda: NOW_MONDAY)
    ctx = open_context(path, "recep.saguenay", clock=lambda: NOW_MONDAY)
    try:
        assert bk.search_slots(ctx, from_date=dt.date(2026, 12, 25), days=1, limit=5) == []
        assert bk.search_slots(ctx, from_date=dt.date(2026, 12, 24), days=1, limit=5), "the day before is open"
        fed = open_context(path, "fed.admin", clock=lambda: NOW_MONDAY)
        friday = bk.list_bookings(fed, from_date=dt.date(2026, 12, 4), to_date=dt.date(2026, 12, 6))
        left = [b for b in friday if b.status == BookingStatus.BOOKED and b.end <= NOW_MONDAY]
        assert left and all(b.mode.value in ("video", "phone") for b in left)
        assert len(left) < len([b for b in friday if b.status == BookingStatus.COMPLETED]), "some, not most"
        assert not [b for b in bk.list_bookings(fed, from_date=dt.date(2026, 12, 25), to_date=dt.date(2026, 12, 25))]
        fed.engine.dispose()
    finally:
        ctx.engine.dispose()


def test_a_video_visits_link_goes_to_the_booking_coop_and_the_clinician_only(as_user):
    """issue 10: the clinician's day carries the link; another co-op's receptionist never sees it."""
    gas = as_user("recep.gaspesie")
    free = bk.search_slots(gas, clinician_id=7, from_date=dt.date(2026, 12, 8), days=3, limit=2)
    made = bk.book(gas, clinician_id=7, start=free[0].start, duration=30, consent=True, patient="VL-1", mode="video")
    assert made.video_link and made.video_link.startswith("https://")
    assert bk.get_booking(as_user("clin.iles"), made.id).video_link == made.video_link
    assert bk.get_booking(as_user("recep.iles"), made.id).video_link is None
    free = bk.search_slots(gas, clinician_id=7, from_date=dt.date(2026, 12, 8), days=3, limit=1)
    in_room = bk.book(gas, clinician_id=7, start=free[0].start, duration=30, consent=True, patient="VL-2", mode="room")
    assert in_room.video_link is None


def test_a_booking_holds_the_writers_turn_for_four_or_five_statements(as_user):
    """Perf (issue 12 item 7): what ``book`` asks the database, counted (never timed), on either engine.

    Before the turn, one read transaction: (SQLite: BEGIN) the directory stamp, the closures (and, the first
    time this process meets these resources and this directory version: the co-ops, the
    resources, their shares and weekly hours). Inside the turn only what must be atomic with
    the insert: the partner's terms and quota in one query, the clinician's and room's time
    (bookings and live holds) in one query, the booking and its audit event (one statement
    on PostgreSQL, two on SQLite).
    """
    import sqlalchemy as sa

    ctx = as_user("recep.gaspesie")
    seen: list[str] = []
    sa.event.listen(ctx.engine, "before_cursor_execute", lambda *a: seen.append(" ".join(a[2].split())))

    def turn_starts(statement: str) -> bool:
        # (PostgreSQL: the read before the turn opens no transaction; the turn's BEGIN, then its locks)
        return statement == ("BEGIN" if engines.ON_PG else "BEGIN IMMEDIATE")

    def book(start: str):
        seen.clear()
        b = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, room_id=ROOM_GASPE, mode="room", start=start, duration=30,
                    patient="AB", consent=True)
        turn = next(i for i, st in enumerate(seen) if turn_starts(st))
        return b, seen[:turn], seen[turn:]

    _b, before, inside = book(TUESDAY_10_ILES)  # this process meets the directory: it reads it
    assert len(before) <= 3 + 4, before
    b, before, inside = book("2026-12-08T11:00")
    # (SQLite: BEGIN), the directory stamp with the closures' version: the closures are kept per process
    assert len(before) == (1 if engines.ON_PG else 2), before
    words = [st.split()[0] for st in inside[1:]]
    if engines.ON_PG:  # the writers' turn shared, the clinician's and the room's own locks; terms, time; insert
        assert inside[1:4] == ["SELECT pg_advisory_xact_lock_shared(7251001)",
                               f"SELECT pg_advisory_xact_lock(7251, {min(PSYCHOLOGIST_ILES, ROOM_GASPE)})",
                               f"SELECT pg_advisory_xact_lock(7251, {max(PSYCHOLOGIST_ILES, ROOM_GASPE)})"], inside
        assert words[3:] == ["SELECT", "SELECT", "WITH", "COMMIT"], inside
    else:
        assert words == ["SELECT", "SELECT", "INSERT", "INSERT"], inside
    # Nothing half-said: the audit event names the new booking, written in the same transaction.
    from telecoop.services.audit import list_audit

    event = list_audit(ctx)[0]
    assert (event.action, event.entity_id, event.after["room_id"]) == ("booking.book", str(b.id), ROOM_GASPE)
    # A change to the directory (here: the room's hours, by another connection) is seen at once.
    conn = engines.Direct(engines_db(ctx))
    conn.execute("DELETE FROM availability WHERE resource_id = ?", (ROOM_GASPE,))
    conn.commit()
    with pytest.raises(BadInput):
        book("2026-12-08T12:00")
    # And so is a closure (the kept closures are read again when their version moved).
    assert bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T13:00", duration=30, patient="AB",
                   consent=True)
    conn.execute("INSERT INTO closure (resource_id, coop, start, \"end\", reason) VALUES (?, NULL, ?, ?, 'x')",
                 (PSYCHOLOGIST_ILES, "2026-12-08 18:00:00", "2026-12-08 22:00:00"))
    conn.commit()
    conn.close()
    with pytest.raises(BadInput):
        bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T14:00", duration=30, patient="AB",
                consent=True)


def test_a_booking_on_postgresql_costs_four_round_trips(as_user, tmp_path):
    """Perf (issue 12 item 7), counted, never timed: on a warm process a booking waits for the server
    four times: the pool's liveness ping, the directory stamp (with the closures' version), then BEGIN
    with the turn's locks and both reads in one pipeline, then the insert with its COMMIT. (Under 16
    writers on 2 cores every wait is a trip to the back of the run queue: it was 12.) Counted in libpq's
    own trace: one ReadyForQuery from the server per round trip."""
    if not engines.ON_PG:
        pytest.skip("PostgreSQL half only: SQLite has no round trips")
    import sqlalchemy as sa

    ctx = as_user("recep.gaspesie")
    trace = open(tmp_path / "libpq.trace", "a")  # (appending: emptied below, it restarts at 0)
    traced = []

    def follow(dbapi_conn, _record):  # every pooled connection, from its first return on (so its ping is seen)
        if dbapi_conn not in traced:
            dbapi_conn.pgconn.trace(trace.fileno())
            traced.append(dbapi_conn)

    sa.event.listen(ctx.engine, "checkin", follow)
    bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, room_id=ROOM_GASPE, mode="room", start=TUESDAY_10_ILES,
            duration=30, patient="AB", consent=True)  # this process meets the directory
    (tmp_path / "libpq.trace").write_text("")
    try:
        bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, room_id=ROOM_GASPE, mode="room", start="2026-12-08T11:00",
                duration=30, patient="AB", consent=True)
    finally:
        for conn in traced:
            conn.pgconn.untrace()
        trace.close()
    replies = [line for line in (tmp_path / "libpq.trace").read_text().splitlines()
               if line.split("\t")[1:2] == ["B"] and "ReadyForQuery" in line]
    assert len(replies) == 4, replies


def test_a_booking_without_pipeline_mode_sends_the_same_statements_one_by_one(as_user, monkeypatch):
    """A libpq older than 14 has no pipeline mode (store/query.py): the booking's statements then go one
    by one, with the same answers: booked, refused when taken, refused when the database refuses."""
    if not engines.ON_PG:
        pytest.skip("PostgreSQL half only")
    import psycopg

    monkeypatch.setattr(psycopg.Pipeline, "is_supported", classmethod(lambda cls: False))

    def no_pipeline(*_a, **_k):
        raise AssertionError("pipeline mode used where libpq has none")

    monkeypatch.setattr(psycopg.Connection, "pipeline", no_pipeline)
    ctx = as_user("recep.gaspesie")
    first = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, room_id=ROOM_GASPE, mode="room", start=TUESDAY_10_ILES,
                    duration=30, patient="AB", consent=True)
    with pytest.raises(SlotTaken):
        bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, patient="CD", consent=True)
    monkeypatch.setattr(bk, "_check_not_taken", lambda *a, **k: None)
    with pytest.raises(SlotTaken):  # the EXCLUDE constraint's refusal, from the insert sent with COMMIT
        bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T10:15", duration=30, patient="EF",
                consent=True)
    assert [b.id for b in bk.list_bookings(ctx)] == [first.id]


def engines_db(ctx):
    """The database address of a context's engine (a file path, or the PostgreSQL URL)."""
    return ctx.engine.url.database


def test_a_server_gone_between_the_read_and_the_turn_is_one_line_and_nothing_is_written(as_user, monkeypatch):
    """The turn's statements go in one pipeline (store/query.py): the server going away under them is
    still the one line "connection lost, nothing was half-written", and the next booking gets a new
    connection."""
    if not engines.ON_PG:
        pytest.skip("PostgreSQL half only")
    import sqlalchemy as sa

    from telecoop.services import sharing_terms
    from telecoop.store import engine as store_engine

    ctx = as_user("recep.gaspesie")
    killer = engines.Direct(engines_db(ctx))
    before = killer.execute("SELECT count(*) FROM booking").fetchone()[0]
    asked = sharing_terms.partner_terms_query

    def server_gone(*args, **kwargs):  # right before the turn: every other session of the database ends
        killer.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                       " WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return asked(*args, **kwargs)

    monkeypatch.setattr(sharing_terms, "partner_terms_query", server_gone)
    with pytest.raises(sa.exc.DBAPIError) as err:
        bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, patient="AB", consent=True)
    known = store_engine.store_error(err.value, engines_db(ctx))
    assert known is not None and known.key == "store.pg_lost", err.value
    assert killer.execute("SELECT count(*) FROM booking").fetchone()[0] == before
    monkeypatch.setattr(sharing_terms, "partner_terms_query", asked)
    again = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, patient="AB",
                    consent=True)
    assert killer.execute("SELECT count(*) FROM booking").fetchone()[0] == before + 1 and again.id
    killer.close()

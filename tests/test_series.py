"""issue 14: follow-up series: the same wall time across DST, previewed, booked all or nothing."""

from __future__ import annotations

import calendar
import datetime as dt
import json

import engines
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telecoop.domain import series as ds
from telecoop.domain.errors import BadInput
from telecoop.domain.timeutil import local
from telecoop.services import booking as bk
from telecoop.services import series as sv

ZONES = ("America/Toronto", "America/Halifax", "America/Blanc-Sablon")
PSYCHOLOGIST_ILES = 8  # Tuesdays and Thursdays 08:30-12:00, 13:00-16:30 in Halifax time
FIRST = "2026-12-08T10:00"  # a Tuesday


@settings(max_examples=300, deadline=None)
@given(
    tz=st.sampled_from(ZONES),
    day=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)),
    minute=st.integers(0, 24 * 4 - 1).map(lambda q: q * 15),
    repeat=st.sampled_from(ds.REPEATS),
    count=st.integers(2, ds.MAX_COUNT),
)
def test_every_occurrence_keeps_its_wall_time_across_dst(tz, day, minute, repeat, count):
    """2020-2035, the three zones: each occurrence starts at the first one's wall time, or is flagged."""
    wall = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
    first = ds.resolve(1, wall, tz, 30)
    if first.problem:  # the first one itself in a gap or a repeated hour: the person picks its time
        return
    occs = ds.occurrences(first.start, tz, repeat, count, 30)
    assert [o.index for o in occs] == list(range(1, count + 1))
    for o in occs:
        assert o.wall.time() == wall.time()
        if o.problem:
            assert o.problem in (ds.GAP, ds.AMBIGUOUS) and o.start is None and tz != "America/Blanc-Sablon"
            continue
        shown = local(o.start, tz)
        assert (shown.hour, shown.minute) == (wall.hour, wall.minute)
        assert shown.date() == o.wall.date()
        if repeat == "monthly":
            months = (o.wall.year - wall.year) * 12 + o.wall.month - wall.month
            assert months == o.index - 1
            assert o.wall.day == min(wall.day, calendar.monthrange(o.wall.year, o.wall.month)[1])
        else:
            step = 7 if repeat == "weekly" else 14
            assert (o.wall.date() - wall.date()).days == step * (o.index - 1)


def test_dst_gap_and_repeated_hour_are_flagged_never_guessed():
    occs = ds.occurrences(ds.resolve(1, dt.datetime(2027, 3, 7, 2, 30), "America/Toronto", 30).start,
                          "America/Toronto", "weekly", 3, 30)
    assert [o.problem for o in occs] == ["", ds.GAP, ""]
    occs = ds.occurrences(ds.resolve(1, dt.datetime(2026, 10, 25, 1, 30), "America/Halifax", 30).start,
                          "America/Halifax", "weekly", 2, 30)
    assert [o.problem for o in occs] == ["", ds.AMBIGUOUS]
    # Across DST the UTC start moves by an hour; the wall time does not.
    occs = ds.occurrences(ds.resolve(1, dt.datetime(2027, 3, 9, 10, 0), "America/Toronto", 30).start,
                          "America/Toronto", "weekly", 2, 30)
    assert [o.start.hour for o in occs] == [15, 14]


def test_monthly_keeps_the_day_or_the_months_last():
    walls = [ds.nth_wall(dt.datetime(2027, 1, 31, 9, 0), "monthly", n) for n in range(4)]
    assert [w.date() for w in walls] == [dt.date(2027, 1, 31), dt.date(2027, 2, 28), dt.date(2027, 3, 31),
                                         dt.date(2027, 4, 30)]


def test_bad_repeat_and_count_are_bad_input():
    with pytest.raises(BadInput):
        ds.repeat_word("daily")
    for n in (1, 53, True):
        with pytest.raises(BadInput):
            ds.count_value(n)


# --------------------------------------------------------------------------- #
# Services on a real database
# --------------------------------------------------------------------------- #


def _count(db_path) -> int:
    conn = engines.Direct(db_path)  # SQLite or PostgreSQL, as the suite runs
    try:
        return conn.execute("SELECT count(*) FROM booking").fetchone()[0]
    finally:
        conn.close()


def test_preview_flags_a_taken_occurrence_and_the_series_is_refused_whole_until_skipped(as_user, db_path):
    ctx = as_user("recep.gaspesie")
    other = as_user("recep.iles")
    bk.book(other, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-15T10:00", duration=30, consent=True, patient="ZZ")
    occs = sv.preview(ctx, clinician_id=PSYCHOLOGIST_ILES, start=FIRST, duration=30, repeat="weekly", count=4)
    assert [o.problem for o in occs][:2] == ["", ds.TAKEN]
    before = _count(db_path)
    with pytest.raises(sv.SeriesConflict) as refused:
        sv.book_series(ctx, clinician_id=PSYCHOLOGIST_ILES, start=FIRST, duration=30, repeat="weekly", count=4,
                       patient="AB-1", consent=True)
    assert "2" in refused.value.params["which"] and refused.value.exit_code == 1
    assert _count(db_path) == before, "nothing written"
    moved = sv.preview(ctx, clinician_id=PSYCHOLOGIST_ILES, start=FIRST, duration=30, repeat="weekly", count=4,
                       moves={2: "2026-12-15T11:00"})
    assert moved[1].problem == "" and moved[1].moved
    series_id, made = sv.book_series(ctx, clinician_id=PSYCHOLOGIST_ILES, start=FIRST, duration=30,
                                     repeat="weekly", count=4, patient="AB-1", consent=True,
                                     skip=[o.index for o in occs if o.problem and o.index != 2],
                                     moves={2: "2026-12-15T11:00"})
    assert {b.series_id for b in made} == {series_id}
    assert all(local(b.start, "America/Halifax").hour in (10, 11) for b in made)
    assert len({b.video_link for b in made}) == len(made), "each visit its own private link"


def test_cancel_this_and_later_then_move_never_brings_a_cancelled_one_back(as_user):
    ctx = as_user("recep.gaspesie")
    series_id, made = sv.book_series(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2027-01-12T10:00", duration=30,
                                     repeat="weekly", count=4, patient="AB-1", consent=True)
    assert [b.series_index for b in made] == [1, 2, 3, 4]
    sv.cancel_series(ctx, series_id, from_occurrence=2, reason="Patient moved", only=True)
    sv.cancel_series(ctx, series_id, from_occurrence=4, reason="Done early")
    moved = sv.move_series(ctx, series_id, from_occurrence=1, start="2027-01-12T11:00")
    assert [(b.series_index, local(b.start, "America/Halifax").hour) for b in moved] == [(1, 11), (3, 11)]
    after = sv.series_bookings(ctx, series_id)
    assert [b.status.value for b in after] == ["booked", "cancelled", "booked", "cancelled"]
    with pytest.raises(BadInput):
        sv.move_series(ctx, series_id, from_occurrence=2, start="2027-01-19T11:00", only=True)


def test_a_moved_occurrence_on_another_ones_time_is_flagged_in_the_preview():
    """issue 14 (app): moving occurrence 3 onto occurrence 2's time: flagged taken (the moved one), not left to the
    database to refuse at booking."""
    first = dt.datetime(2026, 12, 8, 15, 0, tzinfo=dt.timezone.utc)
    occs = ds.occurrences(first, "America/Halifax", "weekly", 3, 30)
    moved = ds.resolve(3, occs[1].wall + dt.timedelta(minutes=15), "America/Halifax", 30, moved=True)
    assert ds.clashes([occs[0], occs[1], moved]) == {3}
    assert ds.clashes(occs) == set()
    skipped = ds.Occurrence(2, occs[1].wall, occs[1].start, occs[1].end, skipped=True)
    assert ds.clashes([occs[0], skipped, moved]) == set()


def test_preview_flags_a_move_onto_another_occurrence(as_user):
    ctx = as_user("recep.gaspesie")
    occs = sv.preview(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2027-01-12T10:00", duration=30, repeat="weekly",
                      count=3, moves={3: "2027-01-19T10:00"})
    assert [(o.index, o.problem, o.moved) for o in occs] == [(1, "", False), (2, "", False), (3, ds.TAKEN, True)]


def test_series_changes_from_the_app_are_refused_when_the_occurrence_changed_since_it_was_seen(as_user):
    """issue 14 (app): ``seen`` = the occurrence as the receptionist chose it; changed meanwhile -> StaleBooking,
    nothing cancelled or moved. A later occurrence that cannot move is named (``occurrence``)."""
    from telecoop.domain.errors import SlotTaken, StaleBooking

    ctx = as_user("recep.gaspesie")
    series_id, made = sv.book_series(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2027-01-12T10:00", duration=30,
                                     repeat="weekly", count=3, patient="AB-1", consent=True)
    seen = made[1]
    sv.move_series(ctx, series_id, from_occurrence=2, start="2027-01-19T10:30", only=True)  # someone else
    with pytest.raises(StaleBooking):
        sv.cancel_series(ctx, series_id, from_occurrence=2, reason="x", seen=seen)
    with pytest.raises(StaleBooking):
        sv.move_series(ctx, series_id, from_occurrence=2, start="2027-01-19T11:00", seen=seen)
    assert [b.status.value for b in sv.series_bookings(ctx, series_id)] == ["booked"] * 3
    bk.book(as_user("recep.iles"), clinician_id=PSYCHOLOGIST_ILES, start="2027-01-26T11:00", duration=30,
            consent=True, patient="ZZ")
    with pytest.raises(SlotTaken) as taken:
        sv.move_series(ctx, series_id, from_occurrence=1, start="2027-01-12T11:00")
    assert taken.value.occurrence == 3
    assert [local(b.start, "America/Halifax").hour for b in sv.series_bookings(ctx, series_id)] == [10, 10, 10]


def test_another_coop_cannot_see_or_change_a_series(as_user):
    from telecoop.domain.errors import NotFound

    ctx = as_user("recep.gaspesie")
    series_id, _ = sv.book_series(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2027-01-12T10:00", duration=30,
                                  repeat="weekly", count=2, patient="AB-1", consent=True)
    with pytest.raises(NotFound):
        sv.series_bookings(as_user("recep.iles"), series_id)
    busy = bk.get_booking(as_user("recep.iles"), sv.series_bookings(ctx, series_id)[0].id)
    assert busy.series_id is None and busy.masked


# --------------------------------------------------------------------------- #
# The command line
# --------------------------------------------------------------------------- #


@pytest.fixture
def run(db_path, capsys, monkeypatch):
    from telecoop.cli import main
    from telecoop.services import context as context_module
    from tests.conftest import NOW

    real = context_module.open_context
    monkeypatch.setattr(context_module, "open_context", lambda *a, **k: real(*a, **k, clock=lambda: NOW))

    def call(*argv: str, login: str = "recep.gaspesie", lang: str = "en"):
        code = main(["--db", str(db_path), "--lang", lang, "--as", login, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return call


def test_cli_preview_book_move_and_cancel_a_series(run, db_path):
    base = ["book", "--clinician", "8", "--start", "2027-01-12T10:00", "--patient", "AB", "--consent",
            "--repeat", "weekly", "--count", "3"]
    code, out, _ = run(*base, "--preview", lang="fr")
    assert code == 0 and "libre" in out and out.count("2027-01-") == 3
    before = _count(db_path)
    code, out, _ = run(*base, "--json")
    made = json.loads(out)
    assert code == 0 and len(made["bookings"]) == 3 and _count(db_path) == before + 3
    sid = made["series_id"]
    assert {b["series_id"] for b in made["bookings"]} == {sid}
    code, out, _ = run("series", "move", str(sid), "--from-occurrence", "2", "--start", "2027-01-19T11:00", "--json")
    assert code == 0 and [b["series_index"] for b in json.loads(out)] == [2, 3]
    code, out, _ = run("series", "cancel", str(sid), "--from-occurrence", "3", "--only", "--reason", "x")
    assert code == 0 and "1 booking cancelled" in out
    code, _, err = run(*base, "--move", "2=nonsense")
    assert code == 2 and err.count("\n") == 1
    code, _, err = run("series", "show", str(sid), login="recep.iles")
    assert code == 1 and "not found" in err


def test_a_partners_series_meets_the_owners_sharing_terms_as_one_booking_does(as_user, db_path):
    """Issue 13's window and quota apply to each occurrence: flagged in the preview, the series refused whole
    (nothing written) until they are skipped; the quota counts the series' own earlier occurrences."""
    from telecoop.domain.errors import NotPermitted
    from telecoop.services import sharing_terms

    admin, iles = as_user("admin.gaspesie"), as_user("recep.iles")
    slots = [x.start for x in bk.search_slots(iles, clinician_id=5, from_date=dt.date(2026, 12, 9), days=3,
                                              limit=300)]
    first = slots[0]
    sharing_terms.set_terms(admin, 5, window_days=8)
    occs = sv.preview(iles, clinician_id=5, start=first, duration=30, repeat="weekly", count=3)
    assert [o.problem for o in occs] == ["", ds.TERMS, ds.TERMS]
    before = _count(db_path)
    with pytest.raises(sv.SeriesConflict):
        sv.book_series(iles, clinician_id=5, start=first, duration=30, repeat="weekly", count=3, patient="I-1",
                       consent=True)
    assert _count(db_path) == before
    # Half an hour a week: each occurrence alone fits (the preview says free), two in one week do not.
    sharing_terms.set_terms(admin, 5, window_days=60, quotas=["iles=0.5"])
    same_week = next(x for x in slots if x - first >= dt.timedelta(hours=2)
                     and x.isocalendar()[:2] == first.isocalendar()[:2])
    moves = {2: local(same_week, "America/Toronto").strftime("%Y-%m-%d %H:%M")}
    occs = sv.preview(iles, clinician_id=5, start=first, duration=30, repeat="weekly", count=2, moves=moves)
    assert [o.problem for o in occs] == ["", ""]
    with pytest.raises(NotPermitted):
        sv.book_series(iles, clinician_id=5, start=first, duration=30, repeat="weekly", count=2,
                       patient="I-2", consent=True, moves=moves)
    assert _count(db_path) == before


def test_a_series_books_its_interpreter_and_any_room_for_every_occurrence(as_user, run):
    """issue 14 (app, item 3): what one booking offers, a series offers: a named (or any) interpreter and any room,
    each occurrence checked in the preview and all booked in one transaction; the CLI no longer drops them."""
    from telecoop.services import admin

    adm = as_user("admin.gaspesie")
    ana = admin.save_resource(adm, kind="interpreter", name="Ana Interprète", languages="es fr", sharing="all")
    admin.add_hours(adm, ana.id, weekday="tue", start="08:00", end="18:00")
    ctx = as_user("recep.gaspesie")
    series_id, made = sv.book_series(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2027-01-12T10:00", duration=30,
                                     repeat="weekly", count=3, patient="ES-1", consent=True, interpreter_id=ana.id)
    assert [b.interpreter_id for b in made] == [ana.id] * 3
    # Ana is busy at those times now: another clinician's series with her is flagged, or with any Spanish interpreter.
    occs = sv.preview(ctx, clinician_id=4, start=made[0].start, duration=30, repeat="weekly", count=3,
                      interpreter_id=ana.id)
    assert {o.problem for o in occs} <= {ds.TAKEN, ds.CLOSED} and ds.TAKEN in {o.problem for o in occs}
    occs = sv.preview(ctx, clinician_id=4, start=made[0].start, duration=30, repeat="weekly", count=3,
                      any_interpreter=True, interpreter_language="es")
    assert all(o.problem for o in occs)
    with pytest.raises(BadInput):  # any interpreter needs the patient's language, as for one booking
        sv.preview(ctx, clinician_id=4, start=made[0].start, duration=30, repeat="weekly", count=3,
                   any_interpreter=True)
    # Moving the series takes the interpreter along (her hours: Tuesdays only).
    with pytest.raises(BadInput):
        sv.move_series(ctx, series_id, from_occurrence=1, start="2027-01-14T10:00")
    code, out, _ = run("book", "--clinician", str(PSYCHOLOGIST_ILES), "--start", "2027-01-14T10:00", "--patient",
                       "RM-1", "--consent", "--repeat", "weekly", "--count", "2", "--any-room", "--json")
    assert code == 0 and all(b["room_id"] is not None for b in json.loads(out)["bookings"])

"""Availability expansion and slot arithmetic (DESIGN.md sections 2 and 3)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telecoop.domain.availability import (
    WeeklyRule,
    expand_rules,
    free_intervals,
    intersect,
    merge,
    slot_starts,
    subtract,
    widen,
)
from telecoop.domain.errors import BadInput
from telecoop.domain.timeutil import local, utc

TOR = "America/Toronto"
HAL = "America/Halifax"
BSB = "America/Blanc-Sablon"
ZONES = [TOR, HAL, BSB]
SUN = 6


def Z(*args: int) -> pendulum.DateTime:
    """A UTC instant."""
    return pendulum.datetime(*args, tz="UTC")


def T(h: int, m: int = 0) -> dt.time:
    return dt.time(h, m)


def I(a: pendulum.DateTime, b: pendulum.DateTime) -> tuple:
    return (a, b)


SUNDAY_9_12 = WeeklyRule(SUN, T(9), T(12))

# --------------------------------------------------------------------------- #
# Weekly rules across DST
# --------------------------------------------------------------------------- #

# (zone, local Sunday, expected UTC hour of 09:00). Weeks before, of, and after each change.
SUNDAY_CASES = [
    (TOR, dt.date(2026, 3, 1), 14),
    (TOR, dt.date(2026, 3, 8), 13),
    (TOR, dt.date(2026, 3, 15), 13),
    (TOR, dt.date(2026, 10, 25), 13),
    (TOR, dt.date(2026, 11, 1), 14),
    (TOR, dt.date(2026, 11, 8), 14),
    (HAL, dt.date(2026, 3, 1), 13),
    (HAL, dt.date(2026, 3, 8), 12),
    (HAL, dt.date(2026, 3, 15), 12),
    (HAL, dt.date(2026, 10, 25), 12),
    (HAL, dt.date(2026, 11, 1), 13),
    (HAL, dt.date(2026, 11, 8), 13),
    (BSB, dt.date(2026, 3, 1), 13),
    (BSB, dt.date(2026, 3, 8), 13),
    (BSB, dt.date(2026, 3, 15), 13),
    (BSB, dt.date(2026, 10, 25), 13),
    (BSB, dt.date(2026, 11, 1), 13),
    (BSB, dt.date(2026, 11, 8), 13),
]


@pytest.mark.parametrize("tz, day, utc_hour", SUNDAY_CASES)
def test_sunday_rule_stays_0900_local_across_dst(tz, day, utc_hour):
    # A window of that whole week, Monday to Monday, in UTC with margin.
    monday = day - dt.timedelta(days=6)
    ws = Z(monday.year, monday.month, monday.day)
    we = ws.add(days=8)
    got = expand_rules([SUNDAY_9_12], tz, ws, we)
    assert got == [I(Z(day.year, day.month, day.day, utc_hour), Z(day.year, day.month, day.day, utc_hour + 3))]
    assert local(got[0][0], tz).naive() == dt.datetime.combine(day, T(9))
    assert local(got[0][1], tz).naive() == dt.datetime.combine(day, T(12))


@pytest.mark.parametrize("tz", ZONES)
def test_sunday_rule_over_the_whole_season(tz):
    """One expansion from February to mid-November: every Sunday is 09:00-12:00 local."""
    ws, we = Z(2026, 2, 22), Z(2026, 11, 16)
    got = expand_rules([SUNDAY_9_12], tz, ws, we)
    sundays = [dt.date(2026, 2, 22) + dt.timedelta(weeks=k) for k in range(39)]  # to 2026-11-15
    assert sundays[-1] == dt.date(2026, 11, 15)
    assert len(got) == len(sundays)
    for (s, e), day in zip(got, sundays):
        assert local(s, tz).naive() == dt.datetime.combine(day, T(9))
        assert local(e, tz).naive() == dt.datetime.combine(day, T(12))
        assert e - s == dt.timedelta(hours=3)
    expected = {(d, h) for (z, d, h) in SUNDAY_CASES if z == tz}
    by_day = {s.date(): s.hour for s, _ in got}
    for d, h in expected:
        assert by_day[d] == h


def test_rule_edge_in_gap_uses_first_instant_after_gap():
    rule = WeeklyRule(SUN, T(2, 30), T(4))
    got = expand_rules([rule], TOR, Z(2026, 3, 8), Z(2026, 3, 9))
    # 02:30 does not exist: start at 03:00 EDT (07:00Z); 04:00 EDT is 08:00Z.
    assert got == [I(Z(2026, 3, 8, 7), Z(2026, 3, 8, 8))]


def test_rule_wholly_inside_gap_gives_nothing_that_day():
    rule = WeeklyRule(SUN, T(2, 10), T(2, 40))
    assert expand_rules([rule], HAL, Z(2026, 3, 8), Z(2026, 3, 9)) == []
    # ...but it does the week after.
    assert expand_rules([rule], HAL, Z(2026, 3, 15), Z(2026, 3, 16)) == [I(Z(2026, 3, 15, 5, 10), Z(2026, 3, 15, 5, 40))]


def test_rule_edge_in_repeated_hour_uses_first_occurrence():
    rule = WeeklyRule(SUN, T(1, 30), T(3))
    got = expand_rules([rule], TOR, Z(2026, 11, 1), Z(2026, 11, 2))
    # 01:30 EDT (05:30Z) to 03:00 EST (08:00Z): includes the repeated hour, 2.5 h.
    assert got == [I(Z(2026, 11, 1, 5, 30), Z(2026, 11, 1, 8))]


def test_valid_from_and_valid_to_are_inclusive():
    rule = WeeklyRule(SUN, T(9), T(12), valid_from=dt.date(2026, 3, 8), valid_to=dt.date(2026, 3, 22))
    got = expand_rules([rule], BSB, Z(2026, 2, 1), Z(2026, 5, 1))
    assert [s.date() for s, _ in got] == [dt.date(2026, 3, 8), dt.date(2026, 3, 15), dt.date(2026, 3, 22)]
    open_ended = WeeklyRule(SUN, T(9), T(12), valid_from=dt.date(2026, 4, 19))
    got = expand_rules([open_ended], BSB, Z(2026, 4, 1), Z(2026, 5, 1))
    assert [s.date() for s, _ in got] == [dt.date(2026, 4, 19), dt.date(2026, 4, 26)]
    until = WeeklyRule(SUN, T(9), T(12), valid_to=dt.date(2026, 4, 12))
    got = expand_rules([until], BSB, Z(2026, 4, 1), Z(2026, 5, 1))
    assert [s.date() for s, _ in got] == [dt.date(2026, 4, 5), dt.date(2026, 4, 12)]


def test_validity_dates_are_local_days():
    # Monday 2026-03-02 20:00-23:00 Toronto is 01:00-04:00Z on Tuesday: still Monday's rule.
    rule = WeeklyRule(0, T(20), T(23), valid_from=dt.date(2026, 3, 2), valid_to=dt.date(2026, 3, 2))
    got = expand_rules([rule], TOR, Z(2026, 3, 1), Z(2026, 3, 10))
    assert got == [I(Z(2026, 3, 3, 1), Z(2026, 3, 3, 4))]


def test_expansion_is_clipped_to_window_and_merged():
    rules = [WeeklyRule(SUN, T(9), T(12)), WeeklyRule(SUN, T(12), T(15)), WeeklyRule(SUN, T(10), T(11))]
    got = expand_rules(rules, BSB, Z(2026, 3, 8, 14), Z(2026, 3, 8, 17, 30))
    assert got == [I(Z(2026, 3, 8, 14), Z(2026, 3, 8, 17, 30))]
    assert expand_rules(rules, BSB, Z(2026, 3, 8, 20), Z(2026, 3, 8, 20)) == []
    assert expand_rules([], BSB, Z(2026, 3, 1), Z(2026, 4, 1)) == []


def test_expansion_accepts_non_utc_aware_window():
    tz = zoneinfo.ZoneInfo(TOR)
    got = expand_rules([SUNDAY_9_12], TOR, dt.datetime(2026, 3, 8, tzinfo=tz), dt.datetime(2026, 3, 9, tzinfo=tz))
    assert got == [I(Z(2026, 3, 8, 13), Z(2026, 3, 8, 16))]
    assert got[0][0].tzinfo is pendulum.UTC


@pytest.mark.parametrize(
    "kwargs, key",
    [
        (dict(weekday=7, start=T(9), end=T(12)), "field.range"),
        (dict(weekday=-1, start=T(9), end=T(12)), "field.range"),
        (dict(weekday=0, start=T(12), end=T(9)), "field.end_before_start"),
        (dict(weekday=0, start=T(9), end=T(9)), "field.end_before_start"),
        (
            dict(weekday=0, start=T(9), end=T(12), valid_from=dt.date(2026, 5, 1), valid_to=dt.date(2026, 4, 1)),
            "field.end_before_start",
        ),
    ],
)
def test_invalid_rule_is_bad_input(kwargs, key):
    with pytest.raises(BadInput) as exc:
        WeeklyRule(**kwargs)
    assert exc.value.key == key


# --------------------------------------------------------------------------- #
# Interval algebra
# --------------------------------------------------------------------------- #

D = Z(2026, 3, 10)


def H(h: float) -> pendulum.DateTime:
    """An instant ``h`` hours after 2026-03-10 00:00Z."""
    return D.add(minutes=int(h * 60))


def test_merge_sorts_joins_adjacent_and_drops_empty():
    got = merge([(H(5), H(6)), (H(1), H(2)), (H(2), H(3)), (H(2.5), H(4)), (H(7), H(7)), (H(9), H(8))])
    assert got == [(H(1), H(4)), (H(5), H(6))]
    assert merge([]) == []


def test_subtract_closures_and_busy():
    free = [(H(9), H(12)), (H(13), H(17))]
    removed = [(H(8), H(9.5)), (H(10), H(10.5)), (H(11.75), H(13.5)), (H(16), H(18))]
    assert subtract(free, removed) == [
        (H(9.5), H(10)),
        (H(10.5), H(11.75)),
        (H(13.5), H(16)),
    ]
    assert subtract(free, []) == free
    assert subtract([], removed) == []


def test_half_open_adjacency_booking_ending_at_10_frees_10():
    free = [(H(9), H(12))]
    busy = [(H(9), H(10))]
    left = subtract(free, busy)
    assert left == [(H(10), H(12))]
    assert list(slot_starts(left, 30, step_minutes=30)) == [H(10), H(10.5), H(11), H(11.5)]
    # And a booking starting at 12:00 does not take the 11:30 slot.
    assert list(slot_starts(subtract(free, [(H(12), H(13))]), 30, 30))[-1] == H(11.5)


def test_intersect_clinician_and_room():
    clinician = [(H(9), H(12)), (H(13), H(17))]
    room = [(H(8), H(10)), (H(11), H(14)), (H(16.5), H(20))]
    assert intersect(clinician, room) == [(H(9), H(10)), (H(11), H(12)), (H(13), H(14)), (H(16.5), H(17))]
    assert intersect(clinician, []) == []
    # Touching intervals share no instant.
    assert intersect([(H(9), H(10))], [(H(10), H(11))]) == []


def test_widen_and_buffers():
    assert widen([(H(10), H(10.5))], 15) == [(H(9.75), H(10.75))]
    assert widen([(H(10), H(10.5)), (H(11), H(11.5))], 15) == [(H(9.75), H(11.75))]
    assert widen([(H(10), H(11))], 0) == [(H(10), H(11))]
    with pytest.raises(ValueError):
        widen([(H(10), H(11))], -5)


def test_free_intervals_with_closures_busy_and_buffer():
    # Tuesday 2026-03-10, Blanc-Sablon (UTC-4): rule 09:00-17:00 local = 13:00-21:00Z.
    rules = [WeeklyRule(1, T(9), T(17))]
    closures = [(H(16), H(17))]  # a staff meeting 12:00-13:00 local
    busy = [(H(14), H(14.5)), (H(19), H(20))]  # 10:00-10:30 and 15:00-16:00 local
    got = free_intervals(rules, BSB, H(0), H(24), closures, busy, buffer_minutes=15)
    assert got == [
        (H(13), H(13.75)),
        (H(14.75), H(16)),
        (H(17), H(18.75)),
        (H(20.25), H(21)),
    ]
    without_buffer = free_intervals(rules, BSB, H(0), H(24), closures, busy)
    assert without_buffer[0] == (H(13), H(14)) and without_buffer[1] == (H(14.5), H(16))


def test_free_intervals_whole_day_closure_on_dst_day():
    from telecoop.domain.timeutil import day_bounds_utc

    rules = [SUNDAY_9_12]
    closure = [day_bounds_utc(dt.date(2026, 3, 8), TOR)]
    got = free_intervals(rules, TOR, Z(2026, 3, 1), Z(2026, 3, 16), closure, [])
    assert [s for s, _ in got] == [Z(2026, 3, 1, 14), Z(2026, 3, 15, 13)]


# --------------------------------------------------------------------------- #
# Slots
# --------------------------------------------------------------------------- #


def test_slot_starts_alignment_duration_and_not_before():
    free = [(H(9) .add(minutes=7), H(10.5)), (H(11), H(11.25)), (H(13), H(14))]
    assert list(slot_starts(free, 30)) == [H(9.25), H(9.5), H(9.75), H(10), H(13), H(13.25), H(13.5)]
    assert list(slot_starts(free, 60, step_minutes=30)) == [H(9.5), H(13)]
    assert list(slot_starts(free, 15, not_before=H(11))) == [H(11)] + [H(13 + k / 4) for k in range(4)]
    assert list(slot_starts(free, 30, not_before=H(13).add(seconds=1))) == [H(13.25), H(13.5)]
    assert list(slot_starts(free, 120)) == []
    assert all(s.tzinfo is pendulum.UTC for s in slot_starts(free, 30))


def test_slot_starts_may_span_adjacent_free_intervals():
    assert list(slot_starts([(H(9), H(9.5)), (H(9.5), H(10))], 60, 60)) == [H(9)]


def test_slot_starts_is_lazy_and_ascending():
    free = [(D, D.add(days=365))]
    it = slot_starts(free, 30)
    first = [next(it) for _ in range(3)]
    assert first == [D, D.add(minutes=15), D.add(minutes=30)]


@pytest.mark.parametrize("kwargs", [dict(duration_minutes=0), dict(duration_minutes=30, step_minutes=7), dict(duration_minutes=30, step_minutes=0)])
def test_slot_starts_refuses_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        slot_starts([(H(9), H(10))], **kwargs)


def test_slots_are_aligned_in_local_time_too():
    """All target zones have whole-hour offsets: UTC quarter hours are local quarter hours."""
    free = expand_rules([WeeklyRule(SUN, T(9), T(10))], HAL, Z(2026, 3, 8), Z(2026, 3, 9))
    starts = [local(s, HAL).strftime("%H:%M") for s in slot_starts(free, 30)]
    assert starts == ["09:00", "09:15", "09:30"]


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #

BASE = Z(2026, 3, 5)  # a few days before the spring change; windows may reach either change
SPAN = 600  # minutes, for interval-algebra properties


def at(minutes: int) -> pendulum.DateTime:
    return BASE.add(minutes=minutes)


@st.composite
def interval_lists(draw, span=SPAN, max_size=12):
    pairs = draw(st.lists(st.tuples(st.integers(0, span), st.integers(0, span)), max_size=max_size))
    return [(at(a), at(b)) for a, b in pairs]


def minutes_of(intervals) -> set[int]:
    """The model: the set of whole minutes (since BASE) an interval list covers."""
    out: set[int] = set()
    for s, e in intervals:
        a = int((utc(s) - BASE).total_seconds() // 60)
        b = int((utc(e) - BASE).total_seconds() // 60)
        out.update(range(a, b))
    return out


def assert_canonical(intervals):
    for s, e in intervals:
        assert s < e
        assert s.tzinfo is pendulum.UTC and e.tzinfo is pendulum.UTC
    for (_s1, e1), (s2, _e2) in zip(intervals, intervals[1:]):
        assert e1 < s2  # sorted, disjoint, and not even touching (merged)


@settings(max_examples=200, deadline=None)
@given(xs=interval_lists())
def test_merge_property(xs):
    got = merge(xs)
    assert_canonical(got)
    assert minutes_of(got) == minutes_of(xs)


@settings(max_examples=200, deadline=None)
@given(xs=interval_lists(), ys=interval_lists())
def test_subtract_property(xs, ys):
    got = subtract(merge(xs), merge(ys))
    # subtract's own contract: sorted, disjoint, inside the input, outside the removed.
    for s, e in got:
        assert s < e
    for (_s1, e1), (s2, _e2) in zip(got, got[1:]):
        assert e1 <= s2
    assert minutes_of(got) == minutes_of(xs) - minutes_of(ys)
    # Also robust to unsorted, overlapping input.
    assert minutes_of(subtract(xs, ys)) == minutes_of(xs) - minutes_of(ys)


@settings(max_examples=200, deadline=None)
@given(xs=interval_lists(), ys=interval_lists(), pad=st.integers(0, 60))
def test_intersect_and_widen_property(xs, ys, pad):
    got = intersect(xs, ys)
    for (_s1, e1), (s2, _e2) in zip(got, got[1:]):
        assert e1 <= s2
    assert minutes_of(got) == minutes_of(xs) & minutes_of(ys)
    wide = widen(xs, pad)
    assert_canonical(wide)
    expected: set[int] = set()
    for s, e in xs:
        if s < e:
            expected |= minutes_of([(s.subtract(minutes=pad), e.add(minutes=pad))])
    assert minutes_of(wide) == expected


WINDOW_DAYS = 4
WINDOW_MIN = WINDOW_DAYS * 24 * 60


@st.composite
def rules_st(draw):
    out = []
    for _ in range(draw(st.integers(0, 4))):
        a = draw(st.integers(0, 24 * 60 - 2))
        b = draw(st.integers(a + 1, 24 * 60 - 1))
        vf = draw(st.none() | st.dates(dt.date(2026, 3, 1), dt.date(2026, 3, 20)))
        vt = draw(st.none() | st.dates(vf or dt.date(2026, 3, 1), dt.date(2026, 3, 25)))
        out.append(WeeklyRule(draw(st.integers(0, 6)), T(a // 60, a % 60), T(b // 60, b % 60), vf, vt))
    return out


@st.composite
def windowed_intervals(draw, offset):
    pairs = draw(st.lists(st.tuples(st.integers(-120, WINDOW_MIN + 120), st.integers(1, 600)), max_size=8))
    return [(at(offset + a), at(offset + a + length)) for a, length in pairs]


@st.composite
def scenario(draw):
    offset = draw(st.integers(0, 6 * 24 * 60))  # window starts between 03-05 and 03-11: covers 03-08
    return dict(
        tz=draw(st.sampled_from(ZONES)),
        rules=draw(rules_st()),
        offset=offset,
        closures=draw(windowed_intervals(offset)),
        busy=draw(windowed_intervals(offset)),
        buffer=draw(st.sampled_from([0, 5, 10, 15, 30])),
        duration=draw(st.sampled_from([15, 20, 30, 45, 60, 90])),
        step=draw(st.sampled_from([5, 10, 15, 30, 60])),
        not_before=draw(st.none() | st.integers(0, WINDOW_MIN)),
    )


@settings(max_examples=150, deadline=None)
@given(sc=scenario())
def test_no_slot_overlaps_closure_or_buffered_busy(sc):
    ws, we = at(sc["offset"]), at(sc["offset"] + WINDOW_MIN)
    free = free_intervals(sc["rules"], sc["tz"], ws, we, sc["closures"], sc["busy"], sc["buffer"])
    nb = at(sc["offset"] + sc["not_before"]) if sc["not_before"] is not None else None
    starts = list(slot_starts(free, sc["duration"], sc["step"], nb))
    dur = dt.timedelta(minutes=sc["duration"])
    pad = dt.timedelta(minutes=sc["buffer"])
    available = expand_rules(sc["rules"], sc["tz"], ws, we)
    assert starts == sorted(set(starts))
    for s in starts:
        e = s + dur
        assert s.minute % sc["step"] == 0 and s.second == 0 and s.microsecond == 0
        assert ws <= s and e <= we
        if nb is not None:
            assert s >= nb
        for cs, ce in sc["closures"]:
            assert not (s < ce and cs < e), "slot overlaps a closure"
        for bs, be in sc["busy"]:
            assert not (s < be + pad and bs - pad < e), "slot overlaps a busy interval (with buffer)"
        assert any(a <= s and e <= b for a, b in available), "slot outside availability"

    # Completeness against a minute model: every aligned start whose minutes are all free is offered.
    free_minutes = minutes_of(available) - minutes_of(sc["closures"]) - minutes_of(widen(sc["busy"], sc["buffer"]))
    first = sc["offset"] if nb is None else max(sc["offset"], sc["offset"] + sc["not_before"])
    expected = [
        m
        for m in range(first, sc["offset"] + WINDOW_MIN)
        if m % 60 % sc["step"] == 0  # BASE is on the hour, so minute m is at m % 60 past it
        and all(x in free_minutes for x in range(m, m + sc["duration"]))
    ]
    assert [int((s - BASE).total_seconds()) // 60 for s in starts] == expected


@settings(max_examples=100, deadline=None)
@given(tz=st.sampled_from(ZONES), rules=rules_st(), offset=st.integers(0, 20 * 24 * 60))
def test_expansion_keeps_wall_times(tz, rules, offset):
    """Every expanded interval starts/ends at a rule's wall time (or the window edge, or a DST-gap edge)."""
    ws, we = at(offset), at(offset + WINDOW_MIN)
    got = expand_rules(rules, tz, ws, we)
    assert_canonical(got)
    edges = {r.start for r in rules} | {r.end for r in rules}
    for s, e in got:
        assert ws <= s < e <= we
        for x in (s, e):
            wall = local(x, tz).time()
            assert x in (ws, we) or wall in edges or (tz != BSB and wall == T(3))


# perf-search: expand_rules joins each day's hours in start order instead of sorting them all;
# whatever the rules' order, overlaps, validity dates, zone and window, the result is the one of
# the plain definition (every rule of every local day, clipped, then merged).
def _expand_by_definition(rules, tz, ws, we):
    z = zoneinfo.ZoneInfo(tz)
    raw = []
    day = (ws.astimezone(z).date()) - dt.timedelta(days=1)
    while day <= we.astimezone(z).date() + dt.timedelta(days=1):
        for r in rules:
            if r.weekday == day.weekday() and r.applies_on(day):
                from telecoop.domain.timeutil import wall_to_utc_lenient

                s = max(wall_to_utc_lenient(dt.datetime.combine(day, r.start), z), ws)
                e = min(wall_to_utc_lenient(dt.datetime.combine(day, r.end), z), we)
                raw.append((s, e))
        day += dt.timedelta(days=1)
    return merge(raw)


_rule = st.builds(
    lambda wd, a, b, vf, vt: WeeklyRule(wd, T(*divmod(min(a, b), 60)), T(*divmod(max(a, b) + 15, 60)),
                                        *((vf, vt) if vf <= vt else (vt, vf))),
    st.integers(0, 6), st.integers(0, 23 * 60 + 30), st.integers(0, 23 * 60 + 30),
    st.dates(dt.date(2026, 3, 1), dt.date(2026, 11, 30)), st.dates(dt.date(2026, 3, 1), dt.date(2026, 11, 30)),
)


@settings(max_examples=300, deadline=None)
@given(rules=st.lists(_rule, max_size=8), tz=st.sampled_from(ZONES),
       start=st.datetimes(dt.datetime(2026, 2, 25), dt.datetime(2026, 12, 5)),
       hours=st.integers(1, 24 * 10))
def test_expand_rules_equals_its_definition(rules, tz, start, hours):
    ws = utc(start.replace(tzinfo=dt.timezone.utc))
    we = ws.add(hours=hours)
    assert expand_rules(rules, tz, ws, we) == _expand_by_definition(rules, tz, ws, we)

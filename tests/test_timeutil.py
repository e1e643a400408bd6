"""Time rules (DESIGN.md section 3): wall times, gaps, repeated hours, parsing."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telecoop.domain.errors import BadInput, WallTimeError
from telecoop.domain.timeutil import (
    day_bounds_utc,
    format_local,
    local,
    now_utc,
    parse_date,
    parse_hhmm,
    parse_instant,
    resolve_wall_time,
    utc,
    wall_to_utc_lenient,
)

TOR = "America/Toronto"
HAL = "America/Halifax"
BSB = "America/Blanc-Sablon"
ZONES = [TOR, HAL, BSB]


def Z(*args: int) -> pendulum.DateTime:
    """A UTC instant."""
    return pendulum.datetime(*args, tz="UTC")


def W(*args: int) -> dt.datetime:
    """A naive wall time."""
    return dt.datetime(*args)


# --------------------------------------------------------------------------- #
# utc / now_utc
# --------------------------------------------------------------------------- #


def test_utc_converts_any_aware_datetime_to_pendulum_utc():
    aware = dt.datetime(2026, 3, 10, 10, 0, tzinfo=zoneinfo.ZoneInfo(TOR))
    u = utc(aware)
    assert isinstance(u, pendulum.DateTime)
    assert u.utcoffset() == dt.timedelta(0)
    assert u.tzinfo is pendulum.UTC
    assert u == Z(2026, 3, 10, 14, 0)
    assert (u.hour, u.minute) == (14, 0)
    fixed = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    assert utc(fixed) == Z(2026, 3, 10, 14, 0)
    p = pendulum.datetime(2026, 3, 10, 10, tz=HAL)
    assert utc(p) == Z(2026, 3, 10, 13) and utc(p).tzinfo is pendulum.UTC


def test_utc_refuses_naive():
    with pytest.raises(ValueError):
        utc(dt.datetime(2026, 3, 10, 10, 0))


def test_now_utc_is_aware_utc():
    n = now_utc()
    assert isinstance(n, pendulum.DateTime)
    assert n.utcoffset() == dt.timedelta(0)


# --------------------------------------------------------------------------- #
# resolve_wall_time
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "tz, wall, expected",
    [
        (TOR, W(2026, 3, 1, 9), Z(2026, 3, 1, 14)),
        (TOR, W(2026, 3, 8, 9), Z(2026, 3, 8, 13)),
        (TOR, W(2026, 3, 8, 1, 59), Z(2026, 3, 8, 6, 59)),
        (TOR, W(2026, 3, 8, 3, 0), Z(2026, 3, 8, 7, 0)),
        (TOR, W(2026, 11, 1, 9), Z(2026, 11, 1, 14)),
        (TOR, W(2026, 11, 1, 0, 59), Z(2026, 11, 1, 4, 59)),
        (TOR, W(2026, 11, 1, 2, 0), Z(2026, 11, 1, 7, 0)),
        (HAL, W(2026, 3, 1, 9), Z(2026, 3, 1, 13)),
        (HAL, W(2026, 3, 8, 9), Z(2026, 3, 8, 12)),
        (HAL, W(2026, 11, 1, 9), Z(2026, 11, 1, 13)),
        (BSB, W(2026, 3, 8, 2, 30), Z(2026, 3, 8, 6, 30)),
        (BSB, W(2026, 11, 1, 1, 30), Z(2026, 11, 1, 5, 30)),
        (BSB, W(2026, 7, 1, 9), Z(2026, 7, 1, 13)),
    ],
)
def test_resolve_ordinary_wall_times(tz, wall, expected):
    got = resolve_wall_time(wall, tz)
    assert got == expected
    assert got.tzinfo is pendulum.UTC


def test_gap_is_refused_with_choices_toronto():
    with pytest.raises(WallTimeError) as exc:
        resolve_wall_time(W(2026, 3, 8, 2, 30), TOR)
    err = exc.value
    assert err.key == "time.gap"
    assert err.exit_code == 2
    assert isinstance(err, BadInput)
    assert err.params == {
        "wall": "2026-03-08 02:30",
        "tz": TOR,
        "before": "2026-03-08 01:45-05:00",
        "after": "2026-03-08 03:00-04:00",
    }
    # The choices can be pasted back and name valid instants around the gap.
    assert parse_instant(err.params["before"], TOR) == Z(2026, 3, 8, 6, 45)
    assert parse_instant(err.params["after"], TOR) == Z(2026, 3, 8, 7, 0)


@pytest.mark.parametrize("minute", [0, 1, 30, 59])
def test_gap_is_refused_halifax_0200_to_0300(minute):
    with pytest.raises(WallTimeError) as exc:
        resolve_wall_time(W(2026, 3, 8, 2, minute), HAL)
    assert exc.value.key == "time.gap"
    assert exc.value.params["before"] == "2026-03-08 01:45-04:00"
    assert exc.value.params["after"] == "2026-03-08 03:00-03:00"
    assert parse_instant(exc.value.params["after"], HAL) == Z(2026, 3, 8, 6, 0)


def test_halifax_edges_of_gap_are_fine():
    assert resolve_wall_time(W(2026, 3, 8, 1, 59), HAL) == Z(2026, 3, 8, 5, 59)
    assert resolve_wall_time(W(2026, 3, 8, 3, 0), HAL) == Z(2026, 3, 8, 6, 0)


def test_ambiguous_is_refused_with_both_readings_toronto():
    with pytest.raises(WallTimeError) as exc:
        resolve_wall_time(W(2026, 11, 1, 1, 30), TOR)
    err = exc.value
    assert err.key == "time.ambiguous"
    assert err.params == {
        "wall": "2026-11-01 01:30",
        "tz": TOR,
        "first": "2026-11-01 01:30-04:00",
        "second": "2026-11-01 01:30-05:00",
    }
    assert parse_instant(err.params["first"], TOR) == Z(2026, 11, 1, 5, 30)
    assert parse_instant(err.params["second"], TOR) == Z(2026, 11, 1, 6, 30)


def test_ambiguous_is_refused_halifax():
    with pytest.raises(WallTimeError) as exc:
        resolve_wall_time(W(2026, 11, 1, 1, 0), HAL)
    assert exc.value.key == "time.ambiguous"
    assert exc.value.params["first"] == "2026-11-01 01:00-03:00"
    assert exc.value.params["second"] == "2026-11-01 01:00-04:00"


@pytest.mark.parametrize(
    "tz, day, kind, expected",
    [
        (TOR, dt.date(2026, 3, 8), "time.gap", [(2, m) for m in range(60)]),
        (HAL, dt.date(2026, 3, 8), "time.gap", [(2, m) for m in range(60)]),
        (TOR, dt.date(2026, 11, 1), "time.ambiguous", [(1, m) for m in range(60)]),
        (HAL, dt.date(2026, 11, 1), "time.ambiguous", [(1, m) for m in range(60)]),
        (BSB, dt.date(2026, 3, 8), None, []),
        (BSB, dt.date(2026, 11, 1), None, []),
    ],
)
def test_exactly_one_hour_refused_on_dst_days(tz, day, kind, expected):
    """Every minute of the DST day: only the missing / repeated hour is refused."""
    refused = []
    for minute_of_day in range(24 * 60):
        wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute_of_day)
        try:
            resolve_wall_time(wall, tz)
        except WallTimeError as e:
            assert e.key == kind
            refused.append((wall.hour, wall.minute))
    assert refused == expected


def test_resolve_refuses_aware_input():
    with pytest.raises(ValueError):
        resolve_wall_time(dt.datetime(2026, 3, 8, 9, tzinfo=dt.timezone.utc), TOR)


def test_unknown_zone_is_bad_input():
    with pytest.raises(BadInput) as exc:
        resolve_wall_time(W(2026, 3, 8, 9), "America/Nowhere")
    assert exc.value.key == "field.tz"
    assert exc.value.params == {"value": "America/Nowhere"}
    with pytest.raises(BadInput):
        local(Z(2026, 3, 8, 9), "../etc/passwd")


def test_lenient_conversion_for_rules():
    # Gap: the first instant after the gap (03:00 EDT), not pendulum's +1 h shift.
    assert wall_to_utc_lenient(W(2026, 3, 8, 2, 30), TOR) == Z(2026, 3, 8, 7, 0)
    assert wall_to_utc_lenient(W(2026, 3, 8, 2, 0), HAL) == Z(2026, 3, 8, 6, 0)
    # Repeated hour: the first occurrence (daylight time).
    assert wall_to_utc_lenient(W(2026, 11, 1, 1, 30), TOR) == Z(2026, 11, 1, 5, 30)
    assert wall_to_utc_lenient(W(2026, 11, 1, 1, 30), HAL) == Z(2026, 11, 1, 4, 30)
    assert wall_to_utc_lenient(W(2026, 6, 1, 9), BSB) == Z(2026, 6, 1, 13)


# --------------------------------------------------------------------------- #
# Properties over 2026-2027
# --------------------------------------------------------------------------- #

_START_2026 = dt.datetime(2026, 1, 1)
_MINUTES_2026_2027 = (dt.datetime(2028, 1, 1) - _START_2026) // dt.timedelta(minutes=1)
_DST_DAYS = {dt.date(2026, 3, 8), dt.date(2026, 11, 1), dt.date(2027, 3, 14), dt.date(2027, 11, 7)}

walls_2026_2027 = st.integers(0, _MINUTES_2026_2027 - 1).map(lambda m: _START_2026 + dt.timedelta(minutes=m))
# Bias towards the DST nights so the refusals are exercised too.
dst_nights = st.builds(
    lambda day, minute: dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute),
    st.sampled_from(sorted(_DST_DAYS)),
    st.integers(0, 4 * 60),
)


@settings(max_examples=200, deadline=None)
@given(wall=st.one_of(walls_2026_2027, dst_nights), tz=st.sampled_from(ZONES))
def test_local_utc_local_round_trip(wall, tz):
    """Any wall time either round-trips through UTC, or is refused on a DST night."""
    try:
        instant = resolve_wall_time(wall, tz)
    except WallTimeError as e:
        assert tz != BSB, "Blanc-Sablon has no DST and never refuses"
        assert e.key in ("time.gap", "time.ambiguous")
        assert wall.date() in _DST_DAYS and 1 <= wall.hour < 3
        return
    assert instant.tzinfo is pendulum.UTC
    back = local(instant, tz)
    assert back.naive() == wall
    assert format_local(instant, tz) == wall.strftime("%Y-%m-%d %H:%M")
    assert parse_instant(wall.strftime("%Y-%m-%dT%H:%M"), tz) == instant


@settings(max_examples=200, deadline=None)
@given(wall=st.one_of(walls_2026_2027, dst_nights))
def test_blanc_sablon_never_refuses_and_is_utc_minus_4(wall):
    assert resolve_wall_time(wall, BSB) == utc((wall + dt.timedelta(hours=4)).replace(tzinfo=dt.timezone.utc))


# --------------------------------------------------------------------------- #
# parse_instant / parse_date / parse_hhmm
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-03-10T10:00-04:00", Z(2026, 3, 10, 14)),
        ("2026-03-10T14:00Z", Z(2026, 3, 10, 14)),
        ("2026-03-10T14:00z", Z(2026, 3, 10, 14)),
        ("2026-03-10T14:00:30Z", Z(2026, 3, 10, 14, 0, 30)),
        ("2026-03-10T10:00+00:00", Z(2026, 3, 10, 10)),
        ("2026-03-10T10:00-0400", Z(2026, 3, 10, 14)),
        ("2026-03-10 10:00-04:00", Z(2026, 3, 10, 14)),
        # Offset given: accepted even inside the Toronto gap, since it is unambiguous.
        ("2026-03-08T02:30-05:00", Z(2026, 3, 8, 7, 30)),
        # Wall times, read in Toronto (EDT from 2026-03-08).
        ("2026-03-10T10:00", Z(2026, 3, 10, 14)),
        ("2026-03-10 10:00", Z(2026, 3, 10, 14)),
        ("  2026-03-10 10:00 ", Z(2026, 3, 10, 14)),
        ("2026-03-01 10:00", Z(2026, 3, 1, 15)),
    ],
)
def test_parse_instant_accepts(text, expected):
    got = parse_instant(text, TOR)
    assert got == expected
    assert got.tzinfo is pendulum.UTC


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tomorrow",
        "2026-03-10",
        "2026-03-10T10",
        "2026-3-10T10:00",
        "2026-03-10T1000",
        "2026-03-10T25:00",
        "2026-03-10T10:60",
        "2026-02-30T10:00",
        "2026-13-01T10:00",
        "2026-03-10T10:00+25:00",
        "2026-03-10T10:00 EST",
        "10:00",
        "2026-03-10T10:00Zjunk",
        "２０２６-03-10T10:00",  # full-width digits
    ],
)
def test_parse_instant_refuses(text):
    with pytest.raises(WallTimeError) as exc:
        parse_instant(text, TOR)
    assert exc.value.key == "time.invalid"
    assert exc.value.params == {"text": text}


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00+01:00",
        "9999-12-31T23:59-01:00",
        "9999-12-31T23:59",  # wall time past the end of datetime in UTC
        "1899-12-31T23:59Z",
        "2200-01-01T00:00",
    ],
)
def test_parse_instant_refuses_dates_out_of_range(text):
    """issue 9: near datetime's edges a date is out of range, said as such (not "invalid")."""
    with pytest.raises(WallTimeError) as exc:
        parse_instant(text, TOR)
    assert exc.value.key == "date.range"
    assert exc.value.params == {"text": text, "min": "1900-01-01", "max": "2199-12-31"}


def test_parse_instant_wall_time_in_gap_or_repeat_is_refused():
    with pytest.raises(WallTimeError) as exc:
        parse_instant("2026-03-08 02:30", TOR)
    assert exc.value.key == "time.gap"
    with pytest.raises(WallTimeError) as exc:
        parse_instant("2026-11-01T01:30", HAL)
    assert exc.value.key == "time.ambiguous"
    assert parse_instant("2026-11-01T01:30", BSB) == Z(2026, 11, 1, 5, 30)


def test_parse_date():
    assert parse_date("2026-03-08") == dt.date(2026, 3, 8)
    for bad in ["", "2026-3-8", "2026/03/08", "08-03-2026", "2026-02-29", "2026-03-08T00:00", "20260308"]:
        with pytest.raises(BadInput) as exc:
            parse_date(bad)
        assert exc.value.key == "date.invalid"
        assert exc.value.params == {"text": bad}


def test_parse_hhmm():
    assert parse_hhmm("00:00") == dt.time(0, 0)
    assert parse_hhmm("09:30") == dt.time(9, 30)
    assert parse_hhmm("23:59") == dt.time(23, 59)
    for bad in ["", "9:30", "24:00", "12:60", "12:5", "1230", "12:30:00", "noon", "١٢:٣٠"]:
        with pytest.raises(BadInput) as exc:
            parse_hhmm(bad)
        assert exc.value.key == "time.hhmm"


# --------------------------------------------------------------------------- #
# local / format_local / day_bounds_utc
# --------------------------------------------------------------------------- #


def test_local_and_format_local():
    instant = Z(2026, 3, 10, 14)
    assert format_local(instant, TOR) == "2026-03-10 10:00"
    assert format_local(instant, HAL) == "2026-03-10 11:00"
    assert format_local(instant, BSB) == "2026-03-10 10:00"
    loc = local(instant, HAL)
    assert isinstance(loc, pendulum.DateTime)
    assert loc.utcoffset() == dt.timedelta(hours=-3)
    assert loc == instant
    # The repeated hour shows both readings with their own offsets.
    assert local(Z(2026, 11, 1, 5, 30), TOR).utcoffset() == dt.timedelta(hours=-4)
    assert local(Z(2026, 11, 1, 6, 30), TOR).utcoffset() == dt.timedelta(hours=-5)
    assert format_local(Z(2026, 11, 1, 6, 30), TOR) == "2026-11-01 01:30"


@pytest.mark.parametrize(
    "tz, day, start, hours",
    [
        (TOR, dt.date(2026, 3, 8), Z(2026, 3, 8, 5), 23),
        (TOR, dt.date(2026, 11, 1), Z(2026, 11, 1, 4), 25),
        (TOR, dt.date(2026, 3, 9), Z(2026, 3, 9, 4), 24),
        (HAL, dt.date(2026, 3, 8), Z(2026, 3, 8, 4), 23),
        (HAL, dt.date(2026, 11, 1), Z(2026, 11, 1, 3), 25),
        (BSB, dt.date(2026, 3, 8), Z(2026, 3, 8, 4), 24),
        (BSB, dt.date(2026, 11, 1), Z(2026, 11, 1, 4), 24),
    ],
)
def test_day_bounds_utc(tz, day, start, hours):
    s, e = day_bounds_utc(day, tz)
    assert s == start
    assert e - s == dt.timedelta(hours=hours)
    assert s.tzinfo is pendulum.UTC and e.tzinfo is pendulum.UTC
    # The next day starts where this one ends: days tile the timeline.
    assert day_bounds_utc(day + dt.timedelta(days=1), tz)[0] == e


def test_day_bounds_utc_zone_changing_at_midnight():
    # America/Havana springs forward at 00:00 -> 01:00: the day starts at 01:00 local.
    s, e = day_bounds_utc(dt.date(2026, 3, 8), "America/Havana")
    assert local(s, "America/Havana").naive() == W(2026, 3, 8, 1, 0)
    assert e - s == dt.timedelta(hours=23)

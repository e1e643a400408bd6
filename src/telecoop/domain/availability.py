"""Availability and slot arithmetic on half-open UTC intervals.

An interval is a ``(start, end)`` tuple of aware UTC instants meaning
``[start, end)``: a booking ending at 10:00 and one starting at 10:00 do not
overlap. Every function here is a linear sweep over sorted lists (sorting
already-sorted input is linear too), never a per-minute loop: a search runs
them for hundreds of resources over a month.

Weekly rules are wall-clock hours in the resource's zone, expanded one local
calendar day at a time (09:00 stays 09:00 across DST; never "add 7 x 24 h").

Pure: stdlib, pendulum, ``telecoop.domain.errors`` and ``timeutil`` only.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator, Sequence
import zoneinfo
from dataclasses import dataclass

import pendulum

from telecoop.domain.errors import BadInput
from telecoop.domain.timeutil import utc, wall_to_utc_lenient, zone

__all__ = [
    "Interval",
    "WeeklyRule",
    "expand_rules",
    "merge",
    "subtract",
    "intersect",
    "widen",
    "free_intervals",
    "free_in",
    "slot_starts",
]

Interval = tuple[_dt.datetime, _dt.datetime]
# Later than any instant: a bisect key that sorts after every (start, end) with the same start.
FAR_FUTURE = _dt.datetime.max.replace(tzinfo=_dt.timezone.utc)
"""Half-open ``[start, end)`` of aware UTC instants."""

_ONE_DAY = _dt.timedelta(days=1)

# pendulum.DateTime overrides + and - with a general (calendar-aware) path that
# costs ~4 us a call; the stdlib methods keep the subclass and its UTC tzinfo and
# are exact for UTC, where fixed-length arithmetic is what we want. ~20x faster
# on the hot paths below (one call per slot).
_add = _dt.datetime.__add__
_sub = _dt.datetime.__sub__


@dataclass(frozen=True)
class WeeklyRule:
    """Weekly wall-clock hours of a resource, in the resource's zone.

    ``weekday`` 0=Monday .. 6=Sunday; ``start`` < ``end`` on the same day
    (naive times); ``valid_from`` / ``valid_to`` are inclusive local dates.
    Raises ``BadInput("field.range")`` for a weekday outside 0..6 and
    ``BadInput("field.end_before_start")`` when end <= start or valid_to < valid_from.
    """

    weekday: int
    start: _dt.time
    end: _dt.time
    valid_from: _dt.date | None = None
    valid_to: _dt.date | None = None

    def __post_init__(self) -> None:
        # Keys are those of the i18n catalogue; services normally validate first.
        if isinstance(self.weekday, bool) or not isinstance(self.weekday, int) or not 0 <= self.weekday <= 6:
            raise BadInput("field.range", field="weekday", min=0, max=6)
        if not isinstance(self.start, _dt.time) or not isinstance(self.end, _dt.time):
            raise TypeError("WeeklyRule start and end must be datetime.time")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("WeeklyRule times are wall times: naive datetime.time")
        if not self.start < self.end:
            raise BadInput("field.end_before_start")
        if self.valid_from is not None and self.valid_to is not None and self.valid_from > self.valid_to:
            raise BadInput("field.end_before_start")

    def applies_on(self, day: _dt.date) -> bool:
        """True when the rule gives hours on local calendar day ``day``."""
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_to is None or day <= self.valid_to)
        )


# --------------------------------------------------------------------------- #
# Interval algebra
# --------------------------------------------------------------------------- #


def merge(intervals: Iterable[tuple[_dt.datetime, _dt.datetime]]) -> list[Interval]:
    """Sorted, disjoint union of ``intervals``; overlapping or adjacent ones are joined.

    Empty intervals (start >= end) are dropped. Endpoints come back as pendulum
    UTC. Input need not be sorted (Python's sort is linear on sorted input).
    """
    items = sorted((utc(s), utc(e)) for s, e in intervals)
    out: list[Interval] = []
    for s, e in items:
        if s >= e:
            continue
        if out and s <= out[-1][1]:
            # Adjacent ([9,10) and [10,11)) joins too: the union is [9,11).
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def subtract(
    intervals: Iterable[tuple[_dt.datetime, _dt.datetime]],
    removed: Iterable[tuple[_dt.datetime, _dt.datetime]],
) -> list[Interval]:
    """The parts of ``intervals`` outside every interval of ``removed``.

    One sweep over both (merged) lists: O(n + m). Result is sorted and disjoint.
    """
    keep = merge(intervals)
    cut = merge(removed)
    out: list[Interval] = []
    j = 0
    n_cut = len(cut)
    for s, e in keep:
        # Skip removals entirely before this interval; they are before every later one too.
        while j < n_cut and cut[j][1] <= s:
            j += 1
        cur = s
        k = j
        while k < n_cut and cut[k][0] < e:
            rs, re_ = cut[k]
            if rs > cur:
                out.append((cur, rs))
            if re_ > cur:
                cur = re_
            if cur >= e:
                break
            k += 1
        if cur < e:
            out.append((cur, e))
    return out


def intersect(
    a: Iterable[tuple[_dt.datetime, _dt.datetime]],
    b: Iterable[tuple[_dt.datetime, _dt.datetime]],
) -> list[Interval]:
    """The instants in both ``a`` and ``b`` (e.g. a clinician and a room free at once).

    Two-pointer sweep over the merged lists: O(n + m).
    """
    xs = merge(a)
    ys = merge(b)
    out: list[Interval] = []
    i = j = 0
    while i < len(xs) and j < len(ys):
        s = max(xs[i][0], ys[j][0])
        e = min(xs[i][1], ys[j][1])
        if s < e:
            out.append((s, e))
        # Advance whichever ends first; it cannot meet anything further on.
        if xs[i][1] <= ys[j][1]:
            i += 1
        else:
            j += 1
    return out


def widen(intervals: Iterable[tuple[_dt.datetime, _dt.datetime]], minutes: int) -> list[Interval]:
    """Each interval widened by ``minutes`` on both sides, then merged (buffers).

    Empty intervals stay empty (dropped): they hold no instant to buffer around.
    """
    if minutes < 0:
        raise ValueError("widen: minutes must be >= 0")
    pad = _dt.timedelta(minutes=minutes)
    if not pad:
        return merge(intervals)
    return merge((_sub(s, pad), _add(e, pad)) for s, e in merge(intervals))


# --------------------------------------------------------------------------- #
# Weekly rules
# --------------------------------------------------------------------------- #


def expand_rules(
    rules: Iterable[WeeklyRule],
    tz: str,
    window_start: _dt.datetime,
    window_end: _dt.datetime,
) -> list[Interval]:
    """UTC intervals of the weekly ``rules`` in zone ``tz``, clipped to ``[window_start, window_end)``.

    Expansion goes one *local* calendar day at a time, so 09:00 stays 09:00
    across DST changes. Rule edges that fall on a DST change, which the
    target zones (transitions at 02:00 / 01:00-02:00) only see for rules set
    in the small hours:

    - an edge inside a spring-forward gap becomes the first instant after the
      gap (03:00 local), so every missing wall time maps to the same instant
      and start <= end is preserved; an interval wholly inside the gap vanishes;
    - an edge inside the repeated fall-back hour uses its first occurrence
      (fold=0, the daylight-time reading).

    Result is sorted, disjoint, merged.
    """
    ws, we = utc(window_start), utc(window_end)
    if ws >= we:
        return []
    z = zone(tz)
    by_weekday: list[list[WeeklyRule]] = [[] for _ in range(7)]
    for rule in sorted(rules, key=_rule_start):  # so each day's hours come out in start order
        by_weekday[rule.weekday].append(rule)
    if not any(by_weekday):
        return []
    # Local dates touched by the window; rules live within one local day.
    # stdlib astimezone with the cached ZoneInfo: pendulum's in_timezone(name)
    # reloads the zone on every call (a third of a search's time). Plain
    # dates: pendulum's Date + timedelta costs ~15 us a day (perf-search).
    day, last_day = _local_date(ws, z), _local_date(we, z)
    raw: list[Interval] = []
    while day <= last_day:
        for rule in by_weekday[day.weekday()]:
            if not rule.applies_on(day):
                continue
            s = wall_to_utc_lenient(_dt.datetime.combine(day, rule.start), z)
            e = wall_to_utc_lenient(_dt.datetime.combine(day, rule.end), z)
            if s < ws:
                s = ws
            if e > we:
                e = we
            if s < e:
                raw.append((s, e))
        day += _ONE_DAY
    return _join_sorted(raw)


def _local_date(t: _dt.datetime, z: zoneinfo.ZoneInfo) -> _dt.date:
    """The local date of UTC instant ``t`` in ``z``, with stdlib types only (pendulum's arithmetic is slow)."""
    plain = _dt.datetime(t.year, t.month, t.day, t.hour, t.minute, t.second, t.microsecond, _dt.timezone.utc)
    return plain.astimezone(z).date()


def _rule_start(rule: WeeklyRule) -> _dt.time:
    return rule.start


def _join_sorted(items: list[Interval]) -> list[Interval]:
    """``merge(items)`` for pendulum UTC intervals already in start order (else merge itself)."""
    out: list[Interval] = []
    for s, e in items:
        if out:
            last_s, last_e = out[-1]
            if s < last_s:
                return merge(items)
            if s <= last_e:
                if e > last_e:
                    out[-1] = (last_s, e)
                continue
        out.append((s, e))
    return out


def free_intervals(
    rules: Iterable[WeeklyRule],
    tz: str,
    window_start: _dt.datetime,
    window_end: _dt.datetime,
    closures: Iterable[tuple[_dt.datetime, _dt.datetime]],
    busy: Iterable[tuple[_dt.datetime, _dt.datetime]],
    buffer_minutes: int = 0,
) -> list[Interval]:
    """Free time of one resource: its rules in ``tz`` within the window, minus
    ``closures``, minus ``busy`` intervals widened by ``buffer_minutes`` on each side.
    """
    return free_in(expand_rules(rules, tz, window_start, window_end), closures, busy, buffer_minutes)


def free_in(
    available: list[Interval],
    closures: Iterable[tuple[_dt.datetime, _dt.datetime]],
    busy: Iterable[tuple[_dt.datetime, _dt.datetime]],
    buffer_minutes: int = 0,
) -> list[Interval]:
    """Free time within ``available`` (hours as :func:`expand_rules` gives them: sorted, merged),
    minus ``closures``, minus ``busy`` intervals widened by ``buffer_minutes`` on each side."""
    if not available:
        return available
    closures, busy = list(closures), list(busy)
    if not closures and not busy:
        return available  # already merged: nothing to take away
    blocked = merge(list(merge(closures)) + widen(busy, buffer_minutes))
    return subtract(available, blocked)


# --------------------------------------------------------------------------- #
# Slots
# --------------------------------------------------------------------------- #


def _ceil_to_step(t: _dt.datetime, step_minutes: int) -> _dt.datetime:
    """Smallest instant >= t on a ``step_minutes`` grid anchored at the UTC hour."""
    rem_us = ((t.minute % step_minutes) * 60 + t.second) * 1_000_000 + t.microsecond
    if rem_us == 0:
        return t
    return _add(t, _dt.timedelta(minutes=step_minutes, microseconds=-rem_us))


def slot_starts(
    free: Sequence[tuple[_dt.datetime, _dt.datetime]] | Iterable[tuple[_dt.datetime, _dt.datetime]],
    duration_minutes: int,
    step_minutes: int = 15,
    not_before: _dt.datetime | None = None,
) -> Iterator[_dt.datetime]:
    """Ascending UTC starts ``s`` with ``[s, s + duration)`` inside one free interval.

    ``s`` sits on a ``step_minutes`` grid past the UTC hour (``step_minutes``
    must divide 60). The target zones all have whole-hour offsets, so this is
    the same grid in local time. ``s >= not_before`` when given. Adjacent free
    intervals are merged first, so a slot may span them. Lazy: stop early for
    "the next N slots".
    """
    if not isinstance(duration_minutes, int) or duration_minutes <= 0:
        raise ValueError("slot_starts: duration_minutes must be a positive integer")
    if not isinstance(step_minutes, int) or step_minutes <= 0 or 60 % step_minutes:
        raise ValueError("slot_starts: step_minutes must divide 60")
    intervals = merge(free)
    floor = utc(not_before) if not_before is not None else None
    return _slot_iter(intervals, duration_minutes, step_minutes, floor)


def _slot_iter(
    intervals: list[Interval],
    duration_minutes: int,
    step_minutes: int,
    floor: pendulum.DateTime | None,
) -> Iterator[_dt.datetime]:
    duration = _dt.timedelta(minutes=duration_minutes)
    step = _dt.timedelta(minutes=step_minutes)
    for s, e in intervals:
        if floor is not None:
            if _sub(e, duration) < floor:
                continue
            if s < floor:
                s = floor
        last = _sub(e, duration)  # latest start that still fits
        t = _ceil_to_step(s, step_minutes)
        while t <= last:
            yield t
            t = _add(t, step)

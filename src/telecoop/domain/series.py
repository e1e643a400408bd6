"""Follow-up series (issue 14): the occurrences of a repeat, at the same local wall time.

Each occurrence is computed from the first one's *wall time* in the
clinician's zone (never by adding 7 x 24 h in UTC), so a 10:00 visit stays
at 10:00 across a DST change. A wall time that does not exist that day (the
spring-forward gap) or happens twice (fall-back) is flagged, never guessed:
the person skips or moves that occurrence. Monthly keeps the day of the
month, or the month's last day when it has no such day (31 -> 30 April).
Pure: stdlib, pendulum through ``timeutil``, and the domain.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from telecoop.domain.errors import BadInput, WallTimeError
from telecoop.domain.timeutil import local, resolve_wall_time

REPEATS = ("weekly", "every-2-weeks", "monthly")
MAX_COUNT = 52

# Why an occurrence cannot be booked as it stands (``Occurrence.problem``)
GAP, AMBIGUOUS, PAST, CLOSED, TAKEN = "gap", "ambiguous", "past", "closed", "taken"
TERMS = "terms"  # refused by the owner's sharing terms: window, notice or weekly quota (issue 13's rule)
PROBLEMS = (GAP, AMBIGUOUS, PAST, CLOSED, TAKEN, TERMS)


@dataclass(frozen=True)
class Occurrence:
    index: int  # 1-based
    wall: dt.datetime  # naive wall time in the series' zone
    start: dt.datetime | None  # aware UTC; None for a wall time that does not exist or is ambiguous
    end: dt.datetime | None
    problem: str = ""  # "" bookable; else one of PROBLEMS
    moved: bool = False  # the person moved it from the repeat's own time
    skipped: bool = False


def repeat_word(text: str) -> str:
    word = (text or "").strip().lower()
    if word not in REPEATS:
        raise BadInput("field.choice", value=word[:40], field="repeat", choices=", ".join(REPEATS))
    return word


def count_value(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 2 <= value <= MAX_COUNT:
        raise BadInput("field.range", field="count", min=2, max=MAX_COUNT)
    return value


def nth_wall(first: dt.datetime, repeat: str, n: int) -> dt.datetime:
    """The wall time of occurrence ``n`` (0 = the first), same time of day."""
    if repeat == "weekly":
        return first + dt.timedelta(days=7 * n)
    if repeat == "every-2-weeks":
        return first + dt.timedelta(days=14 * n)
    month0 = first.month - 1 + n
    year, month = first.year + month0 // 12, month0 % 12 + 1
    day = min(first.day, calendar.monthrange(year, month)[1])
    return first.replace(year=year, month=month, day=day)


def resolve(index: int, wall: dt.datetime, tz: str, minutes: int, *, moved: bool = False) -> Occurrence:
    """One occurrence at ``wall`` in ``tz``: its instants, or the DST problem that leaves it without."""
    try:
        start = resolve_wall_time(wall, tz)
    except WallTimeError as exc:
        problem = AMBIGUOUS if exc.key == "time.ambiguous" else GAP
        return Occurrence(index, wall, None, None, problem, moved=moved)
    return Occurrence(index, wall, start, start + dt.timedelta(minutes=minutes), moved=moved)


def occurrences(first_start: dt.datetime, tz: str, repeat: str, count: int, minutes: int) -> list[Occurrence]:
    """The ``count`` occurrences of a series whose first visit starts at ``first_start`` (aware)."""
    repeat = repeat_word(repeat)
    count = count_value(count)
    first = local(first_start, tz).naive().replace(tzinfo=None)
    return [resolve(i + 1, nth_wall(first, repeat, i), tz, minutes) for i in range(count)]


def shift_wall(wall: dt.datetime, old_first: dt.datetime, new_first: dt.datetime) -> dt.datetime:
    """Move ``wall`` by the same wall-clock step as ``old_first`` -> ``new_first`` ("this and later")."""
    return wall + (new_first - old_first)


def clashes(occs: list[Occurrence]) -> set[int]:
    """Indexes of kept occurrences that overlap another kept occurrence of the same series.

    A moved occurrence can land on another one's time: the database would
    refuse the second at booking, so the preview flags it first. Of two that
    overlap, the moved one is flagged (the person just chose its time), else the later one.
    """
    kept = [o for o in occs if not o.skipped and not o.problem and o.start is not None and o.end is not None]
    out: set[int] = set()
    for i, a in enumerate(kept):
        for b in kept[i + 1:]:
            assert a.start is not None and a.end is not None and b.start is not None and b.end is not None
            if a.start < b.end and b.start < a.end:
                out.add(a.index if a.moved and not b.moved else b.index)
    return out

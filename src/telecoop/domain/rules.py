"""The rules of a record as a whole: one home for the admin service and the CSV import.

``validate.py`` reads one field; this module says what a resource's fields
may hold, when two weekly hours overlap, what a closure's bounds mean and
when a closure is made of whole days. ``services/admin.py`` (the app's and
the command line's changes) and ``io/csvio.py`` (the import, and the export
that must read back) both call these, so the two can no longer drift.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from telecoop.domain import validate as v
from telecoop.domain.errors import BadInput
from telecoop.domain.text import shown
from telecoop.domain.timeutil import day_bounds_utc, format_choice, parse_date, parse_instant, resolve_wall_time, zone

T = TypeVar("T")

# --------------------------------------------------------------------------- #
# Bookings
# --------------------------------------------------------------------------- #

REASON_MAX = 200
"""A booking's reason and its cancel reason: the form, the command line and the import."""


# --------------------------------------------------------------------------- #
# Resources
# --------------------------------------------------------------------------- #

EQUIPMENT_MAX = 120
"""A room's equipment text; the import once allowed 200 (issue 12: the stricter, the form's, kept)."""
BUFFER_MAX = 120
"""Minutes kept free after each booking of a resource."""


def equipment(text: str) -> str:
    """A room's equipment, free text, may be empty, at most :data:`EQUIPMENT_MAX` characters."""
    return v.optional_text(text, "equipment", EQUIPMENT_MAX)


def buffer_minutes(value: str | int) -> int:
    return v.integer(value, "buffer_minutes", 0, BUFFER_MAX)


# --------------------------------------------------------------------------- #
# Weekly hours
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Hours:
    """One weekly opening of a resource: wall times on a weekday, within optional validity dates."""

    weekday: int
    start: dt.time
    end: dt.time
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


def hours_in_order(start: dt.time, end: dt.time) -> None:
    """The end of weekly hours comes after their start (no hours across midnight)."""
    if end <= start:
        raise BadInput("field.end_before_start")


def dates_in_order(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    """Validity dates, both inclusive: the last not before the first."""
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise BadInput("field.end_before_start")


def dates_meet(a: Hours, b: Hours) -> bool:
    """Whether two validity periods (open-ended when a bound is None, both inclusive) share a day."""
    lo = max(a.valid_from or dt.date.min, b.valid_from or dt.date.min)
    hi = min(a.valid_to or dt.date.max, b.valid_to or dt.date.max)
    return lo <= hi


def hours_overlap(a: Hours, b: Hours) -> bool:
    """Same weekday, times overlapping (half-open: 12:00-13:00 and 13:00-14:00 touch), validity meeting."""
    return a.weekday == b.weekday and a.start < b.end and b.start < a.end and dates_meet(a, b)


def first_overlaps(
    items: Iterable[T], hours: Callable[[T], Hours], counts: Callable[[T, T], bool] = lambda a, b: True
) -> Iterator[tuple[T, T]]:
    """``(earlier, item)`` for each item overlapping an earlier one (:func:`hours_overlap`), at most once each.

    Items are taken by start time; ``counts(earlier, item)`` says whether a
    pair matters (the import reports only pairs involving a row of its
    files). Only the earlier items still open at an item's start are looked
    at, so rows that do not overlap cost a heap step, not a comparison with
    every other row.
    """
    ordered = sorted(items, key=lambda x: (hours(x).weekday, hours(x).start, hours(x).end))
    open_: list[tuple[int, dt.time, int, T]] = []  # (weekday, end, sequence, item): a heap by end
    for seq, item in enumerate(ordered):
        h = hours(item)
        while open_ and (open_[0][0], open_[0][1]) <= (h.weekday, h.start):
            heapq.heappop(open_)
        for _w, _e, _s, earlier in open_:
            if hours_overlap(hours(earlier), h) and counts(earlier, item):
                yield earlier, item
                break
        heapq.heappush(open_, (h.weekday, h.end, seq, item))


# --------------------------------------------------------------------------- #
# Closures
# --------------------------------------------------------------------------- #

CLOSURE_REASON_MAX = 120
"""A closure's reason is required, at most 120 characters (the import once took none, or 200)."""

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_LOCAL_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:[0-9]{2}|Z)?", re.ASCII
)


def closure_reason(text: str) -> str:
    """Why a resource or a co-op is closed: receptionists read it when a search comes back empty."""
    return v.name(text, "reason", CLOSURE_REASON_MAX)


def closure_bound(text: str, tz: str | None, *, end: bool) -> dt.datetime | None:
    """A closure's start or end, as typed: the instant in UTC.

    ``YYYY-MM-DD`` is a whole local day: its start, or (``end``) its end, the
    day included, 23 or 25 hours long across a DST change. Otherwise a wall
    time ``YYYY-MM-DD HH:MM`` (a ``T`` may stand for the space, seconds may
    follow) in ``tz``, or with an offset, which settles the repeated hour of
    a fall-back day (the refusal of an ambiguous time offers that form). A
    wall time in a spring-forward gap is refused. ``tz`` None: the form is
    checked and None returned (the import, when the owner is unknown).
    Malformed: ``BadInput("time.invalid")``.
    """
    raw = (text or "").strip()
    if not raw:
        raise BadInput("field.empty", field="end" if end else "start")
    if _DATE_RE.fullmatch(raw):
        day = parse_date(raw)
        if tz is None:
            return None
        return day_bounds_utc(day, tz)[1 if end else 0]
    if not _LOCAL_RE.fullmatch(raw):
        raise BadInput("time.invalid", text=shown(raw))
    try:
        dt.datetime.strptime(raw[:16].replace("T", " "), "%Y-%m-%d %H:%M")
    except ValueError:
        raise BadInput("time.invalid", text=shown(raw)) from None
    if tz is None:
        return None
    return parse_instant(raw, tz)


def closure_span(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise BadInput("field.end_before_start")


def whole_days(start: dt.datetime, end: dt.datetime, tz: str) -> tuple[dt.date, dt.date] | None:
    """``(first, last)`` local days (both included) when [start, end) is exactly whole days in ``tz``, else None.

    Whole local days, not midnight to midnight by the clock: a day is
    :func:`timeutil.day_bounds_utc`, 23 or 25 hours across a DST change, and
    starts at the first instant after a gap in a zone that changes at
    midnight.
    """
    z = zone(tz)
    first = start.astimezone(z).date()
    last = end.astimezone(z).date() - dt.timedelta(days=1)
    if last >= first and day_bounds_utc(first, tz)[0] == start and day_bounds_utc(last, tz)[1] == end:
        return first, last
    return None


def wall_text(instant: dt.datetime, tz: str) -> str:
    """``YYYY-MM-DD HH:MM`` in ``tz``; with the offset when the wall time alone would not read back."""
    loc = instant.astimezone(zone(tz))
    wall = loc.replace(tzinfo=None)
    if not wall.second and not wall.microsecond:
        try:
            if resolve_wall_time(wall, tz) == instant:
                return wall.strftime("%Y-%m-%d %H:%M")
        except BadInput:
            pass  # the repeated fall-back hour: say which with the offset
    offset = loc.utcoffset()
    assert offset is not None  # an aware local time
    return format_choice(wall.replace(microsecond=0), offset)


def closure_text(start: dt.datetime, end: dt.datetime, tz: str) -> tuple[str, str]:
    """A closure's bounds as a person types them back: whole days as dates (end included), else wall times."""
    days = whole_days(start, end, tz)
    if days is not None:
        return days[0].isoformat(), days[1].isoformat()
    return wall_text(start, tz), wall_text(end, tz)

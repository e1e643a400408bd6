"""Time rules of TeleCoop (DESIGN.md section 3).

Instants are aware UTC ``pendulum.DateTime`` values; zones are IANA names.
A wall time (a naive local date and time) is turned into an instant only
through this module, which refuses a wall time that does not exist (the
spring-forward gap) or exists twice (the fall-back hour) instead of guessing.

Pure: stdlib, pendulum and ``telecoop.domain.errors`` only.
"""

from __future__ import annotations

import datetime as _dt
import re
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

import pendulum

from telecoop.domain.errors import BadInput, WallTimeError

__all__ = [
    "utc",
    "now_utc",
    "zone",
    "resolve_wall_time",
    "wall_to_utc_lenient",
    "parse_instant",
    "parse_date",
    "parse_hhmm",
    "local",
    "format_local",
    "format_choice",
    "day_bounds_utc",
]

_UTC = pendulum.UTC
_STD_UTC = _dt.timezone.utc
_ZERO = _dt.timedelta(0)


# --------------------------------------------------------------------------- #
# Instants
# --------------------------------------------------------------------------- #


def _pendulum_utc_from_naive(naive_utc: _dt.datetime) -> pendulum.DateTime:
    """Build a pendulum UTC instant from a naive datetime that already holds UTC."""
    return pendulum.DateTime(
        naive_utc.year,
        naive_utc.month,
        naive_utc.day,
        naive_utc.hour,
        naive_utc.minute,
        naive_utc.second,
        naive_utc.microsecond,
        tzinfo=_UTC,
    )


def utc(dt: _dt.datetime) -> pendulum.DateTime:
    """Return the aware datetime ``dt`` as a pendulum ``DateTime`` in UTC.

    Raises ``ValueError`` for a naive datetime: a naive value crossing a
    function boundary is a programming error, not user input.
    """
    if type(dt) is pendulum.DateTime and dt.tzinfo is _UTC:
        # Fast path: the common case in interval arithmetic, called very often.
        return dt
    if not isinstance(dt, _dt.datetime):
        raise TypeError(f"expected a datetime, got {type(dt).__name__}")
    offset = dt.utcoffset()
    if offset is None:
        raise ValueError(f"naive datetime {dt!r}: an aware datetime is required")
    naive_utc = dt.replace(tzinfo=None) - offset
    return _pendulum_utc_from_naive(naive_utc)


def now_utc() -> pendulum.DateTime:
    """The current instant, in UTC."""
    return pendulum.now(_UTC)


# --------------------------------------------------------------------------- #
# Zones and wall times
# --------------------------------------------------------------------------- #


@lru_cache(maxsize=1)
def iana_zone_names() -> frozenset[str]:
    """The IANA zone names this system knows, as the tz database spells them.

    Not the ``right/`` (leap-second clocks, a different time) or ``posix/``
    copies that ZoneInfo also opens, not a file path, not another case:
    one spelling per zone, so the same zone is always the same string.
    The tzdata package's list is read in 0.2 ms; walking the system's
    zoneinfo folder instead costs 30-60 ms, on every CLI start.
    """
    try:
        from importlib.resources import files

        names = files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
        if names:
            return frozenset(names)
    except (ImportError, OSError):  # pragma: no cover - no tzdata package: ask the system
        pass
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=64)
def zone(tz: str) -> zoneinfo.ZoneInfo:
    """The ``ZoneInfo`` of the IANA name ``tz``; ``BadInput("field.tz", value=tz)`` if unknown."""
    if not isinstance(tz, str) or not tz or tz != tz.strip() or tz not in iana_zone_names():
        raise BadInput("field.tz", value=str(tz)[:40])
    try:
        return zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise BadInput("field.tz", value=tz) from None


@dataclass(frozen=True)
class _WallInfo:
    """How a wall time maps to instants in a zone.

    kind: "ok" (one instant), "gap" (none) or "ambiguous" (two).
    For "ok", ``instants`` has one naive-UTC value; for "ambiguous" two, earliest
    first; for "gap" it holds the transition instant (the first instant after
    the gap) and ``old``/``new`` hold the offsets before/after it.
    """

    kind: str
    instants: tuple[_dt.datetime, ...]
    old: _dt.timedelta = _ZERO
    new: _dt.timedelta = _ZERO


def _offset_at(z: zoneinfo.ZoneInfo, naive_utc: _dt.datetime) -> _dt.timedelta:
    return z.utcoffset(naive_utc.replace(tzinfo=_STD_UTC).astimezone(z))  # type: ignore[return-value]


def _classify(wall: _dt.datetime, z: zoneinfo.ZoneInfo) -> _WallInfo:
    """Classify a naive wall time in zone ``z`` using PEP 495 fold semantics.

    With fold=0 and fold=1 the zone gives the same offset for an ordinary wall
    time. When the offsets differ the wall time is either in a gap or repeated:
    it is repeated when *both* readings convert to UTC and back to the same wall
    time, and in a gap when they do not (nothing maps back to it).
    """
    off0 = z.utcoffset(wall.replace(tzinfo=z, fold=0))
    off1 = z.utcoffset(wall.replace(tzinfo=z, fold=1))
    assert off0 is not None and off1 is not None
    u0 = wall - off0
    if off0 == off1:
        return _WallInfo("ok", (u0,))
    u1 = wall - off1
    if u0 + _offset_at(z, u0) == wall and u1 + _offset_at(z, u1) == wall:
        # Fall-back: the wall time happens twice. Earliest instant first.
        return _WallInfo("ambiguous", tuple(sorted((u0, u1))))
    # Spring-forward gap. Between the two candidate instants lies the
    # transition: the earlier candidate still has the old offset, the later one
    # already has the new offset. Bisect to the second (tz transitions fall on
    # whole seconds); at most a few hours wide, so ~14 steps.
    lo, hi = sorted((u0, u1))
    old = _offset_at(z, lo)
    new = _offset_at(z, hi)
    lo_s, hi_s = 0, int((hi - lo).total_seconds())
    while hi_s - lo_s > 1:
        mid = (lo_s + hi_s) // 2
        if _offset_at(z, lo + _dt.timedelta(seconds=mid)) == old:
            lo_s = mid
        else:
            hi_s = mid
    transition = (lo + _dt.timedelta(seconds=hi_s)).replace(microsecond=0)
    return _WallInfo("gap", (transition,), old=old, new=new)


def _fmt_offset(offset: _dt.timedelta) -> str:
    total = int(offset.total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    hours, rem = divmod(total, 3600)
    minutes, seconds = divmod(rem, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return text + (f":{seconds:02d}" if seconds else "")


def _fmt_wall(wall: _dt.datetime) -> str:
    text = wall.strftime("%Y-%m-%d %H:%M")
    if wall.second or wall.microsecond:
        text += wall.strftime(":%S")
    return text


def format_choice(wall: _dt.datetime, offset: _dt.timedelta) -> str:
    """``2026-11-01 01:30-04:00``: a wall time with its offset, accepted back by parse_instant."""
    return _fmt_wall(wall) + _fmt_offset(offset)


def resolve_wall_time(wall: _dt.datetime, tz: str) -> pendulum.DateTime:
    """The UTC instant of the naive wall time ``wall`` in zone ``tz``.

    Refuses rather than guesses (DESIGN.md section 3):

    - in a spring-forward gap: ``WallTimeError("time.gap", wall, tz, before, after)``
      where ``before`` is the last quarter hour before the gap and ``after`` the
      first wall time after it, both as ``YYYY-MM-DD HH:MM±HH:MM``;
    - in a fall-back repeated hour: ``WallTimeError("time.ambiguous", wall, tz,
      first, second)``, the two readings, earliest first, same format.

    Both formats can be pasted back into :func:`parse_instant`.
    """
    if not isinstance(wall, _dt.datetime):
        raise TypeError(f"expected a datetime, got {type(wall).__name__}")
    if wall.tzinfo is not None:
        raise ValueError("resolve_wall_time expects a naive wall time")
    z = zone(tz)
    info = _classify(wall, z)
    if info.kind == "ok":
        return _pendulum_utc_from_naive(info.instants[0])
    if info.kind == "ambiguous":
        first, second = info.instants
        raise WallTimeError(
            "time.ambiguous",
            wall=_fmt_wall(wall),
            tz=tz,
            first=format_choice(wall, wall - first),
            second=format_choice(wall, wall - second),
        )
    transition = info.instants[0]
    gap_start = transition + info.old  # first missing wall time (e.g. 02:00)
    gap_end = transition + info.new  # first wall time after the gap (e.g. 03:00)
    last = gap_start - _dt.timedelta(microseconds=1)
    before = last.replace(minute=last.minute // 15 * 15, second=0, microsecond=0)
    raise WallTimeError(
        "time.gap",
        wall=_fmt_wall(wall),
        tz=tz,
        before=format_choice(before, info.old),
        after=format_choice(gap_end, info.new),
    )


def wall_to_utc_lenient(wall: _dt.datetime, tz: str | zoneinfo.ZoneInfo) -> pendulum.DateTime:
    """Like :func:`resolve_wall_time` but never refuses; for rule expansion, not user input.

    - In a gap: the first instant after the gap (the transition itself, e.g.
      03:00 local on a spring-forward night). This is *not* pendulum's shift
      by the gap length (02:30 -> 03:30): mapping every missing wall time to
      the same instant keeps the conversion monotonic, so a rule 02:30-03:15
      becomes 03:00-03:15 instead of an inverted 03:30-03:15.
    - Ambiguous: the first occurrence (fold=0 in the Americas, the earlier instant).
    """
    z = tz if isinstance(tz, zoneinfo.ZoneInfo) else zone(tz)
    return _lenient_cached(wall, z)


@lru_cache(maxsize=65536)
def _lenient_cached(wall: _dt.datetime, z: zoneinfo.ZoneInfo) -> pendulum.DateTime:
    # Slot search converts the same few wall times (rule edges) for hundreds of
    # resources and days; the result is immutable, so memoise it.
    return _pendulum_utc_from_naive(_classify(wall, z).instants[0])


# --------------------------------------------------------------------------- #
# Parsing
# --------------------------------------------------------------------------- #

_INSTANT_RE = re.compile(
    r"""
    (?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})
    [T\x20]
    (?P<h>[0-9]{2}):(?P<mi>[0-9]{2})
    (?::(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]{1,6}))?)?
    (?P<off>
        [Zz]
      | [+-][0-9]{2}(?::?[0-9]{2})?
    )?
    """,
    re.VERBOSE | re.ASCII,
)
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_HHMM_RE = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])", re.ASCII)


def parse_instant(text: str, tz: str) -> pendulum.DateTime:
    """Parse a date-time typed by a person into a UTC instant.

    Accepted: ISO 8601 with an offset or ``Z`` (``2026-03-10T10:00-04:00``,
    ``2026-03-10T14:00Z``, also with a space instead of ``T``), or a wall time
    without offset (``2026-03-10T10:00``, ``2026-03-10 10:00``) read in ``tz``
    through :func:`resolve_wall_time` (so gaps and repeated hours are refused).
    Seconds are optional. Anything else: ``WallTimeError("time.invalid", text=...)``.
    """
    raw = text if isinstance(text, str) else ""
    m = _INSTANT_RE.fullmatch(raw.strip())
    if m is None:
        raise WallTimeError("time.invalid", text=str(text))
    try:
        frac = m["f"] or ""
        wall = _dt.datetime(
            int(m["y"]),
            int(m["mo"]),
            int(m["d"]),
            int(m["h"]),
            int(m["mi"]),
            int(m["s"] or 0),
            int(frac.ljust(6, "0")) if frac else 0,
        )
    except ValueError:
        raise WallTimeError("time.invalid", text=text) from None
    check_date_range(wall.date(), raw.strip(), WallTimeError)
    off = m["off"]
    if off is None:
        try:
            return resolve_wall_time(wall, tz)
        except OverflowError:  # years 1 and 9999 at the edge of datetime's range
            raise WallTimeError("time.invalid", text=text) from None
    if off in ("Z", "z"):
        return _pendulum_utc_from_naive(wall)
    digits = off[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise WallTimeError("time.invalid", text=text)
    offset = _dt.timedelta(hours=hours, minutes=minutes)
    if off[0] == "-":
        offset = -offset
    try:
        return _pendulum_utc_from_naive(wall - offset)
    except OverflowError:
        raise WallTimeError("time.invalid", text=text) from None


def parse_date(text: str) -> _dt.date:
    """Parse a strict ``YYYY-MM-DD`` date; else ``BadInput("date.invalid", text=...)``."""
    raw = text.strip() if isinstance(text, str) else ""
    if not _DATE_RE.fullmatch(raw):
        raise BadInput("date.invalid", text=str(text))
    try:
        day = _dt.date.fromisoformat(raw)
    except ValueError:
        raise BadInput("date.invalid", text=text) from None
    check_date_range(day, raw)
    return day


# issue 9: dates a person may type. Far enough for any booking, report or
# closure, and far from datetime's edges (year 1, 9999), where "the next day"
# or a zone offset overflows.
DATE_MIN = _dt.date(1900, 1, 1)
DATE_MAX = _dt.date(2199, 12, 31)


def check_date_range(day: _dt.date, text: str, error: type[BadInput] = BadInput) -> None:
    """Refuse (``date.range``) a date outside DATE_MIN..DATE_MAX."""
    if not DATE_MIN <= day <= DATE_MAX:
        raise error("date.range", text=text, min=DATE_MIN.isoformat(), max=DATE_MAX.isoformat())


def parse_hhmm(text: str) -> _dt.time:
    """Parse a strict ``HH:MM`` (00:00-23:59); else ``BadInput("time.hhmm", text=...)``."""
    raw = text.strip() if isinstance(text, str) else ""
    m = _HHMM_RE.fullmatch(raw)
    if m is None:
        raise BadInput("time.hhmm", text=str(text))
    return _dt.time(int(m[1]), int(m[2]))


# --------------------------------------------------------------------------- #
# Display and calendar days
# --------------------------------------------------------------------------- #


def local(instant: _dt.datetime, tz: str) -> pendulum.DateTime:
    """The aware instant ``instant`` seen in zone ``tz`` (a pendulum DateTime in that zone)."""
    zone(tz)  # validate the name with our error
    return utc(instant).in_timezone(tz)


def format_local(instant: _dt.datetime, tz: str) -> str:
    """``2026-03-10 10:00``: the instant's wall time in ``tz``, to the minute."""
    return local(instant, tz).strftime("%Y-%m-%d %H:%M")


def day_bounds_utc(day: _dt.date, tz: str) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    """``[start, end)`` in UTC of the local calendar day ``day`` in ``tz``.

    23 hours long on a spring-forward day, 25 on a fall-back day. Local
    midnight exists in the target zones (transitions happen at 02:00), but in
    zones that change at midnight the day starts at the first instant after
    the gap, hence the lenient conversion.
    """
    if isinstance(day, _dt.datetime):
        raise TypeError("day_bounds_utc expects a date, not a datetime")
    z = zone(tz)
    start = _dt.datetime(day.year, day.month, day.day)
    end = start + _dt.timedelta(days=1)
    return wall_to_utc_lenient(start, z), wall_to_utc_lenient(end, z)

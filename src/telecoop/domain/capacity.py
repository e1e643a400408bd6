"""issue 13: holds, sharing terms, quotas and the waitlist as plain data and pure rules.

No database and no UI here: the services read rows, ask these rules, and
write. Minutes are whole numbers; instants are aware (UTC in, UTC out).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from telecoop.domain.timeutil import day_bounds_utc, local


class HoldStatus(StrEnum):
    HELD = "held"
    BOOKED = "booked"
    RELEASED = "released"
    LAPSED = "lapsed"


@dataclass(frozen=True)
class Hold:
    """A slot kept for ``coop`` until ``expires``; an offer when ``entry_id`` is set."""

    id: int
    clinician_id: int
    room_id: int | None
    coop: str
    held_by: str
    start: dt.datetime
    end: dt.datetime
    expires: dt.datetime
    status: HoldStatus
    booking_id: int | None = None
    entry_id: int | None = None

    def live(self, now: dt.datetime) -> bool:
        """Whether it still keeps the slot: held and not expired (expiry is a time, not a job)."""
        return is_live(self.status, self.expires, now)


def is_live(status: str, expires: dt.datetime, now: dt.datetime) -> bool:
    return status == HoldStatus.HELD and expires > now


def seconds_left(expires: dt.datetime, now: dt.datetime) -> int:
    return max(0, int((expires - now).total_seconds()))


def minutes_left(expires: dt.datetime, now: dt.datetime) -> int:
    """Whole minutes left, rounded up (a hold with 30 s left shows "1 min")."""
    return -(-seconds_left(expires, now) // 60)


# --------------------------------------------------------------------------- #
# Sharing terms and quotas
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class SharingTerms:
    """An owner's terms for partners on one resource; 0 means "no limit" for each number."""

    resource_id: int
    window_days: int = 0
    min_notice_hours: int = 0
    release_hours: int = 0
    quotas: tuple[tuple[str, int], ...] = ()  # (co-op, minutes per ISO week)

    def quota_minutes(self, coop: str) -> int | None:
        """A partner's weekly minutes; None when it has no quota line (no cap)."""
        for slug, minutes in self.quotas:
            if slug == coop:
                return minutes
        return None


class TermsRefusal(StrEnum):
    WINDOW = "window"
    NOTICE = "notice"


def terms_refusal(terms: SharingTerms, start: dt.datetime, now: dt.datetime) -> TermsRefusal | None:
    """Why a partner may not take a slot starting at ``start`` now (window, notice), or None."""
    if terms.window_days and start >= now + dt.timedelta(days=terms.window_days):
        return TermsRefusal.WINDOW
    if terms.min_notice_hours and start < now + dt.timedelta(hours=terms.min_notice_hours):
        return TermsRefusal.NOTICE
    return None


def iso_week(instant: dt.datetime, tz: str) -> str:
    """The ISO week ("2026-W50") of ``instant`` in zone ``tz`` (the resource's)."""
    year, week, _ = local(instant, tz).date().isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds_utc(week: str, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """[Monday 00:00, next Monday 00:00) of ISO ``week`` in ``tz``, as UTC instants."""
    year, number = week.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(number), 1)
    return day_bounds_utc(monday, tz)[0], day_bounds_utc(monday + dt.timedelta(days=7), tz)[0]


def quota_released(terms: SharingTerms, start: dt.datetime, now: dt.datetime) -> bool:
    """Unused quota opens to every partner ``release_hours`` before the slot."""
    return bool(terms.release_hours) and start - now <= dt.timedelta(hours=terms.release_hours)


def quota_allows(used: int, wanted: int, quota: int | None, extra: int = 0) -> bool:
    """Whether ``wanted`` more minutes keep a partner within its week's quota (plus granted extra)."""
    return quota is None or used + wanted <= quota + extra


# --------------------------------------------------------------------------- #
# Waitlist
# --------------------------------------------------------------------------- #


class EntryStatus(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"
    BOOKED = "booked"
    REMOVED = "removed"


@dataclass(frozen=True)
class WaitlistEntry:
    """A patient waiting for a slot. ``patient`` is None for anyone outside its co-op."""

    id: int
    coop: str
    specialty: str
    language: str
    mode: str
    coops: tuple[str, ...]
    from_date: dt.date
    to_date: dt.date
    patient: str | None
    priority: int
    duration: int
    status: EntryStatus
    created_at: dt.datetime
    booking_id: int | None = None


def entry_matches(entry: WaitlistEntry, *, specialty: str, languages: tuple[str, ...], coop: str,
                  start: dt.datetime, entry_tz: str) -> bool:
    """Whether a freed slot of a clinician (specialty, languages, co-op) at ``start`` fits ``entry``.

    The dates are days in the waiting co-op's zone, ``to_date`` included.
    """
    if entry.specialty != specialty:
        return False
    if entry.language and entry.language not in languages:
        return False
    if entry.coops and coop not in entry.coops:
        return False
    return entry.from_date <= local(start, entry_tz).date() <= entry.to_date


def queue_order(entry: WaitlistEntry) -> tuple[int, dt.datetime, int]:
    """Who is offered first: higher priority, then the older entry, then the lower id."""
    return (-entry.priority, entry.created_at, entry.id)

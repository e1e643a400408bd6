"""Reports: usage between co-ops (cost sharing), utilisation, no-show rates."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from telecoop.domain import access
from telecoop.domain import availability as av
from telecoop.domain import model as m
from telecoop.domain.errors import BadInput
from telecoop.domain.timeutil import DATE_MAX, DATE_MIN, day_bounds_utc, local
from telecoop.services.context import ADMIN_ROLES, Context
from telecoop.store import bookings as store_bookings
from telecoop.store import convert
from telecoop.store import directory as store_directory
from telecoop.store import schedule as store_schedule
from telecoop.store.engine import read_session

COUNTED = ("booked", "checked_in", "completed", "no_show")


@dataclass(frozen=True)
class UtilisationRow:
    month: str
    resource_id: int
    resource: str
    coop: str
    available_minutes: int
    booked_minutes: int

    @property
    def rate(self) -> float:
        return self.booked_minutes / self.available_minutes if self.available_minutes else 0.0


@dataclass(frozen=True)
class NoShowRow:
    month: str
    coop: str
    attended: int
    no_shows: int

    @property
    def rate(self) -> float:
        total = self.attended + self.no_shows
        return self.no_shows / total if total else 0.0


def parse_month(text: str | None, ctx: Context) -> tuple[str, dt.date, dt.date]:
    """``YYYY-MM`` (default: this month in the user's zone) -> (label, first day, first day of next month)."""
    if text is None:
        today = local(ctx.now(), ctx.actor_tz).date()
        year, month = today.year, today.month
    else:
        match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise BadInput("month.invalid", text=text)
        year, month = int(match.group(1)), int(match.group(2))
        if not DATE_MIN.year <= year <= DATE_MAX.year:  # 0000-01, 9999-12: no such report month
            raise BadInput("date.range", text=text, min=DATE_MIN.isoformat()[:7], max=DATE_MAX.isoformat()[:7])
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return f"{year:04d}-{month:02d}", first, nxt


def _month_bookings(session, ctx: Context, first: dt.date, nxt: dt.date):
    # The month is read in the user's zone; a day of margin either side, then exact filtering.
    start = day_bounds_utc(first, ctx.actor_tz)[0]
    end = day_bounds_utc(nxt, ctx.actor_tz)[0]
    return store_bookings.starting_between(session, start, end)


def usage(ctx: Context, month: str | None = None) -> list[m.UsageRow]:
    """Minutes of one co-op's clinicians booked by another co-op in the month (not cancelled).

    Federation admin: all pairs. Co-op admin: pairs where their co-op provides or consumes.
    """
    ctx.require(*ADMIN_ROLES)
    label, first, nxt = parse_month(month, ctx)
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    with read_session(ctx.engine) as s:
        for consumer, provider, _cid, _rid, start, end, status in _month_bookings(s, ctx, first, nxt):
            if status not in COUNTED or consumer == provider:
                continue
            if not access.sees_coop_figures(ctx.actor, consumer, provider):
                continue
            t = totals[(provider, consumer)]
            t[0] += 1
            t[1] += int((end - start).total_seconds() // 60)
    return [
        m.UsageRow(month=label, provider=p, consumer=c, bookings=n, minutes=mins)
        for (p, c), (n, mins) in sorted(totals.items())
    ]


def utilisation(ctx: Context, month: str | None = None) -> list[UtilisationRow]:
    """Booked minutes over available minutes (weekly hours minus closures) per resource."""
    ctx.require(*ADMIN_ROLES)
    label, first, nxt = parse_month(month, ctx)
    with read_session(ctx.engine) as s:
        zones = store_directory.coop_zones(s)
        resources = store_directory.active_resource_rows(s, coop=None if ctx.is_federation_admin else ctx.coop)
        rules = store_schedule.weekly_rules(s, [convert.key(r.id) for r in resources])
        closures = store_schedule.every_closure(s)
        booked: dict[int, int] = defaultdict(int)
        for _consumer, _provider, cid, rid, start, end, status in _month_bookings(s, ctx, first, nxt):
            if status in COUNTED:
                minutes = int((end - start).total_seconds() // 60)
                booked[cid] += minutes
                if rid is not None:
                    booked[rid] += minutes
    rows = []
    for r in resources:
        tz, rid = zones[r.coop], convert.key(r.id)
        start, end = day_bounds_utc(first, tz)[0], day_bounds_utc(nxt, tz)[0]
        free = av.subtract(av.expand_rules(rules[rid], tz, start, end), av.merge(closures[rid] + closures[r.coop]))
        available = int(sum((e - b).total_seconds() for b, e in free) // 60)
        rows.append(UtilisationRow(label, rid, r.name, r.coop, available, booked[rid]))
    return rows


def no_shows(ctx: Context, month: str | None = None) -> list[NoShowRow]:
    """No-show rate per booking co-op: no-shows over (completed + no-shows)."""
    ctx.require(*ADMIN_ROLES)
    label, first, nxt = parse_month(month, ctx)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with read_session(ctx.engine) as s:
        for consumer, _provider, _cid, _rid, _start, _end, status in _month_bookings(s, ctx, first, nxt):
            if not access.sees_coop_figures(ctx.actor, consumer):
                continue
            if status == m.BookingStatus.COMPLETED.value:
                counts[consumer][0] += 1
            elif status == m.BookingStatus.NO_SHOW.value:
                counts[consumer][1] += 1
    return [NoShowRow(label, coop, a, n) for coop, (a, n) in sorted(counts.items())]

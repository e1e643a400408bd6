"""issue 13: the numbers a federation shows its members — quota use, waitlist fill, cancellation to rebooking.

- quota use: per shared resource with quotas, per partner, per ISO week of the
  month: the quota, the hours booked, the overbooking granted and its reasons;
- waitlist: per waiting co-op, offers made in the month and what became of
  them (accepted, declined, lapsed, still open), the fill rate
  (accepted / offers made);
- rebooking: per providing co-op, future slots cancelled in the month, how many
  were booked again (by anyone, waitlist or not) and the median minutes from
  the cancellation to that rebooking.

For co-op and federation admins (the Reports mode's roles). A co-op admin
sees the lines of its own resources and of its own co-op as partner; no
report names a patient.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from telecoop.domain import capacity as cap
from telecoop.domain.timeutil import day_bounds_utc
from telecoop.services.context import ADMIN_ROLES, Context
from telecoop.services.reports import parse_month
from telecoop.store import capacity as store
from telecoop.store.engine import read_session



@dataclass(frozen=True)
class QuotaRow:
    week: str
    resource_id: int
    resource: str
    owner: str
    coop: str
    quota_hours: float
    used_hours: float
    overbook_hours: float
    reasons: str


@dataclass(frozen=True)
class WaitlistRow:
    month: str
    coop: str
    offers: int
    accepted: int
    declined: int
    lapsed: int
    open: int

    @property
    def fill_rate(self) -> float:
        return self.accepted / self.offers if self.offers else 0.0


@dataclass(frozen=True)
class RebookRow:
    month: str
    coop: str
    cancelled: int
    rebooked: int
    median_minutes: float | None


def _month_bounds(ctx: Context, month: str | None) -> tuple[str, dt.datetime, dt.datetime]:
    label, first, nxt = parse_month(month, ctx)
    return label, day_bounds_utc(first, ctx.actor_tz)[0], day_bounds_utc(nxt, ctx.actor_tz)[0]


def quota_use(ctx: Context, month: str | None = None) -> list[QuotaRow]:
    """Every (resource, partner) quota line for each ISO week that starts in the month."""
    ctx.require(*ADMIN_ROLES)
    _label, first, nxt = parse_month(month, ctx)
    out: list[QuotaRow] = []
    with read_session(ctx.engine) as s:
        lines = store.all_quota_lines(s)
        for quota, name, owner, kind, tz in lines:
            if not ctx.is_federation_admin and ctx.coop not in (owner, quota.coop):
                continue
            days = (first + dt.timedelta(days=i) for i in range((nxt - first).days))
            weeks = sorted({"%d-W%02d" % day.isocalendar()[:2] for day in days})
            for week in weeks:  # every ISO week with a day in the month
                lo, hi = cap.week_bounds_utc(week, tz)
                out.append(_quota_line(s, quota, name, owner, kind, week, lo, hi))
    return out


def _quota_line(s, quota, name, owner, kind, week, lo, hi) -> QuotaRow:
    used = store.week_minutes(s, quota.resource_id, kind == "clinician", quota.coop, lo, hi, None,
                              statuses=store.COUNTED)
    grants = store.overbook_grants(s, quota.resource_id, quota.coop, week)
    return QuotaRow(week=week, resource_id=quota.resource_id, resource=name, owner=owner, coop=quota.coop,
                    quota_hours=quota.minutes_per_week / 60, used_hours=round(used / 60, 2),
                    overbook_hours=round(sum(g[0] for g in grants) / 60, 2),
                    reasons=" | ".join(g[1] for g in grants))


def waitlist_fill(ctx: Context, month: str | None = None) -> list[WaitlistRow]:
    """Offers made in the month per waiting co-op, and what became of them."""
    ctx.require(*ADMIN_ROLES)
    label, lo, hi = _month_bounds(ctx, month)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with read_session(ctx.engine) as s:
        rows = store.offers_made(s, lo, hi)
    now = ctx.now()
    for coop, status, expires in rows:
        if not ctx.is_federation_admin and coop != ctx.coop:
            continue
        c = counts[coop]
        c["offers"] += 1
        if status == cap.HoldStatus.BOOKED:
            c["accepted"] += 1
        elif status == cap.HoldStatus.RELEASED:
            c["declined"] += 1
        elif status == cap.HoldStatus.LAPSED or expires <= now:
            c["lapsed"] += 1
        else:
            c["open"] += 1
    return [WaitlistRow(label, coop, c["offers"], c["accepted"], c["declined"], c["lapsed"], c["open"])
            for coop, c in sorted(counts.items())]


def rebooking(ctx: Context, month: str | None = None) -> list[RebookRow]:
    """Per providing co-op: future slots cancelled in the month, rebooked ones, median minutes to rebooking."""
    ctx.require(*ADMIN_ROLES)
    label, lo, hi = _month_bounds(ctx, month)
    cancelled: dict[str, int] = defaultdict(int)
    delays: dict[str, list[float]] = defaultdict(list)
    with read_session(ctx.engine) as s:
        rows = store.cancelled_in(s, lo, hi)
        for bid, cid, start, end, at, coop in rows:
            if start <= at:  # cancelled after it began: nothing left to rebook
                continue
            if not ctx.is_federation_admin and coop != ctx.coop:
                continue
            cancelled[coop] += 1
            again = store.first_rebooking(s, cid, bid, start, end, at)
            if again is not None:
                delays[coop].append((again - at).total_seconds() / 60)
    return [RebookRow(label, coop, n, len(delays[coop]),
                      round(statistics.median(delays[coop]), 1) if delays[coop] else None)
            for coop, n in sorted(cancelled.items())]

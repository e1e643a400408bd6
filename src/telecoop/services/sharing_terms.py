"""issue 13: an owner's terms for partners on a shared resource — window, notice, quotas, release.

Partners (every co-op but the owner) see and book a resource only inside its
booking window and minimum notice; each partner's booked (and held) hours
per ISO week of the resource's zone stay within its quota, checked inside
the write transaction that books or holds (so a race cannot pass it); unused
quota opens to every partner ``release_hours`` before the slot. The owner's
admin may let a partner past its quota for one week, with a reason
(``overbook``): audited, and shown in the quota report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from telecoop.domain import capacity as cap
from telecoop.domain import model as m
from telecoop.domain import validate as v
from telecoop.domain.errors import BadInput, NotPermitted
from telecoop.domain.text import shown
from telecoop.services import audit
from telecoop.services.context import ADMIN_ROLES, Context
from telecoop.services.directory import load_resource
from telecoop.store import capacity as store
from telecoop.store import tables as tb
from telecoop.store.directory import Snapshot
from telecoop.store.engine import read_session, write_session
from telecoop.store.query import Query

MAX_DAYS, MAX_HOURS = 366, 24 * 366
_QUOTA_RE = re.compile(r"(?P<coop>[a-z0-9-]{2,32})=(?P<hours>none|[0-9]{1,3}(\.[0-9]{1,2})?)")
_WEEK_RE = re.compile(r"(?P<year>[0-9]{4})-W(?P<week>[0-9]{2})")


def load_terms(session: Session, resource_id: int) -> cap.SharingTerms:
    row = session.get(tb.SharingTermsRow, resource_id)
    quotas = store.quota_lines(session, resource_id)
    if row is None:
        return cap.SharingTerms(resource_id=resource_id, quotas=quotas)
    return cap.SharingTerms(resource_id, row.window_days, row.min_notice_hours, row.release_hours, quotas)


def partner_terms(ctx: Context, snap: Snapshot) -> dict[int, cap.SharingTerms]:
    """Terms of every resource that has some, for a search by the user's co-op (its own resources left out).

    ``snap``: the directory snapshot of the search's transaction, which holds every resource's terms
    (perf-search); resources left out of it are inactive, never searched.
    """
    kept = snap.picks.get(("partner_terms", ctx.coop))
    if kept is None:
        owner = {r.id: r.coop for r in snap.resources}
        kept = snap.picks[("partner_terms", ctx.coop)] = {
            rid: cap.SharingTerms(rid, w, n, r) for rid, w, n, r in snap.terms
            if (w or n) and owner.get(rid, ctx.coop) != ctx.coop}
    return dict(kept)


def partner_terms_query(resources: list[m.Resource | None], coop: str) -> Query[dict[int, cap.SharingTerms]] | None:
    """The terms ``check_terms`` and ``check_quota`` need on these resources (a booking's clinician and room)
    for ``coop``, as one query (each resource's quota line for ``coop`` only); a resource of ``coop`` itself
    is left out, and with none left there is nothing to read (None)."""
    partners = [r for r in resources if r is not None and r.coop != coop]
    if not partners:
        return None
    query = store.terms_query([r.id for r in partners], coop)

    def decode(rows: Sequence[Sequence[Any]]) -> dict[int, cap.SharingTerms]:
        found = query.decode(rows)
        out = {}
        for res in partners:
            window, notice, release, quota = found.get(res.id, (0, 0, 0, None))
            out[res.id] = cap.SharingTerms(res.id, window, notice, release, () if quota is None else ((coop, quota),))
        return out

    return Query(query.statement, query.params, decode)


def check_terms(session: Session, ctx: Context, res: m.Resource, start: dt.datetime,
                *, terms: cap.SharingTerms | None = None) -> None:
    """Refuse a partner a slot outside the owner's window or minimum notice (exit 1).

    ``terms``: already read (``partner_terms_query``), else read here."""
    if res.coop == ctx.coop:
        return
    terms = load_terms(session, res.id) if terms is None else terms
    why = cap.terms_refusal(terms, start, ctx.now())
    if why == cap.TermsRefusal.WINDOW:
        raise NotPermitted("sharing.window", name=res.name, days=terms.window_days)
    if why == cap.TermsRefusal.NOTICE:
        raise NotPermitted("sharing.notice", name=res.name, hours=terms.min_notice_hours)


def week_use(session: Session, res: m.Resource, coop: str, week: str, now: dt.datetime,
             exclude_booking: int | None = None) -> int:
    """Minutes of ``res`` that ``coop`` has booked, or holds live, in ISO ``week``."""
    lo, hi = cap.week_bounds_utc(week, res.tz)
    return store.week_minutes(session, res.id, res.kind == m.ResourceKind.CLINICIAN, coop, lo, hi, now,
                              exclude_booking)


def week_extra(session: Session, resource_id: int, coop: str, week: str) -> int:
    return sum(minutes for minutes, _reason in store.overbook_grants(session, resource_id, coop, week))


def check_quota(session: Session, ctx: Context, res: m.Resource | None, start: dt.datetime, end: dt.datetime,
                *, coop: str, exclude_booking: int | None = None, terms: cap.SharingTerms | None = None) -> None:
    """Inside the write transaction: refuse when ``coop`` would pass its week's quota on ``res`` (exit 1).

    ``terms``: read in this same transaction (``partner_terms_query``), else read here."""
    if res is None or res.coop == coop:
        return
    terms = load_terms(session, res.id) if terms is None else terms
    quota = terms.quota_minutes(coop)
    if quota is None or cap.quota_released(terms, start, ctx.now()):
        return
    week = cap.iso_week(start, res.tz)
    used = week_use(session, res, coop, week, ctx.now(), exclude_booking)
    wanted = int((end - start).total_seconds() // 60)
    extra = week_extra(session, res.id, coop, week)
    if not cap.quota_allows(used, wanted, quota, extra):
        raise NotPermitted("sharing.quota", name=res.name, coop=coop, week=week,
                           used=_hours(used), quota=_hours(quota + extra))


def check_new_booking(session: Session, ctx: Context, clinician: m.Resource, room: m.Resource | None,
                      start: dt.datetime, end: dt.datetime) -> None:
    """What one more booking by the user's co-op must meet on a partner's resources: the clinician's
    window and notice, then the clinician's and the room's weekly quotas (NotPermitted otherwise)."""
    check_terms(session, ctx, clinician, start)
    check_quota(session, ctx, clinician, start, end, coop=ctx.coop)
    check_quota(session, ctx, room, start, end, coop=ctx.coop)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g}"


def _owned(session: Session, ctx: Context, resource_id: int) -> m.Resource:
    """A resource whose terms the user may set: their own co-op's, as its coop_admin (or the federation admin)."""
    ctx.require(*ADMIN_ROLES)
    res = load_resource(session, ctx, resource_id)
    if res.coop != ctx.coop and not ctx.is_federation_admin:
        raise NotPermitted("perm.other_coop")
    return res


def parse_quota(text: str) -> tuple[str, int | None]:
    """``COOP=HOURS`` (hours per ISO week, up to 2 decimals) or ``COOP=none`` -> (slug, minutes or None)."""
    found = _QUOTA_RE.fullmatch((text or "").strip())
    if not found:
        raise BadInput("sharing.quota_form", value=shown(text))
    hours = found["hours"]
    return found["coop"], None if hours == "none" else round(float(hours) * 60)


# issue 13: one home per rule, for set_terms/overbook and the CSV import alike.


def window_days_value(value: str | int) -> int:
    return v.integer(value, "window_days", 0, MAX_DAYS)


def min_notice_value(value: str | int) -> int:
    return v.integer(value, "min_notice_hours", 0, MAX_HOURS)


def release_hours_value(value: str | int) -> int:
    return v.integer(value, "release_hours", 0, MAX_HOURS)


def quota_minutes(minutes: str | int) -> int:
    """A partner's quota per ISO week, in minutes (at most a whole week)."""
    if isinstance(minutes, int) and not 0 <= minutes <= 7 * 24 * 60:
        raise BadInput("field.range", field="quota", min=0, max=168)
    return v.integer(minutes, "minutes_per_week", 0, 7 * 24 * 60)


def partner(owner: str, coop: str) -> str:
    """A quota or an overbooking is for a partner, never for the resource's owner."""
    if coop == owner:
        raise BadInput("sharing.quota_owner", coop=coop)
    return coop


def extra_minutes(minutes: str | int) -> int:
    if isinstance(minutes, int) and not 1 <= minutes <= 7 * 24 * 60:
        raise BadInput("field.range", field="hours", min=0.02, max=168)
    return v.integer(minutes, "extra_minutes", 1, 7 * 24 * 60)


def overbook_reason(text: str) -> str:
    return v.name(text, "reason", 200)


def set_terms(
    ctx: Context,
    resource_id: int,
    *,
    window_days: int | None = None,
    min_notice_hours: int | None = None,
    release_hours: int | None = None,
    quotas: list[str] | None = None,
) -> cap.SharingTerms:
    """Change the terms given (the others stay); ``quotas``: ``COOP=HOURS`` or ``COOP=none`` lines."""
    window = None if window_days is None else window_days_value(window_days)
    notice = None if min_notice_hours is None else min_notice_value(min_notice_hours)
    release = None if release_hours is None else release_hours_value(release_hours)
    parsed = [parse_quota(q) for q in quotas or []]
    with write_session(ctx.engine) as s:
        res = _owned(s, ctx, resource_id)
        for slug, minutes in parsed:
            if s.get(tb.CoopRow, slug) is None:
                raise BadInput("field.unknown_coop", value=slug)
            partner(res.coop, slug)
            if minutes is not None:
                quota_minutes(minutes)
        before = load_terms(s, res.id)
        row = s.get(tb.SharingTermsRow, res.id) or tb.SharingTermsRow(resource_id=res.id)
        if window is not None:
            row.window_days = window
        if notice is not None:
            row.min_notice_hours = notice
        if release is not None:
            row.release_hours = release
        s.add(row)
        for slug, minutes in parsed:
            q = s.get(tb.QuotaRow, (res.id, slug))
            if minutes is None:
                if q is not None:
                    s.delete(q)
            else:
                q = q or tb.QuotaRow(resource_id=res.id, coop=slug, minutes_per_week=minutes)
                q.minutes_per_week = minutes
                s.add(q)
        s.flush()
        after = load_terms(s, res.id)
        audit.record(s, ctx, "sharing.set", "resource", res.id, coop=res.coop,
                     before=terms_dict(before), after=terms_dict(after))
        return after


def terms_dict(terms: cap.SharingTerms) -> dict:
    return {"resource_id": terms.resource_id, "window_days": terms.window_days,
            "min_notice_hours": terms.min_notice_hours, "release_hours": terms.release_hours,
            "quotas": {coop: minutes / 60 for coop, minutes in terms.quotas}}


def show_terms(ctx: Context, resource_id: int) -> cap.SharingTerms:
    """The terms of a resource the user's co-op may see (partners need to know them too)."""
    with read_session(ctx.engine) as s:
        res = load_resource(s, ctx, resource_id)
        return load_terms(s, res.id)


def parse_week(text: str) -> str:
    found = _WEEK_RE.fullmatch((text or "").strip())
    if not found:
        raise BadInput("sharing.week_form", value=shown(text))
    try:
        dt.date.fromisocalendar(int(found["year"]), int(found["week"]), 1)
    except ValueError:
        raise BadInput("sharing.week_form", value=shown(text)) from None
    return f"{found['year']}-W{found['week']}"


def overbook(ctx: Context, resource_id: int, *, coop: str, week: str, hours: str | float, reason: str) -> int:
    """The owner's admin lets ``coop`` book ``hours`` more of the resource in ISO ``week``; the grant's id."""
    if ctx.role != m.Role.COOP_ADMIN:
        raise NotPermitted("perm.denied")
    coop = v.slug(coop, "coop")
    week = parse_week(week)
    reason = overbook_reason(reason)
    try:
        minutes = round(float(hours) * 60)
    except (TypeError, ValueError):
        raise BadInput("field.int", value=shown(str(hours)), field="hours") from None
    minutes = extra_minutes(minutes)
    with write_session(ctx.engine) as s:
        res = _owned(s, ctx, resource_id)
        if s.get(tb.CoopRow, coop) is None:
            raise BadInput("field.unknown_coop", value=coop)
        partner(res.coop, coop)
        values = dict(resource_id=res.id, coop=coop, week=week, extra_minutes=minutes, reason=reason,
                      granted_by=ctx.actor.login, created_at=ctx.now())
        new_id = store.insert_overbook(s, values)
        audit.record(s, ctx, "sharing.overbook", "resource", res.id, coop=res.coop,
                     after={**values, "id": new_id})
        return new_id

"""FHIR slot publication: what a regional portal may show of the shared clinicians' time.

Published: the clinicians shared with every partner (``sharing = all``),
their co-ops as Locations, and their free and busy time over the next days.
Free time is exactly what the slot search offers this user (the one home of
availability, closures, buffers, notice); busy time is the active bookings,
as bare intervals. No patient reference, reason, booking co-op or booking id
leaves TeleCoop this way.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from telecoop.domain import model as m
from telecoop.domain import validate as v
from telecoop.domain.timeutil import day_bounds_utc, local
from telecoop.io import fhir
from telecoop.services.booking import list_bookings
from telecoop.services.context import ADMIN_ROLES, Context
from telecoop.services.directory import list_coops, list_resources
from telecoop.services.search import search_slots

MAX_DAYS = 90
_PAGE = 1000


def free_slots(ctx: Context, resource: m.Resource, start: dt.datetime, end: dt.datetime) -> list[m.Slot]:
    """Back-to-back free slots of ``resource`` in ``[start, end)``, each one the search offers."""
    found: list[m.Slot] = []
    cursor = start
    while cursor < end:
        days = max(1, math.ceil((end - cursor).total_seconds() / 86400))
        page = search_slots(ctx, clinician_id=resource.id, start=cursor, days=days, limit=_PAGE)
        found.extend(s for s in page if s.start < end)
        if len(page) < _PAGE or page[-1].start >= end:
            break
        cursor = page[-1].start + dt.timedelta(microseconds=1)  # the search rounds up to its grid
    chosen: list[m.Slot] = []
    for s in found:  # the search offers overlapping starts on its grid; a calendar wants a partition
        if not chosen or s.start >= chosen[-1].end:
            chosen.append(s)
    return chosen


def publish(ctx: Context, directory: Path, *, days: int = 14, base_url: str = "") -> dict[str, int]:
    """Write the bulk-publish manifest and its NDJSON files into ``directory``; counts per type."""
    ctx.require(*ADMIN_ROLES)
    days = v.integer(days, "days", 1, MAX_DAYS)
    base_url = v.url(base_url, "base_url")  # the video-link rule: https, no control characters, bounded
    today = local(ctx.now(), ctx.actor_tz).date()
    start = day_bounds_utc(today, ctx.actor_tz)[0]
    end = day_bounds_utc(today + dt.timedelta(days=days - 1), ctx.actor_tz)[1]
    clinicians = [
        r for r in list_resources(ctx, kind=m.ResourceKind.CLINICIAN)
        if r.sharing == m.Sharing.ALL and r.active
    ]
    coops = {c.slug: c for c in list_coops(ctx)}
    slots: list[dict] = []
    for r in clinicians:
        for s in free_slots(ctx, r, start, end):
            slots.append(fhir.slot(r, s.start, s.end, "free"))
        active = [x.value for x in m.ACTIVE_STATUSES]
        for b in list_bookings(ctx, resource_id=r.id, start=start, end=end, statuses=active, limit=100_000):
            if b.clinician_id == r.id:
                slots.append(fhir.slot(r, b.start, b.end, "busy"))
    slots.sort(key=lambda x: (x["schedule"]["reference"], x["start"]))
    return fhir.write_publication(
        directory,
        {
            "Location": [fhir.location(coops[c]) for c in sorted({r.coop for r in clinicians})],
            "Schedule": [fhir.schedule(r) for r in clinicians],
            "Slot": slots,
        },
        now=ctx.now(),
        base_url=base_url,
    )

"""The demo database: sample_data/ plus seeded bookings around today."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pendulum
from sqlmodel import select

from telecoop import locations
from telecoop.domain import availability as av
from telecoop.domain import model as m
from telecoop.domain.holidays import statutory_holidays
from telecoop.domain.timeutil import day_bounds_utc, local
from telecoop.io import csvio
from telecoop.store import tables as tb
from telecoop.store.engine import make_engine, write_session

SEED = 2026
DAYS_BEFORE, DAYS_AFTER = 14, 21
REASONS_FR = ("Suivi", "Première consultation", "Renouvellement", "Résultats", "Bilan", "")
INITIALS = "ABCDEFGHJKLMNPRSTVW"


DEMO_MARK = "demo"


def build_demo_database(path: Path | str, *, clock: Callable[[], dt.datetime] | None = None, sample: Path | None = None) -> None:
    """Create ``path`` from the sample CSV files and add seeded bookings around today.

    The same seed gives the same bookings relative to today, so every demo
    looks alike; a fixed ``clock`` gives exactly the same database.
    """
    engine = make_engine(path)
    try:
        csvio.import_path(engine, sample or locations.sample_data_dir(), actor="demo")
        now = (clock or (lambda: pendulum.now("UTC")))()
        _add_bookings(engine, now)
        _add_waitlist(engine, now)
        with write_session(engine) as s:  # what lets 'demo --fresh' erase this file, and only such files
            s.add(tb.Meta(key=DEMO_MARK, value="1"))
    finally:
        engine.dispose()


def _add_bookings(engine, now: dt.datetime) -> None:
    rng = random.Random(SEED)
    opened = random.Random(SEED + 1)  # its own draws: the rest of the demo stays as it was
    with write_session(engine) as s:
        coops = {c.slug: c for c in s.exec(select(tb.CoopRow).order_by(tb.CoopRow.slug)).all()}
        resources = s.exec(select(tb.ResourceRow).order_by(tb.ResourceRow.id)).all()
        shares = defaultdict(set)
        for sh in s.exec(select(tb.ShareRow)).all():
            shares[sh.resource_id].add(sh.coop)
        rules = defaultdict(list)
        for a in s.exec(select(tb.AvailabilityRow).order_by(tb.AvailabilityRow.id)).all():
            rules[a.resource_id].append(av.WeeklyRule(a.weekday, a.start, a.end, a.valid_from, a.valid_to))
        closures = defaultdict(list)
        for c in s.exec(select(tb.ClosureRow)).all():
            closures[("r", c.resource_id) if c.resource_id else ("c", c.coop)].append((c.start, c.end))
        staff_by_coop = defaultdict(list)
        for st in s.exec(select(tb.StaffRow).order_by(tb.StaffRow.login)).all():
            if st.role in (m.Role.RECEPTIONIST.value, m.Role.COOP_ADMIN.value):
                staff_by_coop[st.coop].append(st.login)

        today = local(now, "America/Toronto").date()
        start = day_bounds_utc(today - dt.timedelta(days=DAYS_BEFORE), "America/Toronto")[0]
        end = day_bounds_utc(today + dt.timedelta(days=DAYS_AFTER), "America/Toronto")[1]
        holidays = _close_holidays(s, coops, {today.year, today.year + 1})
        rooms = [r for r in resources if r.kind == m.ResourceKind.ROOM.value]
        room_busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
        room_free = {
            r.id: av.free_intervals(
                rules[r.id], coops[r.coop].tz, start, end,
                closures[("r", r.id)] + closures[("c", r.coop)], [],
            )
            for r in rooms
        }
        rows = []
        for res in resources:
            if res.kind != m.ResourceKind.CLINICIAN.value:
                continue
            tz = coops[res.coop].tz
            free = av.free_intervals(rules[res.id], tz, start, end, closures[("r", res.id)] + closures[("c", res.coop)], [])
            clients = sorted(
                c for c in coops
                if c == res.coop or res.sharing == "all" or (res.sharing == "listed" and c in shares[res.id])
            )
            pad = dt.timedelta(minutes=res.buffer_minutes)
            last_end = None
            for t0 in av.slot_starts(free, 30, 30):
                t1 = t0 + dt.timedelta(minutes=30)
                if last_end is not None and t0 < last_end + pad:
                    continue
                if rng.random() > 0.45:
                    continue
                coop = rng.choice(clients)
                if not staff_by_coop[coop]:
                    continue
                room_id = None
                mode = rng.choice(("video", "video", "video", "phone", "room"))
                if mode == "room":
                    for room in sorted(rooms, key=lambda r: (r.coop != coop, r.id)):
                        if any(a <= t0 and t1 <= b for a, b in room_free[room.id]) and not any(
                            a < t1 and t0 < b for a, b in room_busy[room.id]
                        ):
                            room_id = room.id
                            room_busy[room.id].append((t0, t1))
                            break
                    else:
                        mode = "video"
                mode = m.Mode(mode).value  # issue 14: the draw's "room" is an in-person visit
                status = _status(rng, t0, t1, now)
                if status in ("completed", "no_show") and mode != "in-person" and _left_open(opened, t0, now, today):
                    status = "booked"  # a video or phone visit of yesterday the clinician has not closed yet
                # Every draw is made as before the holidays were closed (so the demo is the same
                # on other days), but nobody works on a statutory holiday.
                holiday = any(a < t1 and t0 < b for a, b in holidays[res.coop])
                rows.append(
                    tb.BookingRow(
                        clinician_id=res.id, room_id=room_id, coop=coop,
                        booked_by=rng.choice(staff_by_coop[coop]),
                        start=t0, end=t1,
                        patient=f"{rng.choice(INITIALS)}{rng.choice(INITIALS)}-{rng.randrange(10000, 99999)}",
                        reason=rng.choice(REASONS_FR), mode=mode, status=status,
                        cancel_reason="Patient indisponible" if status == "cancelled" else "",
                        created_at=t0 - dt.timedelta(days=3), updated_at=t0 - dt.timedelta(days=3),
                    )
                )
                if mode != "in-person":  # issue 14: the receptionist recorded the patient's consent
                    rows[-1].consent_by, rows[-1].consent_at = rows[-1].booked_by, rows[-1].created_at
                if holiday:
                    rows.pop()
                if status != "cancelled":
                    last_end = t1
        s.add_all(rows)


#: issue 13/14: patients waiting, so the Waitlist mode (F7) shows something; (co-op, who added them,
#: specialty, language, mode, priority, patient, first and last day from today). Their days start
#: a week and a half out: a cancellation nearer today offers its time to nobody here.
DEMO_WAITLIST = (
    ("gaspesie", "recep.gaspesie", "psychology", "fr", "video", 2, "GP-31780", 10, 20),
    ("gaspesie", "recep.gaspesie", "nutrition", "", "", 0, "LM-58214", 11, 21),
    ("iles", "recep.iles", "psychology", "en", "phone", 1, "CB-44120", 12, 21),
)


def _add_waitlist(engine, now: dt.datetime) -> None:
    today = local(now, "America/Toronto").date()
    with write_session(engine) as s:
        for coop, login, specialty, language, mode, priority, patient, first, last in DEMO_WAITLIST:
            s.add(tb.WaitlistEntryRow(
                coop=coop, added_by=login, specialty=specialty, language=language, mode=mode, priority=priority,
                patient=patient, from_date=today + dt.timedelta(days=first), to_date=today + dt.timedelta(days=last),
                created_at=now - dt.timedelta(days=1), updated_at=now - dt.timedelta(days=1)))


#: the share of yesterday's video and phone visits left open for their clinician to close
LEFT_OPEN = 0.3


def _left_open(rng: random.Random, t0: dt.datetime, now: dt.datetime, today: dt.date) -> bool:
    """Whether a past visit stays 'booked': some of the last working day's (yesterday, or Friday
    on a Monday) and of earlier today, as in real life."""
    since = today - dt.timedelta(days=1)
    while since.weekday() >= 5:
        since -= dt.timedelta(days=1)
    day = local(t0, "America/Toronto").date()
    return day >= since and t0 < now and rng.random() < LEFT_OPEN


def _close_holidays(s, coops: dict, years: set[int]) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    """Close every co-op on Quebec's statutory holidays of ``years`` (as 'closures holidays' would);
    returns each co-op's closed intervals."""
    closed: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for slug, coop in coops.items():
        existing = {(c.start, c.end) for c in s.exec(select(tb.ClosureRow).where(tb.ClosureRow.coop == slug)).all()}
        for year in sorted(years):
            for day, label in statutory_holidays(year):
                t0, t1 = day_bounds_utc(day, coop.tz)
                closed[slug].append((t0, t1))
                if (t0, t1) not in existing:
                    s.add(tb.ClosureRow(coop=slug, start=t0, end=t1, reason=label[:120]))
    return closed


def _status(rng: random.Random, t0: dt.datetime, t1: dt.datetime, now: dt.datetime) -> str:
    roll = rng.random()
    if t1 <= now:
        return "completed" if roll < 0.78 else ("no_show" if roll < 0.9 else "cancelled")
    if t0 <= now:
        return "checked_in"
    return "cancelled" if roll < 0.05 else "booked"

"""A month of sharing on the demo federation: cancellations, the waitlist, rebookings (issue 13).

    python benchmarks/capacity_month.py [--days 28] [--seed 13] [--keep DIR]

Builds the demo database (sample_data/ + its seeded bookings) at Monday
2027-02-01 and plays ``--days`` working days of seven co-ops' receptionists
through the real services, on a simulated clock (30-minute steps, 08:00-17:00
Toronto):

- a patient needs a specialty: the receptionist searches the next 2 days; a
  free slot is held (the booking form) and confirmed, else the patient goes on
  the waitlist for the next 7 days;
- every active future booking may be cancelled (6 % a day);
- each co-op looks at its offers every step: accepts 65 %, declines 10 %, and
  lets the rest lapse (30 minutes, passed on to the next patient).

The same month is played twice with the same seed: with the waitlist, and as
the reference without it (a patient who finds nothing just leaves, and a freed
slot is rebooked only if a later search happens to land on it). It prints the
waitlist fill rate (offers accepted / made) and, for future slots cancelled,
the share rebooked and the minutes from cancellation to rebooking (median,
90th percentile), each beside the reference as a ratio. Simulated minutes, so
the numbers do not depend on the machine; the wall time is printed too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pendulum

from telecoop.domain import model as m
from telecoop.domain.errors import TeleCoopError
from telecoop.services import booking as bk
from telecoop.services import capacity_reports as cr
from telecoop.services import holds, waitlist
from telecoop.services.context import open_context
from telecoop.services.dataio import build_demo
from telecoop.services.search import search_slots

START = pendulum.datetime(2027, 2, 1, 13, 0, tz="UTC")  # Monday 08:00 in Toronto
COOPS = ("gaspesie", "iles", "basse-cote-nord", "saguenay", "abitibi", "pontiac", "bas-saint-laurent")
SPECIALTIES = ("family_medicine", "psychology", "nutrition", "physiotherapy", "social_work", "pediatrics")
STEP = dt.timedelta(minutes=30)
STEPS_A_DAY = 18  # 08:00-17:00
DEMAND = 0.6  # chance, per co-op and step, that a patient needs a slot
WANTED_WITHIN = 2  # days: what the patient can wait for before the waitlist
CANCEL_A_DAY = 0.06
ACCEPT, DECLINE = 0.65, 0.10


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self):
        return self.now


def play(path: Path, *, days: int, seed: int, with_waitlist: bool) -> dict:
    rng = random.Random(seed)
    clock = Clock()
    build_demo(path, fresh=True, clock=clock)
    ctxs = {c: open_context(path, f"recep.{c}", clock=clock) for c in COOPS}
    fed = open_context(path, "fed.admin", clock=clock)
    booked: list[tuple[str, int, dt.datetime]] = []  # (co-op, booking id, start)
    decided: set[int] = set()
    cancels: list[int] = []  # bookings this month's receptionists cancelled
    served = unserved = waiting = 0
    for day in range(days):
        day_start = START + dt.timedelta(days=day)
        if day_start.in_timezone("America/Toronto").weekday() >= 5:
            continue
        for step in range(STEPS_A_DAY):
            clock.now = day_start + step * STEP
            for coop in COOPS:
                ctx = ctxs[coop]
                if rng.random() < DEMAND:
                    specialty = rng.choice(SPECIALTIES)
                    today = clock.now.in_timezone(ctx.actor_tz).date()
                    try:
                        found = search_slots(ctx, specialty=specialty, from_date=today, days=WANTED_WITHIN, limit=8)
                        if found:
                            slot = rng.choice(found)
                            hold = holds.place(ctx, clinician_id=slot.clinician_id, start=slot.start, duration=30)
                            b = holds.confirm(ctx, hold.id, patient=f"P{rng.randrange(10**6)}", consent=True)
                            booked.append((coop, b.id, b.start))
                            served += 1
                        elif with_waitlist:
                            waitlist.add(ctx, specialty=specialty, from_date=today,
                                         to_date=today + dt.timedelta(days=7), patient=f"W{rng.randrange(10**6)}")
                            waiting += 1
                        else:
                            unserved += 1
                    except TeleCoopError:
                        unserved += 1
                # Cancellations of this co-op's own future bookings.
                for item in [x for x in booked if x[0] == coop]:
                    if item[2] > clock.now and rng.random() < CANCEL_A_DAY / STEPS_A_DAY:
                        try:
                            bk.cancel(ctx, item[1], reason="annulé")
                            cancels.append(item[1])
                        except TeleCoopError:
                            pass
                        booked.remove(item)
            # Offers are seen within seconds in the app: each co-op answers this step's offers now.
            for coop in COOPS if with_waitlist else ():
                ctx = ctxs[coop]
                for hold, _entry in waitlist.offers(ctx):
                    if hold.id in decided:
                        continue
                    decided.add(hold.id)
                    roll = rng.random()
                    try:
                        if roll < ACCEPT:
                            b = waitlist.accept(ctx, hold.id, consent=True)
                            booked.append((coop, b.id, b.start))
                        elif roll < ACCEPT + DECLINE:
                            holds.release(ctx, hold.id)
                    except TeleCoopError:
                        pass
    clock.now = START + dt.timedelta(days=days)
    waitlist.advance(fed)
    month = START.in_timezone("America/Toronto").strftime("%Y-%m")
    fill = cr.waitlist_fill(fed, month)
    rebook = _rebooking_minutes(fed, month, cancels)
    for ctx in (*ctxs.values(), fed):
        ctx.engine.dispose()
    offers = sum(r.offers for r in fill)
    accepted = sum(r.accepted for r in fill)
    return {
        "served": served, "unserved": unserved, "waiting": waiting, "offers": offers, "accepted": accepted,
        "declined": sum(r.declined for r in fill), "lapsed": sum(r.lapsed for r in fill),
        "fill_rate": accepted / offers if offers else 0.0, **rebook,
    }


def _rebooking_minutes(ctx, month: str, cancels: list[int]) -> dict:
    """Every future slot cancelled in the month: rebooked or not, and after how many minutes."""
    from sqlmodel import select

    from telecoop.store import tables as tb
    from telecoop.store.engine import read_session

    B = tb.BookingRow
    delays, cancelled = [], 0
    with read_session(ctx.engine) as s:
        for bid, cid, start, end, at in s.exec(select(B.id, B.clinician_id, B.start, B.end, B.updated_at).where(
                B.status == "cancelled", B.id.in_(cancels))).all():
            if start <= at:
                continue
            cancelled += 1
            again = s.exec(select(B.created_at).where(B.clinician_id == cid, B.id != bid, B.start < end,
                                                      B.end > start, B.created_at >= at).order_by(B.created_at)
                           .limit(1)).first()
            if again is not None:
                delays.append((again - at).total_seconds() / 60)
    # The report's own figure, for the same month, as a cross-check of this one.
    report = cr.rebooking(ctx, month)
    return {
        "cancelled": cancelled, "rebooked": len(delays),
        "rebooked_share": len(delays) / cancelled if cancelled else 0.0,
        "median_minutes": statistics.median(delays) if delays else None,
        "p90_minutes": statistics.quantiles(delays, n=10)[-1] if len(delays) >= 10 else None,
        "report_rebooked": sum(r.rebooked for r in report),
    }


def _ratio(a, b) -> str:
    if a is None or b in (None, 0):
        return "n/a"
    return f"{a / b:.2f}x"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", type=Path, help="keep the two databases in this folder")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="telecoop-month-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    for name, on in (("waitlist", True), ("reference", False)):
        began = time.perf_counter()
        results[name] = play(folder / f"{name}.db", days=args.days, seed=args.seed, with_waitlist=on)
        results[name]["wall_s"] = time.perf_counter() - began
    w, r = results["waitlist"], results["reference"]
    print(f"simulated {args.days} days from {START.date()} on the demo federation, seed {args.seed}")
    print(f"{'':34}{'waitlist':>12}{'reference':>12}{'ratio':>9}")
    rows = [
        ("patients served at once", w["served"], r["served"]),
        ("patients who found nothing", w["unserved"], r["unserved"]),
        ("patients put on the waitlist", w["waiting"], None),
        ("  of them booked from an offer", w["accepted"], None),
        ("waitlist offers made", w["offers"], None),
        ("  accepted / declined / lapsed", f"{w['accepted']}/{w['declined']}/{w['lapsed']}", None),
        ("waitlist fill rate", f"{w['fill_rate']:.1%}", None),
        ("future slots cancelled", w["cancelled"], r["cancelled"]),
        ("  rebooked", w["rebooked"], r["rebooked"]),
        ("  rebooked share", f"{w['rebooked_share']:.1%}", f"{r['rebooked_share']:.1%}"),
        ("  minutes to rebooking, median", w["median_minutes"], r["median_minutes"]),
        ("  minutes to rebooking, p90", w["p90_minutes"], r["p90_minutes"]),
        ("wall time (s)", round(w["wall_s"], 1), round(r["wall_s"], 1)),
    ]
    ratios = {"  rebooked share": _ratio(w["rebooked_share"], r["rebooked_share"]),
              "  minutes to rebooking, median": _ratio(w["median_minutes"], r["median_minutes"]),
              "  minutes to rebooking, p90": _ratio(w["p90_minutes"], r["p90_minutes"]),
              "  rebooked": _ratio(w["rebooked"], r["rebooked"])}
    for label, a, b in rows:
        shown_a = f"{a:.0f}" if isinstance(a, float) else str(a)
        shown_b = "" if b is None else (f"{b:.0f}" if isinstance(b, float) else str(b))
        print(f"{label:34}{shown_a:>12}{shown_b:>12}{ratios.get(label, ''):>9}")
    print(f"(report rebooking, whole month and every cancellation: {w['report_rebooked']} rebooked)")
    print(f"databases: {folder}" if args.keep else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""issue 13, properties: holds and bookings never overlap, an expired hold never blocks, a quota is never passed.

Hypothesis draws sequences of what receptionists of three co-ops do (hold,
book, confirm, release, time passing) on two clinicians without buffers; after
every step the store is checked against the rules.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telecoop.domain.errors import InvalidTransition, NotPermitted, SlotTaken
from telecoop.services import booking as bk
from telecoop.services import holds
from telecoop.services import sharing_terms as terms
from telecoop.services.context import open_context
from telecoop.store import tables as tb
from telecoop.store.engine import read_session

NOW = pendulum.datetime(2026, 12, 7, 12, 0, tz="UTC")
LOGINS = ("recep.gaspesie", "recep.iles", "recep.saguenay")
CLINICIANS = (5, 38)  # nutrition, Gaspésie and Bas-Saint-Laurent, no buffer, shared with all
# Tuesday 2026-12-08 from 09:00 Toronto (14:00 UTC), every 15 minutes.
STARTS = [pendulum.datetime(2026, 12, 8, 14, 0, tz="UTC").add(minutes=15 * i) for i in range(8)]

ops = st.one_of(
    st.tuples(st.just("hold"), st.integers(0, 2), st.sampled_from(CLINICIANS), st.integers(0, 7),
              st.sampled_from([30, 45]), st.integers(1, 20)),
    st.tuples(st.just("book"), st.integers(0, 2), st.sampled_from(CLINICIANS), st.integers(0, 7),
              st.sampled_from([30, 45])),
    st.tuples(st.just("confirm"), st.integers(0, 30)),
    st.tuples(st.just("release"), st.integers(0, 30)),
    st.tuples(st.just("tick"), st.integers(1, 15)),
)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


def _open(sample_template, tmp: str, clock: Clock):
    import engines

    path = engines.copy_db(sample_template, Path(tmp) / "t.db")
    return {login: open_context(path, login, clock=clock) for login in (*LOGINS, "admin.gaspesie")}


def _live(ctx) -> list[tuple[int, int | None, dt.datetime, dt.datetime, str]]:
    """(clinician, room, start, end, what) of every active booking and live hold."""
    now = ctx.now()
    with read_session(ctx.engine) as s:
        out = [(b.clinician_id, b.room_id, b.start, b.end, f"booking {b.id}")
               for b in _all(s, tb.BookingRow)
               if b.status in ("booked", "checked_in")]
        out += [(h.clinician_id, h.room_id, h.start, h.end, f"hold {h.id}")
                for h in _all(s, tb.HoldRow) if h.status == "held" and h.expires > now]
    return out


def _all(session, table):
    from sqlmodel import select

    return session.exec(select(table)).all()


def _no_overlaps(items) -> None:
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if a[2] < b[3] and b[2] < a[3]:
                assert a[0] != b[0], (a, b)
                assert a[1] is None or a[1] != b[1], (a, b)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(ops, min_size=1, max_size=14))
def test_no_hold_or_booking_ever_overlaps_and_an_expired_hold_never_blocks(sample_template, steps):
    clock = Clock()
    with tempfile.TemporaryDirectory() as tmp:
        ctxs = _open(sample_template, tmp, clock)
        made: list = []
        try:
            for step in steps:
                kind = step[0]
                try:
                    if kind == "hold":
                        _, who, cid, i, minutes, hold_for = step
                        made.append((LOGINS[who], holds.place(ctxs[LOGINS[who]], clinician_id=cid, start=STARTS[i],
                                                             duration=minutes, minutes=hold_for)))
                    elif kind == "book":
                        _, who, cid, i, minutes = step
                        bk.book(ctxs[LOGINS[who]], clinician_id=cid, start=STARTS[i], duration=minutes, patient="P", consent=True)
                    elif kind in ("confirm", "release") and made:
                        login, hold = made[step[1] % len(made)]
                        if kind == "confirm":
                            holds.confirm(ctxs[login], hold.id, patient="H", consent=True)
                        else:
                            holds.release(ctxs[login], hold.id)
                    elif kind == "tick":
                        clock.now = clock.now.add(minutes=step[1])
                except (SlotTaken, InvalidTransition, holds.HoldExpired):
                    pass
                live = _live(ctxs[LOGINS[0]])
                _no_overlaps(live)
                # Every expired hold's time, unless something live covers it, is offered to anyone.
                for _login, hold in made:
                    if hold.expires > clock.now:
                        continue
                    if any(c == hold.clinician_id and s < hold.end and hold.start < e for c, _r, s, e, _w in live):
                        continue
                    minutes = int((hold.end - hold.start).total_seconds() // 60)
                    offered = bk.search_slots(ctxs["recep.saguenay"], clinician_id=hold.clinician_id,
                                              start=hold.start, days=1, duration=minutes, limit=1)
                    assert offered and offered[0].start == hold.start, (hold, live)
        finally:
            for ctx in ctxs.values():
                ctx.engine.dispose()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    quota=st.sampled_from(["0.5", "1", "1.5", "2"]),
    release=st.sampled_from([0, 2, 30]),
    tries=st.lists(st.tuples(st.integers(0, 7), st.sampled_from([30, 45, 60]), st.booleans()), min_size=1, max_size=10),
)
def test_a_partners_quota_is_never_passed_before_its_release(sample_template, quota, release, tries):
    clock = Clock()
    with tempfile.TemporaryDirectory() as tmp:
        ctxs = _open(sample_template, tmp, clock)
        try:
            terms.set_terms(ctxs["admin.gaspesie"], 5, quotas=[f"iles={quota}"], release_hours=release)
            iles = ctxs["recep.iles"]
            for i, minutes, via_hold in tries:
                try:
                    if via_hold:
                        h = holds.place(iles, clinician_id=5, start=STARTS[i], duration=minutes)
                        holds.confirm(iles, h.id, patient="Q", consent=True)
                    else:
                        bk.book(iles, clinician_id=5, start=STARTS[i], duration=minutes, patient="Q", consent=True)
                except (SlotTaken, NotPermitted):
                    pass
                with read_session(iles.engine) as s:
                    used = sum(int((b.end - b.start).total_seconds() // 60) for b in _all(s, tb.BookingRow)
                               if b.clinician_id == 5 and b.coop == "iles" and b.status == "booked")
                released = release and STARTS[0] - clock.now <= dt.timedelta(hours=release)
                if not released:
                    assert used <= float(quota) * 60
        finally:
            for ctx in ctxs.values():
                ctx.engine.dispose()

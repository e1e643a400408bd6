"""Slot search: free slots earliest first, over the resources the user's co-op may book.

Read-only: the booking life cycle (book, move, cancel, status) is
``services.booking``, which uses the free-time helpers here to re-check a
slot before it writes.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import heapq
from collections.abc import Callable, Iterable, Iterator

from sqlmodel import Session

from telecoop.domain import access
from telecoop.domain import availability as av
from telecoop.domain import capacity as cap  # issue 13
from telecoop.domain import model as m
from telecoop.domain import validate as v
from telecoop.domain.errors import BadInput
from telecoop.domain.timeutil import day_bounds_utc, local, utc
from telecoop.services import sharing_terms  # issue 13
from telecoop.services.context import BOOKING_ROLES, Context
from telecoop.services.directory import load_resource
from telecoop.store import directory as store_directory
from telecoop.store import tables as tb
from telecoop.store.bookings import busy as busy_between
from telecoop.store.engine import read_session, stamps_query
from telecoop.store.query import run
from telecoop.store.schedule import Closures, closed_for
from telecoop.store.schedule import kept_closures

def free_map(
    resources: Iterable[m.Resource],
    rules: dict[int, list[av.WeeklyRule]],
    closures: Closures,
    busy: dict[int, list[av.Interval]],
    start: dt.datetime,
    end: dt.datetime,
) -> dict[int, list[av.Interval]]:
    """Resource id -> its free intervals in [start, end): hours minus closures and buffered bookings."""
    out: dict[int, list[av.Interval]] = {}
    for r in resources:
        if not rules.get(r.id):
            continue
        closed = closed_for(closures, r.id, r.coop)
        free = av.free_intervals(rules[r.id], r.tz, start, end, closed, busy.get(r.id, []), r.buffer_minutes)
        if free:
            out[r.id] = free
    return out


def whole(free: list[av.Interval] | None, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether free time computed over [start, end) is all of it."""
    return free == [(utc(start), utc(end))]


# --------------------------------------------------------------------------- #
# Search
# --------------------------------------------------------------------------- #


def bookable(
    session: Session,
    ctx: Context,
    *,
    kind: m.ResourceKind,
    specialty: str | None = None,
    language: str | None = None,
    coop: str | None = None,
    ids: tuple[int, ...] | None = None,
    snap: store_directory.Snapshot | None = None,
) -> tuple[list[m.Resource], dict[int, list[av.WeeklyRule]]]:
    """Active resources of ``kind`` the user's co-op may book, filtered, with their weekly rules.

    ``snap``: the directory snapshot already read in this session (saves reading its version again).
    """
    if snap is None:
        snap = store_directory.snapshot(session, str(ctx.engine.url))
    # The same pick for the same actor and filters as long as the directory does not change
    # (perf-search: the filter walked all 2,000 resources twice per search).
    key = (ctx.actor, kind, specialty, language, coop, ids)
    found = snap.picks.get(key)
    if found is None:
        if len(snap.picks) >= 512:  # many one-clinician searches: keep the memory bounded
            snap.picks.clear()
        of_kind = snap.picks.get((kind, specialty))  # everyone's, before the actor's rules
        if of_kind is None:
            of_kind = snap.picks[(kind, specialty)] = [
                r for r in snap.resources if r.kind == kind and (not specialty or r.specialty == specialty)
            ]
        found = snap.picks[key] = [
            r
            for r in of_kind
            if access.may_book_on(ctx.actor, r)
            and (not language or language in r.languages)
            and (not coop or r.coop == coop)
            and (ids is None or r.id in ids)
        ]
    return list(found), snap.rules


def search_slots(
    ctx: Context,
    *,
    specialty: str | None = None,
    language: str | None = None,
    with_room: bool = False,
    room_id: int | None = None,
    coop: str | None = None,
    clinician_id: int | None = None,
    start: dt.datetime | None = None,
    from_date: dt.date | None = None,
    days: int = 14,
    duration: int | None = None,
    limit: int = 20,
    exclude_booking_id: int | None = None,
    partner_rooms: bool = False,
    interpreter_language: str | None = None,
) -> list[m.Slot]:
    """Free slots earliest first, over resources the user's co-op may book.

    Reads in time chunks (one day, then growing), one query per chunk (busy time),
    and stops as soon as ``limit`` slots are found. ``exclude_booking_id``
    treats that booking as free: a reschedule may overlap its own old time.

    With a room: the room is where the patient sits, so only the user's
    co-op's own rooms unless ``partner_rooms`` (then its own still first).

    issue 14: ``interpreter_language``, a language the patient speaks: a
    clinician who does not speak it is offered with a free interpreter who
    does (services/interpreters.py), or not at all.
    """
    ctx.require(*BOOKING_ROLES)
    duration = ctx.settings.default_duration if duration is None else duration
    check_duration(duration)
    days = v.integer(days, "days", 1, 366)
    limit = v.integer(limit, "limit", 1, 1000)
    if specialty:
        v.choice(specialty, "specialty", m.SPECIALTIES)
    if language:
        v.choice(language, "language", m.LANGUAGES)
    if coop is not None:
        coop = v.slug(coop, "coop")
    with_room = with_room or room_id is not None
    from telecoop.services import interpreters  # issue 14

    interpreter_language = interpreters.language(interpreter_language)
    with read_session(ctx.engine) as s:
        # issue 9: a co-op, clinician or room that does not exist is said, not answered "no results"
        if coop is not None and s.get(tb.CoopRow, coop) is None:
            raise BadInput("field.unknown_coop", value=coop)
        if clinician_id is not None and load_resource(s, ctx, clinician_id).kind != m.ResourceKind.CLINICIAN:
            raise BadInput("field.not_clinician", value=clinician_id)
        if room_id is not None and load_resource(s, ctx, room_id).kind != m.ResourceKind.ROOM:
            raise BadInput("field.not_room", value=room_id)

    earliest = ctx.now() + dt.timedelta(minutes=ctx.settings.min_notice_minutes)
    if start is not None:
        window_start = max(utc(start), utc(earliest))
        window_end = window_start + dt.timedelta(days=days)
    else:
        first_day = from_date or local(ctx.now(), ctx.actor_tz).date()
        window_start = max(day_bounds_utc(first_day, ctx.actor_tz)[0], utc(earliest))
        window_end = day_bounds_utc(first_day + dt.timedelta(days=days - 1), ctx.actor_tz)[1]
    dur = dt.timedelta(minutes=duration)

    with read_session(ctx.engine) as s:
        # perf-search: the directory, partners' terms and closures are kept per process,
        # checked against the database's counters in one query (the same one ``book`` reads).
        (_instance, directory_version), closure_version = run(s, stamps_query())
        snap = store_directory.snapshot(s, str(ctx.engine.url), directory_version)
        clinicians, rules = bookable(
            s, ctx, kind=m.ResourceKind.CLINICIAN, specialty=specialty, language=language, coop=coop,
            ids=(clinician_id,) if clinician_id is not None else None, snap=snap,
        )
        rooms: list[m.Resource] = []
        if with_room:
            rooms, room_rules = bookable(
                s, ctx, kind=m.ResourceKind.ROOM, ids=(room_id,) if room_id is not None else None, snap=snap
            )
            if room_id is None and not partner_rooms:
                rooms = [r for r in rooms if r.coop == ctx.coop]
            # Rooms of the booking co-op first, then by id: a stable, sensible pick.
            rooms = sorted(rooms, key=lambda r: (r.coop != ctx.coop, r.id))
            rules = {**rules, **room_rules}
        if not clinicians or (with_room and not rooms):
            return []
        ids = [r.id for r in clinicians] + [r.id for r in rooms]
        coops = {r.coop for r in clinicians} | {r.coop for r in rooms}
        by_id = {r.id: r for r in clinicians}
        step = ctx.settings.step_minutes
        terms, now = sharing_terms.partner_terms(ctx, snap), ctx.now()  # issue 13: partners' window and notice

        found: list[m.Slot] = []
        # The closures of the whole window at once (few: closures are days, not slots);
        # each chunk's free time ignores those outside it (perf-search: one query per chunk before).
        closures = kept_closures(s, str(ctx.engine.url), closure_version, ids, coops, window_start, window_end)
        chunk = dt.timedelta(days=1)
        lo = window_start
        while lo < window_end and len(found) < limit:
            hi = min(lo + chunk, window_end)
            # Free time is computed a little past the chunk so a slot that
            # starts before ``hi`` and ends after it is not lost.
            span_end = min(hi + dur, window_end)
            busy = busy_between(s, [r.id for r in clinicians], [r.id for r in rooms], lo, span_end, exclude_booking_id,
                                now=now)  # issue 13: live holds are busy
            room_for = _RoomFinder(rooms, rules, closures, busy, lo, span_end, dur) if with_room else None
            interpreter_for = (interpreters.Finder(s, ctx, interpreter_language, lo, span_end, dur, snap)
                               if interpreter_language else None)

            def starts(c: m.Resource, free: list[av.Interval], hi: dt.datetime = hi) -> Iterator[tuple[dt.datetime, str, int]]:
                rule = terms.get(c.id)
                for t in av.slot_starts(free, duration, step):
                    if t >= hi:
                        return
                    if rule is not None and cap.terms_refusal(rule, t, now) is not None:
                        continue
                    yield (t, c.name, c.id)

            # Every clinician's starts in (time, name, id) order, lazily: the
            # first ``limit`` that find a room are the answer, and rooms are
            # looked at only for those (and clinicians' free time only for
            # those whose hours may come first).
            for t, _name, cid in _in_order(clinicians, rules, closures, busy, lo, span_end, starts):
                room = None
                if room_for is not None:
                    room = room_for(t)
                    if room is None:
                        continue
                slot = _slot(by_id[cid], t, t + dur, room)
                if interpreter_for is not None and interpreter_language not in by_id[cid].languages:
                    interpreter = interpreter_for(t, by_id[cid])
                    if interpreter is None:
                        continue
                    slot = dataclasses.replace(slot, interpreter_id=interpreter.id, interpreter=interpreter.name)
                found.append(slot)
                if len(found) >= limit:
                    break
            lo, chunk = hi, min(chunk * 2, dt.timedelta(days=7))
        return found


def _in_order(
    clinicians: list[m.Resource],
    rules: dict[int, list[av.WeeklyRule]],
    closures: Closures,
    busy: dict[int, list[av.Interval]],
    lo: dt.datetime,
    hi: dt.datetime,
    starts: Callable[[m.Resource, list[av.Interval]], Iterator[tuple[dt.datetime, str, int]]],
) -> Iterator[tuple[dt.datetime, str, int]]:
    """``heapq.merge`` of every clinician's ``starts`` over its free time in [lo, hi), computing that
    free time only when the clinician's hours could give the next start.

    A clinician enters the heap keyed by the start of its first hours (no start of its
    can be earlier: free time is hours minus closures and busy time); its free time is
    computed when that key comes first. The order of the starts is heapq.merge's, so the
    answer is the same; a search wanting 20 slots no longer works out the free time of
    every clinician of a specialty (perf-search: most of a search's Python time).
    """
    Waiting = tuple[m.Resource, list[av.Interval]]  # a clinician and its hours, free time not worked out yet
    heap: list[tuple[dt.datetime, str, int, int, Iterator[tuple[dt.datetime, str, int]] | Waiting]] = []
    for c in clinicians:
        if not rules.get(c.id):
            continue
        hours = av.expand_rules(rules[c.id], c.tz, lo, hi)
        if hours:
            heap.append((hours[0][0], c.name, c.id, 0, (c, hours)))
    heapq.heapify(heap)
    while heap:
        t, name, cid, expanded, item = heap[0]
        if expanded:
            assert not isinstance(item, tuple)
            yield (t, name, cid)
            nxt = next(item, None)
        else:
            assert isinstance(item, tuple)
            c, hours = item
            # free_map's arithmetic, on the hours already expanded
            free = av.free_in(hours, closed_for(closures, cid, c.coop), busy.get(cid, []), c.buffer_minutes)
            item = starts(c, free) if free else iter(())
            nxt = next(item, None)
        if nxt is None:
            heapq.heappop(heap)
        else:
            heapq.heapreplace(heap, (*nxt, 1, item))


class _RoomFinder:
    """The first preferred room free for ``[t, t + dur)``; each room's free time computed on first need."""

    def __init__(self, rooms, rules, closures, busy, lo, hi, dur) -> None:
        self.rooms, self.rules, self.closures, self.busy = rooms, rules, closures, busy
        self.lo, self.hi, self.dur = lo, hi, dur
        self.free: dict[int, list[av.Interval]] = {}
        self.picked: dict[dt.datetime, m.Resource | None] = {}

    def __call__(self, t: dt.datetime) -> m.Resource | None:
        if t in self.picked:
            return self.picked[t]
        end = dt.datetime.__add__(t, self.dur)  # stdlib add: pendulum's is ~4 µs a call
        pick = None
        for room in self.rooms:
            free = self.free.get(room.id)
            if free is None:
                free = self.free[room.id] = free_map(
                    [room], self.rules, self.closures, self.busy, self.lo, self.hi
                ).get(room.id, [])
            # Free intervals are sorted and disjoint: only the last one starting at or before t can hold it.
            i = bisect.bisect_right(free, (t, av.FAR_FUTURE)) - 1
            if i >= 0 and free[i][0] <= t and end <= free[i][1]:
                pick = room
                break
        self.picked[t] = pick
        return pick


def _slot(c: m.Resource, start: dt.datetime, end: dt.datetime, room: m.Resource | None) -> m.Slot:
    return m.Slot(
        clinician_id=c.id,
        clinician=c.name,
        coop=c.coop,
        tz=c.tz,
        start=start,
        end=end,
        specialty=c.specialty,
        languages=c.languages,
        room_id=room.id if room else None,
        room=room.name if room else None,
        room_coop=room.coop if room else None,
    )


def check_duration(duration: int) -> None:
    v.duration(duration)


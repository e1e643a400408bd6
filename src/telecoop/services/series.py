"""Follow-up series (issue 14): preview, book atomically, cancel or move "this one" or "this and later".

The occurrences come from ``domain.series`` (same local wall time across
DST). A preview flags each occurrence that cannot be booked as it stands
(a DST gap or repeated hour, the past, outside hours or closed, taken); the
person skips or moves each before anything is written; then every booking of
the series is written in ONE transaction: all or nothing. A cancelled
occurrence is never brought back: moving "this and later" leaves it
cancelled, and nothing re-expands a series.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Iterable, Mapping

from typing import Any

from telecoop.domain import model as m
from telecoop.domain import series as ds
from telecoop.domain import teleconsult as tc
from telecoop.domain import validate as v
from telecoop.domain.errors import BadInput, NotFound, NotPermitted, SlotTaken, StaleBooking, TeleCoopError
from telecoop.domain.timeutil import local, parse_instant
from telecoop.services import audit
from telecoop.services import booking as bk
from telecoop.services import interpreters, sharing_terms
from telecoop.services import teleconsult as tcs
from telecoop.services.context import BOOKING_ROLES, Context
from telecoop.services.directory import load_resource
from telecoop.store import bookings as store_bookings
from telecoop.store import tables as tb
from telecoop.store.engine import read_session, write_session


class SeriesConflict(TeleCoopError):
    """Some occurrences cannot be booked as they stand: skip or move each (exit 1). Nothing was written."""

    def __init__(self, occurrences: list[ds.Occurrence]) -> None:
        bad = [o for o in occurrences if o.problem and not o.skipped]
        super().__init__("series.conflicts", count=len(bad), which=", ".join(str(o.index) for o in bad))
        self.occurrences = occurrences


def _wall(text: dt.datetime | str, tz: str) -> dt.datetime:
    instant = parse_instant(text, tz) if isinstance(text, str) else text
    return local(instant, tz).naive().replace(tzinfo=None)


def preview(
    ctx: Context,
    *,
    clinician_id: int,
    start: dt.datetime | str,
    duration: int | None = None,
    repeat: str,
    count: int,
    room_id: int | None = None,
    skip: Iterable[int] = (),
    moves: Mapping[int, dt.datetime | str] | None = None,
    any_room: bool = False,
    interpreter_id: int | None = None,
    any_interpreter: bool = False,
    interpreter_language: str | None = None,
) -> list[ds.Occurrence]:
    """Every occurrence with its problem, if any; ``skip`` and ``moves`` (index -> new start) applied.

    ``any_room`` / ``any_interpreter``: each occurrence needs a free one (which one is chosen
    when the series is booked, as for one booking); a named interpreter must be open and free.
    """
    ctx.require(*BOOKING_ROLES)
    duration = ctx.settings.default_duration if duration is None else v.duration(duration)
    repeat, count = ds.repeat_word(repeat), ds.count_value(count)
    skip = set(skip)
    moves = dict(moves or {})
    for index in skip | set(moves):
        if not 1 <= index <= count:
            raise BadInput("field.range", field="occurrence", min=1, max=count)
    with read_session(ctx.engine) as s:
        clinician = load_resource(s, ctx, clinician_id)
        if clinician.kind != m.ResourceKind.CLINICIAN:
            raise BadInput("field.not_clinician", value=clinician_id)
        room = load_resource(s, ctx, room_id) if room_id is not None else None
        if room is not None and room.kind != m.ResourceKind.ROOM:
            raise BadInput("field.not_room", value=room_id)
        extra = _extras(ctx, s, clinician, any_room, interpreter_id, any_interpreter, interpreter_language)
        first = parse_instant(start, clinician.tz) if isinstance(start, str) else start
        planned = ds.occurrences(first, clinician.tz, repeat, count, duration)
        out = []
        for occ in planned:
            if occ.index in moves:
                occ = ds.resolve(occ.index, _wall(moves[occ.index], clinician.tz), clinician.tz, duration, moved=True)
            if occ.index in skip:
                out.append(ds.Occurrence(occ.index, occ.wall, occ.start, occ.end, occ.problem, occ.moved, True))
                continue
            out.append(_checked(ctx, s, occ, clinician, room, extra))
        clash = ds.clashes(out)  # a moved occurrence on another one's time: taken by the series itself
        return [ds.Occurrence(o.index, o.wall, o.start, o.end, ds.TAKEN, o.moved, o.skipped) if o.index in clash else o
                for o in out]


@dataclass(frozen=True)
class _Extras:
    """What a series books beside the clinician and a named room (issue 14): any room, an interpreter."""

    any_room: bool = False
    interpreter: m.Resource | None = None
    any_interpreter: bool = False
    language: str | None = None


def _extras(ctx: Context, s, clinician: m.Resource, any_room: bool, interpreter_id: int | None,
            any_interpreter: bool, language: str | None) -> _Extras:
    """The same checks as one booking's, before anything is looked up per occurrence."""
    language = interpreters.language(language)
    named = load_resource(s, ctx, interpreter_id) if interpreter_id is not None else None
    if named is not None:
        interpreters.check_named(named, language, clinician)
    if any_interpreter and named is None and not language:
        raise BadInput("tc.interpreter_needs_language")
    return _Extras(any_room, named, any_interpreter and named is None, language)


def _checked(ctx: Context, s, occ: ds.Occurrence, clinician: m.Resource, room: m.Resource | None,
             extra: _Extras = _Extras()) -> ds.Occurrence:
    if occ.problem or occ.start is None or occ.end is None:
        return occ
    problem = ""
    try:
        bk._check_not_past(ctx, occ.start)
    except BadInput:
        problem = ds.PAST
    if not problem:
        try:
            bk._check_open(s, clinician, occ.start, occ.end)
            if room is not None:
                bk._check_open(s, room, occ.start, occ.end)
            if extra.interpreter is not None:
                bk._check_open(s, extra.interpreter, occ.start, occ.end)
        except BadInput:
            problem = ds.CLOSED
    if not problem:  # issue 13's rule, as for one booking: the owner's window, notice and weekly quota
        try:
            sharing_terms.check_new_booking(s, ctx, clinician, room, occ.start, occ.end)
        except NotPermitted:
            problem = ds.TERMS
    if not problem:
        try:
            bk._check_not_taken(s, clinician, occ.start, occ.end)
            if room is not None:
                bk._check_not_taken(s, room, occ.start, occ.end)
            elif extra.any_room:  # a free room at that time (the booking picks it, as for one booking)
                bk._pick_room(s, ctx, occ.start, occ.end, None, True, now=ctx.now())
            interpreters.pick(s, ctx, clinician, extra.interpreter, extra.any_interpreter, extra.language,
                              occ.start, occ.end)
        except SlotTaken:
            problem = ds.TAKEN
    return ds.Occurrence(occ.index, occ.wall, occ.start, occ.end, problem, occ.moved, occ.skipped)


def book_series(
    ctx: Context,
    *,
    clinician_id: int,
    start: dt.datetime | str,
    duration: int | None = None,
    repeat: str,
    count: int,
    patient: str,
    reason: str = "",
    mode: str = "video",
    room_id: int | None = None,
    patient_location: str | None = None,
    patient_site: str = "",
    consent: bool = False,
    skip: Iterable[int] = (),
    moves: Mapping[int, dt.datetime | str] | None = None,
    any_room: bool = False,
    interpreter_id: int | None = None,
    any_interpreter: bool = False,
    interpreter_language: str | None = None,
) -> tuple[int, list[m.Booking]]:
    """Book every occurrence not skipped, in one transaction; ``(series id, bookings)``.

    Refused as a whole (SeriesConflict, exit 1) while any occurrence kept has
    a problem; SlotTaken when another writer took one meanwhile. Nothing is
    written in either case.
    """
    ctx.require(*BOOKING_ROLES)
    duration = ctx.settings.default_duration if duration is None else duration
    patient = v.patient(patient)
    reason = v.optional_text(reason, "reason", 200)
    mode_value = tc.parse_mode(mode)
    occs = preview(ctx, clinician_id=clinician_id, start=start, duration=duration, repeat=repeat, count=count,
                   room_id=room_id, skip=skip, moves=moves, any_room=any_room, interpreter_id=interpreter_id,
                   any_interpreter=any_interpreter, interpreter_language=interpreter_language)
    with read_session(ctx.engine) as s:
        clinician = load_resource(s, ctx, clinician_id)
        room = load_resource(s, ctx, room_id) if room_id is not None else None
        extra = _extras(ctx, s, clinician, any_room, interpreter_id, any_interpreter, interpreter_language)
    record = tcs.visit_record(ctx, mode_value, clinician, patient_location, patient_site, consent)
    if any(o.problem and not o.skipped for o in occs):
        raise SeriesConflict(occs)
    kept = [o for o in occs if not o.skipped]
    if not kept:
        raise BadInput("series.nothing")
    now = ctx.now()
    ids: list[int] = []
    with bk._overlap_refused(), write_session(ctx.engine) as s:
        series = tb.SeriesRow(coop=ctx.coop, clinician_id=clinician.id, repeat=ds.repeat_word(repeat), count=count,
                              tz=clinician.tz, created_by=ctx.actor.login, created_at=now)
        s.add(series)
        s.flush()
        series_id = int(series.id or 0)
        for occ in kept:
            assert occ.start is not None and occ.end is not None  # no problem left: both known
            bk._check_not_taken(s, clinician, occ.start, occ.end)
            # issue 14: clinician, room and interpreter of every occurrence in this one transaction
            picked = bk._pick_room(s, ctx, occ.start, occ.end, room, extra.any_room, now=ctx.now())
            interpreter = interpreters.pick(s, ctx, clinician, extra.interpreter, extra.any_interpreter,
                                            extra.language, occ.start, occ.end)
            # The week's quota counts the occurrences already written in this transaction.
            sharing_terms.check_new_booking(s, ctx, clinician, picked, occ.start, occ.end)
            values: dict[str, Any] = dict(
                clinician_id=clinician.id, room_id=picked.id if picked else None, coop=ctx.coop,
                booked_by=ctx.actor.login, start=occ.start, end=occ.end, patient=patient, reason=reason,
                mode=mode_value.value, status=m.BookingStatus.BOOKED.value, cancel_reason="",
                created_at=now, updated_at=now, **record, series_id=series_id, series_index=occ.index,
                interpreter_id=interpreter.id if interpreter is not None else None,
            )
            if mode_value == m.Mode.VIDEO and record["video_link"]:
                values["video_link"] = tcs._new_link(ctx, ctx.coop)  # each visit its own link
            row_id = store_bookings.insert(s, values)
            ids.append(row_id)
            audit.record(s, ctx, "booking.book", "booking", row_id, coop=ctx.coop,
                         after=bk._booking_dict(tb.BookingRow(id=row_id, **values)))
        audit.record(s, ctx, "series.book", "series", series_id, coop=ctx.coop,
                     after={"repeat": ds.repeat_word(repeat), "count": count, "bookings": ids})
    return series_id, [bk.get_booking(ctx, i) for i in ids]


def series_bookings(ctx: Context, series_id: int) -> list[m.Booking]:
    """The occurrences of one of the user's co-op's series, in order (cancelled ones included)."""
    with read_session(ctx.engine) as s:
        row = s.get(tb.SeriesRow, series_id)
        if row is None or row.coop != ctx.coop:
            raise NotFound("series.notfound", id=series_id)
        ids = store_bookings.of_series(s, series_id)
    return [bk.get_booking(ctx, i) for i in ids]


def _targets(ctx: Context, series_id: int, from_occurrence: int, only: bool) -> list[m.Booking]:
    items = series_bookings(ctx, series_id)
    chosen = [b for b in items if (b.series_index == from_occurrence if only
                                   else (b.series_index or 0) >= from_occurrence)]
    if not any(b.series_index == from_occurrence for b in items):
        raise NotFound("series.no_occurrence", id=series_id, n=from_occurrence)
    return chosen


def _as_seen(b: m.Booking, seen: m.Booking | None) -> m.Booking:
    """What the change must find: the occurrence the user chose as they saw it (the app), else as read."""
    return seen if seen is not None and seen.id == b.id else b


def cancel_series(ctx: Context, series_id: int, *, from_occurrence: int, reason: str, only: bool = False,
                  seen: m.Booking | None = None) -> list[m.Booking]:
    """Cancel occurrence ``from_occurrence`` ("this one", ``only``) or it and every later one.

    Only booked occurrences change; cancelled ones stay cancelled, past ones stay as they are.
    ``seen``: the occurrence as the user saw it when choosing (the app); refused
    (StaleBooking) when it changed meanwhile, as a single booking's cancel is.
    """
    reason = v.name(reason, "reason", 200)
    done = []
    for b in _targets(ctx, series_id, from_occurrence, only):
        if b.status == m.BookingStatus.BOOKED or (seen is not None and b.id == seen.id):
            done.append(bk.cancel(ctx, b.id, reason=reason, seen=_as_seen(b, seen)))
    return done


def move_series(
    ctx: Context, series_id: int, *, from_occurrence: int, start: dt.datetime | str, only: bool = False,
    seen: m.Booking | None = None,
) -> list[m.Booking]:
    """Move occurrence ``from_occurrence`` to ``start``; without ``only``, every later booked one by
    the same wall-clock step (10:00 -> 11:00 moves each later visit to 11:00, DST or not).

    All or nothing: the later ones are checked first (DST gap, hours, taken) and
    moved in one transaction. Cancelled occurrences are left cancelled.
    ``seen``: the occurrence as the user saw it (the app); StaleBooking when it changed meanwhile.
    """
    chosen = _targets(ctx, series_id, from_occurrence, only)
    if seen is not None:  # the chosen one changed since the user saw it: said, nothing moved
        anchor_now = next(b for b in chosen if b.series_index == from_occurrence)
        if (anchor_now.start, anchor_now.end, anchor_now.status) != (seen.start, seen.end, seen.status):
            raise StaleBooking("booking.changed", current=anchor_now, id=anchor_now.id)
    targets = [b for b in chosen if b.status == m.BookingStatus.BOOKED]
    if not targets:
        raise BadInput("series.nothing")
    tz = targets[0].clinician_tz
    anchor = next((b for b in targets if b.series_index == from_occurrence), None)
    if anchor is None:
        raise BadInput("series.nothing")
    old_wall, new_wall = _wall(anchor.start, tz), _wall(start, tz)
    plan: list[tuple[m.Booking, ds.Occurrence]] = []
    minutes = {b.id: int((b.end - b.start).total_seconds() // 60) for b in targets}
    for b in targets:
        wall = ds.shift_wall(_wall(b.start, tz), old_wall, new_wall)
        occ = ds.resolve(b.series_index or 0, wall, tz, minutes[b.id], moved=True)
        if occ.problem:
            raise SeriesConflict([occ])
        plan.append((b, occ))
    # Later visits move first when the step is forward (and earlier first when back),
    # so a moving visit never runs into another one's old time.
    plan.sort(key=lambda p: p[0].start, reverse=new_wall > old_wall)
    with bk._overlap_refused(), write_session(ctx.engine) as s:
        for b, occ in plan:
            assert occ.start is not None and occ.end is not None  # resolved above, no problem
            row = bk._load_for_change(s, ctx, b.id)
            bk._check_as_seen(row, _as_seen(b, seen))
            clinician = load_resource(s, ctx, row.clinician_id)
            try:
                bk._check_not_past(ctx, occ.start)
                bk._check_open(s, clinician, occ.start, occ.end)
                sharing_terms.check_terms(s, ctx, clinician, occ.start)  # as a reschedule (issue 13)
                sharing_terms.check_quota(s, ctx, clinician, occ.start, occ.end, coop=row.coop, exclude_booking=row.id)
                bk._check_not_taken(s, clinician, occ.start, occ.end, exclude_id=row.id)
                if row.room_id is not None:
                    room = load_resource(s, ctx, row.room_id)
                    bk._check_open(s, room, occ.start, occ.end)
                    bk._check_not_taken(s, room, occ.start, occ.end, exclude_id=row.id)
                if row.interpreter_id is not None:  # the interpreter moves with the visit, as on a reschedule
                    interpreter = load_resource(s, ctx, row.interpreter_id)
                    bk._check_open(s, interpreter, occ.start, occ.end)
                    interpreters.check_free(s, interpreter, occ.start, occ.end, exclude_id=row.id)
            except (BadInput, SlotTaken, NotPermitted) as exc:
                exc.occurrence = occ.index  # which one, for the app to say
                raise
            before = bk._booking_dict(row)
            row.start, row.end, row.updated_at, row.conflict = occ.start, occ.end, ctx.now(), ""
            s.add(row)
            s.flush()
            audit.record(s, ctx, "booking.reschedule", "booking", row.id, coop=row.coop, before=before,
                         after=bk._booking_dict(row))
    return [bk.get_booking(ctx, b.id) for b, _ in sorted(plan, key=lambda p: p[1].index)]

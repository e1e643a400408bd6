"""issue 14: interpreters, a third kind of shared resource, found and booked with a clinician.

A search that names the patient's language (``interpreter_language``) keeps
a clinician who speaks it as is, and pairs a clinician who does not with an
interpreter who speaks both that language and one of the clinician's, free
at the same time. Booking takes clinician, interpreter (and room) in one
write transaction; the database's overlap guard covers ``interpreter_id``
too (SQLite trigger, PostgreSQL ``booking_interpreter_no_overlap``).
"""

from __future__ import annotations

import bisect
import datetime as dt

from sqlmodel import Session

from telecoop.domain import availability as av
from telecoop.domain import model as m
from telecoop.domain import teleconsult as tc
from telecoop.domain import validate as v
from telecoop.domain.errors import BadInput, SlotTaken
from telecoop.services.context import Context
from telecoop.store import interpreters as store_interpreters
from telecoop.store.schedule import closures as closures_between


def language(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    return v.choice(value, "language", m.PATIENT_LANGUAGES)


class Finder:
    """The first interpreter free for ``[t, t + dur)`` who bridges the patient's language and a clinician's."""

    def __init__(self, session: Session, ctx: Context, patient_language: str, lo, hi, dur, snap=None) -> None:
        from telecoop.services.search import bookable, free_map

        self.language, self.dur = patient_language, dur
        found, rules = bookable(session, ctx, kind=m.ResourceKind.INTERPRETER, snap=snap)
        self.interpreters = sorted((r for r in found if patient_language in r.languages),
                                   key=lambda r: (r.coop != ctx.coop, r.id))
        ids = [r.id for r in self.interpreters]
        closures = closures_between(session, ids, {r.coop for r in self.interpreters}, lo, hi)
        busy = store_interpreters.busy(session, ids, lo, hi)
        self.free = free_map(self.interpreters, rules, closures, busy, lo, hi)

    def __call__(self, t: dt.datetime, clinician: m.Resource) -> m.Resource | None:
        end = dt.datetime.__add__(t, self.dur)
        for r in self.interpreters:
            if not tc.interprets(r, self.language, clinician.languages):
                continue
            free = self.free.get(r.id, [])
            i = bisect.bisect_right(free, (t, av.FAR_FUTURE)) - 1
            if i >= 0 and free[i][0] <= t and end <= free[i][1]:
                return r
        return None


def check_named(interpreter: m.Resource, patient_language: str | None, clinician: m.Resource) -> None:
    """Before the lock: a named interpreter is an interpreter who bridges the languages (when one is given)."""
    if interpreter.kind != m.ResourceKind.INTERPRETER:
        raise BadInput("tc.not_interpreter", value=interpreter.id)
    if patient_language and not tc.interprets(interpreter, patient_language, clinician.languages):
        raise BadInput("tc.interpreter_language", name=interpreter.name, language=patient_language)


def check_free(session: Session, interpreter: m.Resource, start: dt.datetime, end: dt.datetime,
               exclude_id: int | None = None) -> None:
    """Inside the write transaction: SlotTaken unless ``interpreter`` is free (with its buffer)."""
    taken = store_interpreters.busy(session, [interpreter.id], start, end, exclude_id)
    if any(s < end and start < e for s, e in av.widen(taken.get(interpreter.id, []), interpreter.buffer_minutes)):
        raise SlotTaken("booking.taken")


def pick(
    session: Session,
    ctx: Context,
    clinician: m.Resource,
    named: m.Resource | None,
    any_interpreter: bool,
    patient_language: str | None,
    start: dt.datetime,
    end: dt.datetime,
) -> m.Resource | None:
    """Inside the write transaction: the named interpreter if still free, else the first free one."""
    if named is not None:
        check_free(session, named, start, end)
        return named
    if not any_interpreter:
        return None
    if not patient_language:
        raise BadInput("tc.interpreter_needs_language")
    chosen = Finder(session, ctx, patient_language, start, end, end - start)(start, clinician)
    if chosen is None:
        raise SlotTaken("tc.no_interpreter")
    return chosen

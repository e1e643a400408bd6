"""A Hypothesis rule-based state machine over the booking services (issue 9).

Staff of several co-ops and roles book, cancel, reschedule, change status,
add closures, and the clock moves on. After every step:

- no two active bookings of a resource (clinician or room) overlap;
- the audit trail grew by exactly one event per change that succeeded and by
  none for a refusal, and a refusal changed nothing at all (bookings,
  closures and audit compared whole);
- no one reads another co-op's patient reference, in bookings or in the
  audit trail.

Status changes follow whatever the life cycle says (it is being tied to the
clock): a refused one must simply change nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pendulum
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from telecoop.domain.errors import TeleCoopError
from telecoop.services import admin as adm
from telecoop.services import audit as aud
from telecoop.services import booking as bk
from telecoop.services.context import open_context

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
START = pendulum.datetime(2026, 12, 7, 12, 0, tz="UTC")  # Monday 07:00 in Gaspésie
# (login, co-op, is a clinician seeing only their own agenda)
STAFF = {
    "recep.gaspesie": "gaspesie", "recep2.gaspesie": "gaspesie", "admin.gaspesie": "gaspesie",
    "fed.admin": "gaspesie", "recep.iles": "iles", "admin.iles": "iles", "clin2.iles": "iles",
    "recep.saguenay": "saguenay", "recep.basse-cote-nord": "basse-cote-nord",
}
CLINICIAN_OF = {"clin2.iles": 8}
CLINICIANS = [1, 2, 4, 7, 8, 10, 12, 17, 18]
ROOMS = [None, None, 40, 42, 45]
STEPS = {"steps": 0, "examples": 0, "changes": 0, "refusals": 0}
_TEMPLATE: list[Path] = []


def _template() -> Path:
    if not _TEMPLATE:
        from telecoop.io import csvio
        from telecoop.store.engine import make_engine

        path = Path(tempfile.mkdtemp(prefix="telecoop-sm-")) / "template.db"
        engine = make_engine(path)
        csvio.import_path(engine, ROOT / "sample_data", actor="test")
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        _TEMPLATE.append(path)
    return _TEMPLATE[0]


class Bookings(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.mkdtemp(prefix="telecoop-sm-")
        self.db = Path(self.tmp) / "t.db"
        shutil.copy(_template(), self.db)
        self.now = START
        self.ctx = {login: open_context(self.db, login, clock=lambda: self.now) for login in STAFF}
        self.ids: list[int] = []
        self.patients: dict[str, str] = {}  # patient reference -> its booking co-op
        self.audit = self._audit_count()
        self.serial = 0
        STEPS["examples"] += 1

    def teardown(self) -> None:
        for ctx in self.ctx.values():
            ctx.engine.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # helpers ---------------------------------------------------------------

    def _sql(self, query: str, *args) -> list:
        conn = sqlite3.connect(self.db)
        try:
            return conn.execute(query, args).fetchall()
        finally:
            conn.close()

    def _audit_count(self) -> int:
        return self._sql("SELECT count(*) FROM audit")[0][0]

    def _state(self) -> tuple:
        return (self._sql("SELECT * FROM booking ORDER BY id"), self._sql("SELECT * FROM closure ORDER BY id"),
                self._audit_count())

    def _attempt(self, change) -> object | None:
        """Run ``change``; on success the audit grew by one; on refusal nothing changed."""
        STEPS["steps"] += 1
        before = self._state()
        try:
            result = change()
        except TeleCoopError:
            STEPS["refusals"] += 1
            assert self._state() == before, "a refused change changed something"
            return None
        STEPS["changes"] += 1
        self.audit += 1
        return result

    def _start(self, data, clinician: int, login: str) -> dt.datetime | str:
        """Mostly a start the search offers, sometimes any quarter hour (often refused)."""
        day = (self.now + dt.timedelta(days=data.draw(st.integers(0, 4), label="day"))).date()
        if data.draw(st.booleans(), label="from search"):
            try:
                slots = bk.search_slots(self.ctx[login], clinician_id=clinician, from_date=day, days=1, limit=12)
            except TeleCoopError:
                slots = []
            if slots:
                return data.draw(st.sampled_from(slots), label="slot").start
        hour = data.draw(st.integers(11, 23), label="utc hour")
        minute = data.draw(st.sampled_from([0, 15, 30, 45]), label="minute")
        return pendulum.datetime(day.year, day.month, day.day, hour, minute, tz="UTC")

    # rules -----------------------------------------------------------------

    @rule(data=st.data(), login=st.sampled_from(sorted(STAFF)), clinician=st.sampled_from(CLINICIANS),
          room=st.sampled_from(ROOMS), duration=st.sampled_from([15, 30, 45, 60, 90]))
    def book(self, data, login, clinician, room, duration):
        start = self._start(data, clinician, login)
        self.serial += 1
        patient = f"P{self.serial}-{STAFF[login]}"
        made = self._attempt(lambda: bk.book(self.ctx[login], clinician_id=clinician, start=start,
                                             duration=duration, consent=True, patient=patient, room_id=room))
        if made is not None:
            self.ids.append(made.id)
            self.patients[patient] = STAFF[login]

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), login=st.sampled_from(sorted(STAFF)))
    def cancel(self, data, login):
        bid = data.draw(st.sampled_from(self.ids), label="booking")
        self._attempt(lambda: bk.cancel(self.ctx[login], bid, reason="Malade"))

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), login=st.sampled_from(sorted(STAFF)))
    def reschedule(self, data, login):
        bid = data.draw(st.sampled_from(self.ids), label="booking")
        clinician = self._sql("SELECT clinician_id FROM booking WHERE id = ?", bid)[0][0]
        start = self._start(data, clinician, login)
        self._attempt(lambda: bk.reschedule(self.ctx[login], bid, start=start))

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), login=st.sampled_from(sorted(STAFF)),
          status=st.sampled_from(["checked-in", "completed", "no-show"]))
    def status(self, data, login, status):
        bid = data.draw(st.sampled_from(self.ids), label="booking")
        self._attempt(lambda: bk.set_status(self.ctx[login], bid, status))

    @rule(login=st.sampled_from(["admin.gaspesie", "admin.iles", "fed.admin", "recep.gaspesie"]),
          resource=st.sampled_from(CLINICIANS + [40, 42]), days=st.integers(0, 4))
    def closure(self, login, resource, days):
        day = (self.now + dt.timedelta(days=days)).date().isoformat()
        self._attempt(lambda: adm.add_closure(self.ctx[login], resource_id=resource, start=day, end=day,
                                              reason="Fermeture"))

    @rule(hours=st.sampled_from([1, 3, 8, 24]))
    def time_passes(self, hours):
        self.now = self.now + dt.timedelta(hours=hours)

    # invariants --------------------------------------------------------------

    @invariant()
    def no_overlap(self):
        rows = self._sql("SELECT id, clinician_id, room_id, start, \"end\" FROM booking"
                         " WHERE status IN ('booked', 'checked_in')")
        for key in (1, 2):
            by: dict = {}
            for r in rows:
                if r[key] is not None:
                    by.setdefault(r[key], []).append((r[3], r[4], r[0]))
            for items in by.values():
                items.sort()
                for a, b in zip(items, items[1:]):
                    assert b[0] >= a[1], f"bookings {a[2]} and {b[2]} overlap"

    @invariant()
    def audit_matches_changes(self):
        assert self._audit_count() == self.audit

    @invariant()
    def no_one_reads_another_coops_patient(self):
        for login, ctx in self.ctx.items():
            seen = [b.patient for b in bk.list_bookings(ctx) if b.patient is not None]
            try:
                seen += [str(e.before) + str(e.after) for e in aud.list_audit(ctx)]
            except TeleCoopError:
                pass  # not everyone may read the audit trail
            text = " ".join(seen)
            for patient, coop in self.patients.items():
                if coop != STAFF[login] and login not in CLINICIAN_OF:
                    assert patient not in text, f"{login} read {patient} of {coop}"


Bookings.TestCase.settings = settings(
    max_examples=30, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestBookings = Bookings.TestCase


def test_zz_report_steps():
    """Runs after the machine (file order): say how much it did."""
    print(f"state machine: {STEPS}")
    if STEPS["examples"]:
        assert STEPS["steps"] > 0

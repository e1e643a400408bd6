"""Big and broken imports (issue 9): book's rules at file:line:column, linear overlap
check, validation outside the writers' turn, and "busy, try again" for a writer kept waiting."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from telecoop.io import csvio
from telecoop.store import tables as tb
from telecoop.store.engine import make_engine, read_then_write, write_session, writer_turn
from tests.test_import import BK_HEADER, refused, write_csv  # noqa: F401  (fixtures below)
from tests.test_import import db, engine  # noqa: F401

ROW = "{id},1,,gaspesie,recep.gaspesie,{start},{end},AB,,video,booked,"


def _bookings(tmp_path, *rows: str):
    return write_csv(tmp_path / "in", "bookings.csv", BK_HEADER + "\n" + "\n".join(rows) + "\n")


@pytest.mark.parametrize(
    "start, end",
    [
        ("2026-12-07T14:00:00Z", "2026-12-07T22:01:00Z"),  # 8 h 01: over book's 480 min
        ("2026-12-07T14:00:00Z", "2026-12-09T14:00:00Z"),  # two days
        ("2026-12-07T14:00:00Z", "2026-12-07T14:04:00Z"),  # under 5 min
        ("2026-12-07T14:00:00Z", "2026-12-07T14:30:30Z"),  # not whole minutes
    ],
)
def test_import_applies_books_duration_rule_at_file_line_column(engine, db, tmp_path, start, end):  # noqa: F811
    path = _bookings(tmp_path, ROW.format(id=5, start="2026-12-07T10:00:00Z", end="2026-12-07T10:30:00Z"),
                     ROW.format(id=6, start=start, end=end))
    assert refused(engine, db, path) == [("bookings.csv", 3, "end", "booking.duration")]


def test_ten_thousand_rows_at_one_start_are_refused_each_once(engine, db, tmp_path):  # noqa: F811
    rows = [ROW.format(id=i, start="2026-12-07T14:00:00Z", end="2026-12-07T14:30:00Z") for i in range(1, 10_001)]
    problems = refused(engine, db, _bookings(tmp_path, *rows))
    # Every row but the first overlaps; each is named once, in line order.
    assert len(problems) == 9_999
    assert problems[0] == ("bookings.csv", 3, "start", "import.booking_overlap")
    assert problems[-1][1] == 10_001


def test_nested_and_chained_overlaps_found_by_the_sweep(engine, db, tmp_path):  # noqa: F811
    rows = [
        ROW.format(id=1, start="2026-12-07T14:00:00Z", end="2026-12-07T18:00:00Z"),  # long
        ROW.format(id=2, start="2026-12-07T15:00:00Z", end="2026-12-07T15:30:00Z"),  # inside 1
        ROW.format(id=3, start="2026-12-07T17:30:00Z", end="2026-12-07T18:30:00Z"),  # overlaps 1, not 2
        ROW.format(id=4, start="2026-12-07T18:30:00Z", end="2026-12-07T19:00:00Z"),  # touches 3: fine
    ]
    assert [p[1] for p in refused(engine, db, _bookings(tmp_path, *rows))] == [3, 4]


def _other_writes(path, row) -> None:
    other = make_engine(path)
    with write_session(other) as s:
        s.add(row)
    other.dispose()


def _booking(bid: int, start: str, end: str) -> tb.BookingRow:
    return tb.BookingRow(
        id=bid, clinician_id=1, coop="gaspesie", booked_by="recep.gaspesie",
        start=csvio._utc_instant(start, "start"), end=csvio._utc_instant(end, "end"), patient="ZZ", reason="",
        mode="video", status="booked", cancel_reason="", created_at=csvio._now(), updated_at=csvio._now(),
    )


@pytest.mark.parametrize("busy_rounds", [1, 3])
def test_a_write_between_validation_and_insert_is_caught(engine, db, tmp_path, monkeypatch, busy_rounds):  # noqa: F811
    """Validation reads outside the lock; a booking committed meanwhile is caught by validating again:
    outside the lock while someone keeps writing (twice), then under it."""
    path = _bookings(tmp_path, ROW.format(id=7, start="2026-12-07T14:00:00Z", end="2026-12-07T14:30:00Z"))
    original = csvio._Check.overlaps
    calls = []

    def overlaps_then_someone_writes(self):
        original(self)
        calls.append(1)
        if len(calls) < busy_rounds:  # someone keeps writing something harmless
            _other_writes(db, tb.CoopRow(slug=f"c{len(calls)}", name="C", region="R", tz="America/Toronto", lang="fr"))
        elif len(calls) == busy_rounds:  # then books over the imported row
            _other_writes(db, _booking(99, "2026-12-07T14:15:00Z", "2026-12-07T14:45:00Z"))

    monkeypatch.setattr(csvio._Check, "overlaps", overlaps_then_someone_writes)
    with pytest.raises(csvio.ImportErrors) as info:
        csvio.import_path(engine, path)
    assert len(calls) == busy_rounds + 1
    assert [p[3] for p in info.value.problems] == ["import.booking_overlap"]


def test_read_then_write_tells_whether_someone_committed(db, engine):  # noqa: F811
    import engines

    with read_then_write(engine) as rw:
        with rw.write() as (_s, changed):
            assert changed is engines.ON_PG  # (PostgreSQL: conservatively "changed", always)
    with read_then_write(engine) as rw:
        other = make_engine(db)
        with write_session(other) as s:
            s.add(tb.CoopRow(slug="autre", name="Autre", region="R", tz="America/Toronto", lang="fr"))
        other.dispose()
        with rw.write() as (_s, changed):
            assert changed is True


def test_import_validates_outside_the_writers_turn(engine, db, tmp_path, monkeypatch):  # noqa: F811
    """While an import validates, another writer gets its turn at once."""
    path = _bookings(tmp_path, ROW.format(id=7, start="2026-12-07T14:00:00Z", end="2026-12-07T14:30:00Z"))
    original = csvio._Check.overlaps
    took_turn = []

    def overlaps_while_other_writes(self):
        original(self)
        if not took_turn:
            done = threading.Event()

            def other():
                with writer_turn(engine):
                    took_turn.append(True)
                done.set()

            threading.Thread(target=other).start()
            assert done.wait(10), "a writer waited for an import that was only validating"

    monkeypatch.setattr(csvio._Check, "overlaps", overlaps_while_other_writes)
    assert csvio.import_path(engine, path) == {"bookings": 1}


@pytest.mark.slow
@pytest.mark.sqlite_only("holds SQLite's writers' lock file and compares the file's bytes; "
                         "PostgreSQL's advisory-lock wait is in tests/test_postgres.py")
@pytest.mark.parametrize("lang, text", [("en", "busy"), ("fr", "occupée")])
def test_a_writer_kept_waiting_gets_busy_try_again(db_path, lang, text):
    """A writer waits for its turn at most the busy timeout, then exit 1 and one clear line."""
    eng = make_engine(db_path)
    before = db_path.read_bytes()
    env = dict(os.environ, TELECOOP_BUSY_TIMEOUT_MS="300")
    with writer_turn(eng):  # someone else's long write
        proc = subprocess.run(
            [sys.executable, "-m", "telecoop.cli", "--db", str(db_path), "--as", "recep.gaspesie", "--lang", lang,
             "cancel", "1", "--reason", "x"],
            capture_output=True, text=True, env=env, timeout=60,
        )
    eng.dispose()
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1 and text in proc.stderr and "Traceback" not in proc.stderr
    assert db_path.read_bytes() == before


@pytest.mark.sqlite_only("SQLite's writers' lock file; PostgreSQL's advisory-lock wait is in tests/test_postgres.py")
def test_a_writer_thread_kept_waiting_gets_busy_too(engine, monkeypatch):  # noqa: F811
    """The app's workers (threads: no alarm signal) poll for their turn, bounded the same way."""
    from telecoop.domain.errors import Busy
    from telecoop.store import engine as store_engine

    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 200)
    outcome: list[object] = []

    def worker():
        try:
            with writer_turn(engine):
                outcome.append("got the turn")
        except Busy as exc:
            outcome.append(exc)

    with writer_turn(engine):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], Busy)
    assert outcome[0].exit_code == 1 and "busy" in outcome[0].message("en")
    thread = threading.Thread(target=worker)  # and once the holder is done, the turn is free
    thread.start()
    thread.join(timeout=30)
    assert outcome[1] == "got the turn"

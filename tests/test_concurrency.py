"""Sixteen processes race for the same and overlapping slots (DESIGN section 5).

Each process runs the real CLI (``telecoop book``) against one database (an
SQLite file, or with TELECOOP_TEST_DB=postgresql a PostgreSQL database);
a barrier releases them together. Winners never overlap; every loser gets
exit 1 and the plain message; nothing else fails.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import multiprocessing as mp
import engines
import pendulum
import pytest

pytestmark = pytest.mark.slow


def _next_quiet_tuesday() -> dt.date:
    """A Tuesday at least a week ahead, away from the sample data's December closures."""
    day = pendulum.now("America/Toronto").date() + dt.timedelta(days=7)
    while day.weekday() != 1 or (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 5):
        day += dt.timedelta(days=1)
    return day


def _racer(db: str, argv: list[str], barrier, out) -> None:
    from telecoop.cli import main

    err = io.StringIO()
    barrier.wait()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["--db", db, "--lang", "en", "--as", "recep.gaspesie", *argv])
    out.put((argv, code, err.getvalue()))


def test_sixteen_processes_never_double_book(db_path):
    day = _next_quiet_tuesday().isoformat()
    attempts = []
    # Clinician 8 (Îles, Halifax time, buffer 10): same and overlapping intervals.
    attempts += [["book", "--consent", "--clinician", "8", "--start", f"{day}T10:00", "--duration", "30", "--patient", f"P{i}"] for i in range(5)]
    attempts += [["book", "--consent", "--clinician", "8", "--start", f"{day}T10:15", "--duration", "30", "--patient", f"Q{i}", "--room", "40"] for i in range(3)]
    # Clinicians 1 and 4 (Gaspésie, Toronto time) want room 40 at 09:00 / 09:15 Toronto.
    attempts += [["book", "--consent", "--clinician", "1", "--start", f"{day}T09:00", "--duration", "30", "--patient", f"R{i}", "--room", "40"] for i in range(4)]
    attempts += [["book", "--consent", "--clinician", "4", "--start", f"{day}T09:15", "--duration", "30", "--patient", f"S{i}", "--room", "40"] for i in range(4)]
    assert len(attempts) == 16

    ctx = mp.get_context("fork")
    barrier, out = ctx.Barrier(len(attempts)), ctx.Queue()
    procs = [ctx.Process(target=_racer, args=(str(db_path), argv, barrier, out)) for argv in attempts]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    codes = sorted(code for _argv, code, _err in results)
    assert set(codes) <= {0, 1}, results  # nothing else fails (no exit 2, no crash)
    assert codes.count(0) >= 1
    for _argv, code, err in results:
        if code == 1:
            assert "this slot was just taken" in err, err
            assert "Traceback" not in err
    # Every loser lost to a real conflict: asked again, alone, it is still refused.
    from telecoop.cli import main

    for argv in {tuple(a) for a, code, _err in results if code == 1}:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            assert main(["--db", str(db_path), "--lang", "en", "--as", "recep.gaspesie", *argv]) == 1

    conn = engines.Direct(db_path)
    rows = conn.execute(
        "SELECT clinician_id, room_id, start, \"end\" FROM booking WHERE status IN ('booked','checked_in')"
    ).fetchall()
    assert len(rows) == codes.count(0)
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            overlap = a[2] < b[3] and b[2] < a[3]
            assert not (overlap and a[0] == b[0]), (a, b)
            assert not (overlap and a[1] is not None and a[1] == b[1]), (a, b)

    # A direct SQL insert that overlaps a winner is refused by the database itself.
    cid, room, start, end = rows[0]
    with pytest.raises(conn.integrity_error) as refused:
        conn.execute(
            "INSERT INTO booking (clinician_id, room_id, coop, booked_by, start, \"end\", patient, reason, mode,"
            " status, cancel_reason, created_at, updated_at)"
            " VALUES (?, ?, 'gaspesie', 'sql', ?, ?, 'X', '', 'video', 'booked', '', ?, ?)",
            (cid, room, start, end, start, start),
        )
    assert conn.is_overlap(refused.value), refused.value
    conn.close()

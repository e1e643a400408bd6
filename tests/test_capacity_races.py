"""issue 13: races through the real CLI on one SQLite file — a held slot, and a partner's quota.

Sixteen processes each run ``telecoop`` and wait on one barrier. On a held
slot only the holder books; against a quota the partner's booked hours never
pass it, however many bookings race for the last minutes.
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing as mp

import pytest

from tests.test_concurrency import _next_quiet_tuesday

pytestmark = pytest.mark.slow


def _cli(db: str, login: str, argv: list[str]) -> tuple[int, str, str]:
    from telecoop.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(["--db", db, "--lang", "en", "--as", login, *argv])
    return code, out.getvalue(), err.getvalue()


def _sql(db, query) -> list:
    """Rows of one query on the database under test, whichever the engine."""
    import sqlalchemy as sa

    from telecoop.store.engine import make_engine

    engine = make_engine(db, create=False)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text(query) if isinstance(query, str) else query).all())
    finally:
        engine.dispose()


def _racer(db: str, login: str, argv: list[str], barrier, queue) -> None:
    barrier.wait()
    queue.put((login, argv, *_cli(db, login, argv)))


def _race(db: str, attempts: list[tuple[str, list[str]]]) -> list[tuple]:
    ctx = mp.get_context("fork")
    barrier, queue = ctx.Barrier(len(attempts)), ctx.Queue()
    procs = [ctx.Process(target=_racer, args=(db, login, argv, barrier, queue)) for login, argv in attempts]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return results


def test_sixteen_processes_race_for_a_held_slot_and_only_the_holder_books(db_path):
    day = _next_quiet_tuesday().isoformat()
    slot = ["--clinician", "8", "--start", f"{day}T10:00", "--duration", "30"]
    code, out, err = _cli(str(db_path), "recep.gaspesie", ["hold", *slot, "--minutes", "30", "--json"])
    assert code == 0, err
    hold = json.loads(out)
    attempts = [("recep.gaspesie", ["book", "--hold", str(hold["id"]), "--patient", "HOLDER", "--consent"])]
    for i in range(9):  # the same and overlapping times, by every kind of co-op
        login = ("recep.iles", "recep.basse-cote-nord", "recep.gaspesie")[i % 3]
        start = f"{day}T10:{(0, 15, 0)[i % 3]:02d}"
        attempts.append((login, ["book", "--clinician", "8", "--start", start, "--duration", "30", "--patient", f"P{i}", "--consent"]))
    for i in range(6):  # others try to hold it too
        login = ("recep.iles", "recep.saguenay")[i % 2]
        attempts.append((login, ["hold", "--clinician", "8", "--start", f"{day}T09:45", "--duration", "30"]))
    assert len(attempts) == 16
    results = _race(str(db_path), attempts)
    for _login, argv, code, _out, err in results:
        if "HOLDER" in argv:
            assert code == 0, err
        else:
            assert code == 1 and "this slot was just taken" in err and "Traceback" not in err, (argv, err)
    rows = _sql(db_path, "SELECT coop, patient FROM booking WHERE clinician_id = 8 AND status = 'booked'")
    assert [tuple(r) for r in rows] == [("gaspesie", "HOLDER")]
    assert _sql(db_path, "SELECT count(*) FROM hold WHERE status = 'held'")[0][0] == 0


def test_sixteen_processes_never_push_a_partner_past_its_quota(db_path):
    import datetime as dt

    tuesday = _next_quiet_tuesday()
    # Clinician 5 (Gaspésie, nutrition, no buffer, 08:30-12:00 and 13:00-16:30): Îles may book 1.5 h a week.
    code, _out, err = _cli(str(db_path), "admin.gaspesie", ["sharing", "set", "5", "--quota", "iles=1.5"])
    assert code == 0, err
    wednesday = tuesday + dt.timedelta(days=1)  # the same ISO week
    starts = [f"{d}T{t}" for d in (tuesday, wednesday) for t in ("08:30", "09:00", "09:30", "10:00", "10:30",
                                                                  "11:00", "11:30", "13:00")]
    attempts = [("recep.iles", ["book", "--clinician", "5", "--start", start, "--duration", "30", "--patient", f"Q{i}", "--consent"])
                for i, start in enumerate(starts)]
    assert len(attempts) == 16
    results = _race(str(db_path), attempts)
    won = [r for r in results if r[2] == 0]
    refused = [r for r in results if r[2] != 0]
    assert len(won) == 3  # 3 x 30 min = the 1.5 h, whoever came first
    for _login, _argv, code, _out, err in refused:
        assert code == 1 and err.startswith("telecoop: quota reached: iles already has 1.5 h"), err
    from sqlmodel import select

    from telecoop.store import tables as tb

    B = tb.BookingRow
    rows = _sql(db_path, select(B.start, B.end).where(B.clinician_id == 5, B.coop == "iles", B.status == "booked"))
    assert sum((e - s).total_seconds() for s, e in rows) == 90 * 60

"""Crashes and state (issue 9): `telecoop book` killed at random moments leaves a whole
database; `backup` taken while 8 processes write is a copy that passes `check`."""

from __future__ import annotations

import importlib.util
import multiprocessing as mp
import sqlite3
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def _kills_module():
    spec = importlib.util.spec_from_file_location("kills", ROOT / "benchmarks" / "kills.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.sqlite_only("benchmarks/kills.py reads the SQLite file (journal, integrity_check); on PostgreSQL a "
                         "killed client's transaction is rolled back by the server (tests/test_postgres.py)")
def test_book_killed_at_random_moments_twenty_times(db_path):
    stats = _kills_module().run_kills(db_path, kills=20, seed=20261129)
    assert stats["kills"] == 20
    print(f"kills: {stats}")


def _writer(db: str, clinician: int, day_offset: int, n: int, out) -> None:
    import datetime as dt

    from telecoop.domain.errors import TeleCoopError
    from telecoop.services.booking import book, search_slots
    from telecoop.services.context import open_context

    ctx = open_context(Path(db), "recep.gaspesie")
    made = 0
    day = dt.date(2030, 3, 11) + dt.timedelta(days=day_offset)
    for slot in search_slots(ctx, clinician_id=clinician, from_date=day, days=30, limit=n * 3)[:: 3][:n]:
        try:
            book(ctx, clinician_id=clinician, start=slot.start, duration=30, consent=True, patient=f"W{clinician}-{made}")
            made += 1
        except TeleCoopError:
            pass
    out.put(made)


@pytest.mark.sqlite_only("telecoop backup copies an SQLite file; PostgreSQL's backups are pg_dump's")
def test_backup_during_eight_writers_passes_check(db_path, tmp_path):
    from telecoop.services.admin import backup_to, check
    from telecoop.services.context import open_context
    from telecoop.store.engine import make_engine

    ctx = mp.get_context("fork")
    out = ctx.Queue()
    clinicians = [1, 2, 4, 5, 6, 8, 10, 11]
    procs = [ctx.Process(target=_writer, args=(str(db_path), c, i, 15, out)) for i, c in enumerate(clinicians)]
    for p in procs:
        p.start()
    admin = open_context(db_path, "fed.admin")
    copies = []
    while any(p.is_alive() for p in procs) or not copies:  # back up again and again while they write
        target = tmp_path / f"copy{len(copies)}.db"
        backup_to(admin, target)
        copies.append(target)
    made = sum(out.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert made > 0
    for target in copies:
        engine = make_engine(target, create=False)
        try:
            assert check(engine).integrity == "ok"
        finally:
            engine.dispose()
        conn = sqlite3.connect(target)
        rows = conn.execute("SELECT clinician_id, start, \"end\" FROM booking WHERE status IN ('booked','checked_in')"
                            " ORDER BY clinician_id, start").fetchall()
        conn.close()
        for a, b in zip(rows, rows[1:]):
            assert not (a[0] == b[0] and b[1] < a[2]), (a, b)
    print(f"backups taken during 8 writers: {len(copies)}; bookings made: {made}")

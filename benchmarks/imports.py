"""Big and broken imports: how long they take and how long a receptionist's `book` waits.

    python benchmarks/imports.py [--rows 100000] [--bad-rows 10000]

On a copy of sample_data/ (50 resources, 39 clinicians):

1. ``bad``: ``--bad-rows`` booking rows that all start at the same instant on
   the same clinician (every row but one overlaps). Before issue 9 the overlap
   check compared every pair inside the write lock (138 s for 10,000 rows);
   now it is a sweep over rows sorted per resource, and it runs before the
   lock. The import is refused; we time it.
2. ``good``: ``--rows`` valid, back-to-back bookings spread over the
   clinicians; the import succeeds; we time it.
3. ``book during import``: while (2) runs again on a fresh copy, another
   process books one slot through ``telecoop book`` repeatedly; its worst
   wall-clock latency is what a receptionist would feel.

Reference, timed in the same run: the same ``--rows`` rows inserted with
plain sqlite3 ``executemany`` into the same schema (the floor for any
import); every figure is printed beside it as a ratio, and also as ratios to
the shared references of ``reference.py`` (importing the stack, one indexed
query on SQLite, a Python loop), timed at the start and at the end of the run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from reference import References  # noqa: E402

from telecoop.domain.errors import ImportErrors  # noqa: E402
from telecoop.io import csvio  # noqa: E402
from telecoop.store.engine import make_engine  # noqa: E402

HEADER = csvio.COLUMNS["bookings"]
BASE = dt.datetime(2020, 1, 6, 13, 0, tzinfo=dt.timezone.utc)


def clinicians() -> list[tuple[int, str]]:
    with open(ROOT / "sample_data" / "resources.csv", encoding="utf-8", newline="") as fh:
        return [(int(r["id"]), r["coop"]) for r in csv.DictReader(fh) if r["kind"] == "clinician"]


def z(instant: dt.datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_bookings(folder: Path, rows: list[list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "bookings.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    return folder


def good_rows(n: int) -> list[list[str]]:
    cl = clinicians()
    out = []
    for i in range(n):
        cid, coop = cl[i % len(cl)]
        start = BASE + dt.timedelta(minutes=30 * (i // len(cl)))
        out.append([str(100_000 + i), str(cid), "", coop, "fed.admin", z(start), z(start + dt.timedelta(minutes=30)),
                    f"P{i}", "", "video", "booked", ""])
    return out


def bad_rows(n: int) -> list[list[str]]:
    cid, coop = clinicians()[0]
    end = BASE + dt.timedelta(minutes=30)
    return [[str(100_000 + i), str(cid), "", coop, "fed.admin", z(BASE), z(end), f"P{i}", "", "video", "booked", ""]
            for i in range(n)]


def template(work: Path) -> Path:
    path = work / "template.db"
    engine = make_engine(path)
    csvio.import_path(engine, ROOT / "sample_data")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def fresh(tpl: Path, work: Path, name: str) -> Path:
    target = work / name
    shutil.copy(tpl, target)
    return target


def reference(db: Path, rows: list[list[str]]) -> float:
    """Plain sqlite3 executemany of the same rows: the floor."""
    conn = sqlite3.connect(db, isolation_level=None)
    t0 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        'INSERT INTO booking (id, clinician_id, room_id, coop, booked_by, start, "end", patient, reason, mode, status,'
        " cancel_reason, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(int(r[0]), int(r[1]), None, r[3], r[4], r[5].replace("T", " ").rstrip("Z") + ".000000",
          r[6].replace("T", " ").rstrip("Z") + ".000000", r[7], r[8], r[9], r[10], r[11],
          "2020-01-01 00:00:00.000000", "2020-01-01 00:00:00.000000") for r in rows],
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def timed_import(db: Path, folder: Path) -> tuple[float, int]:
    engine = make_engine(db)
    t0 = time.perf_counter()
    problems = 0
    try:
        csvio.import_path(engine, folder)
    except ImportErrors as exc:
        problems = len(exc.problems)
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return elapsed, problems


def book_latencies(db: Path, stop: Path) -> subprocess.Popen:
    """A process that books (and cancels) one future slot again and again until ``stop`` exists."""
    code = f"""
import os, sys, time, json
sys.path.insert(0, {str(ROOT / 'src')!r})
from telecoop.cli import main
import contextlib, io
worst, n = 0.0, 0
while not os.path.exists({str(stop)!r}):
    t0 = time.perf_counter()
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--db", {str(db)!r}, "--as", "recep.gaspesie", "book", "--consent", "--clinician", "8",
                     "--start", "2030-03-12T10:00", "--duration", "30", "--patient", "AB", "--json"])
    worst = max(worst, time.perf_counter() - t0)
    n += 1
    if code == 0:
        bid = json.loads(out.getvalue())["id"]
        with contextlib.redirect_stdout(io.StringIO()):
            main(["--db", {str(db)!r}, "--as", "recep.gaspesie", "cancel", str(bid), "--reason", "bench"])
print(json.dumps({{"worst": worst, "calls": n}}))
"""
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--bad-rows", type=int, default=10_000)
    args = ap.parse_args()
    refs = References().take()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tpl = template(work)
        good = good_rows(args.rows)
        ref = reference(fresh(tpl, work, "ref.db"), good)
        print(f"reference: sqlite3 executemany of {args.rows:,} rows: {ref:.2f} s")
        figures = [(f"sqlite3 executemany, {args.rows:,} rows", ref)]

        folder = write_bookings(work / "bad", bad_rows(args.bad_rows))
        t, problems = timed_import(fresh(tpl, work, "bad.db"), folder)
        print(f"bad import, {args.bad_rows:,} rows at one start: {t:.2f} s, refused with {problems:,} problems"
              f"  (x{t / ref:.1f} reference)")
        figures.append((f"bad import, {args.bad_rows:,} rows", t))

        folder = write_bookings(work / "good", good)
        t, problems = timed_import(fresh(tpl, work, "good.db"), folder)
        assert problems == 0
        print(f"good import, {args.rows:,} rows: {t:.2f} s  (x{t / ref:.1f} reference)")
        figures.append((f"good import, {args.rows:,} rows", t))

        db = fresh(tpl, work, "busy.db")
        stop = work / "stop"
        booker = book_latencies(db, stop)
        time.sleep(1.0)  # let the booker start its loop before the import begins
        t, problems = timed_import(db, folder)
        stop.touch()
        result = booker.communicate(timeout=120)[0]
        import json
        stats = json.loads(result)
        print(f"book during the {args.rows:,}-row import: worst {stats['worst']:.2f} s over {stats['calls']} calls"
              f" (import {t:.2f} s; x{stats['worst'] / ref:.1f} reference)")
        figures.append(("book during the import, worst", stats["worst"]))
    refs.take()
    print()
    for line in refs.lines():
        print(line)
    print("The timings as ratios to these references (figure / reference median):")
    width = max(len(name) for name, _ in figures)
    for name, seconds in figures:
        print(f"  {name:<{width}}  {seconds:7.2f} s  {refs.ratio_text(seconds)}")


if __name__ == "__main__":
    main()

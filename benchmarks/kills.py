"""Kill `telecoop book` at random moments; after each kill the database must be whole.

    python benchmarks/kills.py [--kills 100] [--seed 9]

On a copy of sample_data/, one `telecoop book --json` process at a time is
started (a real subprocess, the installed CLI) and killed with SIGKILL after
a random delay between 0 and the time a whole `book` takes (measured first,
in the same run: that is the reference). After each kill:

- `telecoop check` passes (integrity ok, exit 0);
- every booking a process reported on stdout before it died is in the
  database, with its patient reference;
- no booking exists that was neither reported nor made by a process that
  died before reporting (each attempt books a distinct patient, so a half-made
  booking would show up as an extra row with a wrong shape; we count them).

Prints how many kills landed before, during and after the write, and every
timing also as ratios to the shared references of ``reference.py``
(importing the stack, one indexed query on SQLite, a Python loop), timed at
the start and at the end of the same run.
tests/test_crashes.py runs the same function 20 times in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cli(db: Path, *argv: str) -> list[str]:
    return [sys.executable, "-m", "telecoop.cli", "--db", str(db), "--lang", "en", "--as", "recep.gaspesie", *argv]


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def free_starts(db: Path, n: int) -> list[str]:
    """``n`` free 30-minute starts (UTC) of clinician 8, a year ahead, from the CLI itself."""
    out = subprocess.run(_cli(db, "slots", "--clinician", "8", "--from", "2030-03-11", "--days", "60", "--limit",
                              str(n * 3), "--json"), capture_output=True, text=True, env=_env(), check=True).stdout
    starts, last = [], None
    for slot in json.loads(out):
        # every third slot: 30-min bookings at least 45 min apart clear the buffer
        if last is None or slot["start"] >= last:
            starts.append(slot["start"])
            last = _plus_minutes(slot["start"], 45)
    return starts[:n]


def _plus_minutes(iso: str, minutes: int) -> str:
    import datetime as dt

    t = dt.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ") + dt.timedelta(minutes=minutes)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def run_kills(db: Path, kills: int, seed: int) -> dict:
    """Book-and-kill ``kills`` times on ``db``; assert the invariants; return counts."""
    rng = random.Random(seed)
    starts = free_starts(db, kills + 1)
    assert len(starts) >= kills + 1, "not enough free slots"
    # Reference: one whole, unkilled book.
    t0 = time.perf_counter()
    done = subprocess.run(_cli(db, "book", "--consent", "--clinician", "8", "--start", starts[0], "--duration", "30",
                               "--patient", "REF", "--json"), capture_output=True, text=True, env=_env())
    whole = time.perf_counter() - t0
    assert done.returncode == 0, done.stderr
    reported = {json.loads(done.stdout)["id"]: "REF"}
    stats = {"kills": 0, "reported": 0, "not_reported_but_written": 0, "not_written": 0, "whole_book_s": whole}
    for i, start in enumerate(starts[1:kills + 1]):
        patient = f"K{i}"
        proc = subprocess.Popen(_cli(db, "book", "--consent", "--clinician", "8", "--start", start, "--duration", "30",
                                     "--patient", patient, "--json"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
        try:
            proc.wait(timeout=rng.uniform(0, whole * 1.1))  # a random moment of its life
        except subprocess.TimeoutExpired:
            pass
        proc.send_signal(signal.SIGKILL)
        out, _err = proc.communicate()
        stats["kills"] += 1
        if out.strip():
            try:
                reported[json.loads(out)["id"]] = patient
                stats["reported"] += 1
            except ValueError:
                pass  # killed mid-print: nothing was promised
        check = subprocess.run(_cli(db, "check"), capture_output=True, text=True, env=_env())
        assert check.returncode == 0 and "integrity: ok" in check.stdout, (check.stdout, check.stderr)
        conn = sqlite3.connect(db)
        try:
            rows = dict(conn.execute("SELECT id, patient FROM booking").fetchall())
        finally:
            conn.close()
        for bid, who in reported.items():
            assert rows.get(bid) == who, f"booking {bid} ({who}) was reported but is not there"
        if patient in rows.values() and patient not in reported.values():
            stats["not_reported_but_written"] += 1  # died after the commit, before printing: fine
        elif patient not in rows.values():
            stats["not_written"] += 1
        assert len(rows) == len(set(rows.values())), "a booking was written twice"
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--seed", type=int, default=9)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from reference import References
    from telecoop.io import csvio
    from telecoop.store.engine import make_engine

    refs = References().take()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kills.db"
        engine = make_engine(db)
        csvio.import_path(engine, ROOT / "sample_data")
        engine.dispose()
        t0 = time.perf_counter()
        stats = run_kills(db, args.kills, args.seed)
        total = time.perf_counter() - t0
    print(f"reference: one whole `telecoop book`: {stats['whole_book_s']:.2f} s")
    print(f"kills: {stats['kills']}  reported then killed: {stats['reported']}  written but not reported: "
          f"{stats['not_reported_but_written']}  killed before the write: {stats['not_written']}")
    print(f"after every kill: check ok, every reported booking present, none doubled "
          f"({total:.1f} s, x{total / stats['whole_book_s']:.0f} reference)")
    refs.take()
    print()
    for line in refs.lines():
        print(line)
    print("The timings as ratios to these references (figure / reference median):")
    for name, seconds in (("one whole `telecoop book`", stats["whole_book_s"]),
                          (f"{stats['kills']} kills, each checked", total)):
        print(f"  {name:<26}  {seconds:7.2f} s  {refs.ratio_text(seconds)}")


if __name__ == "__main__":
    main()

"""Live refresh (issue 12): how long another host's change takes to reach the screen, and silence when idle.

    python benchmarks/live.py [--db postgresql:///DBNAME] [--changes 50] [--idle 30] [--no-sqlite]

Runs the real app (``python -m telecoop --low-bandwidth``, recep.gaspesie, on
Find a slot) in an 80x24 pseudo-terminal (``ptydriver.PtySession``) over the
demo federation, and from this process, like another host would, commits
``--changes`` changes one at a time: the co-op "du Fjord" renamed
"...Fjord-07", "...Fjord-08"... Each change is timed from just before its
statement is sent to the moment its new name is on the terminal's screen
(the whole path: commit, notification or poll, the app's re-query, the
search again, the bytes written, read back by the driver). Between two
changes a pause of 0.2-0.6 s (fixed pseudo-random), so changes fall
anywhere in SQLite's poll period and are not coalesced.

- PostgreSQL: LISTEN/NOTIFY (store/watch.py NotifyWatcher). Then ``--idle``
  seconds with no change: the bytes written to the terminal (the target is
  0) and whether the app's sessions sent the server any query meanwhile
  (``pg_stat_activity.state_change`` of each ``telecoop*`` session).
- SQLite (unless ``--no-sqlite``): the same changes on a copy of the demo in
  a file, noticed by ``PRAGMA data_version`` every 1.5 s: the same-run
  comparison.

Without ``--db`` a throwaway database ``issue12_live_bench_<hex>`` is made on
the local server (Unix socket) and dropped at the end. Every figure is also
printed as a ratio to references timed in the same run: a raw NOTIFY round
trip between two psycopg connections on the same server (the floor of the
PostgreSQL path), and, when benchmarks/reference.py is present, its three
shared references (importing the stack, one indexed query, a Python loop).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

from bandwidth import clean_env  # noqa: E402
from ptydriver import PtySession  # noqa: E402

LOGIN = "recep.gaspesie"
COOP = "saguenay"  # "Coopérative de santé du Fjord": shown as "Fjord" in the results' Co-op column
NAME = "Coopérative de santé du Fjord-{i:02d}"
SHOWN = "Fjord-{i:02d}"
TARGET_S = 2.0  # the issue: a change made on one host shows on another within 2 s


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def app_argv(db: str) -> list[str]:
    return [sys.executable, "-m", "telecoop", "--db", db, "--lang", "en", "--as", LOGIN, "--low-bandwidth"]


def build_demo(db: str) -> None:
    subprocess.run([sys.executable, "-m", "telecoop", "--db", db, "--lang", "en", "demo"],
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True, env=clean_env())


def measure(pty: PtySession, rename, changes: int, first: int) -> list[float]:
    """Seconds from each change's statement to its name on the screen."""
    pauses = random.Random(12)
    out = []
    for i in range(first, first + changes):
        time.sleep(pauses.uniform(0.2, 0.6))  # the benchmark's own pacing, not a wait for the app
        t0 = time.monotonic()
        rename(NAME.format(i=i))
        if not pty.wait_for(SHOWN.format(i=i), timeout=15):
            raise SystemExit(f"change {i} never showed; the screen:\n{pty.screen_text()}")
        out.append(time.monotonic() - t0)
    return out


def notify_round_trip(url: str, n: int = 50) -> list[float]:
    """The floor: NOTIFY committed on one connection, heard on another (raw psycopg, same server)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as listener, psycopg.connect(url, autocommit=True) as sender:
        listener.execute("LISTEN telecoop_bench")
        out = []
        for _ in range(n):
            t0 = time.monotonic()
            sender.execute("SELECT pg_notify('telecoop_bench', 'x')")
            next(listener.notifies(timeout=5, stop_after=1))
            out.append(time.monotonic() - t0)
    return out


def app_sessions(url: str) -> dict[int, tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid, application_name, state_change FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name LIKE 'telecoop%%'"
        ).fetchall()
    return {pid: (name, changed) for pid, name, changed in rows}


def run_pg(url: str, args) -> dict:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'coop'").fetchone()[0]:
            print("building the demo federation in", url, "...", flush=True)
            build_demo(url)

        def rename(name: str) -> None:
            conn.execute("UPDATE coop SET name = %s WHERE slug = %s", (name, COOP))

        with PtySession(app_argv(url), env=clean_env()) as pty:
            if not pty.wait_for("free slot", timeout=60):
                raise SystemExit("the app did not start:\n" + pty.screen_text())
            pty.wait_quiet(0.5, timeout=30)
            before = app_sessions(url)
            idle = pty.idle(args.idle)
            after = app_sessions(url)
            latencies = measure(pty, rename, args.changes, first=1)
        rename("Coopérative de santé du Fjord")
    queried = [pid for pid, (_, changed) in before.items() if after.get(pid, (None, None))[1] != changed]
    return {
        "latencies": latencies,
        "idle_bytes": len(idle.data),
        "sessions": sorted(name for name, _ in before.values()),
        "sessions_that_queried": len(queried),
    }


def run_sqlite(args) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="telecoop-live-") as tmp:
        db = str(Path(tmp) / "demo.db")
        build_demo(db)
        conn = sqlite3.connect(db, isolation_level=None, timeout=20)

        def rename(name: str) -> None:
            conn.execute("UPDATE coop SET name = ? WHERE slug = ?", (name, COOP))

        try:
            with PtySession(app_argv(db), env=clean_env()) as pty:
                if not pty.wait_for("free slot", timeout=60):
                    raise SystemExit("the app did not start:\n" + pty.screen_text())
                pty.wait_quiet(0.5, timeout=30)
                return measure(pty, rename, args.changes, first=1)
        finally:
            conn.close()


def references(url: str):
    try:
        from reference import References  # benchmarks/reference.py (issue 12, the shared references)
    except ImportError:
        return None
    return References(pg_url=url)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="a postgresql:// URL (default: a throwaway database on the local server)")
    ap.add_argument("--changes", type=int, default=50)
    ap.add_argument("--idle", type=float, default=30.0)
    ap.add_argument("--no-sqlite", action="store_true", help="skip the SQLite comparison")
    args = ap.parse_args(argv)

    import psycopg

    throwaway = None
    url = args.db
    if url is None:
        throwaway = "issue12_live_bench_" + uuid.uuid4().hex[:8]
        with psycopg.connect("dbname=postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{throwaway}"')
        url = f"postgresql:///{throwaway}"
    try:
        refs = references(url)
        if refs is not None:
            refs.take()
        floor = notify_round_trip(url)
        pg = run_pg(url, args)
        sq = None if args.no_sqlite else run_sqlite(args)
        floor += notify_round_trip(url)
        if refs is not None:
            refs.take()
    finally:
        if throwaway:
            with psycopg.connect("dbname=postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{throwaway}" WITH (FORCE)')

    floor_s = statistics.median(floor)
    print(f"\nreference: raw NOTIFY round trip (two psycopg connections, same server): "
          f"median {floor_s * 1000:.2f} ms, p95 {pct(floor, 95) * 1000:.2f} ms ({len(floor)} samples)")
    if refs is not None:
        for line in refs.lines():
            print(line)

    def row(label: str, values: list[float], engine: str) -> None:
        med, p95, worst = statistics.median(values), pct(values, 95), max(values)
        ok = "ok" if p95 <= TARGET_S else "OVER"
        print(f"{label:<34} median {med * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  max {worst * 1000:7.1f} ms"
              f"  ({len(values)} changes; target <= {TARGET_S:.0f} s: {ok})")
        extra = f"x{med / floor_s:,.0f} NOTIFY round trip"
        if refs is not None:
            extra += "; " + refs.ratio_text(med, engine)
        print(f"{'':<34} median as ratios: {extra}")

    print("\nchange committed -> its name on the terminal (whole path, low-bandwidth profile):")
    row("PostgreSQL, LISTEN/NOTIFY", pg["latencies"], "postgresql")
    if sq is not None:
        row("SQLite, data_version every 1.5 s", sq, "sqlite")
        print(f"{'':<34} PostgreSQL median / SQLite median = "
              f"{statistics.median(pg['latencies']) / statistics.median(sq):.2f}")
    print(f"\nPostgreSQL, {args.idle:.0f} s idle on Find a slot: {pg['idle_bytes']} bytes to the terminal (target 0); "
          f"the app's sessions {pg['sessions']}: {pg['sessions_that_queried']} sent a query meanwhile")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""References timed in the same run as a benchmark, so that its figures compare across machines.

Our machines differ 2-3x in speed, and a shared one differs from minute to
minute. Every benchmark in this folder therefore times three fixed pieces of
work in the same run and prints each of its timings also as a ratio to them:

* ``import``: a fresh interpreter importing the stack
  (``python -c "import telecoop.cli, textual, sqlmodel, pendulum"``, a
  subprocess: start-up, disk and unmarshalling, what every CLI call pays);
* ``query``: one fixed indexed query on the engine being measured
  (``SELECT count(*), max(v) FROM telecoop_ref WHERE grp = ?``, 10 of
  20,000 rows through an index, on a table of its own: a file in a temporary
  folder for SQLite, a TEMPORARY table for PostgreSQL, so nothing of the
  application's is touched), through the raw driver (sqlite3, psycopg 3);
  on PostgreSQL this includes the round trip to the server;
* ``loop``: a fixed pure-Python loop (CPU and interpreter only).

Each reference is taken at the start and again at the end of the run (the
machine may change speed in between); ratios use the median of all samples,
and ``lines()`` prints every sample so the drift is visible. A ratio reads
"this figure is worth N references": ``search p95 = 140 query`` means one
search costs as much as 140 indexed point queries on that engine.

    python benchmarks/reference.py [--db URL]    # the references alone
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

IMPORT_CODE = "import telecoop.cli, textual, sqlmodel, pendulum"
LOOP_N = 1_000_000
REF_ROWS = 20_000
REF_GROUP = 10  # rows per indexed key: the query reads an index range, not one row
REF_LOOKUPS = 500
REF_QUERY = "SELECT count(*), max(v) FROM telecoop_ref WHERE grp = {p}"

KINDS = ("import", "query", "loop")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def time_import(repeat: int = 3) -> list[float]:
    """Seconds for a fresh interpreter to import the stack (after one untimed run that warms caches)."""
    cmd = [sys.executable, "-c", IMPORT_CODE]
    subprocess.run(cmd, check=True, env=_env())
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, env=_env())
        out.append(time.perf_counter() - t0)
    return out


def _loop() -> int:
    total = 0
    for i in range(LOOP_N):
        total += i * i % 7
    return total


def time_loop(repeat: int = 3) -> list[float]:
    """Seconds for the fixed pure-Python loop."""
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        _loop()
        out.append(time.perf_counter() - t0)
    return out


def _rows() -> list[tuple[int, int, str]]:
    return [(k, k // REF_GROUP, f"value {k:08d}") for k in range(REF_ROWS)]


def _lookups(cursor_execute, repeat: int) -> list[float]:
    """Per-query seconds: the mean of REF_LOOKUPS fixed lookups, ``repeat`` times."""
    groups = [(i * 7919) % (REF_ROWS // REF_GROUP) for i in range(REF_LOOKUPS)]
    for g in groups[:20]:  # warm-up: statement prepared, pages cached
        cursor_execute(g)
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for g in groups:
            cursor_execute(g)
        out.append((time.perf_counter() - t0) / REF_LOOKUPS)
    return out


def time_query_sqlite(repeat: int = 3) -> list[float]:
    """Seconds per fixed indexed query on SQLite (a WAL file in a temporary folder, like the app's)."""
    with tempfile.TemporaryDirectory(prefix="telecoop-ref-") as tmp:
        con = sqlite3.connect(Path(tmp) / "ref.db", isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("CREATE TABLE telecoop_ref (k INTEGER PRIMARY KEY, grp INTEGER NOT NULL, v TEXT NOT NULL)")
            con.execute("CREATE INDEX telecoop_ref_grp ON telecoop_ref (grp)")
            con.execute("BEGIN")
            con.executemany("INSERT INTO telecoop_ref VALUES (?, ?, ?)", _rows())
            con.execute("COMMIT")
            con.execute("ANALYZE")
            sql = REF_QUERY.format(p="?")

            def run(g: int) -> None:
                con.execute(sql, (g,)).fetchone()

            return _lookups(run, repeat)
        finally:
            con.close()


def time_query_pg(url: str, repeat: int = 3) -> list[float]:
    """Seconds per fixed indexed query on the PostgreSQL server of ``url`` (a TEMPORARY table)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE TEMPORARY TABLE telecoop_ref (k integer PRIMARY KEY, grp integer NOT NULL, v text NOT NULL)")
        con.execute("CREATE INDEX telecoop_ref_grp ON telecoop_ref (grp)")
        with con.cursor() as cur:
            with cur.copy("COPY telecoop_ref (k, grp, v) FROM STDIN") as copy:
                for row in _rows():
                    copy.write_row(row)
        con.execute("ANALYZE telecoop_ref")
        sql = REF_QUERY.format(p="%s")
        cur = con.cursor()

        def run(g: int) -> None:
            cur.execute(sql, (g,), prepare=True)
            cur.fetchone()

        try:
            return _lookups(run, repeat)
        finally:
            con.execute("DROP TABLE telecoop_ref")


def _num(x: float) -> str:
    """Three significant figures, never in exponent form."""
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}" if x >= 0.001 else f"{x:.6f}"


def engine_label(target: str | os.PathLike) -> str:
    return "postgresql" if str(target).startswith(("postgresql://", "postgres://")) else "sqlite"


@dataclass
class References:
    """Samples of the three references; ``take()`` at the start and at the end of a run."""

    pg_url: str | None = None
    import_s: list[float] = field(default_factory=list)
    loop_s: list[float] = field(default_factory=list)
    query_s: dict[str, list[float]] = field(default_factory=dict)
    rounds: int = 0

    def take(self) -> "References":
        self.rounds += 1
        self.import_s += time_import()
        self.loop_s += time_loop()
        self.query_s.setdefault("sqlite", []).extend(time_query_sqlite())
        if self.pg_url:
            self.query_s.setdefault("postgresql", []).extend(time_query_pg(self.pg_url))
        return self

    def value(self, kind: str, engine: str = "sqlite") -> float:
        """Median seconds of one reference (``query`` on ``engine``)."""
        samples = {"import": self.import_s, "loop": self.loop_s}.get(kind)
        if samples is None:
            samples = self.query_s.get(engine) or self.query_s["sqlite"]
        return statistics.median(samples)

    def ratios(self, seconds: float, engine: str = "sqlite") -> dict[str, float]:
        return {kind: seconds / self.value(kind, engine) for kind in KINDS}

    def ratio_text(self, seconds: float, engine: str = "sqlite") -> str:
        """``seconds`` as ``x0.0156 import, x140 query, x0.23 loop``."""
        return ", ".join(f"x{_num(r)} {kind}" for kind, r in self.ratios(seconds, engine).items())

    def lines(self) -> list[str]:
        def ms(values: list[float], scale: float = 1000.0, unit: str = "ms") -> str:
            return (f"median {_num(statistics.median(values) * scale)} {unit} (samples "
                    + " ".join(_num(v * scale) for v in values) + ")")

        out = [
            f"reference import: {IMPORT_CODE!r} in a fresh interpreter: {ms(self.import_s)}",
            f"reference loop:   {LOOP_N:,} iterations of total += i * i % 7: {ms(self.loop_s)}",
        ]
        for engine, values in self.query_s.items():
            out.append(f"reference query on {engine}: one indexed {REF_GROUP}-row lookup of {REF_ROWS:,}:"
                       f" {ms(values, 1e6, 'us')}")
        out.append(f"(taken {self.rounds} time(s) in this run; ratios use the medians; the machine is shared,"
                   " so compare ratios more than raw times)")
        return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="Time the benchmarks' references alone.")
    ap.add_argument("--db", help="a postgresql:// URL: also time the query reference on that server")
    args = ap.parse_args(argv)
    refs = References(pg_url=args.db).take()
    for line in refs.lines():
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

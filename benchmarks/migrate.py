"""Moving a federation into PostgreSQL: how long ``telecoop migrate --to`` takes.

    python benchmarks/migrate.py [--bookings 100000] [--server postgresql:///postgres]

For the demo federation and for a larger one (``benchmarks/booking.py``'s
federation: 60 co-ops, 2,000 resources, with ``--bookings`` bookings), times
``services.move.migrate_to`` (schema by the migrations, the copy, the
sequences, the verification by two exports and a row-by-row comparison, the
commit) into a throw-away database of the local server, dropped after. Beside
each, as the reference timed in the same run: one ``export`` of the same
SQLite file (the migration does two, plus the copy), and the ratio. Machines
differ 2-3x in speed; the ratio travels better than the seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _throwaway(server: str):
    engine = sa.create_engine(sa.make_url(server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    name = f"issue12_migrations_bench_{uuid.uuid4().hex[:8]}"
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(server).set(drivername="postgresql", database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()

    return url, drop


def measure(label: str, path: Path, server: str) -> None:
    from telecoop.services.dataio import export_data
    from telecoop.services.move import migrate_to

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        export_data(path, Path(tmp) / "out")
        reference = time.perf_counter() - t0
    url, drop = _throwaway(server)
    try:
        t0 = time.perf_counter()
        moved = migrate_to(path, url)
        took = time.perf_counter() - t0
    finally:
        drop()
    rows = sum(moved.counts.values())
    print(f"{label}: {rows:,} rows ({moved.counts['booking']:,} bookings, {path.stat().st_size / 1e6:.0f} MB)")
    print(f"  migrate --to (copy + verify + commit) {took:6.2f} s   {rows / took:,.0f} rows/s")
    print(f"  reference: one export of the file     {reference:6.2f} s   ratio {took / reference:.1f}x")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bookings", type=int, default=100_000)
    ap.add_argument("--server", default="postgresql:///postgres", help="maintenance database of the server")
    args = ap.parse_args(argv)
    import booking as fed

    from telecoop.services.dataio import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.db"
        build_demo(demo)
        measure("demo federation", demo, args.server)
        big = Path(tmp) / "federation.db"
        fed.N_BOOKINGS = args.bookings
        t0 = time.perf_counter()
        fed.build(big)
        print(f"(built the {args.bookings:,}-booking federation in {time.perf_counter() - t0:.0f} s)")
        measure(f"federation of {args.bookings:,} bookings", big, args.server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

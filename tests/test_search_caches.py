"""perf-search: what a slot search keeps per process, and the statements it still sends.

The directory (resources, shares, hours and, from schema 6, sharing terms) and
the closures are kept per process, checked against ``meta.directory_version`` and
``meta.closure_version`` (bumped by database triggers) in one query per search;
then one query per time chunk (busy time: bookings and live holds). A change made
by another connection, past TeleCoop, is seen by the next search.
"""

from __future__ import annotations

import datetime as dt

import engines
import pytest
import sqlalchemy as sa

from telecoop.services import booking as bk
from telecoop.store import directory as store_directory

PSYCHOLOGIST_ILES = 8  # Îles (America/Halifax), shared with all
DAY = dt.date(2026, 12, 8)


def _instant(text: str):
    """A literal UTC instant as each engine's column takes it from a plain connection."""
    if engines.ON_PG:
        return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)
    return dt.datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M:%S.%f")


def _direct(db_path, sql: str, params=()) -> None:
    conn = engines.Direct(db_path)
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def _counting(ctx) -> list[str]:
    statements: list[str] = []
    sa.event.listen(ctx.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    return statements


def _opening(statements: list[str]) -> list[str]:
    """What a read transaction costs before its first query: BEGIN (SQLite), BEGIN with the isolation level
    (PostgreSQL)."""
    return [s for s in statements if s in ("BEGIN", "BEGIN ISOLATION LEVEL REPEATABLE READ")]


def test_a_warm_search_sends_the_counters_then_one_query_per_chunk(as_user):
    ctx = as_user("fed.admin")
    store_directory.forget_snapshots()
    statements = _counting(ctx)
    # Long slots over every resource: few fit, so the whole 30 days are read (chunks of
    # 1, 2, 4, 7, 7, 7, 2 days).
    slots = bk.search_slots(ctx, with_room=True, from_date=DAY, days=30, duration=240, limit=1000)
    assert len(slots) < 1000
    # Cold: the counters, the directory (resources, zones, shares, hours, terms), the closures.
    cold = [s for s in statements if s not in _opening(statements)]
    assert len(cold) == 1 + 5 + 1 + 7, cold
    statements.clear()
    again = bk.search_slots(ctx, with_room=True, from_date=DAY, days=30, duration=240, limit=1000)
    assert again == slots
    warm = [s for s in statements if s not in _opening(statements)]
    assert len(warm) == 1 + 7, warm
    assert "meta" in warm[0] and all("booking" in s and "hold" in s for s in warm[1:])
    assert len(_opening(statements)) == 1


def test_a_closure_made_past_telecoop_is_seen_by_the_next_search(as_user, db_path):
    ctx = as_user("recep.gaspesie")
    before = bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, from_date=DAY, days=1, limit=100)
    assert before
    statements = _counting(ctx)
    _direct(db_path, 'INSERT INTO closure (resource_id, coop, start, "end", reason) VALUES (?, NULL, ?, ?, ?)',
            (PSYCHOLOGIST_ILES, _instant("2026-12-08 00:00"), _instant("2026-12-09 12:00"), "congrès"))
    assert bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, from_date=DAY, days=1, limit=100) == []
    assert any("FROM closure" in s for s in statements)  # read again: its counter moved
    statements.clear()
    assert bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, from_date=DAY, days=1, limit=100) == []
    assert not any("FROM closure" in s for s in statements)  # kept
    _direct(db_path, "DELETE FROM closure WHERE reason = ?", ("congrès",))
    assert bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, from_date=DAY, days=1, limit=100) == before
    # A whole co-op's closure, changed past TeleCoop too.
    _direct(db_path, 'INSERT INTO closure (resource_id, coop, start, "end", reason) VALUES (NULL, ?, ?, ?, ?)',
            ("iles", _instant("2026-12-08 00:00"), _instant("2026-12-09 12:00"), "tempête"))
    assert bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, from_date=DAY, days=1, limit=100) == []
    _direct(db_path, 'UPDATE closure SET "end" = ? WHERE reason = ?', (_instant("2026-12-08 00:01"), "tempête"))
    assert bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, from_date=DAY, days=1, limit=100) == before


def test_sharing_terms_changed_past_telecoop_are_seen_by_the_next_search(as_user, db_path):
    ctx = as_user("recep.gaspesie")
    far = dt.date(2026, 12, 15)  # a Tuesday, 8 days after the test clock
    assert bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, from_date=far, days=1, limit=5)
    # The owner lets partners book only 7 days ahead: the 15th is out of the window.
    _direct(db_path, "INSERT INTO sharing_terms (resource_id, window_days, min_notice_hours, release_hours)"
            " VALUES (?, ?, ?, ?)", (PSYCHOLOGIST_ILES, 7, 0, 0))
    assert bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, from_date=far, days=1, limit=5) == []
    # Its own co-op is not bound by its terms.
    own = as_user("recep.iles")
    assert bk.search_slots(own, clinician_id=PSYCHOLOGIST_ILES, from_date=far, days=1, limit=5)
    _direct(db_path, "UPDATE sharing_terms SET window_days = 0 WHERE resource_id = ?", (PSYCHOLOGIST_ILES,))
    assert bk.search_slots(ctx, clinician_id=PSYCHOLOGIST_ILES, from_date=far, days=1, limit=5)


@pytest.mark.parametrize("table, counter", [("closure", "closure_version"), ("sharing_terms", "directory_version")])
def test_schema_6_counters_move_with_every_change(db_path, table, counter):
    def value() -> int:
        conn = engines.Direct(db_path)
        got = int(conn.execute("SELECT value FROM meta WHERE key = ?", (counter,)).fetchone()[0])
        conn.close()
        return got

    start = value()
    if table == "closure":
        _direct(db_path, 'INSERT INTO closure (resource_id, coop, start, "end", reason) VALUES (?, NULL, ?, ?, ?)',
                (PSYCHOLOGIST_ILES, _instant("2027-01-04 00:00"), _instant("2027-01-05 00:00"), "x"))
        _direct(db_path, "UPDATE closure SET reason = ? WHERE reason = ?", ("y", "x"))
        _direct(db_path, "DELETE FROM closure WHERE reason = ?", ("y",))
    else:
        _direct(db_path, "INSERT INTO sharing_terms (resource_id, window_days, min_notice_hours, release_hours)"
                " VALUES (?, ?, ?, ?)", (PSYCHOLOGIST_ILES, 7, 0, 0))
        _direct(db_path, "UPDATE sharing_terms SET window_days = 8 WHERE resource_id = ?", (PSYCHOLOGIST_ILES,))
        _direct(db_path, "DELETE FROM sharing_terms WHERE resource_id = ?", (PSYCHOLOGIST_ILES,))
    assert value() == start + 3


def test_a_schema_5_database_upgrades_to_the_counters_and_back(db_path, capsys):
    """Revision 0006 on a database of the previous schema, on either engine: triggers and counter, then undone."""
    from alembic import command

    from telecoop.cli import main
    from telecoop.store import schema
    from telecoop.store.engine import make_engine

    def triggers() -> set[str]:
        conn = engines.Direct(db_path)
        if engines.ON_PG:
            rows = conn.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal").fetchall()
        else:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
        counters = {r[0] for r in conn.execute("SELECT key FROM meta").fetchall()}
        conn.close()
        return {r[0] for r in rows} | counters

    new = {"closure_version", "closure_bumps_closures", "sharing_terms_bumps_directory"} if engines.ON_PG else {
        "closure_version", *(f"closure_{o}_bumps_closures" for o in ("insert", "update", "delete")),
        *(f"sharing_terms_{o}_bumps_directory" for o in ("insert", "update", "delete"))}
    assert new <= triggers()
    engine = make_engine(db_path, create=False)
    with schema.migration_connection(engine) as conn:
        command.downgrade(schema.alembic_config(conn), "0005")
    engine.dispose()
    assert not new & triggers()
    capsys.readouterr()
    assert main(["--lang", "en", "--db", str(db_path), "upgrade"]) == 0
    assert f"upgraded from schema 5 to schema {schema.version()}" in capsys.readouterr().out
    assert new <= triggers()
    test_schema_6_counters_move_with_every_change(db_path, "closure", "closure_version")


def test_clinicians_free_time_worked_out_lazily_comes_in_heapq_merge_order(as_user):
    """The search's lazy merge gives the very starts, in the very order, of merging every clinician's."""
    import heapq

    import pendulum

    from telecoop.domain import availability as av
    from telecoop.domain import model as m
    from telecoop.services import search
    from telecoop.store.bookings import busy as busy_between
    from telecoop.store.engine import read_session
    from telecoop.store.schedule import closures as closures_between

    ctx = as_user("fed.admin")
    bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start="2026-12-08T10:00", duration=30, consent=True, patient="AB")
    with read_session(ctx.engine) as s:
        clinicians, rules = search.bookable(s, ctx, kind=m.ResourceKind.CLINICIAN)
        assert len(clinicians) > 5
        ids = [c.id for c in clinicians]
        for lo, days in ((pendulum.datetime(2026, 12, 8, 3, tz="UTC"), 1), (pendulum.datetime(2026, 12, 9, 17, tz="UTC"), 4)):
            hi = lo.add(days=days)
            closures = closures_between(s, ids, {c.coop for c in clinicians}, lo, hi)
            busy = busy_between(s, ids, [], lo, hi, now=ctx.now())

            def starts(c, free):
                return ((t, c.name, c.id) for t in av.slot_starts(free, 30, 15))

            by_id = {c.id: c for c in clinicians}
            free = search.free_map(clinicians, rules, closures, busy, lo, hi)
            expected = list(heapq.merge(*(starts(by_id[cid], f) for cid, f in free.items())))
            assert len(expected) > 50
            assert list(search._in_order(clinicians, rules, closures, busy, lo, hi, starts)) == expected

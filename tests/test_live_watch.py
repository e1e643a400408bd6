"""Live refresh, below the app (issue 12): the change watchers of both engines and the feed's loop.

SQLite: ``PRAGMA data_version``. PostgreSQL: LISTEN/NOTIFY on one dedicated
connection, woken by the ``telecoop_notify()`` triggers, losing and finding
the server again. The PostgreSQL half skips without a local server.
"""

from __future__ import annotations

import threading

import psycopg
import pytest

from pg_live import drop_database, new_database, pg_available, terminate, url
from telecoop import locations
from telecoop.domain.errors import StoreError
from telecoop.services.live import LiveFeed
from telecoop.store.engine import make_engine, write_session
from telecoop.store.watch import EVERYTHING, NOTHING, DataVersionWatcher, NotifyWatcher, change_watcher

needs_pg = pytest.mark.skipif(not pg_available(), reason="no local PostgreSQL server")
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")


def test_sqlite_watcher_sees_another_connections_commit_and_only_once(tmp_path):
    engine = make_engine(tmp_path / "telecoop.db", create=True)
    watcher = change_watcher(engine)
    try:
        assert isinstance(watcher, DataVersionWatcher) and not watcher.can_wait
        assert watcher.poll() == NOTHING
        with write_session(engine) as s:
            s.connection().exec_driver_sql("INSERT INTO meta (key, value) VALUES ('live_test', '1')")
        assert watcher.poll() == EVERYTHING
        assert watcher.poll() == NOTHING
    finally:
        watcher.close()
        engine.dispose()


@pytest.fixture
def pg_db():
    name = new_database()
    engine = make_engine(locations.db_file(url(name)), create=True)  # tables and notify triggers
    yield name, engine
    engine.dispose()
    drop_database(name)


def _other(name: str) -> psycopg.Connection:
    return psycopg.connect(url(name), autocommit=True)


@needs_pg
def test_pg_watcher_hears_each_table_a_transaction_changed_as_one_answer(pg_db):
    name, engine = pg_db
    watcher = change_watcher(engine)
    try:
        assert isinstance(watcher, NotifyWatcher) and watcher.can_wait
        assert watcher.poll(0.05) == NOTHING
        with _other(name) as conn, conn.transaction():
            conn.execute("UPDATE coop SET name = name")
            conn.execute("UPDATE resource SET name = name")
            conn.execute("UPDATE coop SET name = name")
        assert watcher.poll(5) == {"coop", "resource"}
        assert watcher.poll(0.05) == NOTHING
        # A transaction rolled back sends nothing.
        with _other(name) as conn:
            with pytest.raises(RuntimeError), conn.transaction():
                conn.execute("UPDATE coop SET name = name")
                raise RuntimeError
        assert watcher.poll(0.1) == NOTHING
    finally:
        watcher.close()


@needs_pg
def test_pg_watcher_sends_no_query_while_it_waits(pg_db):
    name, engine = pg_db
    watcher = change_watcher(engine)
    try:
        pid = watcher.backend_pid

        def activity():
            with _other(name) as conn:
                return conn.execute(
                    "SELECT application_name, query, state_change FROM pg_stat_activity WHERE pid = %s", (pid,)
                ).fetchone()

        before = activity()
        for _ in range(3):
            assert watcher.poll(0.1) == NOTHING
        assert activity() == before
        assert before[0] == "telecoop-live" and before[1].startswith("LISTEN telecoop_change")
    finally:
        watcher.close()


@needs_pg
def test_pg_watcher_lost_says_so_then_catches_up_with_everything(pg_db):
    name, engine = pg_db
    watcher = change_watcher(engine)
    try:
        first = watcher.backend_pid
        assert terminate(name, NotifyWatcher.APPLICATION_NAME) == 1
        with pytest.raises(StoreError) as lost:
            watcher.poll(5)
        assert lost.value.key == "store.pg_lost"
        # Committed while nobody listened: heard as "everything" at the reconnect.
        with _other(name) as conn:
            conn.execute("UPDATE coop SET name = name")
        assert watcher.poll(0.05) == EVERYTHING
        assert watcher.backend_pid not in (None, first)
        assert watcher.poll(0.05) == NOTHING
        with _other(name) as conn:
            conn.execute("UPDATE staff SET name = name")
        assert watcher.poll(5) == {"staff"}
    finally:
        watcher.close()


class ScriptedWatcher:
    """A watcher that answers from a script: a frozenset, or an exception to raise."""

    can_wait = True

    def __init__(self, answers) -> None:
        self.answers = list(answers)
        self.closed = threading.Event()
        self.done = threading.Event()

    def poll(self, timeout: float = 0.0):
        if not self.answers:
            self.done.set()
            self.closed.wait(timeout)
            return NOTHING
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self) -> None:
        self.closed.set()


def test_feed_says_lost_once_and_back_once_then_catches_up(monkeypatch):
    monkeypatch.setattr(LiveFeed, "BACKOFF_S", (0.0,))
    gone = StoreError("store.pg_unreachable", path="postgresql:///x")
    watcher = ScriptedWatcher([frozenset({"booking"}), gone, gone, gone, gone, EVERYTHING, frozenset({"coop"})])
    events: list = []
    feed = LiveFeed(
        watcher,  # type: ignore[arg-type]
        on_change=lambda tables: events.append(set(tables)),
        on_lost=lambda error: events.append(("lost", error.key)),
        on_back=lambda: events.append("back"),
    )
    feed.start()
    assert watcher.done.wait(10)
    feed.close()
    assert watcher.closed.is_set()
    assert events == [{"booking"}, ("lost", "store.pg_unreachable"), "back", {"*"}, {"coop"}]


def test_feed_one_failed_poll_retried_at_once_is_no_loss(monkeypatch):
    gone = StoreError("store.pg_lost", path="postgresql:///x")
    watcher = ScriptedWatcher([gone, EVERYTHING])
    events: list = []
    feed = LiveFeed(
        watcher,  # type: ignore[arg-type]
        on_change=lambda tables: events.append(set(tables)),
        on_lost=lambda error: events.append("lost"),
        on_back=lambda: events.append("back"),
    )
    feed.start()
    assert watcher.done.wait(10)
    feed.close()
    assert events == [{"*"}]

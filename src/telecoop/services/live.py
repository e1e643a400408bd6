"""Noticing other people's changes cheaply, for screens that stay open.

DESIGN section 5 and issue 12. Two engines, one interface (store/watch.py):

- SQLite: ``PRAGMA data_version``; the TUI asks :meth:`Watcher.changed` every
  second or so; it costs one pragma on a connection of its own, no query.
- PostgreSQL: LISTEN/NOTIFY on one dedicated connection; a :class:`LiveFeed`
  thread waits on it (no query while waiting) and reports each change, the
  loss of the server (then retries with back-off) and its return (then
  "everything changed", so the screens catch up once).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

from telecoop.domain.errors import TeleCoopError
from telecoop.services.context import Context
from telecoop.store.watch import EVERYTHING, ChangeWatcher, change_watcher

Watcher = ChangeWatcher
__all__ = ["EVERYTHING", "LiveFeed", "Watcher", "watcher"]


def watcher(ctx: Context) -> ChangeWatcher:
    """A watcher of the context's database; close it when the screen or app ends."""
    return change_watcher(ctx.engine)


class LiveFeed:
    """Waits on a watcher that can wait (PostgreSQL) in a thread of its own.

    ``on_change(tables)`` is called in that thread for every answer that is not
    empty, and the next wait starts only when it returns: notifications that
    arrive while the app re-queries are gathered into one more answer, so a
    burst costs at most two re-queries. ``on_lost(error)`` is called once when
    the database cannot be reached (after one immediate retry, so a mere
    reconnect shows nothing), ``on_back()`` when it can again, just before the
    ``on_change(EVERYTHING)`` that catches up. The callbacks must be thread-safe
    (the app posts messages).
    """

    #: each wait ends after this long without a change, to look at the stop flag (no server traffic)
    WAIT_S = 1.0
    #: seconds between attempts while the server is gone (then the last one, each +-20 %)
    BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)

    def __init__(
        self,
        watch: ChangeWatcher,
        *,
        on_change: Callable[[frozenset[str]], None],
        on_lost: Callable[[TeleCoopError], None],
        on_back: Callable[[], None],
    ) -> None:
        self.watch = watch
        self.on_change, self.on_lost, self.on_back = on_change, on_lost, on_back
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="telecoop-live", daemon=True)
        self.lost = False

    def start(self) -> None:
        self._thread.start()

    def close(self, timeout: float | None = None) -> None:
        """Stop waiting; the thread closes the watcher's connection itself."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(self.WAIT_S + 1.0 if timeout is None else timeout)

    def _run(self) -> None:
        failures = 0
        try:
            while not self._stop.is_set():
                try:
                    tables = self.watch.poll(self.WAIT_S)
                except TeleCoopError as exc:
                    failures += 1
                    if failures == 1:
                        continue  # one immediate retry: a restarted backend, not a gone server
                    if not self.lost:
                        self.lost = True
                        self.on_lost(exc)
                    step = self.BACKOFF_S[min(failures - 2, len(self.BACKOFF_S) - 1)]
                    self._stop.wait(step * random.uniform(0.8, 1.2))
                    continue
                failures = 0
                if self.lost:
                    self.lost = False
                    self.on_back()
                if tables and not self._stop.is_set():
                    try:
                        self.on_change(tables)
                    except Exception:  # noqa: BLE001 - the app reports its own failures; keep listening
                        pass
        finally:
            self.watch.close()

"""Live refresh on PostgreSQL, as the terminal sees it (issue 12): silent while idle, another host's
change on the screen by itself; the server gone: a banner, then silence while it retries, then back.

The real app (``python -m telecoop --low-bandwidth``) in an 80x24 pseudo-terminal
(``benchmarks/ptydriver.py``, as tests/test_bandwidth.py), on a throwaway
PostgreSQL database. Only bytes and the screen's text are asserted; the
latency is benchmarks/live.py's. Skips without a local PostgreSQL server.
"""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest

from pg_live import CuttableLink, drop_database, new_database, pg_available, url

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from bandwidth import clean_env  # noqa: E402
from live import app_argv, build_demo  # noqa: E402
from ptydriver import PtySession  # noqa: E402

IDLE = 3.0


@pytest.mark.slow
@pytest.mark.xdist_group("pty")
@pytest.mark.skipif(not pg_available(), reason="no local PostgreSQL server")
def test_on_postgresql_the_app_writes_nothing_while_idle_and_shows_another_hosts_change(tmp_path):
    name = new_database()
    try:
        build_demo(url(name))
        with CuttableLink(tmp_path) as link, PtySession(app_argv(url(name, tmp_path)), env=clean_env()) as pty:
            assert pty.wait_for("free slot", timeout=60), pty.screen_text()
            pty.wait_quiet(0.5, timeout=30)
            assert len(pty.idle(IDLE).data) == 0, "the app wrote while idle on PostgreSQL"
            with psycopg.connect(url(name), autocommit=True) as other:
                other.execute("UPDATE coop SET name = 'Coopérative de santé du Fjord-99' WHERE slug = 'saguenay'")
            assert pty.wait_for("Fjord-99", timeout=15), pty.screen_text()
            pty.wait_quiet(0.5, timeout=30)
            assert len(pty.idle(IDLE).data) == 0, "the app wrote while idle after a change"

            link.cut()
            assert pty.wait_for("The database cannot be reached; retrying.", timeout=30), pty.screen_text()
            pty.wait_quiet(0.5, timeout=30)
            assert len(pty.idle(IDLE).data) == 0, "the app wrote while retrying"
            link.restore()
            assert pty.wait_for("TeleCoop · Find a slot", timeout=30), pty.screen_text()
            assert "cannot be reached" not in pty.screen_text()
    finally:
        drop_database(name)

"""Slow links: the low-bandwidth profile keeps to its byte budgets (DESIGN section 10).

The real app (``telecoop demo --low-bandwidth``) runs in a pseudo-terminal at
80x24, driven by the benchmark's own driver (``benchmarks/ptydriver.py``);
the budgets are ``benchmarks/bandwidth.py``'s. Only bytes are asserted, never
time: a step ends when nothing more is written for a while, and every step
must stay within twice its budget; idle must be exactly zero bytes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from telecoop.cli import configure_terminal

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from bandwidth import LOGIN_ADMIN, LOGIN_DESK, TARGETS, app_argv, build_demo, clean_env  # noqa: E402
from ptydriver import PtySession  # noqa: E402

IDLE = 3.0  # seconds of silence asserted on each screen
SETTLE = 0.5  # before an idle check: what a screen still had to draw has been drawn
QUIET = 0.5  # a step is over after this long without output (generous, for busy CI machines)


def budget(name: str) -> float:
    return 2 * TARGETS[name]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bandwidth") / "demo.db"
    build_demo(path)
    return path


def session(db: Path, login: str, tmp_path: Path) -> PtySession:
    copy = tmp_path / f"{login}.db"
    copy.write_bytes(db.read_bytes())
    return PtySession(app_argv(copy, login, "on"), env=clean_env())


def step(pty: PtySession, key: str, expect: str | None = None) -> int:
    pty.mark()
    pty.press(key)
    return len(pty.wait_quiet(QUIET, expect=expect).data)


def idle(pty: PtySession) -> int:
    pty.wait_quiet(SETTLE)
    return len(pty.idle(IDLE).data)


@pytest.mark.slow
@pytest.mark.xdist_group("pty")
def test_a_receptionist_on_a_slow_link_stays_within_budget(demo_db, tmp_path):
    with session(demo_db, LOGIN_DESK, tmp_path) as pty:
        first = pty.wait_quiet(QUIET, timeout=30, expect="free slot")
        assert len(first.data) <= budget("first screen (B)")
        assert idle(pty) == 0, "Find a slot wrote while idle"

        for _ in range(3):
            assert step(pty, "down") <= budget("cursor move (B)")
        assert step(pty, "escape") <= budget("focus change (B)")
        assert step(pty, "escape") <= budget("focus change (B)")

        assert step(pty, "f3", "TeleCoop · Agenda") <= budget("mode switch (B)")
        assert idle(pty) == 0, "Agenda wrote while idle"
        assert step(pty, "f4", "TeleCoop · Bookings") <= budget("mode switch (B)")
        assert idle(pty) == 0, "Bookings wrote while idle"
        # issue 13: the Waitlist mode waits for offers without writing a byte.
        assert step(pty, "f7", "TeleCoop · Waitlist") <= budget("mode switch (B)")
        assert idle(pty) == 0, "Waitlist wrote while idle"
        assert step(pty, "f2", "TeleCoop · Find a slot") <= budget("mode switch (B)")

        # A resized terminal gets the whole screen again, at its new size.
        pty.resize(100, 30)
        pty.wait_quiet(QUIET)
        header = pty.screen_text().splitlines()[0]
        assert len(header) > 80 and header.endswith("receptionist"), header
        pty.resize(80, 24)
        pty.wait_quiet(QUIET)

        assert step(pty, "enter", "Book this slot") <= budget("mode switch (B)")
        assert idle(pty) == 0, "the booking form wrote while idle"
        for ch in "AB-1":
            assert step(pty, ch) <= budget("typed character (B)")
        assert step(pty, "tab") <= budget("focus change (B)")

        # The rest of the profile, as it reaches the terminal: no mouse
        # tracking, only the 16 colours (no 256-colour or RGB sequences).
        assert b"\x1b[?1000h" not in pty.output and b"\x1b[?1003h" not in pty.output
        assert not re.search(rb"\x1b\[[0-9;]*[34]8;[25];", bytes(pty.output))


@pytest.mark.slow
@pytest.mark.xdist_group("pty")
def test_an_admin_on_a_slow_link_sees_admin_and_reports_without_idle_writes(demo_db, tmp_path):
    with session(demo_db, LOGIN_ADMIN, tmp_path) as pty:
        first = pty.wait_quiet(QUIET, timeout=30, expect="free slot")
        assert len(first.data) <= budget("first screen (B)")
        assert step(pty, "f5", "TeleCoop · Admin") <= budget("mode switch (B)")
        assert idle(pty) == 0, "Admin wrote while idle"
        assert step(pty, "f6", "TeleCoop · Reports") <= budget("mode switch (B)")
        assert idle(pty) == 0, "Reports wrote while idle"


# --------------------------------------------------------------------------- #
# The profile's switches (no terminal needed)
# --------------------------------------------------------------------------- #


def test_ssh_turns_the_profile_on_and_the_flags_decide():
    assert configure_terminal(None, {"SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22"}) is True
    assert configure_terminal(None, {}) is False
    assert configure_terminal(False, {"SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22"}) is False
    assert configure_terminal(True, {}) is True


def test_the_profile_sets_textual_for_slow_links():
    env: dict[str, str] = {}
    configure_terminal(True, env)
    assert env == {
        "TEXTUAL_ANIMATIONS": "none",
        "TEXTUAL_SMOOTH_SCROLL": "0",
        "TEXTUAL_FPS": "30",
        "TEXTUAL_COLOR_SYSTEM": "standard",
    }
    off: dict[str, str] = {}
    configure_terminal(False, off)
    assert off == {}


def test_a_user_who_asked_for_more_colours_keeps_them():
    env = {"TEXTUAL_COLOR_SYSTEM": "truecolor"}
    configure_terminal(True, env)
    assert env["TEXTUAL_COLOR_SYSTEM"] == "truecolor"
    # COLORTERM is set by many terminal emulators for everyone: not a request.
    env = {"COLORTERM": "truecolor"}
    configure_terminal(True, env)
    assert env["TEXTUAL_COLOR_SYSTEM"] == "standard"

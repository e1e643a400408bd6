"""Bytes on the wire: what ``telecoop demo`` writes to an 80x24 terminal, step by step.

    python benchmarks/bandwidth.py [--idle 10] [--profile on|off|both]

Drives the real app (``python -m telecoop --db TMP/demo.db --lang en demo``)
in a pseudo-terminal (``ptydriver.PtySession``: TERM=xterm-256color, 80x24,
a reader thread keeping every byte), once with ``--low-bandwidth`` and once
with ``--no-low-bandwidth``, through two scripted sessions:

* as the demo receptionist (recep.gaspesie), the person who books all day:
  start, idle, 20 cursor moves in the results, two focus changes (Esc to the
  filters and back), F3 Agenda, F4 Bookings, F2 back to Find (idle on each),
  Enter on a result (the booking form), 10 typed characters, Tab, Enter
  (book), and the notification going away;
* as admin.gaspesie: start, F5 Admin, F6 Reports (idle on each). A second
  session rather than doing everything as the admin: admins have two more
  keys in the footer, and the receptionist's numbers should be the
  receptionist's.

A step ends when the expected text is on the screen and then nothing has
been written for 0.3 s (``QUIET``); each step is sent one key at a time, at
that pace, as a person would. For each step: bytes written raw, and
compressed the way ``ssh -C`` sends them (zlib level 6, one stream per
session, a Z_SYNC_FLUSH per step), and per unit for repeated steps. The
app's peak resident memory (VmHWM) is read just before it quits. The demo
database is built once (outside the timing), and each session gets its own
copy, so ON and OFF see the same data.

The one timing, the time to the first full screen, is also printed as ratios
to the shared references of ``reference.py`` (importing the stack, one
indexed query on SQLite, a Python loop), timed at the start and at the end of
the same run. Bytes and memory do not depend on the machine's speed: they are
printed as they are.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ptydriver import PtySession, Step  # noqa: E402
from reference import References  # noqa: E402

LOGIN_DESK = "recep.gaspesie"
LOGIN_ADMIN = "admin.gaspesie"
TYPED = "DEMO-12345"  # the patient reference typed in the booking form: 10 characters
IDLE_OTHER = 3.0  # seconds of idle measured on each screen after the first

#: Budgets of the low-bandwidth profile (DESIGN section 10), in bytes or seconds.
TARGETS = {
    "first screen (B)": 10_000,
    "first screen (s)": 0.6,
    "idle, any screen (B)": 0,
    "cursor move (B)": 300,
    "typed character (B)": 250,
    "focus change (B)": 2_000,
    "mode switch (B)": 8_000,
    "peak RSS (MB)": 60,
}
STRETCH_FIRST_SCREEN = 3_800  # calcurse's first screen at 80x24


# --------------------------------------------------------------------------- #
# Recording
# --------------------------------------------------------------------------- #


@dataclass
class Row:
    session: str
    step: str
    kind: str
    """cursor | char | focus | mode | idle | start | other: how the final table uses it."""
    raw: int
    zipped: int
    units: int = 1
    seconds: float = 0.0


@dataclass
class Run:
    """One profile's rows, and what only happens once."""

    profile: str
    rows: list[Row] = field(default_factory=list)
    peak_rss_kb: dict[str, int] = field(default_factory=dict)
    first_screen_s: float = 0.0


class Recorder:
    """Per session: one zlib stream, as ssh keeps one per connection."""

    def __init__(self, run: Run, session: str, pty: PtySession) -> None:
        self.run, self.session, self.pty = run, session, pty
        self.z = zlib.compressobj(6)

    def add(self, step: str, kind: str, steps: list[Step] | Step) -> list[Step]:
        steps = steps if isinstance(steps, list) else [steps]
        raw = sum(len(s.data) for s in steps)
        zipped = sum(len(self.z.compress(s.data) + self.z.flush(zlib.Z_SYNC_FLUSH)) for s in steps)
        seconds = max((s.seconds for s in steps), default=0.0)
        self.run.rows.append(Row(self.session, step, kind, raw, zipped, len(steps), seconds))
        return steps

    def key(self, step: str, kind: str, key: str, expect: str | None = None) -> Step:
        self.pty.mark()
        self.pty.press(key)
        return self.add(step, kind, self.pty.wait_quiet(expect=expect))[0]

    def idle(self, step: str, seconds: float) -> Step:
        return self.add(step, "idle", self.pty.idle(seconds))[0]


def app_argv(db: Path, login: str, profile: str) -> list[str]:
    flag = "--low-bandwidth" if profile == "on" else "--no-low-bandwidth"
    return [sys.executable, "-m", "telecoop", "--db", str(db), "--lang", "en", "--as", login, flag, "demo"]


def clean_env() -> dict[str, str]:
    """The environment without what would change the profile behind the flags' back."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL_")}
    for name in ("SSH_CONNECTION", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "TELECOOP_DB"):
        env.pop(name, None)
    return env


def build_demo(target: Path) -> None:
    """``telecoop demo`` without a terminal builds the database and stops."""
    subprocess.run(
        [sys.executable, "-m", "telecoop", "--db", str(target), "--lang", "en", "demo"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=clean_env(),
    )


def start(rec: Recorder, expect: str) -> Step:
    step = rec.pty.wait_quiet(expect=expect, timeout=30)
    rec.add("first full screen", "start", step)
    return step


# --------------------------------------------------------------------------- #
# The two sessions
# --------------------------------------------------------------------------- #


def desk_session(run: Run, db: Path, idle_first: float) -> None:
    with PtySession(app_argv(db, LOGIN_DESK, run.profile), env=clean_env()) as pty:
        rec = Recorder(run, "desk", pty)
        first = start(rec, "free slot")
        run.first_screen_s = first.last_output - pty.started if first.last_output else 0.0
        rec.idle(f"idle {idle_first:g} s, Find", idle_first)
        moves = []
        for _ in range(20):
            pty.mark()
            pty.press("down")
            moves.append(pty.wait_quiet())
        rec.add("cursor move (Down) x20", "cursor", moves)
        rec.key("focus: Esc to the filters", "focus", "escape")
        rec.key("focus: Esc back to results", "focus", "escape")
        rec.key("mode: F3 Agenda", "mode", "f3", expect="TeleCoop · Agenda")
        rec.idle(f"idle {IDLE_OTHER:g} s, Agenda", IDLE_OTHER)
        rec.key("mode: F4 Bookings", "mode", "f4", expect="TeleCoop · Bookings")
        rec.idle(f"idle {IDLE_OTHER:g} s, Bookings", IDLE_OTHER)
        rec.key("mode: F2 back to Find", "mode", "f2", expect="TeleCoop · Find a slot")
        rec.key("open booking form (Enter)", "other", "enter", expect="Book this slot")
        rec.idle(f"idle {IDLE_OTHER:g} s, booking form", IDLE_OTHER)
        chars = []
        for ch in TYPED:
            pty.mark()
            pty.press(ch)
            chars.append(pty.wait_quiet())
        rec.add(f"typed character x{len(TYPED)}", "char", chars)
        rec.key("focus: Tab to the reason", "focus", "tab")
        # The details panel is the confirmation (issue 10); Esc closes it.
        rec.key("book (Enter) -> details panel", "other", "enter", expect="Booked: booking")
        rec.idle(f"idle {IDLE_OTHER:g} s, details panel", IDLE_OTHER)
        rec.key("close the details (Esc)", "other", "escape", expect="TeleCoop · Find a slot")
        rec.idle(f"idle {IDLE_OTHER:g} s, Find after booking", IDLE_OTHER)
        run.peak_rss_kb["desk"] = pty.peak_rss_kb() or 0


def admin_session(run: Run, db: Path) -> None:
    with PtySession(app_argv(db, LOGIN_ADMIN, run.profile), env=clean_env()) as pty:
        rec = Recorder(run, "admin", pty)
        start(rec, "free slot")
        rec.idle(f"idle {IDLE_OTHER:g} s, Find (admin)", IDLE_OTHER)
        rec.key("mode: F5 Admin", "mode", "f5", expect="TeleCoop · Admin")
        rec.idle(f"idle {IDLE_OTHER:g} s, Admin", IDLE_OTHER)
        rec.key("mode: F6 Reports", "mode", "f6", expect="TeleCoop · Reports")
        rec.idle(f"idle {IDLE_OTHER:g} s, Reports", IDLE_OTHER)
        run.peak_rss_kb["admin"] = pty.peak_rss_kb() or 0


def measure(profile: str, template: Path, workdir: Path, idle_first: float) -> Run:
    run = Run(profile)
    for name, session in (("desk", lambda db: desk_session(run, db, idle_first)), ("admin", lambda db: admin_session(run, db))):
        db = workdir / f"{profile}-{name}.db"
        shutil.copy(template, db)
        session(db)
    return run


# --------------------------------------------------------------------------- #
# Printing
# --------------------------------------------------------------------------- #


def print_steps(run: Run) -> None:
    print(f"\nProfile {run.profile.upper()} ({'--low-bandwidth' if run.profile == 'on' else '--no-low-bandwidth'})")
    print(f"  {'session':7} {'step':34} {'raw B':>8} {'zlib B':>7} {'raw/unit':>9} {'zlib/unit':>9}")
    for r in run.rows:
        per = f"{r.raw / r.units:9.0f} {r.zipped / r.units:9.0f}" if r.units > 1 else ""
        print(f"  {r.session:7} {r.step:34} {r.raw:8d} {r.zipped:7d} {per}")
    total = sum(r.raw for r in run.rows)
    print(f"  {'':7} {'total':34} {total:8d} {sum(r.zipped for r in run.rows):7d}")
    rss = ", ".join(f"{k} {v / 1024:.1f} MB" for k, v in run.peak_rss_kb.items())
    print(f"  time to first full screen {run.first_screen_s:.2f} s; peak RSS (VmHWM) {rss}")


def metrics(run: Run) -> dict[str, float]:
    def rows(kind: str) -> list[Row]:
        return [r for r in run.rows if r.kind == kind]

    def per_unit(kind: str) -> float:
        rs = rows(kind)
        return sum(r.raw for r in rs) / max(sum(r.units for r in rs), 1)

    first = next(r for r in run.rows if r.kind == "start" and r.session == "desk")
    return {
        "first screen (B)": first.raw,
        "first screen (s)": run.first_screen_s,
        "idle, any screen (B)": max(r.raw for r in rows("idle")),
        "cursor move (B)": per_unit("cursor"),
        "typed character (B)": per_unit("char"),
        "focus change (B)": max(r.raw for r in rows("focus")),
        "mode switch (B)": max(r.raw for r in rows("mode")),
        "peak RSS (MB)": max(run.peak_rss_kb.values()) / 1024,
    }


def fmt(name: str, value: float | None) -> str:
    if value is None:
        return "-"
    if name.endswith("(s)"):
        return f"{value:.2f}"
    if name.endswith("(MB)"):
        return f"{value:.1f}"
    return f"{value:,.0f}"


def print_summary(runs: dict[str, Run]) -> None:
    on = metrics(runs["on"]) if "on" in runs else {}
    off = metrics(runs["off"]) if "off" in runs else {}
    print("\nSummary at 80x24 (per unit: mean; focus change and mode switch: worst; idle: worst screen)")
    print(f"  {'metric':22} {'target':>8} {'ON':>9} {'OFF':>9}  verdict (ON)")
    for name, target in TARGETS.items():
        got = on.get(name)
        verdict = "-" if got is None else ("PASS" if got <= target else "MISS")
        print(f"  {name:22} {fmt(name, target):>8} {fmt(name, got):>9} {fmt(name, off.get(name)):>9}  {verdict}")
    if on:
        first = on["first screen (B)"]
        verdict = "PASS" if first <= STRETCH_FIRST_SCREEN else "MISS"
        print(f"  {'stretch: calcurse':22} {STRETCH_FIRST_SCREEN:>8,} {first:>9,.0f} {'':>9}  {verdict}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--idle", type=float, default=10.0, help="seconds of idle on the first screen (default 10)")
    ap.add_argument("--profile", choices=("on", "off", "both"), default="both")
    args = ap.parse_args(argv)
    profiles = ["on", "off"] if args.profile == "both" else [args.profile]
    refs = References().take()
    with tempfile.TemporaryDirectory(prefix="telecoop-bw-") as tmp:
        workdir = Path(tmp)
        template = workdir / "demo.db"
        build_demo(template)
        runs = {p: measure(p, template, workdir, args.idle) for p in profiles}
    for run in runs.values():
        print_steps(run)
    print_summary(runs)
    refs.take()
    print()
    for line in refs.lines():
        print(line)
    print("Time to the first full screen as ratios to these references (figure / reference median):")
    for name, run in runs.items():
        print(f"  {name.upper():3} {run.first_screen_s:.2f} s  {refs.ratio_text(run.first_screen_s)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

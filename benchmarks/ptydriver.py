"""Drive a terminal program in a pseudo-terminal and count the bytes it writes.

Used by ``benchmarks/bandwidth.py`` (the numbers) and ``tests/test_bandwidth.py``
(the budgets), so the two always measure the same way:

    with PtySession([sys.executable, "-m", "telecoop", "--db", db, "demo"]) as s:
        s.wait_for("free slot")          # the screen shows it...
        first = s.wait_quiet()           # ...and then nothing more for 0.3 s
        s.press("down"); step = s.wait_quiet()
        print(len(step.data))

A reader thread drains the terminal's master side into one growing buffer
(the program never blocks on a full pty), and feeds a minimal screen model
(cursor moves and text, no styles) that is only used to wait for a string to
appear. Nothing here sleeps in a polling loop: waits block on a condition
that the reader signals on every chunk, with a deadline.
"""

from __future__ import annotations

import codecs
import fcntl
import os
import re
import struct
import subprocess
import termios
import threading
import time
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: What a terminal sends for each key (xterm, normal cursor-key mode).
KEYS: dict[str, bytes] = {
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "enter": b"\r",
    "tab": b"\t",
    "shift+tab": b"\x1b[Z",
    "escape": b"\x1b",
    "backspace": b"\x7f",
    "pageup": b"\x1b[5~",
    "pagedown": b"\x1b[6~",
    "f1": b"\x1bOP",
    "f2": b"\x1bOQ",
    "f3": b"\x1bOR",
    "f4": b"\x1bOS",
    "f5": b"\x1b[15~",
    "f6": b"\x1b[17~",
    "f7": b"\x1b[18~",
    "f9": b"\x1b[20~",
    "ctrl+l": b"\x0c",
    "ctrl+p": b"\x10",
    "ctrl+q": b"\x11",
    "ctrl+s": b"\x13",
}

#: How long "nothing written" must last for a step to count as finished.
QUIET = 0.3


@dataclass(frozen=True)
class Step:
    """What the program wrote between two marks."""

    data: bytes
    started: float
    """``time.monotonic()`` when the step began."""
    last_output: float | None
    """When its last byte arrived (None: it wrote nothing)."""

    @property
    def seconds(self) -> float:
        """From the step's start to its last byte (0 when it wrote nothing)."""
        return 0.0 if self.last_output is None else self.last_output - self.started


# --------------------------------------------------------------------------- #
# A minimal screen: enough to see which text is where
# --------------------------------------------------------------------------- #

_TOKEN = re.compile(
    r"\x1b\[([0-9;?<>=]*)([ -/]*)([@-~])"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1bP[^\x1b]*\x1b\\"  # DCS
    r"|\x1b[()*+][0-9A-Za-z]|\x1b[^\[\]P]"  # charset, other ESC x
    r"|[\x00-\x1a\x1c-\x1f\x7f]"  # C0 controls (not ESC)
    r"|[^\x00-\x1f\x7f\x1b]+"  # text
)


class Screen:
    """Characters on a ``cols`` x ``rows`` grid; styles and modes are ignored."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.lines = [[" "] * cols for _ in range(rows)]
        self.x = self.y = 0
        self.top, self.bottom = 0, rows - 1  # the scrolling region
        self._pending = ""

    def feed(self, text: str) -> None:
        text = self._pending + text
        self._pending = ""
        # An escape sequence cut by a read boundary waits for the next chunk.
        cut = text.rfind("\x1b")
        if cut != -1 and not _TOKEN.match(text, cut):
            text, self._pending = text[:cut], text[cut:]
        for match in _TOKEN.finditer(text):
            token = match.group(0)
            if match.group(3):
                self._csi(match.group(1), match.group(3))
            elif token == "\r":
                self.x = 0
            elif token == "\n":
                self.y = min(self.y + 1, self.rows - 1)
            elif token == "\b":
                self.x = max(self.x - 1, 0)
            elif token[0] not in "\x1b\x00\x07" and token[0] >= " ":
                self._text(token)

    def _csi(self, params: str, final: str) -> None:
        if params.startswith(("?", ">", "<", "=")):
            return
        nums = [int(p) if p else 0 for p in params.split(";")] if params else []

        def n(i: int, default: int = 1) -> int:
            return nums[i] if len(nums) > i and nums[i] else default

        if final in "Hf":
            self.y = min(max(n(0) - 1, 0), self.rows - 1)
            self.x = min(max(n(1) - 1, 0), self.cols - 1)
        elif final == "A":
            self.y = max(self.y - n(0), 0)
        elif final == "B":
            self.y = min(self.y + n(0), self.rows - 1)
        elif final == "C":
            self.x = min(self.x + n(0), self.cols - 1)
        elif final == "D":
            self.x = max(self.x - n(0), 0)
        elif final == "G":
            self.x = min(max(n(0) - 1, 0), self.cols - 1)
        elif final == "K":
            mode = n(0, 0)
            row = self.lines[self.y]
            lo, hi = {0: (self.x, self.cols), 1: (0, self.x + 1)}.get(mode, (0, self.cols))
            row[lo:hi] = [" "] * (hi - lo)
        elif final == "r":
            self.top = n(0) - 1
            self.bottom = (nums[1] if len(nums) > 1 and nums[1] else self.rows) - 1
            self.x = self.y = 0
        elif final in "ST":
            region = self.lines[self.top : self.bottom + 1]
            count = min(n(0), len(region))
            fresh = [[" "] * self.cols for _ in range(count)]
            region = region[count:] + fresh if final == "S" else fresh + region[: len(region) - count]
            self.lines[self.top : self.bottom + 1] = region
        elif final == "X":
            row = self.lines[self.y]
            hi = min(self.x + n(0), self.cols)
            row[self.x:hi] = [" "] * (hi - self.x)
        elif final == "J" and n(0, 0) == 2:
            self.lines = [[" "] * self.cols for _ in range(self.rows)]

    def _text(self, text: str) -> None:
        row = self.lines[self.y]
        for ch in text:
            if unicodedata.combining(ch):
                continue
            if self.x < self.cols:
                row[self.x] = ch
            self.x += 1
            if unicodedata.east_asian_width(ch) in "WF" and self.x < self.cols:
                row[self.x] = ""
                self.x += 1

    def text(self) -> str:
        return "\n".join("".join(line).rstrip() for line in self.lines)


def _take_terminal() -> None:
    """In the child, after setsid: make its stdin (the pty) the controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


# --------------------------------------------------------------------------- #
# The session
# --------------------------------------------------------------------------- #


class PtySession:
    """One program in a pseudo-terminal of ``cols`` x ``rows``; everything it writes is kept."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cols: int = 80,
        rows: int = 24,
        term: str = "xterm-256color",
    ) -> None:
        self.argv = list(argv)
        self.env = dict(os.environ if env is None else env)
        self.env["TERM"] = term
        # The size comes from the terminal (TIOCSWINSZ), as over SSH; these would override it.
        self.env.pop("COLUMNS", None)
        self.env.pop("LINES", None)
        self.cols, self.rows = cols, rows
        self.screen = Screen(cols, rows)
        self.output = bytearray()
        self.proc: subprocess.Popen | None = None
        self.started = 0.0
        self._last_output: float | None = None
        self._mark = 0
        self._mark_time = 0.0
        self._cond = threading.Condition()
        self._eof = False
        self._master = -1
        self._reader: threading.Thread | None = None
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    # ---- start, stop ------------------------------------------------------ #

    def start(self) -> PtySession:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        self.started = self._mark_time = time.monotonic()
        self.proc = subprocess.Popen(
            self.argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=self.env,
            start_new_session=True,
            preexec_fn=_take_terminal,  # the pty becomes its controlling terminal (SIGWINCH on resize)
            close_fds=True,
        )
        os.close(slave)
        self._master = master
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()
        return self

    def __enter__(self) -> PtySession:
        return self.start() if self.proc is None else self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self, timeout: float = 5.0) -> int | None:
        """Ask the program to quit (Ctrl+Q), then make sure it has; returns its exit code."""
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            try:
                self.send(KEYS["ctrl+q"])
                proc.wait(timeout)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait(timeout)
        if self._reader is not None:
            self._reader.join(timeout)
        if self._master != -1:
            os.close(self._master)
            self._master = -1
        return proc.returncode

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 65536)
            except OSError:  # EIO: the child closed the terminal
                chunk = b""
            now = time.monotonic()
            with self._cond:
                if not chunk:
                    self._eof = True
                    self._cond.notify_all()
                    return
                self.output += chunk
                self._last_output = now
                self.screen.feed(self._decoder.decode(chunk))
                self._cond.notify_all()

    def resize(self, cols: int, rows: int) -> None:
        """Change the terminal's size (the program gets SIGWINCH), and the screen model's."""
        with self._cond:
            self.cols, self.rows = cols, rows
            old, self.screen = self.screen, Screen(cols, rows)
            for y, line in enumerate(old.lines[:rows]):  # a terminal keeps what fits
                self.screen.lines[y][: min(cols, old.cols)] = line[: min(cols, old.cols)]
        fcntl.ioctl(self._master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    # ---- input -------------------------------------------------------------- #

    def send(self, data: bytes) -> None:
        os.write(self._master, data)

    def press(self, *keys: str) -> None:
        """Send keys by name (see KEYS); a name not in KEYS is typed as text."""
        for key in keys:
            self.send(KEYS.get(key) or key.encode())

    # ---- marks and waits ---------------------------------------------------- #

    def mark(self) -> None:
        """Start a new step: what is written from now on belongs to it."""
        with self._cond:
            self._mark = len(self.output)
            self._mark_time = time.monotonic()

    def step(self) -> Step:
        """What was written since the last mark; starts the next step."""
        with self._cond:
            data = bytes(self.output[self._mark:])
            last = self._last_output if data else None
            step = Step(data, self._mark_time, last)
            self._mark = len(self.output)
            self._mark_time = time.monotonic()
        return step

    def screen_text(self) -> str:
        with self._cond:
            return self.screen.text()

    def wait_for(self, text: str, timeout: float = 15.0) -> bool:
        """Block until ``text`` is on the screen (True), or the deadline or the program's end (False)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while text not in self.screen.text():
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    return False
                self._cond.wait(left)
        return True

    def wait_gone(self, text: str, timeout: float = 15.0) -> bool:
        """Block until ``text`` is no longer on the screen (True), or the deadline (False)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while text in self.screen.text():
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    return False
                self._cond.wait(left)
        return True

    def wait_quiet(self, quiet: float = QUIET, timeout: float = 15.0, *, expect: str | None = None) -> Step:
        """Wait for ``expect`` (if given) to show, then for ``quiet`` seconds without output; returns the step.

        "Quiet" is measured from the later of the step's start and its last
        byte, so a step that writes nothing ends after ``quiet`` seconds.
        """
        if expect is not None and not self.wait_for(expect, timeout):
            raise TimeoutError(f"{expect!r} did not show within {timeout} s; screen:\n{self.screen_text()}")
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._eof:
                last = self._last_output if len(self.output) > self._mark else None
                since = max(last or 0.0, self._mark_time)
                left = since + quiet - time.monotonic()
                if left <= 0:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"still writing after {timeout} s")
                self._cond.wait(left)
        return self.step()

    def idle(self, seconds: float) -> Step:
        """Send nothing for ``seconds`` and return what was written meanwhile (the thing measured is silence)."""
        self.mark()
        deadline = time.monotonic() + seconds
        with self._cond:
            while not self._eof:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
        return self.step()

    # ---- the process -------------------------------------------------------- #

    def peak_rss_kb(self) -> int | None:
        """VmHWM (peak resident set) of the program, in kB, while it still runs."""
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

"""What reaches the terminal on a slow link: only the cells that changed.

Textual repaints whole regions: a moved cursor row repaints the scrollbar
beside it, a focus change repaints the screen, a dialog repaints every
blank cell around it, and each cell run comes with its full colour codes
and a reset. On a satellite link those bytes are the user's wait.

:class:`ScreenDiff` keeps a model of what the terminal shows (characters
and styles, cell by cell). Each frame Textual writes is applied to the
model instead of being sent; what is sent is the difference: the changed
cells only, with the shortest cursor moves and colour changes, erases for
blank runs, and nothing at all for a frame that changes nothing. This is
what curses has always done.

:class:`LowBandwidthDriver` is Textual's Linux driver with its ``write``
going through a ``ScreenDiff``; the app uses it in the low-bandwidth
profile only. Whatever the model does not understand (an OSC hyperlink
inside a frame, say) is sent unchanged and the model follows it, or forgets
what it knew, so the screen is never wrong, only sometimes less optimised.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import NamedTuple

from rich.cells import cell_len

# --------------------------------------------------------------------------- #
# Styles: SGR attributes and colours
# --------------------------------------------------------------------------- #

#: SGR attribute codes and a bit each (rich emits exactly these).
_ATTR_BITS = {1: 1, 2: 2, 3: 4, 4: 8, 5: 16, 6: 32, 7: 64, 8: 128, 9: 256, 21: 512, 51: 1024, 52: 2048, 53: 4096}
_BIT_CODES = sorted((bit, code) for code, bit in _ATTR_BITS.items())
#: SGR codes that clear attributes, and the bits each clears.
_ATTR_OFF = {22: 1 | 2, 23: 4, 24: 8 | 512, 25: 16 | 32, 27: 64, 28: 128, 29: 256, 54: 1024 | 2048, 55: 4096}


class Style(NamedTuple):
    attrs: int = 0
    fg: str = ""
    """SGR parameters of the foreground colour ("31", "38;5;208"); "" is the default."""
    bg: str = ""

    def params(self) -> list[str]:
        out = [str(code) for bit, code in _BIT_CODES if self.attrs & bit]
        if self.fg:
            out.append(self.fg)
        if self.bg:
            out.append(self.bg)
        return out


DEFAULT = Style()


def parse_sgr(params: str, style: Style) -> Style:
    """``style`` after ``ESC [ params m``."""
    if not params:
        return DEFAULT
    attrs, fg, bg = style
    codes = params.split(";")
    i = 0
    while i < len(codes):
        code = int(codes[i]) if codes[i].isdigit() else 0
        if code == 0:
            attrs, fg, bg = 0, "", ""
        elif code in _ATTR_BITS:
            attrs |= _ATTR_BITS[code]
        elif code in _ATTR_OFF:
            attrs &= ~_ATTR_OFF[code]
        elif 30 <= code <= 37 or 90 <= code <= 97:
            fg = str(code)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            bg = str(code)
        elif code == 39:
            fg = ""
        elif code == 49:
            bg = ""
        elif code in (38, 48) and i + 1 < len(codes):
            n = 3 if codes[i + 1] == "5" else 5 if codes[i + 1] == "2" else 1
            colour = ";".join(codes[i : i + n])
            if code == 38:
                fg = colour
            else:
                bg = colour
            i += n - 1
        i += 1
    return Style(attrs, fg, bg)


def sgr(old: Style, new: Style) -> str:
    """The shortest SGR sequence that turns ``old`` into ``new`` ("" when equal)."""
    if old == new:
        return ""
    if new == DEFAULT:
        return "\x1b[m"
    full = "\x1b[0;" + ";".join(new.params()) + "m"
    if old.attrs & ~new.attrs:
        return full  # switching an attribute off: a reset is as short, and simpler
    step = [str(code) for bit, code in _BIT_CODES if new.attrs & bit and not old.attrs & bit]
    if new.fg != old.fg:
        step.append(new.fg or "39")
    if new.bg != old.bg:
        step.append(new.bg or "49")
    short = "\x1b[" + ";".join(step) + "m"
    return short if len(short) <= len(full) else full


# --------------------------------------------------------------------------- #
# Cells and the parser of what Textual writes
# --------------------------------------------------------------------------- #


class Cell(NamedTuple):
    text: str
    """The character(s) shown; "" for the second half of a wide character."""
    style: Style


BLANK = Cell(" ", DEFAULT)

_TOKEN = re.compile(
    r"(?P<csi>\x1b\[(?P<params>[0-9;:?<>=]*)(?P<inter>[ -/]*)(?P<final>[@-~]))"
    r"|(?P<esc>\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1bP[^\x1b]*\x1b\\|\x1b[()*+#][0-9A-Za-z]|\x1b[^\[\]P])"
    r"|(?P<ctl>[\x00-\x1a\x1c-\x1f\x7f])"
    r"|(?P<text>[^\x00-\x1f\x7f\x1b]+)"
)

#: Private modes that neither move the cursor nor touch the screen: sent as they come.
_HARMLESS_MODES = re.compile(r"\?(?:25|7|1000|1002|1003|1004|1006|1015|1016|2004|2026|2048)(?:\$p|[hl])")


class _Frame:
    """The cells one write puts on the screen, in the order written (later writes win)."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[int, Cell]] = {}

    def put(self, y: int, x: int, cell: Cell) -> None:
        self.rows.setdefault(y, {})[x] = cell


# --------------------------------------------------------------------------- #
# The model and the diff
# --------------------------------------------------------------------------- #

#: A blank run at least this long is erased (ECH) rather than written as spaces.
ERASE_MIN = 8
#: Changed cells separated by at most this many unchanged ones are sent as one run.
GAP_MAX = 4
#: Scrolling: the fewest rows worth a scrolling region, the shifts tried, and
#: what a scroll costs (in cells, like the savings it is weighed against).
SCROLL_MIN_ROWS = 4
SCROLL_STEPS = (1, -1, 2, -2, 3, -3)
SCROLL_COST = 16


class ScreenDiff:
    """A model of the terminal: ``feed`` Textual's output, send what it returns.

    ``None`` in the model is a cell whose content is unknown (at start, after
    an alternate-screen switch, after :meth:`invalidate`): it is always
    written when a frame covers it.
    """

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.cells: list[list[Cell | None]] = [[None] * cols for _ in range(rows)]
        self.cursor: tuple[int, int] | None = None  # (x, y) on the terminal, None: unknown
        self.style = DEFAULT  # the terminal's current SGR
        self._pending = ""
        # Where Textual believes the cursor is, and its style (what it wrote so far).
        self._in_x = self._in_y = 0
        self._in_style = DEFAULT
        self._parked: tuple[int, int] | None = None  # where Textual last asked the cursor to rest

    def invalidate(self, cols: int | None = None, rows: int | None = None) -> None:
        """Forget what the terminal shows (after a resize, or to redraw everything)."""
        self.cols = cols or self.cols
        self.rows = rows or self.rows
        self.cells = [[None] * self.cols for _ in range(self.rows)]
        self.cursor = None
        self._parked = None

    # ---- input -------------------------------------------------------------- #

    def feed(self, data: str) -> str:
        """Take what Textual would write; return what the terminal needs."""
        data = self._pending + data
        self._pending = ""
        cut = data.rfind("\x1b")
        if cut != -1 and not _TOKEN.match(data, cut):
            data, self._pending = data[:cut], data[cut:]  # a sequence cut in two: wait for the rest
        if "\x1b]8;" in data:
            # A hyperlink inside a frame: send it as it came; the model forgets.
            self.invalidate()
            self.style = DEFAULT
            return data + "\x1b[m"
        out: list[str] = []
        frame = _Frame()
        x, y, style = self._in_x, self._in_y, self._in_style
        cursor_moved = False
        for m in _TOKEN.finditer(data):
            if m.group("text") is not None:
                x = self._put_text(frame, m.group("text"), x, y, style)
            elif m.group("csi") is not None:
                final, params = m.group("final"), m.group("params")
                if m.group("inter") or params[:1] in ("?", "<", ">", "="):
                    out.append(self._flush(frame))
                    frame = _Frame()
                    out.append(self._passthrough(m.group(0), params + m.group("inter") + final))
                elif final == "m":
                    style = parse_sgr(params, style)
                elif final in "HfABCDGd":
                    x, y = _move(final, params, x, y)
                    x, y = min(max(x, 0), self.cols - 1), min(max(y, 0), self.rows - 1)
                    cursor_moved = True
                elif final == "K":
                    lo, hi = {"": (x, self.cols), "0": (x, self.cols), "1": (0, x + 1)}.get(params, (0, self.cols))
                    for col in range(lo, hi):
                        frame.put(y, col, Cell(" ", Style(0, "", style.bg)))
                elif final == "X":
                    for col in range(x, min(x + (int(params) if params.isdigit() else 1), self.cols)):
                        frame.put(y, col, Cell(" ", Style(0, "", style.bg)))
                else:  # anything else: send the frame so far, then this, and trust nothing
                    out.append(self._flush(frame))
                    frame = _Frame()
                    out.append(self._reset_style() + m.group(0))
                    self.invalidate()
            elif m.group("ctl") is not None:
                ch = m.group("ctl")
                if ch == "\r":
                    x = 0
                elif ch == "\n":
                    x, y = 0, min(y + 1, self.rows - 1)
                elif ch == "\b":
                    x = max(x - 1, 0)
                else:  # BEL and the like
                    out.append(self._flush(frame))
                    frame = _Frame()
                    out.append(ch)
            else:
                # OSC (pointer shape, title), DCS, ESC x: sent as they come.
                seq = m.group(0)
                out.append(self._flush(frame))
                frame = _Frame()
                out.append(seq)
                if not seq.startswith("\x1b]"):
                    self.invalidate()
        out.append(self._flush(frame))
        self._in_x, self._in_y, self._in_style = x, y, style
        text = "".join(out)
        if text:
            text += self._reset_style()
        if cursor_moved and (x, y) != self._parked:
            # Where Textual leaves the (hidden) cursor, for input methods: sent
            # when it changes (a field gains focus, a character is typed), not
            # after every frame.
            self._parked = (x, y)
            text += self._move_to(x, y)
        return text

    def _reset_style(self) -> str:
        """Leave the terminal in its default style (a shell prompt after us, an erase)."""
        seq = sgr(self.style, DEFAULT)
        self.style = DEFAULT
        return seq

    def _put_text(self, frame: _Frame, text: str, x: int, y: int, style: Style) -> int:
        for ch in text:
            width = cell_len(ch)
            if width == 0:
                # A combining mark joins the character before it.
                row = frame.rows.get(y, {})
                if x > 0 and x - 1 in row:
                    prev = row[x - 1]
                    row[x - 1] = Cell(prev.text + ch, prev.style)
                continue
            if x + width > self.cols:
                x += width
                continue
            frame.put(y, x, Cell(ch, style))
            if width == 2:
                frame.put(y, x + 1, Cell("", style))
            x += width
        return x

    def _passthrough(self, seq: str, body: str) -> str:
        if not _HARMLESS_MODES.fullmatch(body):
            # The alternate screen, origin mode, keyboard modes...: the model
            # may no longer be what is shown; forget it.
            self.invalidate()
        return seq

    # ---- output ------------------------------------------------------------- #

    def _flush(self, frame: _Frame) -> str:
        # What Textual means each touched row to show: the model, overwritten by the frame.
        targets: dict[int, list[Cell | None]] = {}
        for y, new in frame.rows.items():
            if 0 <= y < self.rows:
                target = list(self.cells[y])
                for x, cell in new.items():
                    if 0 <= x < self.cols:
                        target[x] = cell
                targets[y] = target
        if not targets:
            return ""
        out = [self._scroll(targets)]
        for y in sorted(targets):
            out.extend(self._flush_row(y, targets[y]))
        return "".join(out)

    def _scroll(self, targets: dict[int, list[Cell | None]]) -> str:
        """Scroll a block of rows on the terminal when the frame is that block moved up or down.

        A table scrolled by one row is repainted whole by Textual; one scroll
        (a scrolling region and SU/SD, a dozen bytes) then leaves one new row
        to write. Chosen only when it saves bytes, counted as changed cells.
        """
        ys = sorted(targets)
        if sum(1 for y in ys if targets[y] != self.cells[y]) < SCROLL_MIN_ROWS:
            return ""  # too little changed for a scroll to pay (most frames)
        blank = [BLANK] * self.cols
        best: tuple[int, int, int, int] | None = None  # (saving, top, bottom, k)
        # Only rows the model knows whole can be moved (not the first frame's).
        known = [y for y in ys if None not in self.cells[y]]
        for top, bottom in _blocks(known, SCROLL_MIN_ROWS):
            rows = range(top, bottom + 1)
            stay = {y: _cost(self.cells[y], targets[y]) for y in rows}
            fresh = {y: _cost(blank, targets[y]) for y in rows}
            for k in SCROLL_STEPS:
                # k > 0: the content moves up k rows (the view scrolled down).
                moved = {y: _cost(self.cells[y + k], targets[y]) for y in rows if top <= y + k <= bottom}
                for a in rows:
                    for b in range(a + SCROLL_MIN_ROWS - 1, bottom + 1):
                        if abs(k) * 2 > b - a + 1:
                            continue
                        before = sum(stay[y] for y in range(a, b + 1))
                        after = sum(
                            moved[y] if a <= y + k <= b else fresh[y] for y in range(a, b + 1)
                        )
                        saving = before - after - SCROLL_COST
                        if saving > 0 and (best is None or saving > best[0]):
                            best = (saving, a, b, k)
        if best is None:
            return ""
        _, a, b, k = best
        old = self.cells
        shifted = [list(old[y + k]) if a <= y + k <= b else list(blank) for y in range(a, b + 1)]
        self.cells = old[:a] + shifted + old[b + 1 :]
        self.cursor = (0, 0)  # setting and resetting the region homes the cursor
        amount = "" if abs(k) == 1 else str(abs(k))
        return f"{self._reset_style()}\x1b[{a + 1};{b + 1}r\x1b[{amount}{'S' if k > 0 else 'T'}\x1b[r"

    def _flush_row(self, y: int, target: list[Cell | None]) -> Iterator[str]:
        row = self.cells[y]
        changed = [x for x in range(self.cols) if target[x] is not None and row[x] != target[x]]
        if not changed:
            return
        # Runs of changed cells; short gaps of unchanged, known cells are rewritten.
        runs: list[list[int]] = []
        for x in changed:
            if runs and x - runs[-1][1] <= GAP_MAX and all(target[g] is not None for g in range(runs[-1][1], x)):
                runs[-1][1] = x + 1
            else:
                runs.append([x, x + 1])
        for lo, hi in runs:
            # Never start or end inside a wide character (here or on the terminal).
            while lo > 0 and (_half(target[lo]) or _half(row[lo])):
                lo -= 1
            while hi < self.cols and (_half(target[hi]) or _half(row[hi])):
                hi += 1
            yield from self._write_run(y, lo, hi, target)
        self.cells[y] = [t if t is not None else r for t, r in zip(target, row)]

    def _write_run(self, y: int, lo: int, hi: int, target: list[Cell | None]) -> Iterator[str]:
        x = lo
        while x < hi:
            cell = target[x]
            if cell is None or cell.text == "":
                x += 1
                continue
            blank = _blank_run(target, x, hi)
            to_end = blank and x + blank == self.cols
            if blank >= ERASE_MIN or (to_end and blank >= 3):
                # Erase rather than write spaces: EL to the end of the line, else ECH.
                yield self._move_to(x, y)
                yield self._reset_style()
                yield "\x1b[K" if to_end else f"\x1b[{blank}X"
                x += blank
                continue
            yield self._move_to(x, y)
            yield sgr(self.style, cell.style)
            self.style = cell.style
            yield cell.text
            width = 2 if x + 1 < self.cols and target[x + 1] is not None and target[x + 1].text == "" else 1
            x += width
            # At the last column the cursor stays put (no autowrap): say "unknown".
            self.cursor = (x, y) if x < self.cols else None

    def _move_to(self, x: int, y: int) -> str:
        cur = self.cursor
        if cur == (x, y):
            return ""
        options = [f"\x1b[{y + 1}H" if x == 0 else f"\x1b[{y + 1};{x + 1}H"]
        if cur is not None:
            cx, cy = cur
            if cy == y:
                if x == 0:
                    options.append("\r")
                elif x > cx:
                    options.append("\x1b[C" if x - cx == 1 else f"\x1b[{x - cx}C")
                else:
                    options.append("\x1b[D" if cx - x == 1 else f"\x1b[{cx - x}D")
            elif cx == x:
                n = abs(y - cy)
                options.append(f"\x1b[{'' if n == 1 else n}{'B' if y > cy else 'A'}")
        self.cursor = (x, y)
        return min(options, key=len)


def _cost(row: list[Cell | None], target: list[Cell | None]) -> int:
    """Cells of ``row`` that differ from what ``target`` wants (about the bytes to fix them)."""
    return sum(1 for have, want in zip(row, target) if want is not None and have != want)


def _blocks(ys: list[int], least: int) -> Iterator[tuple[int, int]]:
    """Runs of consecutive row numbers, at least ``least`` long, as (first, last)."""
    start = prev = None
    for y in ys + [None]:
        if y is not None and prev is not None and y == prev + 1:
            prev = y
            continue
        if start is not None and prev - start + 1 >= least:
            yield start, prev
        start = prev = y


def _half(cell: Cell | None) -> bool:
    return cell is not None and cell.text == ""


def _blank_run(target: list[Cell | None], x: int, hi: int) -> int:
    n = 0
    while x + n < hi and target[x + n] == BLANK:
        n += 1
    return n


def _move(final: str, params: str, x: int, y: int) -> tuple[int, int]:
    nums = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else []

    def n(i: int) -> int:
        return nums[i] if len(nums) > i and nums[i] else 1

    if final in "Hf":
        return n(1) - 1, n(0) - 1
    if final == "A":
        return x, y - n(0)
    if final == "B":
        return x, y + n(0)
    if final == "C":
        return x + n(0), y
    if final == "D":
        return x - n(0), y
    if final == "G":
        return n(0) - 1, y
    return x, n(0) - 1  # "d"


# --------------------------------------------------------------------------- #
# The driver
# --------------------------------------------------------------------------- #

SYNC_START = "\x1b[?2026h"
SYNC_END = "\x1b[?2026l"
#: Smaller updates go without synchronized-output markers: they arrive in one
#: packet, so the terminal paints them at once anyway, and the markers would be
#: 16 of their few bytes.
SYNC_MIN = 1024


class LowBandwidthOutput:
    """Everything the driver writes, made small: a :class:`ScreenDiff`, and frame markers only where they help.

    Textual brackets each frame with synchronized-output markers when the
    terminal supports them (two writes of their own). Here they wrap only
    frames that still have something to send and are big enough to arrive
    in several pieces.
    """

    def __init__(self, cols: int, rows: int) -> None:
        self.diff = ScreenDiff(cols, rows)
        self._sync_wanted = False
        self._sync_open = False

    def write(self, data: str) -> str:
        """What the terminal should receive for ``data`` ("" for nothing)."""
        if data == SYNC_START:
            self._sync_wanted = True
            return ""
        if data == SYNC_END:
            self._sync_wanted = False
            if self._sync_open:
                self._sync_open = False
                return SYNC_END
            return ""
        out = self.diff.feed(data)
        if out and self._sync_wanted and not self._sync_open and len(out) >= SYNC_MIN:
            self._sync_open = True
            out = SYNC_START + out
        return out


def low_bandwidth_driver():
    """Textual's POSIX driver, writing only what changed; ``None`` on Windows."""
    import sys

    if sys.platform == "win32":
        return None
    from textual.drivers.linux_driver import LinuxDriver

    class LowBandwidthDriver(LinuxDriver):
        """:class:`LinuxDriver` whose output goes through a :class:`LowBandwidthOutput`."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.output = LowBandwidthOutput(*self._get_terminal_size())
            self._lock = threading.Lock()

        def write(self, data: str) -> None:
            with self._lock:
                out = self.output.write(data)
                if out:
                    super().write(out)

        def forget_screen(self, width: int | None = None, height: int | None = None) -> None:
            """The terminal was resized (to ``width`` x ``height``), or should be redrawn: send everything next time.

            A "resize" to the size it already has (Textual sends one at start) changes nothing.
            """
            with self._lock:
                diff = self.output.diff
                if width is not None and (width, height) == (diff.cols, diff.rows):
                    return
                diff.invalidate(width, height)

    return LowBandwidthDriver

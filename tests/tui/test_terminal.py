"""The low-bandwidth output filter: what it sends shows exactly what Textual meant, in fewer bytes.

A small terminal emulator (characters and SGR styles, the cursor moves and
erases both sides use) replays Textual's own output and the filter's, and
the two screens must match cell for cell after every write.
"""

from __future__ import annotations

import random
import re

from rich.cells import cell_len

from telecoop.tui.terminal import (
    BLANK,
    DEFAULT,
    SYNC_END,
    SYNC_START,
    Cell,
    LowBandwidthOutput,
    ScreenDiff,
    Style,
    parse_sgr,
    sgr,
)

CSI = re.compile(r"\x1b\[([0-9;?<>=$]*)([@-~])|\x1b\][^\x07]*\x07|([\r\n\b])|([^\x1b\r\n\b]+)")


class Emulator:
    """An 80x24 terminal without autowrap (Textual turns it off)."""

    def __init__(self, cols: int = 80, rows: int = 24) -> None:
        self.cols, self.rows = cols, rows
        self.grid = [[BLANK] * cols for _ in range(rows)]
        self.x = self.y = 0
        self.style = DEFAULT
        self.top, self.bottom = 0, rows - 1

    def feed(self, data: str) -> None:
        for m in CSI.finditer(data):
            params, final, ctl, text = m.groups()
            if text:
                for ch in text:
                    w = cell_len(ch)
                    if w == 0:  # a combining mark joins the character before it
                        prev = self.grid[self.y][self.x - 1]
                        self.grid[self.y][self.x - 1] = Cell(prev.text + ch, prev.style)
                        continue
                    if self.x + w <= self.cols:
                        self.grid[self.y][self.x] = Cell(ch, self.style)
                        if w == 2:
                            self.grid[self.y][self.x + 1] = Cell("", self.style)
                    self.x = min(self.x + w, self.cols - 1)
            elif ctl == "\r":
                self.x = 0
            elif ctl == "\n":
                self.x, self.y = 0, min(self.y + 1, self.rows - 1)
            elif final and not params.startswith(("?", ">", "<")) and "$" not in params:
                nums = [int(p) if p else 0 for p in params.split(";")] if params else []
                n = nums[0] if nums and nums[0] else 1
                if final == "H":
                    self.y, self.x = n - 1, (nums[1] if len(nums) > 1 and nums[1] else 1) - 1
                elif final == "C":
                    self.x = min(self.x + n, self.cols - 1)
                elif final == "D":
                    self.x = max(self.x - n, 0)
                elif final == "A":
                    self.y = max(self.y - n, 0)
                elif final == "B":
                    self.y = min(self.y + n, self.rows - 1)
                elif final == "r":
                    self.top = (nums[0] or 1) - 1 if nums else 0
                    self.bottom = (nums[1] if len(nums) > 1 and nums[1] else self.rows) - 1
                    self.x = self.y = 0
                elif final in "ST":
                    region = self.grid[self.top : self.bottom + 1]
                    blank = [Cell(" ", Style(0, "", self.style.bg))] * self.cols
                    if final == "S":
                        region = region[n:] + [list(blank) for _ in range(n)]
                    else:
                        region = [list(blank) for _ in range(n)] + region[:-n]
                    self.grid[self.top : self.bottom + 1] = region
                elif final == "m":
                    self.style = parse_sgr(params, self.style)
                elif final == "K":
                    blank = Cell(" ", Style(0, "", self.style.bg))
                    for x in range(self.x, self.cols):
                        self.grid[self.y][x] = blank
                elif final == "X":
                    blank = Cell(" ", Style(0, "", self.style.bg))
                    for x in range(self.x, min(self.x + n, self.cols)):
                        self.grid[self.y][x] = blank

    def text(self) -> str:
        return "\n".join("".join(c.text for c in row) for row in self.grid)


def frame(rows: dict[int, str], *, cursor: tuple[int, int] = (0, 0)) -> str:
    """A Textual-like frame: each row positioned, styled, reset."""
    out = []
    for y, text in rows.items():
        out.append(f"\x1b[{y + 1};1H\x1b[39;49m{text}\x1b[0m")
    out.append(f"\x1b[{cursor[1] + 1};{cursor[0] + 1}H")
    return "".join(out)


def replay(writes: list[str]) -> tuple[Emulator, Emulator, int, int]:
    raw, filtered, diff = Emulator(), Emulator(), ScreenDiff(80, 24)
    raw_bytes = sent_bytes = 0
    for data in writes:
        raw.feed(data)
        out = diff.feed(data)
        filtered.feed(out)
        raw_bytes += len(data.encode())
        sent_bytes += len(out.encode())
        assert filtered.grid == raw.grid, f"screens differ after {data!r}"
    return raw, filtered, raw_bytes, sent_bytes


def test_an_identical_frame_sends_nothing():
    first = frame({0: "hello".ljust(80), 1: "world".ljust(80)})
    diff = ScreenDiff(80, 24)
    assert diff.feed(first)
    assert diff.feed(first) == ""


def test_a_changed_cell_sends_that_cell_only():
    diff = ScreenDiff(80, 24)
    diff.feed(frame({0: "cursor on row 1".ljust(80)}))
    out = diff.feed(frame({0: "cursor on row 2".ljust(80)}))
    # From where the cursor rested (0, 0); it rests there still, so no move back.
    assert out == "\x1b[14C2"


def test_styles_change_by_the_shortest_sequence():
    assert sgr(DEFAULT, DEFAULT) == ""
    assert sgr(Style(64, "", ""), DEFAULT) == "\x1b[m"
    assert sgr(DEFAULT, Style(1, "", "")) == "\x1b[1m"
    assert sgr(Style(1, "31", ""), Style(1, "32", "")) == "\x1b[32m"
    assert sgr(Style(1 | 64, "", ""), Style(1, "", "")) == "\x1b[0;1m"
    assert parse_sgr("1;7;39;49", DEFAULT) == Style(1 | 64, "", "")
    assert parse_sgr("38;5;208;48;2;1;2;3", DEFAULT) == Style(0, "38;5;208", "48;2;1;2;3")


def test_random_frames_show_the_same_screen():
    rng = random.Random(7)
    words = ["Îles", "gaspésie", "08:30 · 09:30", "—", "▼", "e\u0301", "  ", "x" * 30, " " * 12]
    styles = ["\x1b[39;49m", "\x1b[1;39;49m", "\x1b[7;39;49m", "\x1b[31;49m", "\x1b[1;4;39;49m", "\x1b[90;49m"]
    writes = []
    for _ in range(400):
        parts = []
        for _ in range(rng.randint(1, 6)):
            y, x = rng.randrange(24), rng.randrange(80)
            parts.append(f"\x1b[{y + 1};{x + 1}H")
            for _ in range(rng.randint(1, 4)):
                word = rng.choice(words)
                if x + cell_len(word) > 80:
                    break
                x += cell_len(word)
                parts.append(rng.choice(styles) + word + "\x1b[0m")
        if rng.random() < 0.2:
            parts.append(f"\x1b[{rng.randrange(24) + 1};1H\x1b[39;49m" + " " * 80 + "\x1b[0m")
        parts.append(f"\x1b[{rng.randrange(24) + 1};{rng.randrange(80) + 1}H")
        writes.append("".join(parts))
    raw, filtered, raw_bytes, sent = replay(writes)
    assert sent < raw_bytes


def test_wide_characters_are_sent_whole():
    # Textual repaints whole lines or spans, never half a wide character.
    lines = ["日本語 clinic".ljust(76), "x日本語 clinic".ljust(75), "日本 x clinic".ljust(76), "plain".ljust(80)]
    raw, filtered, _, _ = replay([frame({3: line}) for line in lines])
    assert filtered.text().splitlines()[3].startswith("plain")


def test_a_scrolled_table_is_scrolled_on_the_terminal():
    rng = random.Random(3)
    names = ["Chantal Leblanc", "Rémi Cyr", "Dre Hélène Ouellet", "Annie Huard", "Karen Ryan-Bélanger"]
    rows = [
        f" {rng.choice(['Mon', 'Tue', 'Thu'])} {rng.randint(1, 28):2d}  {rng.randint(7, 17):02d}:{rng.choice(['00', '15', '30'])}"
        f"   {rng.choice(names):24} {rng.choice(['iles', 'gaspesie', 'pontiac'])}".ljust(79)
        for _ in range(40)
    ]

    def table(first: int, cursor: int) -> str:
        shown = {}
        for y in range(15):
            style = "\x1b[7;39;49m" if first + y == cursor else "\x1b[39;49m"
            shown[5 + y] = style + rows[first + y] + "\x1b[0m" + ("\x1b[90;49m▆" if y == first else "\x1b[39;49m ")
        return "".join(f"\x1b[{y + 1};1H{text}\x1b[0m" for y, text in shown.items()) + "\x1b[1;12H"

    writes = [table(0, 14), table(1, 15), table(2, 16), table(1, 15), table(4, 18)]
    diff = ScreenDiff(80, 24)
    raw, filtered = Emulator(), Emulator()
    outs = []
    for data in writes:
        raw.feed(data)
        outs.append(diff.feed(data))
        filtered.feed(outs[-1])
        assert filtered.grid == raw.grid
    assert "\x1b[S" in outs[1] and "\x1b[T" in outs[3] and "\x1b[3S" in outs[4]
    assert max(len(out.encode()) for out in outs[1:]) < 300


def test_alternate_screen_switch_forgets_the_model():
    diff = ScreenDiff(80, 24)
    first = frame({0: "hello".ljust(80)})
    diff.feed(first)
    assert diff.feed("\x1b[?1049h") == "\x1b[?1049h"
    assert "hello" in diff.feed(first)  # the new screen is blank: everything again


def test_invalidate_redraws_everything():
    diff = ScreenDiff(80, 24)
    first = frame({0: "hello".ljust(80)})
    diff.feed(first)
    diff.invalidate()
    assert "hello" in diff.feed(first)


def test_frame_markers_only_around_big_frames_that_send_something():
    out = LowBandwidthOutput(80, 24)
    full = frame({y: f"row {y} " * 9 for y in range(24)})
    sent = [out.write(SYNC_START), out.write(full), out.write(SYNC_END)]
    assert sent[0] == "" and sent[1].startswith(SYNC_START) and sent[2] == SYNC_END

    # The same frame again: nothing at all, markers included.
    assert [out.write(SYNC_START), out.write(full), out.write(SYNC_END)] == ["", "", ""]

    # One changed cell: sent bare (it arrives in one piece anyway).
    small = full.replace("row 3 ", "row 9 ", 1)
    sent = [out.write(SYNC_START), out.write(small), out.write(SYNC_END)]
    assert sent[0] == "" and sent[1] and SYNC_START not in sent[1] and sent[2] == ""

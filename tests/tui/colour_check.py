"""Read the colours a terminal would show, cell by cell, from the app's composed screen.

What the app writes is the compositor's strips (Textual's line filters, NO_COLOR's
among them, already applied) rendered by Rich at the console's colour system.
So each cell's colours here are downgraded exactly as Rich would for that system.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.color import ColorSystem, ColorType
from rich.style import Style


@dataclass(frozen=True)
class Cell:
    char: str
    fg: str
    """Foreground as the terminal gets it: "default", "ansi:N", "rgb:..."."""
    bg: str
    reverse: bool
    underline: bool
    bold: bool

    @property
    def shown_bg(self) -> str:
        """The colour behind the glyph once reverse is applied (what makes a cursor row)."""
        return self.fg.replace("default", "default-fg") if self.reverse else self.bg.replace("default", "default-bg")

    @property
    def shown_fg(self) -> str:
        return self.bg.replace("default", "default-bg") if self.reverse else self.fg.replace("default", "default-fg")


def _colour(color, system: ColorSystem | None) -> str:
    if color is None or color.type == ColorType.DEFAULT:
        return "default"
    if system is None:  # NO_COLOR: no colour must reach the terminal at all
        return f"raw:{color.name}"
    c = color.downgrade(system)
    if c.type == ColorType.DEFAULT:
        return "default"
    if c.number is not None:
        return f"ansi:{c.number}"
    return f"rgb:{c.triplet.hex if c.triplet else c.name}"


def cells(app, system: ColorSystem | None) -> list[list[Cell]]:
    """Every cell of the screen (all layers), with the colours the terminal would show."""
    rows = []
    for strip in app.screen._compositor.render_strips():
        row: list[Cell] = []
        for seg in strip:
            if seg.control:
                continue
            style = seg.style or Style()
            for ch in seg.text:
                row.append(
                    Cell(
                        ch,
                        _colour(style.color, system),
                        _colour(style.bgcolor, system),
                        bool(style.reverse),
                        bool(style.underline),
                        bool(style.bold),
                    )
                )
        rows.append(row)
    return rows


def same_colour_cells(grid: list[list[Cell]]) -> list[tuple[int, int, str, str]]:
    """(x, y, char, colour) of every visible glyph drawn in its own background's colour."""
    bad = []
    for y, row in enumerate(grid):
        for x, cell in enumerate(row):
            if cell.char.strip() and cell.shown_fg.removeprefix("default-") == cell.shown_bg.removeprefix("default-") and "default" not in cell.shown_fg:
                bad.append((x, y, cell.char, cell.shown_fg))
    return bad


def coloured_cells(grid: list[list[Cell]]) -> list[tuple[int, int, str, str, str]]:
    """Cells that carry any colour at all (NO_COLOR allows none)."""
    return [
        (x, y, c.char, c.fg, c.bg)
        for y, row in enumerate(grid)
        for x, c in enumerate(row)
        if c.fg != "default" or c.bg != "default"
    ]


def row_marked(grid: list[list[Cell]], y: int, other_y: int, x0: int, x1: int) -> float:
    """Share of columns [x0, x1) where line ``y`` looks different from line ``other_y`` behind the text.

    A cursor row is visible when (nearly) all its cells show another background
    (reverse video counts) or an underline that the ordinary row lacks.
    """
    differ = 0
    for x in range(x0, x1):
        a, b = grid[y][x], grid[other_y][x]
        if a.shown_bg != b.shown_bg or a.underline != b.underline:
            differ += 1
    return differ / max(x1 - x0, 1)

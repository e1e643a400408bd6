"""A horizontal bar chart drawn with block characters.

Bars are characters (``█`` and eighth blocks), not background colour, so the
chart reads the same in 16 colours, with ``NO_COLOR`` and on a monochrome
terminal, and costs one byte-ish per cell over a slow link. Labels are
shown literally: a name holding ``[b]`` stays ``[b]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from telecoop.tui.format import clean

FULL = "█"
#: Partial blocks, one eighth of a cell to seven eighths.
EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")
MIN_BAR = 6


@dataclass(frozen=True)
class Bar:
    """One line of the chart: a label, a value that sets the length, and the text after the bar."""

    label: str
    value: float
    text: str = ""


def bar_cells(value: float, maximum: float, width: int) -> str:
    """``value`` out of ``maximum`` as a run of block characters at most ``width`` cells long."""
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = round(min(value / maximum, 1.0) * width * 8)
    if eighths == 0:
        eighths = 1  # a value above zero always shows
    full, part = divmod(eighths, 8)
    return FULL * full + EIGHTHS[part]


def _fit(text: str, width: int) -> str:
    """``text`` padded or cropped (with an ellipsis) to ``width`` cells."""
    plain = Text(text)
    if plain.cell_len <= width:
        return text + " " * (width - plain.cell_len)
    plain.truncate(width, overflow="ellipsis")
    return plain.plain + " " * (width - plain.cell_len)


class _Bars:
    """The rich renderable: lays the chart out for the width it is given."""

    def __init__(self, chart: BarChart) -> None:
        self.chart = chart

    def lines(self, width: int) -> list[Text]:
        chart = self.chart
        if not chart.bars:
            return [Text(chart.empty_text, style="italic", end="")]
        labels = [clean(b.label) for b in chart.bars]
        texts = [clean(b.text) for b in chart.bars]
        text_w = max(Text(x).cell_len for x in texts)
        label_w = min(max(Text(x).cell_len for x in labels), max(width // 3, 8))
        bar_w = max(width - label_w - text_w - 2, MIN_BAR)
        maximum = chart.maximum if chart.maximum is not None else max(b.value for b in chart.bars)
        bar_style = chart.bar_style()
        out = []
        for bar, label, text in zip(chart.bars, labels, texts):
            line = Text(no_wrap=True, overflow="crop", end="")
            line.append(_fit(label, label_w))
            line.append(" ")
            cells = bar_cells(bar.value, maximum, bar_w)
            line.append(cells, style=bar_style)
            line.append(" " * (bar_w - len(cells)))
            line.append(" ")
            line.append(text)
            out.append(line)
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        chart = Text("\n", end="").join(self.lines(options.max_width))
        chart.end = "\n"  # Textual counts the lines of a rich renderable by its newlines
        yield chart

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, options.max_width)


class BarChart(Static):
    """Horizontal bars, one per line: ``label  ████▌  text``.

    ``maximum`` fixes the full length (1.0 for rates); ``None`` scales to the
    largest value. Fits the width it is given, labels cropped first.
    """

    COMPONENT_CLASSES = {"bar-chart--bar"}

    DEFAULT_CSS = """
    BarChart {
        height: auto;
        width: 1fr;
    }
    BarChart > .bar-chart--bar {
        color: $accent;
    }
    """

    def __init__(
        self,
        bars: Sequence[Bar] = (),
        *,
        maximum: float | None = None,
        empty_text: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.bars: tuple[Bar, ...] = tuple(bars)
        self.maximum = maximum
        self.empty_text = empty_text

    def set_bars(self, bars: Sequence[Bar], *, maximum: float | None = None, empty_text: str | None = None) -> None:
        """Replace the bars (and the text shown when there are none)."""
        self.bars = tuple(bars)
        self.maximum = maximum
        if empty_text is not None:
            self.empty_text = empty_text
        self.refresh(layout=True)

    def bar_style(self) -> Style:
        """The bars' colour from CSS (none before the chart is mounted: plain text)."""
        if not self.is_mounted:
            return Style()
        return self.get_component_rich_style("bar-chart--bar", partial=True)

    def render(self) -> _Bars:  # type: ignore[override]
        return _Bars(self)

    def plain_lines(self, width: int = 80) -> list[str]:
        """The chart as plain strings (for tests and logs)."""
        return [line.plain for line in _Bars(self).lines(width)]

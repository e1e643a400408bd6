"""A row-cursor DataTable that is filled in one go and fits the terminal's width."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from telecoop.tui.format import literal

#: A column: its label and width; ``None`` sizes to content, ``0`` takes what is left.
Column = tuple[str, "int | None"]
Row = tuple[str, Sequence[Text]]
#: the width below which the column that takes the rest (a name) is not worth reading
REST_MIN = 14
#: the narrowest a shrunk column gets (a time, "HH:MM…": the first time whole)
SHRUNK_MIN = 6


class ResultTable(DataTable):
    """Rows keyed by a string; refilling keeps the cursor on the same key when it still exists.

    Cells must be ``Text`` (see :func:`telecoop.tui.format.literal`): a plain
    ``str`` cell would be read as markup by DataTable.
    """

    DEFAULT_CSS = """
    ResultTable {
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 0;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, cell_padding=1)
        self._columns_spec: list[Column] = []
        self._rows_spec: list[Row] = []
        self._fill_width = 0

    def current_key(self) -> str | None:
        """The key of the row under the cursor, if any."""
        if self.row_count == 0:
            return None
        row = min(self.cursor_row, self.row_count - 1)
        return self.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value

    def fill(self, columns: Sequence[Column], rows: Sequence[Row], *, cursor_key: str | None = None) -> None:
        """Replace columns and rows; put the cursor on ``cursor_key`` or on the same key as before."""
        keep = cursor_key or self.current_key()
        row = self.cursor_row if self.row_count else 0
        self._columns_spec = list(columns)
        self._rows_spec = list(rows)
        self._redraw(keep, row)

    def _width(self) -> int:
        return self.size.width or self.app.size.width

    def _widths(self) -> list[int]:
        """Fixed widths as given, ``None`` sized to the widest cell, ``0`` the rest.

        When the rest would be too narrow to read (a 60-column terminal), the
        content-sized columns give first (a two-zone time keeps its first time,
        the line under the table has both), then the fixed ones from the
        right, each down to its label's width: the column that takes the rest
        (a name) is the last to shrink, and no column falls off the edge.
        """
        widths = []
        for i, (label, width) in enumerate(self._columns_spec):
            if width is None:
                width = max([len(label)] + [cells[i].cell_len for _, cells in self._rows_spec if i < len(cells)])
            widths.append(width)
        padding = 2 * self.cell_padding * len(widths)
        available = self._width() - 1 - padding
        if 0 in widths:
            short = REST_MIN - (available - sum(widths))
            sized = [i for i, (_, w) in enumerate(self._columns_spec) if w is None]
            fixed = [i for i, (_, w) in reversed(list(enumerate(self._columns_spec))) if w]
            for i in sized + fixed:
                if short <= 0:
                    break
                floor = max(len(self._columns_spec[i][0]), SHRUNK_MIN)
                give = min(short, max(widths[i] - floor, 0))
                widths[i] -= give
                short -= give
        rest = max(available - sum(widths), 6)
        return [rest if w == 0 else w for w in widths]

    def _redraw(self, keep: str | None, row: int = 0) -> None:
        """Rebuild; the cursor on ``keep``, else at the same height ``row`` (issue 10:
        after a booking leaves the list, the cursor stays where it was, on the next one)."""
        self._fill_width = self._width()
        self.clear(columns=True)
        for (label, _), width in zip(self._columns_spec, self._widths()):
            self.add_column(literal(label, style="bold"), width=width)
        keys = []
        for key, cells in self._rows_spec:
            self.add_row(*cells, key=key)
            keys.append(key)
        if keep is not None and keep in keys:
            self.move_cursor(row=keys.index(keep), animate=False, scroll=True)
        elif keys and row:
            self.move_cursor(row=min(row, len(keys) - 1), animate=False, scroll=True)

    def on_resize(self, event: events.Resize) -> None:
        if self._columns_spec and event.size.width != self._fill_width:
            self._redraw(self.current_key())

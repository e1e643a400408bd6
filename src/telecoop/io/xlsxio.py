"""Excel workbooks (.xlsx) with openpyxl: exports and reports out, imports in.

Every text cell is written as a string cell (``data_type`` ``s``): openpyxl
would otherwise take a name such as ``=HYPERLINK(...)`` typed by a person
for a formula, and a spreadsheet would run it. Numbers that TeleCoop
computed (report counts, rates) stay numbers so that people can sum them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from telecoop import locations
from telecoop.domain.errors import BadInput


def _cell_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return value
    return str(value)


def write_workbook(path: Path, sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[object]]]]) -> None:
    """One sheet per entry (title: its key), header row first, written whole then moved into place."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    wb = Workbook()
    wb.remove(wb.active)
    for title, (header, rows) in sheets.items():
        ws = wb.create_sheet(title=title)
        ws.append(list(header))
        for row in rows:
            ws.append([_cell_value(v) for v in row])
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING  # text, never a formula
        ws.freeze_panes = "A2"
    path = Path(path)
    # like backup and ics -o: a missing folder is the user's typo, said (output.no_parent), not made
    with locations.replacing(path) as fh:  # 0600 (patient data), and no half-written file left on a full disk
        wb.save(fh)


def _load(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip, XML or openpyxl errors alike: not a workbook
        raise BadInput("xlsx.unreadable", detail=type(exc).__name__) from None


def sheet_names(path: Path) -> list[str]:
    wb = _load(path)
    try:
        return [name.strip().lower() for name in wb.sheetnames]
    finally:
        wb.close()


def _text(value: object) -> str:
    """A cell as the text its CSV column holds (a person may have retyped it in a spreadsheet)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def read_sheet(path: Path, name: str) -> list[list[str]]:
    """The rows of sheet ``name`` (matched without case) as text cells; trailing empty cells dropped."""
    wb = _load(path)
    try:
        title = next(t for t in wb.sheetnames if t.strip().lower() == name)
        rows = []
        for row in wb[title].iter_rows(values_only=True):
            cells = [_text(v) for v in row]
            while cells and cells[-1] == "":
                cells.pop()
            rows.append(cells)
        width = len(rows[0]) if rows else 0
        return [r + [""] * (width - len(r)) if len(r) < width else r for r in rows]
    finally:
        wb.close()

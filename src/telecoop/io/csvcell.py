"""The one rule for CSV cells that a spreadsheet could run (OWASP "CSV injection").

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read as a formula by Excel, LibreOffice and Google Sheets; a patient
reference or a co-op name typed as ``=HYPERLINK(...)`` must not become one.
Every CSV TeleCoop writes passes its cells through :func:`to_cell`, and the
import reads every cell through :func:`from_cell`, so
export -> import -> export stays byte-identical.

The rule: such a cell gets one apostrophe in front (what spreadsheets
themselves use to say "text, not a formula"). So that the prefix stays
unambiguous, a cell that really starts with an apostrophe gets one too;
import removes exactly one leading apostrophe. A plain number (``-5``,
``+2.5``) is data, not a formula, and is written as it is so that it stays
a number in a spreadsheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["PREFIX", "TRIGGERS", "to_cell", "from_cell", "row_out"]

PREFIX = "'"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?", re.ASCII)


def to_cell(value: object) -> str:
    """The text of one CSV cell for ``value`` (None is an empty cell), made inert."""
    text = "" if value is None else str(value)
    if not text:
        return text
    first = text[0]
    if first == PREFIX:
        return PREFIX + text
    if first in TRIGGERS and not _NUMBER.fullmatch(text):
        return PREFIX + text
    return text


def from_cell(text: str) -> str:
    """What :func:`to_cell` was given: one leading apostrophe removed."""
    return text[1:] if text.startswith(PREFIX) else text


def row_out(values: Iterable[object]) -> list[str]:
    """A whole row through :func:`to_cell`."""
    return [to_cell(v) for v in values]

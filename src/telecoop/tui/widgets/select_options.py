"""Relabelling a Select's options without losing (or re-announcing) its value."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets import Select


def reset_options(select: Select, options: Sequence[tuple[Text, Any]]) -> None:
    """Give ``select`` new option labels (a new language, renamed co-ops), keeping its value when it still exists.

    ``set_options`` selects the first option; when that equals the old value
    the reactive does not fire and the closed Select would keep showing the
    old label, hence ``mutate_reactive``. Screens treat the Changed messages
    this posts as no-ops, since their filters did not change.
    """
    value = select.value
    select.set_options(options)
    if any(v == value for _, v in options):
        select.value = value
    select.mutate_reactive(Select.value)

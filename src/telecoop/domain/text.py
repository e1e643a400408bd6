"""Validation of text typed by people and shown to others."""

from __future__ import annotations

import unicodedata

from telecoop.domain.errors import BadInput


_CONTROL = ("Cc", "Cf", "Zl", "Zp")


def has_control(text: str) -> bool:
    """True when ``text`` holds a control or format character (ESC, BEL, CR, bidi overrides...)."""
    return any(unicodedata.category(ch) in _CONTROL for ch in text)


SHOWN_MAX = 40


def cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(text: str, limit: int | None = SHOWN_MAX) -> str:
    """A value as it may be echoed back to a terminal: every control or format character, and every
    lone surrogate (an argument byte that was not UTF-8), becomes "?"; cut to ``limit`` (None: whole).

    The one rule behind the CLI's ``safe``, the app's ``format.clean`` and every refused value a message repeats.
    """
    if has_control(text) or any("\ud800" <= ch <= "\udfff" for ch in text):
        text = "".join("?" if "\ud800" <= ch <= "\udfff" or unicodedata.category(ch) in _CONTROL else ch
                       for ch in text)
    return text if limit is None else cut(text, limit)


def clean_text(value: str | None, field: str, *, max_len: int = 80, required: bool = True) -> str:
    """Return ``value`` trimmed, or raise BadInput naming ``field``.

    Control and escape characters are refused outright rather than stripped:
    silently changing what a person typed would hide the problem.
    """
    text = (value or "").strip()
    if not text:
        if required:
            raise BadInput("field.empty", field=field)
        return ""
    if has_control(text):
        raise BadInput("field.control", field=field)
    if len(text) > max_len:
        raise BadInput("field.too_long", field=field, max=max_len)
    return text

"""Validation of text typed by people and shown to others."""

from __future__ import annotations

import unicodedata

from telecoop.domain.errors import BadInput


def has_control(text: str) -> bool:
    """True when ``text`` holds a control or format character (ESC, BEL, CR, bidi overrides...)."""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


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

"""Field validators shared by the CSV import, the CLI and the admin forms.

Each takes the raw text a person typed and returns a typed value, or raises
BadInput naming the problem. The caller adds where (file, line, column, or
the form field).
"""

from __future__ import annotations

import datetime as dt
import re

from telecoop.domain import model as m
from telecoop.domain.errors import BadInput
from telecoop.domain.text import clean_text, has_control
from telecoop.domain.text import shown as _shown  # the one echo rule
from telecoop.domain.timeutil import parse_date, parse_hhmm, zone

_URL_RE = re.compile(r"^https://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~%/?#=&+-]*)?$")


def slug(value: str, field: str = "slug") -> str:
    text = (value or "").strip()
    if not text:
        raise BadInput("field.empty", field=field)
    if has_control(text) or not m.SLUG_RE.match(text):
        raise BadInput("field.slug", value=_shown(text))
    return text


def login(value: str, field: str = "login") -> str:
    text = (value or "").strip()
    if not text:
        raise BadInput("field.empty", field=field)
    if has_control(text) or not m.LOGIN_RE.match(text):
        raise BadInput("field.login", value=_shown(text))
    return text


def name(value: str, field: str = "name", max_len: int = 80) -> str:
    return clean_text(value, field, max_len=max_len)


def optional_text(value: str, field: str, max_len: int = 200) -> str:
    return clean_text(value, field, max_len=max_len, required=False)


def tz(value: str, field: str = "tz") -> str:
    text = (value or "").strip()
    if not text:
        raise BadInput("field.empty", field=field)
    if has_control(text) or "/" not in text or text.startswith("/") or ".." in text:
        raise BadInput("field.tz", value=_shown(text))
    try:
        zone(text)  # the one test of a zone name: canonical IANA only
    except BadInput:
        raise BadInput("field.tz", value=_shown(text)) from None
    return text


def choice(value: str, field: str, choices: tuple[str, ...] | list[str]) -> str:
    text = (value or "").strip()
    if not text:
        raise BadInput("field.empty", field=field)
    if text not in choices:
        raise BadInput("field.choice", value=_shown(text), field=field, choices=", ".join(choices))
    return text


def words(value: str, field: str, choices: tuple[str, ...], *, required: bool) -> tuple[str, ...]:
    """Space-separated codes, each from ``choices``, no duplicates."""
    items = (value or "").split()
    if not items and required:
        raise BadInput("field.empty", field=field)
    seen: list[str] = []
    for item in items:
        choice(item, field, choices)
        if item in seen:
            raise BadInput("field.duplicate", value=item)
        seen.append(item)
    return tuple(seen)


def integer(value: str | int, field: str, lo: int, hi: int) -> int:
    if isinstance(value, int):
        number = value
    else:
        text = (value or "").strip()
        if not text:
            raise BadInput("field.empty", field=field)
        if not re.fullmatch(r"[0-9]{1,9}", text):
            raise BadInput("field.int", value=_shown(text), field=field)
        number = int(text)
    if not lo <= number <= hi:
        raise BadInput("field.range", field=field, min=lo, max=hi)
    return number


def url(value: str, field: str = "video_link") -> str:
    text = (value or "").strip()
    if not text:
        return ""
    if has_control(text) or not _URL_RE.match(text) or len(text) > 200:
        raise BadInput("field.url", value=_shown(text))
    return text


def hhmm(value: str) -> dt.time:
    return parse_hhmm((value or "").strip())


def date(value: str, *, required: bool = True, field: str = "date") -> dt.date | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise BadInput("field.empty", field=field)
        return None
    return parse_date(text)


def weekday(value: str) -> int:
    return m.WEEKDAYS.index(choice((value or "").strip().lower(), "weekday", m.WEEKDAYS))


def patient(value: str) -> str:
    text = (value or "").strip()
    if len(text) > m.PATIENT_MAX:
        raise BadInput("booking.patient_long")
    from telecoop.domain.teleconsult import check_patient_reference  # issue 14: Law 25

    return check_patient_reference(clean_text(text, "patient", max_len=m.PATIENT_MAX))


# issue 9: one rule for how long a booking may last, used by book, reschedule and import.
MIN_DURATION, MAX_DURATION = 5, 480


def duration(minutes: object) -> int:
    """A booking's length in whole minutes, 5 to 480 (8 h)."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not MIN_DURATION <= minutes <= MAX_DURATION:
        raise BadInput("booking.duration", value=_shown(str(minutes)))
    return minutes


def booking_span(start: dt.datetime, end: dt.datetime) -> None:
    """``[start, end)`` of a booking: end after start, and a length ``duration`` accepts."""
    if end <= start:
        raise BadInput("field.end_before_start")
    seconds = (end - start).total_seconds()
    if seconds % 60:
        raise BadInput("booking.duration", value=_shown(f"{seconds / 60:.2f}"))
    duration(int(seconds // 60))


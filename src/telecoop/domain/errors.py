"""Errors raised by the domain and the services.

Each error carries an i18n message key and its parameters, so the CLI and the
TUI can say it in the user's language; ``exit_code`` follows the CLI contract
(1 refused, 2 bad input).
"""

from __future__ import annotations

from typing import Any


class TeleCoopError(Exception):
    """Base of every error a user may see."""

    exit_code = 1
    occurrence: int | None = None
    """issue 14: the occurrence of a series a series change stopped at (the app names it)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params

    def __str__(self) -> str:  # pragma: no cover - for logs and tracebacks
        return f"{self.key} {self.params}"

    def message(self, lang: str | None = None) -> str:
        """The error in the user's language."""
        from telecoop.i18n import error_text

        # error_text cuts each echoed value to a sane length (a 10,000-character
        # argument must not fill the screen).
        return error_text(self.key, lang=lang, **self.params)


class BadInput(TeleCoopError):
    """The input is malformed or out of range (exit 2)."""

    exit_code = 2


class WallTimeError(BadInput):
    """A wall time that does not exist (DST gap) or exists twice (fall-back)."""


class NotFound(TeleCoopError):
    """The thing named does not exist, or the user may not see it."""


class NotPermitted(TeleCoopError):
    """The user's role or co-op does not allow this action."""


class SlotTaken(TeleCoopError):
    """Another booking holds (part of) the requested interval.

    ``alternatives`` carries the next free slots, when the service found some.
    """

    def __init__(self, key: str = "booking.taken", alternatives: list[Any] | None = None, **params: object) -> None:
        super().__init__(key, **params)
        self.alternatives = alternatives or []


class WouldStrand(TeleCoopError):
    """A closure, deactivation or sharing withdrawal over active bookings, not confirmed (exit 1).

    ``bookings`` lists them (no patient data); confirmed (``--force``, the
    app's dialog), they stay and are flagged as conflicts.
    """

    def __init__(self, bookings: list[Any], key: str = "conflict.refused", **params: object) -> None:
        super().__init__(key, count=len(bookings), **params)
        self.bookings = bookings


class StaleBooking(TeleCoopError):
    """The booking changed (moved, cancelled...) since the user looked at it: nothing was done.

    ``current`` is the booking as it is now, when the caller may see it.
    """

    def __init__(self, key: str = "booking.changed", current: object = None, **params: object) -> None:
        super().__init__(key, **params)
        self.current = current


class InvalidTransition(TeleCoopError):
    """A booking status change the life cycle does not allow."""


class StoreError(TeleCoopError):
    """The database file cannot be used (newer schema, corrupt, unreadable)."""


class ImportErrors(BadInput):
    """An import found problems; nothing was written.

    ``problems`` is a list of ``(file, line, column, key, params)``.
    """

    def __init__(self, problems: list[tuple[str, int, str, str, dict[str, Any]]]) -> None:
        super().__init__("import.failed", count=len(problems))
        self.problems = problems


class Busy(TeleCoopError):
    """Another writer held the database past the busy timeout: try again (exit 1)."""

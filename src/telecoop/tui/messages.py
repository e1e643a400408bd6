"""Messages shared by screens and dialogs, and the guard every worker runs services under."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.message import Message
from textual.message_pump import MessagePump

from telecoop.domain.errors import TeleCoopError
from telecoop.i18n import get_lang, t

T = TypeVar("T")


class ServiceFailed(Message):
    """A service call refused or failed; ``text`` is already in the user's language."""

    def __init__(self, text: str, error: TeleCoopError | None = None) -> None:
        super().__init__()
        self.text = text
        self.error = error


class Unset:
    """The guard's "nothing to report" value (a service may legitimately return None)."""


UNSET = Unset()


def guarded(node: MessagePump, call: Callable[[], T]) -> T | Unset:
    """Run ``call`` (a service use case) in a worker thread; on failure post ServiceFailed to ``node``.

    The app never dies on a traceback: a TeleCoopError becomes its message in
    the user's language, anything else a one-line "unexpected error".
    """
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - shown in the app, never a traceback
        node.post_message(failure(exc))
    return UNSET


def failure(exc: Exception) -> ServiceFailed:
    """The message that tells the user about ``exc``, in their language."""
    if isinstance(exc, TeleCoopError):
        return ServiceFailed(exc.message(get_lang()), exc)
    detail = f"{type(exc).__name__}: {exc}"[:300]
    return ServiceFailed(t("tui.error.unexpected", detail=detail))

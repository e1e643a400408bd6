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
        node.post_message(failure(exc, _db_path(node), resource_names(node)))
    return UNSET


#: errors that name a resource by its id, and the parameter holding it (issue 10: the app
#: says the resource's name instead, when it knows the resource)
RESOURCE_PARAMS = {
    "field.not_clinician": "value",
    "field.not_room": "value",
    "notfound.resource": "id",
    "import.overlap": "value",
    "import.booking_overlap": "value",
}


def named_error(error: TeleCoopError, resource_name: Callable[[int], str | None] | None) -> TeleCoopError:
    """``error`` with the resource it names by id named by its name (itself when unknown)."""
    param = RESOURCE_PARAMS.get(error.key)
    value = str(error.params.get(param, "")) if param else ""
    name = resource_name(int(value)) if resource_name is not None and value.isdigit() else None
    if not name:
        return error
    from telecoop.tui.format import clean

    return TeleCoopError(error.key, **{**error.params, param: f"« {clean(name)} »" if get_lang() == "fr" else f"'{clean(name)}'"})


def resource_names(node: MessagePump) -> Callable[[int], str | None] | None:
    """The app's "name of resource N" (from its directory), or None outside an app."""
    try:
        directory = node.app.directory  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - only for the message's wording
        return None

    def name(resource_id: int) -> str | None:
        resource = directory.resource(resource_id)
        return resource.name if resource is not None else None

    return name


def _db_path(node: MessagePump) -> str | None:
    try:
        return node.app.ctx.engine.url.database  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - only for the message's wording
        return None


def failure_in(node: MessagePump, exc: Exception) -> ServiceFailed:
    """:func:`failure` as said in ``node``'s app: its database named by its own address (issue 12: a PostgreSQL
    server gone names its URL, not a default file name), a resource by its name."""
    return failure(exc, _db_path(node), resource_names(node))


def failure(exc: Exception, db_path: object = None, resource_name: Callable[[int], str | None] | None = None) -> ServiceFailed:
    """The message that tells the user about ``exc``, in their language.

    A database failure a person can cause (busy too long, read-only, full,
    damaged) says so without SQL text; anything else is a bug: its traceback
    goes to the error log and the message names that file.
    """
    from telecoop import errorlog

    if not isinstance(exc, TeleCoopError):
        known = errorlog.known_database_error(exc, db_path or "telecoop.db")
        if known is not None:
            exc = known
    if isinstance(exc, TeleCoopError):
        return ServiceFailed(named_error(exc, resource_name).message(get_lang()), exc)
    log = errorlog.write(exc, where="app")
    if log is not None:
        return ServiceFailed(t("error.logged", detail=type(exc).__name__, log=str(log)))
    return ServiceFailed(t("tui.error.unexpected", detail=type(exc).__name__))

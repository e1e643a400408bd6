"""Noticing other people's changes cheaply, for screens that stay open.

DESIGN section 5: other sessions notice changes through ``PRAGMA
data_version`` and refresh only then. The TUI polls :meth:`Watcher.changed`
every second or so; it costs one pragma on a connection of its own, no query.
"""

from __future__ import annotations

from typing import Protocol

from telecoop.services.context import Context
from telecoop.store.engine import change_watcher


class Watcher(Protocol):
    def changed(self) -> bool:
        """True when another connection committed since the last call."""

    def close(self) -> None:
        """Release the watcher's connection."""


def watcher(ctx: Context) -> Watcher:
    """A watcher of the context's database; close it when the screen or app ends."""
    return change_watcher(ctx.engine)

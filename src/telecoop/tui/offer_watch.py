"""issue 13: "new waitlist offer" said in whatever mode is open, the moment the change check sees one.

The app's change check (``TeleCoopApp._poll``, one ``PRAGMA data_version``
every 1.5 s, or LISTEN/NOTIFY on PostgreSQL behind the same interface) tells
the app another connection committed; only then does this read the co-op's
live offer ids (one small query, in a worker) and say the new ones. Idle,
it reads and writes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from telecoop.i18n import tn
from telecoop.services import waitlist as waitlist_service
from telecoop.services.context import BOOKING_ROLES

if TYPE_CHECKING:
    from telecoop.tui.app import TeleCoopApp


class OffersSeen(Message):
    def __init__(self, ids: frozenset[int]) -> None:
        super().__init__()
        self.ids = ids


class OfferWatch:
    def __init__(self, app: TeleCoopApp) -> None:
        self.app = app
        self.known: frozenset[int] | None = None

    def check(self) -> None:
        """Read the co-op's live offers off the UI thread; ``seen`` says the new ones."""
        if self.app.ctx.role not in BOOKING_ROLES:
            return
        self.app.run_worker(self._read, thread=True, group="offer-watch", exclusive=True, exit_on_error=False)

    def _read(self) -> None:
        try:
            ids = frozenset(h.id for h, _e in waitlist_service.offers(self.app.ctx))
        except Exception:  # noqa: BLE001 - the next change tries again; the Waitlist mode says errors
            return
        self.app.post_message(OffersSeen(ids))

    def seen(self, ids: frozenset[int]) -> None:
        new = ids - (self.known or frozenset())
        self.known = ids
        if new:
            self.app.notify(tn("tui.wl.new_offer", len(new), n=len(new)), severity="warning", markup=False, timeout=10)

"""issue 13: an owner's admin sets a shared resource's terms for partners (Admin, key t).

Window (days ahead), minimum notice (hours), release of unused quota (hours
before the slot), and each partner's hours per ISO week as ``coop=hours``
words. The service checks everything; its refusal is said on the form's line.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from telecoop.domain import capacity as cap
from telecoop.domain import model as m
from telecoop.i18n import t
from telecoop.services import sharing_terms as terms_service
from telecoop.services.context import Context
from telecoop.tui.dialogs.small_form import SmallFormDialog
from telecoop.tui.format import literal
from telecoop.tui.messages import failure_in

NUMBERS = ("window", "notice", "release")


class SharingTermsDialog(SmallFormDialog):
    """Dismissed with True once saved, False when the user backs out."""

    AUTO_FOCUS = "#terms-window"

    class Loaded(Message):
        def __init__(self, terms: cap.SharingTerms) -> None:
            super().__init__()
            self.terms = terms

    def __init__(self, ctx: Context, resource: m.Resource) -> None:
        super().__init__()
        self.ctx = ctx
        self.resource = resource
        self.terms: cap.SharingTerms | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(literal(t("tui.terms.title", name=self.resource.name)), id="dialog-title", classes="title")
            for name, key in (("window", "tui.terms.window"), ("notice", "tui.terms.notice"),
                              ("release", "tui.terms.release")):
                with Horizontal(classes="row"):
                    yield Label(t(key) + " ", markup=False)
                    yield Input(max_length=4, compact=True, id=f"terms-{name}", classes="terms-number")
            yield Label(t("tui.terms.quotas"), markup=False)
            yield Input(max_length=400, compact=True, id="terms-quotas")
            yield Static(t("tui.terms.quotas_hint"), classes="hint", markup=False)
            yield Static("", id="form-error", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(t("tui.key.adm.save"), id="confirm", compact=True, variant="primary")
                yield Button(t("tui.book.back"), id="back", compact=True)

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="terms")
    def _load(self) -> None:
        try:
            self.post_message(self.Loaded(terms_service.show_terms(self.ctx, self.resource.id)))
        except Exception as exc:  # noqa: BLE001
            self.post_message(self.Failed(failure_in(self, exc).text))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.terms = terms = message.terms
        for name, value in zip(NUMBERS, (terms.window_days, terms.min_notice_hours, terms.release_hours)):
            self.query_one(f"#terms-{name}", Input).value = str(value)
        self.query_one("#terms-quotas", Input).value = " ".join(
            f"{coop}={minutes / 60:g}" for coop, minutes in terms.quotas)

    def action_confirm(self) -> None:
        if self.terms is None:
            return
        numbers = [self.query_one(f"#terms-{name}", Input).value.strip() or "0" for name in NUMBERS]
        words = self.query_one("#terms-quotas", Input).value.replace(",", " ").split()
        given = {w.split("=", 1)[0] for w in words}
        # A partner left out of the line loses its quota.
        words += [f"{coop}=none" for coop, _minutes in self.terms.quotas if coop not in given]
        self._save(numbers, words)

    def _save(self, numbers: list[str], quotas: list[str]) -> None:
        ctx, resource_id = self.ctx, self.resource.id
        self.save_in_background(lambda: terms_service.set_terms(
            ctx, resource_id, window_days=numbers[0], min_notice_hours=numbers[1], release_hours=numbers[2],
            quotas=quotas,
        ))

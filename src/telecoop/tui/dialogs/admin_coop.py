"""A new partner co-op (federation admin): slug, name, region, time zone, language."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.suggester import SuggestFromList
from textual.widgets import Input, Select

from telecoop.domain import model as m
from telecoop.i18n import t
from telecoop.services import admin as admin_service
from telecoop.tui.dialogs.admin_form import AdminFormDialog, FormField, reset_select
from telecoop.tui.format import languages_label


class CoopDialog(AdminFormDialog["m.Coop | None"]):
    """Dismissed with the new ``Coop``, or None."""

    AUTO_FOCUS = "#slug"
    KEY_FIELDS = {"field.slug": "slug", "field.tz": "tz", "field.duplicate": "slug"}

    def _lang_options(self) -> list[tuple[Text, str]]:
        return [(Text(languages_label([code])), code) for code in m.LANGUAGES]

    def compose_fields(self) -> ComposeResult:
        yield FormField(
            "slug", "tui.adm.f.slug", Input(placeholder=t("tui.adm.ph.slug"), max_length=32, compact=True, id="slug")
        )
        yield FormField("name", "tui.adm.f.name", Input(compact=True, id="name"))
        yield FormField("region", "tui.adm.f.region", Input(compact=True, id="region"))
        yield FormField(
            "tz",
            "tui.adm.f.tz",
            Input(
                m.SUPPORTED_TZ_HINT[0],
                suggester=SuggestFromList(m.SUPPORTED_TZ_HINT, case_sensitive=False),
                compact=True,
                id="tz",
            ),
        )
        yield FormField(
            "lang", "tui.adm.f.lang", Select(self._lang_options(), value="fr", allow_blank=False, compact=True, id="lang")
        )

    def title_text(self) -> str:
        return t("tui.adm.coop.title")

    def relabel(self) -> None:
        super().relabel()
        reset_select(self.query_one("#lang", Select), self._lang_options())
        self.query_one("#slug", Input).placeholder = t("tui.adm.ph.slug")

    def submit(self, values: dict[str, str]) -> m.Coop:
        return admin_service.add_coop(self.ctx, **values)

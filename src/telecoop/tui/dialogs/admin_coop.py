"""A partner co-op (federation admin): slug, name, region, time zone (from a list), language; new or edited."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Select

from telecoop.domain import model as m
from telecoop.i18n import t
from telecoop.services import admin as admin_service
from telecoop.tui.dialogs.admin_form import AdminFormDialog, FormField, reset_select
from telecoop.tui import strings_day  # noqa: F401  (registers the catalogue)
from telecoop.tui.format import languages_label, zone_label


class CoopDialog(AdminFormDialog["m.Coop | None"]):
    """New (``coop`` None) or edited co-op; dismissed with the saved ``Coop``, or None."""

    AUTO_FOCUS = "#slug"
    KEY_FIELDS = {"field.slug": "slug", "field.tz": "tz", "field.duplicate": "slug"}

    def __init__(self, ctx, coop: m.Coop | None = None) -> None:
        super().__init__(ctx)
        self.coop = coop
        if coop is not None:
            self.AUTO_FOCUS = "#name"

    def _zone_options(self) -> list[tuple[Text, str]]:
        zones = list(m.COOP_ZONES)
        if self.coop is not None and self.coop.tz not in zones:
            zones.append(self.coop.tz)  # a zone set before the list existed stays choosable
        return [(Text(f"{zone} — {zone_label(zone, long=True)}"), zone) for zone in zones]

    def _lang_options(self) -> list[tuple[Text, str]]:
        return [(Text(languages_label([code])), code) for code in m.LANGUAGES]

    def compose_fields(self) -> ComposeResult:
        c = self.coop
        slug = Input(c.slug if c else "", placeholder=t("tui.adm.ph.slug"), max_length=32, compact=True, id="slug")
        slug.disabled = c is not None  # the key every record points to
        yield FormField("slug", "tui.adm.f.slug", slug)
        yield FormField("name", "tui.adm.f.name", Input(c.name if c else "", compact=True, id="name"))
        yield FormField("region", "tui.adm.f.region", Input(c.region if c else "", compact=True, id="region"))
        yield FormField(
            "tz",
            "tui.adm.f.tz",
            Select(self._zone_options(), value=c.tz if c else m.COOP_ZONES[0], allow_blank=False, compact=True,
                   id="tz"),
        )
        yield FormField(
            "lang",
            "tui.adm.f.lang",
            Select(self._lang_options(), value=c.lang if c else "fr", allow_blank=False, compact=True, id="lang"),
        )

    def title_text(self) -> str:
        if self.coop is not None:
            return t("tui.adm.coop.edit_title", slug=self.coop.slug)
        return t("tui.adm.coop.title")

    def relabel(self) -> None:
        super().relabel()
        reset_select(self.query_one("#lang", Select), self._lang_options())
        reset_select(self.query_one("#tz", Select), self._zone_options())
        self.query_one("#slug", Input).placeholder = t("tui.adm.ph.slug")

    def submit(self, values: dict[str, str]) -> m.Coop:
        if self.coop is not None:
            values.pop("slug", None)
            return admin_service.update_coop(self.ctx, self.coop.slug, **values)
        return admin_service.add_coop(self.ctx, **values)

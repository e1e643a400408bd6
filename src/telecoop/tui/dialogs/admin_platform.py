"""issue 14: a co-op's approved video platform (the base of each video visit's private link).

The CLI's ``platform SLUG URL`` in the Admin mode (key ``v``): a co-op admin
sets their own co-op's; a federation admin the one highlighted in Co-ops (else
their own). The rule (https only, a host, no query or fragment) is
``domain.teleconsult.platform_address``, through ``services.teleconsult.set_platform``;
an empty field removes the platform.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from telecoop.domain import model as m
from telecoop.i18n import t
from telecoop.services import teleconsult as teleconsult_service
from telecoop.tui import strings  # noqa: F401  (registers the catalogues)
from telecoop.tui.dialogs.admin_form import AdminFormDialog, FormField


class PlatformDialog(AdminFormDialog["m.Coop | None"]):
    """Dismissed with the co-op as saved, or None."""

    AUTO_FOCUS = "#video_platform"
    KEY_FIELDS = {"tc.platform_https": "video_platform"}

    def __init__(self, ctx, coop: m.Coop) -> None:
        super().__init__(ctx)
        self.coop = coop

    def compose_fields(self) -> ComposeResult:
        yield FormField("video_platform", "tui.adm.f.platform", Input(
            self.coop.video_platform, placeholder=t("tui.adm.f.platform.hint"), max_length=200, compact=True,
            id="video_platform"))

    def title_text(self) -> str:
        return t("tui.adm.platform.title", coop=self.coop.name)

    def relabel(self) -> None:
        super().relabel()
        self.query_one("#video_platform", Input).placeholder = t("tui.adm.f.platform.hint")

    def submit(self, values: dict[str, str]) -> m.Coop:
        return teleconsult_service.set_platform(self.ctx, self.coop.slug, values["video_platform"])

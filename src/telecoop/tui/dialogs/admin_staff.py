"""A new staff member (or a returning one, reactivated): login, name, role, co-op, clinician record."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select

from telecoop.domain import model as m
from telecoop.i18n import t
from telecoop.services import directory as directory_service
from telecoop.services.context import Context
from telecoop.tui.dialogs.admin_form import AdminFormDialog, FormField, reset_select
from telecoop.tui.format import literal, role_label

NONE = "-"


class StaffDialog(AdminFormDialog["m.Staff | None"]):
    """Dismissed with the saved ``Staff``, or None. A co-op admin adds to their own co-op only."""

    AUTO_FOCUS = "#login"
    KEY_FIELDS = {
        "field.login": "login",
        "staff.exists": "login",
        "field.not_clinician": "clinician_id",
        "field.unknown_coop": "coop",
        "perm.other_coop": "coop",
    }

    def __init__(self, ctx: Context, coops: list[m.Coop], resources: list[m.Resource]) -> None:
        super().__init__(ctx)
        self.coops = coops
        self.clinicians = [r for r in resources if r.kind == m.ResourceKind.CLINICIAN]

    def _roles(self) -> list[m.Role]:
        if self.ctx.is_federation_admin:
            return list(m.Role)
        return [r for r in m.Role if r != m.Role.FEDERATION_ADMIN]

    def _role_options(self) -> list[tuple[Text, str]]:
        return [(Text(role_label(r)), r.value) for r in self._roles()]

    def _clinician_options(self, coop: str) -> list[tuple[Text, str]]:
        own = [c for c in self.clinicians if c.coop == coop]
        return [(Text(t("tui.adm.staff.none")), NONE)] + [(literal(f"{c.id} · {c.name}"), str(c.id)) for c in own]

    def compose_fields(self) -> ComposeResult:
        yield FormField("login", "tui.adm.f.login", Input(max_length=32, compact=True, id="login"))
        yield FormField("name", "tui.adm.f.name", Input(compact=True, id="name"))
        yield FormField(
            "role",
            "tui.adm.f.role",
            Select(self._role_options(), value=m.Role.RECEPTIONIST.value, allow_blank=False, compact=True, id="role"),
        )
        if self.ctx.is_federation_admin:
            yield FormField(
                "coop",
                "tui.adm.f.coop",
                Select(
                    [(literal(c.name), c.slug) for c in self.coops],
                    value=self.ctx.coop,
                    allow_blank=False,
                    compact=True,
                    id="coop",
                ),
            )
        yield FormField(
            "clinician_id",
            "tui.adm.f.clinician_id",
            Select(self._clinician_options(self.ctx.coop), value=NONE, allow_blank=False, compact=True, id="clinician_id"),
        )

    def title_text(self) -> str:
        return t("tui.adm.staff.title")

    def _coop(self) -> str:
        if self.ctx.is_federation_admin:
            return str(self.query_one("#coop", Select).value)
        return self.ctx.coop

    def relabel(self) -> None:
        super().relabel()
        reset_select(self.query_one("#role", Select), self._role_options())
        reset_select(self.query_one("#clinician_id", Select), self._clinician_options(self._coop()))

    @on(Select.Changed, "#coop")
    def _coop_changed(self, event: Select.Changed) -> None:
        event.stop()
        reset_select(self.query_one("#clinician_id", Select), self._clinician_options(str(event.value)))

    def submit(self, values: dict[str, str]) -> m.Staff:
        clinician = values.get("clinician_id", NONE)
        return directory_service.add_staff(
            self.ctx,
            login=values["login"],
            coop=values.get("coop") or self.ctx.coop,
            role=values["role"],
            name=values["name"].strip() or None,
            clinician_id=None if clinician in ("", NONE) else int(clinician),
        )

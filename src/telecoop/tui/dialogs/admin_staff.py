"""A new staff member (login, name, role, co-op, clinician record), or an existing one's role and co-op.

Editing goes through ``directory.set_staff``, the same audited service as
``telecoop staff set``: an existing login is never rewritten by "add".
"""

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
    """Dismissed with the saved ``Staff``, or None. A co-op admin adds to their own co-op only.

    With ``member``, the dialog edits that person's role (and, for the
    federation admin, co-op); login and name are shown, not editable.
    """

    AUTO_FOCUS = "#login"
    KEY_FIELDS = {
        "field.login": "login",
        "staff.exists": "login",
        "field.not_clinician": "clinician_id",
        "field.unknown_coop": "coop",
        "perm.other_coop": "coop",
    }

    def __init__(
        self, ctx: Context, coops: list[m.Coop], resources: list[m.Resource], member: m.Staff | None = None
    ) -> None:
        super().__init__(ctx)
        self.coops = coops
        self.clinicians = [r for r in resources if r.kind == m.ResourceKind.CLINICIAN]
        self.member = member
        if member is not None:
            self.AUTO_FOCUS = "#role"

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
        member = self.member
        yield FormField("login", "tui.adm.f.login", Input(
            member.login if member else "", max_length=32, compact=True, id="login", disabled=member is not None,
        ))
        yield FormField("name", "tui.adm.f.name", Input(
            member.name if member else "", compact=True, id="name", disabled=member is not None,
        ))
        role = member.role.value if member else m.Role.RECEPTIONIST.value
        options = self._role_options()
        if member is not None and role not in {v for _, v in options}:
            options = [(Text(role_label(member.role)), role), *options]
        yield FormField(
            "role",
            "tui.adm.f.role",
            Select(options, value=role, allow_blank=False, compact=True, id="role"),
        )
        if self.ctx.is_federation_admin:
            yield FormField(
                "coop",
                "tui.adm.f.coop",
                Select(
                    [(literal(c.name), c.slug) for c in self.coops],
                    value=member.coop if member else self.ctx.coop,
                    allow_blank=False,
                    compact=True,
                    id="coop",
                ),
            )
        if member is not None:
            return  # the clinician record is linked when the person is added
        yield FormField(
            "clinician_id",
            "tui.adm.f.clinician_id",
            Select(self._clinician_options(self.ctx.coop), value=NONE, allow_blank=False, compact=True, id="clinician_id"),
        )

    def title_text(self) -> str:
        if self.member is not None:
            return t("tui.adm.staff.edit_title", login=self.member.login)
        return t("tui.adm.staff.title")

    def _coop(self) -> str:
        if self.ctx.is_federation_admin:
            return str(self.query_one("#coop", Select).value)
        return self.ctx.coop

    def relabel(self) -> None:
        super().relabel()
        if self.member is None:
            reset_select(self.query_one("#role", Select), self._role_options())
            reset_select(self.query_one("#clinician_id", Select), self._clinician_options(self._coop()))

    @on(Select.Changed, "#coop")
    def _coop_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.member is None:
            reset_select(self.query_one("#clinician_id", Select), self._clinician_options(str(event.value)))

    def submit(self, values: dict[str, str]) -> m.Staff:
        if self.member is not None:
            return directory_service.set_staff(
                self.ctx, self.member.login, role=values["role"], coop=values.get("coop") or self.member.coop,
            )
        clinician = values.get("clinician_id", NONE)
        return directory_service.add_staff(
            self.ctx,
            login=values["login"],
            coop=values.get("coop") or self.ctx.coop,
            role=values["role"],
            name=values["name"].strip() or None,
            clinician_id=None if clinician in ("", NONE) else int(clinician),
        )

"""Closures: one dated closure of a resource or a whole co-op; the statutory holidays of a year."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Select

from telecoop.domain import access
from telecoop.domain import model as m
from telecoop.i18n import t
from telecoop.services import admin as admin_service
from telecoop.services.context import Context
from telecoop.tui.dialogs.admin_form import AdminFormDialog, FormField, reset_select
from telecoop.tui.format import clean, literal, local_day

ALL = "*"


def scope_value(*, resource_id: int | None = None, coop: str | None = None) -> str:
    """The closure dialog's "for" value: ``res:ID`` or ``coop:SLUG``."""
    return f"res:{resource_id}" if resource_id is not None else f"coop:{coop}"


class ClosureDialog(AdminFormDialog["m.Closure | None"]):
    """Closes a resource, or a whole co-op, from a start to an end (dates are whole days, end included)."""

    AUTO_FOCUS = "#start"
    KEY_FIELDS = {"field.end_before_start": "end", "field.unknown_coop": "scope"}

    def __init__(self, ctx: Context, coops: list[m.Coop], resources: list[m.Resource], scope: str | None = None) -> None:
        super().__init__(ctx)
        self.coops = coops
        self.resources = resources
        self.scope = scope or scope_value(coop=ctx.coop)

    def _scope_options(self) -> list[tuple[Text, str]]:
        options = []
        for coop in self.coops:
            if access.covers(self.ctx.actor, coop.slug):
                options.append((Text(f"{t('tui.adm.whole_coop')} — {clean(coop.name)}"), scope_value(coop=coop.slug)))
        for r in self.resources:
            options.append((literal(f"{r.name} ({r.coop})"), scope_value(resource_id=r.id)))
        return options

    def compose_fields(self) -> ComposeResult:
        options = self._scope_options()
        value = self.scope if any(v == self.scope for _, v in options) else options[0][1]
        yield FormField("scope", "tui.adm.f.scope", Select(options, value=value, allow_blank=False, compact=True, id="scope"))
        hint = t("tui.adm.closure.when_hint")
        yield FormField("start", "tui.adm.f.start", Input(placeholder=hint, max_length=16, compact=True, id="start"))
        yield FormField("end", "tui.adm.f.end", Input(placeholder=hint, max_length=16, compact=True, id="end"))
        yield FormField("reason", "tui.adm.f.reason", Input(compact=True, id="reason"))

    def title_text(self) -> str:
        return t("tui.adm.closure.title")

    def relabel(self) -> None:
        super().relabel()
        reset_select(self.query_one("#scope", Select), self._scope_options())
        for name in ("start", "end"):
            self.query_one(f"#{name}", Input).placeholder = t("tui.adm.closure.when_hint")

    def submit(self, values: dict[str, str]) -> m.Closure:
        kind, _, ident = values["scope"].partition(":")
        return admin_service.add_closure(
            self.ctx,
            start=values["start"],
            end=values["end"],
            reason=values["reason"],
            resource_id=int(ident) if kind == "res" else None,
            coop=ident if kind == "coop" else None,
            force=self.force,
        )


class HolidaysDialog(AdminFormDialog["int | None"]):
    """Adds Quebec's statutory holidays of a year as whole-co-op closures; dismissed with how many."""

    AUTO_FOCUS = "#year"
    SAVE_LABEL = "tui.adm.form.add"

    def __init__(self, ctx: Context, coops: list[m.Coop]) -> None:
        super().__init__(ctx)
        self.coops = coops

    def _coop_options(self) -> list[tuple[Text, str]]:
        return [(Text(t("tui.adm.holidays.all")), ALL)] + [(literal(c.name), c.slug) for c in self.coops]

    def compose_fields(self) -> ComposeResult:
        year = local_day(self.ctx.now(), self.ctx.actor_tz).year
        yield FormField(
            "year", "tui.adm.f.year", Input(str(year), restrict=r"[0-9]*", max_length=4, compact=True, id="year")
        )
        if self.ctx.is_federation_admin:
            yield FormField(
                "coop",
                "tui.adm.f.coop",
                Select(self._coop_options(), value=ALL, allow_blank=False, compact=True, id="coop"),
            )

    def title_text(self) -> str:
        return t("tui.adm.holidays.title")

    def relabel(self) -> None:
        super().relabel()
        if self.ctx.is_federation_admin:
            reset_select(self.query_one("#coop", Select), self._coop_options())

    def submit(self, values: dict[str, str]) -> int:
        coop = values.get("coop", "")
        return admin_service.add_holidays(self.ctx, year=values["year"], coop=None if coop in ("", ALL) else coop, force=self.force)  # type: ignore[arg-type]

"""Weekly hours of one resource: the rules, a line to add one, ``d`` to delete the chosen one."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Select, Static

from telecoop.domain import model as m
from telecoop.i18n import t
from telecoop.services import admin as admin_service
from telecoop.services.context import Context
from telecoop.tui.dialogs.admin_form import AdminFormDialog, FormField, reset_select
from telecoop.tui.dialogs.confirm import ConfirmDialog
from telecoop.tui.format import clean, literal, zone_label
from telecoop.tui.messages import UNSET, guarded
from telecoop.tui.widgets.result_table import ResultTable


def weekday_name(index: int) -> str:
    return t("tui.wd.long").split()[index]


def rule_hours(rule: m.Availability) -> str:
    return f"{rule.start:%H:%M}–{rule.end:%H:%M}"


def rule_validity(rule: m.Availability) -> str:
    if rule.valid_from and rule.valid_to:
        return t("tui.adm.valid_between", start=rule.valid_from.isoformat(), end=rule.valid_to.isoformat())
    if rule.valid_from:
        return t("tui.adm.valid_from", date=rule.valid_from.isoformat())
    if rule.valid_to:
        return t("tui.adm.valid_to", date=rule.valid_to.isoformat())
    return t("tui.adm.always")


class HoursDialog(AdminFormDialog[bool]):
    """The weekly rules of ``resource``; dismissed with True when something changed.

    Adding stays in the dialog (a week usually takes several rules); a
    refused rule is said under the field at fault.
    """

    BINDINGS = [
        Binding("escape", "close", "tui.key.close"),
        Binding("ctrl+s", "save", "tui.key.adm.add"),
        Binding("d,delete", "delete", "tui.key.adm.delete"),
    ]
    AUTO_FOCUS = "#start"
    SAVE_LABEL = "tui.adm.form.add"
    KEY_FIELDS = {"field.end_before_start": "end", "import.overlap": "start"}

    class HoursLoaded(Message):
        def __init__(self, rules: list[m.Availability]) -> None:
            super().__init__()
            self.rules = rules

    class Removed(Message):
        pass

    def __init__(self, ctx: Context, resource: m.Resource) -> None:
        super().__init__(ctx)
        self.resource = resource
        self.rules: list[m.Availability] = []
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog admin-dialog hours-dialog"):
            yield Static("", id="dialog-title", classes="title", markup=False)
            yield Static("", id="hours-zone", markup=False)
            yield ResultTable(id="hours")
            with Horizontal(classes="add-row"):
                yield FormField(
                    "weekday",
                    "tui.adm.f.weekday",
                    Select(self._weekday_options(), value="mon", allow_blank=False, compact=True, id="weekday"),
                    stacked=True,
                )
                yield FormField("start", "tui.adm.f.start", self._time_input("start"), stacked=True)
                yield FormField("end", "tui.adm.f.end", self._time_input("end"), stacked=True)
                yield FormField("valid_from", "tui.adm.f.valid_from", self._date_input("valid_from"), stacked=True)
                yield FormField("valid_to", "tui.adm.f.valid_to", self._date_input("valid_to"), stacked=True)
            yield Static("", id="form-error", classes="form-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("", id="save", compact=True, variant="primary")
                yield Button("", id="back", compact=True)
            yield Static("", id="dialog-hint", classes="hint", markup=False)

    def _time_input(self, name: str) -> Input:
        return Input(placeholder=t("tui.adm.ph.hhmm"), restrict=r"[0-9:]*", max_length=5, compact=True, id=name)

    def _date_input(self, name: str) -> Input:
        return Input(placeholder=t("tui.adm.ph.date"), restrict=r"[0-9-]*", max_length=10, compact=True, id=name)

    def _weekday_options(self) -> list[tuple[Text, str]]:
        return [(Text(weekday_name(i)), code) for i, code in enumerate(m.WEEKDAYS)]

    def on_mount(self) -> None:
        # Textual calls the base class's on_mount itself (no super() call).
        self._load()

    def title_text(self) -> str:
        return t("tui.adm.hours.title", name=clean(self.resource.name))

    def relabel(self) -> None:
        super().relabel()
        self.query_one("#back", Button).label = t("tui.adm.form.close")
        self.query_one("#dialog-hint", Static).update(t("tui.adm.hours.hint"))
        self.query_one("#hours-zone", Static).update(
            literal(t("tui.adm.hours.zone", zone=f"{zone_label(self.resource.tz, long=True)}, {self.resource.tz}"))
        )
        reset_select(self.query_one("#weekday", Select), self._weekday_options())
        for name in ("start", "end"):
            self.query_one(f"#{name}", Input).placeholder = t("tui.adm.ph.hhmm")
        for name in ("valid_from", "valid_to"):
            self.query_one(f"#{name}", Input).placeholder = t("tui.adm.ph.date")
        self._show_rules()

    # the rules -----------------------------------------------------------

    @work(thread=True, exclusive=True, group="admin-hours")
    def _load(self) -> None:
        rules = guarded(self, lambda: admin_service.list_hours(self.ctx, self.resource.id))
        if rules is not UNSET:
            self.post_message(self.HoursLoaded(rules))

    @on(HoursLoaded)
    def _loaded(self, message: HoursLoaded) -> None:
        message.stop()
        self.rules = message.rules
        self._show_rules()

    def _show_rules(self) -> None:
        rows = [
            (
                str(rule.id),
                [literal(weekday_name(rule.weekday)), literal(rule_hours(rule)), literal(rule_validity(rule))],
            )
            for rule in self.rules
        ]
        columns = [(t("tui.adm.col.day"), 10), (t("tui.adm.col.hours"), 11), (t("tui.adm.col.valid"), 0)]
        self.query_one("#hours", ResultTable).fill(columns, rows)

    def selected_rule(self) -> m.Availability | None:
        key = self.query_one("#hours", ResultTable).current_key()
        return next((r for r in self.rules if str(r.id) == key), None)

    # adding --------------------------------------------------------------

    def submit(self, values: dict[str, str]) -> m.Availability:
        return admin_service.add_hours(self.ctx, self.resource.id, **values)

    def saved(self, result: object) -> None:
        """A rule was added: stay, show it, and make the next one quick to type."""
        self.changed = True
        for name in ("start", "end"):
            self.query_one(f"#{name}", Input).value = ""
        self.query_one("#start", Input).focus()
        self.notify(t("tui.adm.hours_added"), markup=False, timeout=4)
        self._load()

    # deleting ------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete":
            return self.focused is self.query_one("#hours") and bool(self.rules)
        return True

    def action_delete(self) -> None:
        """Delete the chosen rule, once confirmed."""
        rule = self.selected_rule()
        if rule is None:
            return
        question = ConfirmDialog(
            "tui.adm.confirm.hours", day=weekday_name(rule.weekday), start=f"{rule.start:%H:%M}", end=f"{rule.end:%H:%M}"
        )
        self.app.push_screen(question, lambda yes: self._remove(rule.id) if yes else None)

    @work(thread=True, exclusive=True, group="admin-hours-remove")
    def _remove(self, rule_id: int) -> None:
        if guarded(self, lambda: admin_service.remove_hours(self.ctx, rule_id)) is not UNSET:
            self.post_message(self.Removed())

    @on(Removed)
    def _removed(self, message: Removed) -> None:
        message.stop()
        self.changed = True
        self.notify(t("tui.adm.hours_removed"), markup=False, timeout=4)
        self._load()

    def action_close(self) -> None:
        if not self.saving:
            self.dismiss(self.changed)

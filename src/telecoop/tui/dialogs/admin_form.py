"""What the admin forms share: a field with its error under it, a multi-choice list, the form dialog.

A form validates field by field: the service raises ``BadInput`` naming the
field (``params['field']``), or an error key that belongs to one field
(``field.url`` is the video link), or echoes the value it refused; the
message then appears right under that field, in the user's language, and
nothing was written. Anything else is said on the line above the buttons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import ClassVar, Generic, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from telecoop.domain.errors import TeleCoopError, WouldStrand
from telecoop.i18n import t
from telecoop.services.context import Context
from telecoop.tui import strings_admin  # noqa: F401  (registers the catalogue)
from telecoop.tui.dialogs.confirm import ConfirmDialog
from telecoop.tui.format import clean, literal, stranded_list
from telecoop.tui.messages import ServiceFailed, failure_in, named_error

T = TypeVar("T")


# --------------------------------------------------------------------------- #
# Where an error belongs
# --------------------------------------------------------------------------- #


def error_field(error: TeleCoopError, values: Mapping[str, str], key_fields: Mapping[str, str]) -> str | None:
    """The form field ``error`` is about, or None when it is about the whole form.

    In order: the field the error names; the field its key belongs to in this
    form; the field whose current value is the value the error quotes.
    """
    named = error.params.get("field")
    if isinstance(named, str) and named in values:
        return named
    owner = key_fields.get(error.key)
    if owner in values:
        return owner
    for param in ("value", "text", "wall"):
        quoted = error.params.get(param)
        if quoted is None:
            continue
        if str(quoted).strip() == "":
            empty = [name for name, current in values.items() if current.strip() == ""]
            if len(empty) == 1:  # issue 10b: "'' is not a valid date" is about the one empty field
                return empty[0]
            continue
        quoted = str(quoted).strip()
        for name, current in values.items():
            if current.strip() == quoted:
                return name
        for name, current in values.items():
            if quoted in current.split():
                return name
    return None


def error_text(error: TeleCoopError, labels: Mapping[str, str], resource_name=None) -> str:
    """The error in the current language, with the field's label instead of its code name,
    and a resource named by its name (``resource_name(id)``, None when unknown) not its id."""
    params = dict(named_error(error, resource_name).params)
    named = params.get("field")
    if isinstance(named, str) and named in labels:
        params["field"] = labels[named]
    from telecoop.i18n import error_text as said  # the CLI's wording: echoed values cut, statuses in words

    return said(error.key, **params)


#: an error's short form, said under its field when the whole message does not fit
#: that one line (issue 10b; written out: no catalogue key is built at run time)
SHORT_KEYS = {
    "field.empty": "tui.ferr.empty",
    "field.control": "tui.ferr.control",
    "field.too_long": "tui.ferr.too_long",
    "field.int": "tui.ferr.int",
    "field.range": "tui.ferr.range",
    "field.slug": "tui.ferr.slug",
    "field.login": "tui.ferr.login",
    "field.url": "tui.ferr.url",
    "field.end_before_start": "tui.ferr.end_before_start",
    "time.gap": "tui.ferr.gap",
    "time.ambiguous": "tui.ferr.ambiguous",
    "time.invalid": "tui.ferr.datetime",
    "date.invalid": "tui.ferr.date",
    "time.hhmm": "tui.ferr.time",
    "booking.patient_long": "tui.ferr.patient_long",
    "import.overlap": "tui.ferr.overlap",
    # issue 12: the PostgreSQL server gone while the form was open
    "store.pg_unreachable": "tui.ferr.db_unreachable",
    "store.pg_lost": "tui.ferr.db_lost",
}
_DAY = re.compile(r"^\d{4}-\d\d-\d\d[ T]")


def short_error_text(error: TeleCoopError) -> str | None:
    """The error said without the field's name or the value typed (both are right above it),
    the day left out of the times it offers; None when it has no short form."""
    key = SHORT_KEYS.get(error.key)
    if key is None:
        return None
    params = {name: _DAY.sub("", value) if isinstance(value, str) else value for name, value in error.params.items()}
    return t(key, **params)


# --------------------------------------------------------------------------- #
# Widgets
# --------------------------------------------------------------------------- #


class FormField(Vertical):
    """A label and its input on one line (or stacked), the field's error right under it.

    The label turns reverse-video while its input has focus: a focus mark
    that survives NO_COLOR and 16 colours.
    """

    def __init__(self, name: str, label_key: str, widget: Widget, *, stacked: bool = False) -> None:
        super().__init__(id=f"field-{name}", classes="field stacked" if stacked else "field")
        self.field_name = name
        self.label_key = label_key
        self.widget = widget
        self.error = ""
        """The error shown under the field ("" when none)."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(t(self.label_key), classes="field-label", markup=False)
            yield self.widget
        yield Static("", classes="field-error", markup=False)

    def relabel(self) -> None:
        self.query_one(".field-label", Label).update(t(self.label_key))

    @property
    def label(self) -> str:
        return t(self.label_key)

    @property
    def error_width(self) -> int:
        """The cells of the one line under the field (its label's column left out unless stacked)."""
        return max(0, self.content_region.width - (0 if self.has_class("stacked") else 18))

    def set_error(self, text: str | None, *, here: bool = True) -> None:
        """Say ``text`` on the line under the field (``here=False``: the form says it elsewhere)."""
        self.error = text or ""
        self.query_one(".field-error", Static).update(literal(self.error if here else ""))
        self.set_class(bool(text) and here, "-invalid")


class ChoiceList(OptionList):
    """Several choices, each shown ``[x] name`` or ``[ ] name``; Space or Enter toggles.

    Text marks, not colours, so what is chosen reads with NO_COLOR too.
    """

    BINDINGS = [Binding("space", "toggle", "tui.key.pick", show=False)]

    def __init__(self, choices: Iterable[tuple[str, str]] = (), selected: Iterable[str] = (), *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)
        self._choices: list[tuple[str, str]] = list(choices)
        self.selected: set[str] = set(selected)

    def on_mount(self) -> None:
        self.set_choices(self._choices)

    def _prompt(self, label: str, value: str) -> Text:
        mark = "[x] " if value in self.selected else "[ ] "
        return Text(mark + clean(label), no_wrap=True, overflow="ellipsis", end="")

    def set_choices(self, choices: Iterable[tuple[str, str]]) -> None:
        """Replace the choices (label, value); keep the selection of those still there."""
        self._choices = list(choices)
        values = {v for _, v in self._choices}
        self.selected &= values
        highlighted = self.highlighted
        self.clear_options()
        self.add_options([Option(self._prompt(label, value), id=value) for label, value in self._choices])
        if self._choices:
            self.highlighted = min(highlighted or 0, len(self._choices) - 1)

    @property
    def value(self) -> str:
        """The chosen values, space-separated, in the order of the choices."""
        return " ".join(v for _, v in self._choices if v in self.selected)

    def toggle(self, value: str) -> None:
        if value in self.selected:
            self.selected.discard(value)
        else:
            self.selected.add(value)
        for index, (label, v) in enumerate(self._choices):
            if v == value:
                self.replace_option_prompt_at_index(index, self._prompt(label, v))

    def action_toggle(self) -> None:
        if self.highlighted is not None and self._choices:
            self.toggle(self._choices[self.highlighted][1])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.toggle(event.option.id)


def reset_select(select: Select, options: list[tuple[Text, str]]) -> None:
    """New option labels (after F9), same value when it is still offered."""
    value = select.value
    select.set_options(options)
    if any(v == value for _, v in options):
        select.value = value


def widget_value(widget: Widget) -> str:
    """The text a field holds, as the services take it."""
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, Select):
        return "" if widget.value is Select.NULL else str(widget.value)
    if isinstance(widget, ChoiceList):
        return widget.value
    raise TypeError(type(widget).__name__)


# --------------------------------------------------------------------------- #
# The form dialog
# --------------------------------------------------------------------------- #


class AdminFormDialog(ModalScreen[T], Generic[T]):
    """A form saved by one service call in a worker; dismissed with its result, or None.

    Subclasses give the fields (:meth:`compose_fields`), the title
    (:meth:`title_text`) and the call (:meth:`submit`, run in a worker
    thread). Bad input is said under its field and the dialog stays open.
    """

    BINDINGS = [
        Binding("escape", "close", "tui.key.close"),
        Binding("ctrl+s", "save", "tui.key.adm.save"),
    ]

    KEY_FIELDS: ClassVar[dict[str, str]] = {}
    """Error keys that always belong to one field of this form."""

    SAVE_LABEL: ClassVar[str] = "tui.adm.form.save"
    """i18n key of the button that submits."""

    class Saved(Message):
        def __init__(self, result: object) -> None:
            super().__init__()
            self.result = result

    class Refused(Message):
        def __init__(self, error: TeleCoopError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.saving = False
        self.force = False
        """Set once the user confirmed stranding active bookings (forms that may strand pass it on)."""
        self._error: TeleCoopError | str | None = None
        self._error_field: str | None = None
        self._form_error = ""

    # layout --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog admin-dialog"):
            yield Static("", id="dialog-title", classes="title", markup=False)
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield Static("", id="form-error", classes="form-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("", id="save", compact=True, variant="primary")
                yield Button("", id="back", compact=True)
            yield Static("", id="dialog-hint", classes="hint", markup=False)

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def title_text(self) -> str:
        return ""

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        """All words in the current language, errors included (F9 works inside the form)."""
        self.query_one("#dialog-title", Static).update(literal(self.title_text()))
        for field in self.query(FormField):
            field.relabel()
        self.query_one("#save", Button).label = t(self.SAVE_LABEL)
        self.query_one("#back", Button).label = t("tui.adm.form.back")
        self.query_one("#dialog-hint", Static).update(t("tui.adm.form.hint"))
        self._say_error()

    # fields --------------------------------------------------------------

    @property
    def fields(self) -> dict[str, FormField]:
        return {f.field_name: f for f in self.query(FormField)}

    def values(self) -> dict[str, str]:
        """Each visible field's text, by field name."""
        return {name: widget_value(f.widget) for name, f in self.fields.items() if f.display}

    def field_error(self, name: str) -> str:
        """The error shown under field ``name`` ("" when none)."""
        return self.fields[name].error

    @property
    def form_error(self) -> str:
        """The error said above the buttons ("" when none)."""
        return self._form_error

    # saving --------------------------------------------------------------

    def submit(self, values: dict[str, str]) -> object:
        """Call the service (in a worker thread); return what the dialog is dismissed with."""
        raise NotImplementedError

    def check(self, values: dict[str, str]) -> TeleCoopError | None:
        """A problem found here before calling the service (said like the service's), or None."""
        return None

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#back")
    def _back_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_close()

    def action_close(self) -> None:
        """Back out without saving."""
        if not self.saving:
            self.dismiss(None)

    def action_save(self) -> None:
        """Clear the errors, then save in a worker."""
        if self.saving:
            return
        self._set_error(None)
        values = self.values()
        problem = self.check(values)
        if problem is not None:
            self._set_error(problem)
            return
        self.saving = True
        self.query_one("#save", Button).disabled = True
        self.query_one("#form-error", Static).update(t("tui.adm.form.saving"))
        self._submit(values)

    @work(thread=True, exclusive=True, group="admin-form")
    def _submit(self, values: dict[str, str]) -> None:
        try:
            result = self.submit(values)
        except TeleCoopError as exc:
            self.post_message(self.Refused(exc))
            return
        except Exception as exc:  # noqa: BLE001 - said in the form, never a traceback
            self.post_message(failure_in(self, exc))
            return
        self.post_message(self.Saved(result))

    def _done_saving(self) -> None:
        self.saving = False
        self.query_one("#save", Button).disabled = False

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        message.stop()
        self._done_saving()
        self.query_one("#form-error", Static).update("")
        self.saved(message.result)

    def saved(self, result: object) -> None:
        """The service accepted the form: by default, close with its result."""
        self.dismiss(result)  # type: ignore[arg-type]

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        message.stop()
        self._done_saving()
        if isinstance(message.error, WouldStrand) and not self.force:
            # Active bookings in the way: list them, save again only once confirmed.
            def answered(yes: bool | None) -> None:
                if yes:
                    self.force = True
                    self.action_save()

            bookings = message.error.bookings
            self.app.push_screen(
                ConfirmDialog("tui.confirm.stranded", count=len(bookings), list=stranded_list(bookings, self.ctx.actor_tz)),
                answered,
            )
            return
        self._set_error(message.error)

    @on(ServiceFailed)
    def _failed(self, message: ServiceFailed) -> None:
        message.stop()
        self._done_saving()
        # issue 12: an error with a short form (the server gone) keeps it, for a narrow line
        error = message.error
        self._error_field = None
        self._error = error if error is not None and short_error_text(error) is not None else message.text
        self._say_error()

    # errors --------------------------------------------------------------

    def _resource_name(self, resource_id: int) -> str | None:
        own = getattr(self, "resource", None)  # the form's own resource (maybe newer than the directory)
        if own is not None and getattr(own, "id", None) == resource_id:
            return own.name
        directory = getattr(self.app, "directory", None)
        resource = directory.resource(resource_id) if directory is not None else None
        return resource.name if resource is not None else None

    def _set_error(self, error: TeleCoopError | None) -> None:
        self._error = error
        self._error_field = error_field(error, self.values(), self.KEY_FIELDS) if error else None
        self._say_error()

    def _say_error(self) -> None:
        fields = self.fields
        for field in fields.values():
            field.set_error(None)
        form_error = self.query_one("#form-error", Static)
        form_error.update("")
        self._form_error = ""
        if self._error is None:
            return
        if isinstance(self._error, TeleCoopError):
            text = error_text(self._error, {name: f.label for name, f in fields.items()}, self._resource_name)
        else:
            text = self._error
        field = fields.get(self._error_field or "")
        if field is None:
            short = short_error_text(self._error) if isinstance(self._error, TeleCoopError) else None
            if short and cell_len(text) > form_error.content_region.width:
                text = short
            self._form_error = text
            form_error.update(literal(text))
            return
        # issue 10b: the error fits its one line: the whole message, else its short
        # form, else (a narrow column) the short form on the form's line, naming the field.
        short = short_error_text(self._error) if isinstance(self._error, TeleCoopError) else None
        fits = [said for said in (text, short) if said and cell_len(said) <= field.error_width]
        if fits:
            field.set_error(fits[0])
        else:
            field.set_error(text, here=False)
            self._form_error = t("tui.ferr.on_field", field=field.label, error=short or text)
            form_error.update(literal(self._form_error))
        field.widget.focus()
        field.scroll_visible(animate=False)

"""Reports (admins): usage between co-ops, utilisation per resource, no-show rate, for one month.

Three bar charts, one under the other, in a scrolling body. ``[`` and ``]``
step the month; the month can also be typed (YYYY-MM). The three reports are
read in one worker; a month the service refuses is said beside the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Static

from telecoop.domain import model as m
from telecoop.domain.errors import BadInput
from telecoop.i18n import get_lang, t
from telecoop.services import reports as reports_service
from telecoop.services.context import Context
from telecoop.tui import strings_admin  # noqa: F401  (registers the catalogue)
from telecoop.tui.format import literal, local_day
from telecoop.tui.messages import failure_in
from telecoop.tui.screens.base import ModeScreen
from telecoop.tui.widgets.bar_chart import Bar, BarChart

MONTH_RE = re.compile(r"(\d{4})-(\d{2})")


def step_month(month: str, delta: int) -> str:
    """``2026-12`` plus ``delta`` months (``YYYY-MM``); an unreadable month is returned as is."""
    match = MONTH_RE.fullmatch(month.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        return month
    index = int(match[1]) * 12 + int(match[2]) - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def percent(rate: float) -> str:
    return f"{round(rate * 100):d}"


@dataclass(frozen=True)
class MonthReports:
    month: str
    usage: list[m.UsageRow]
    utilisation: list[reports_service.UtilisationRow]
    no_shows: list[reports_service.NoShowRow]


def load_reports(ctx: Context, month: str) -> MonthReports:
    """The three reports of ``month`` (call from a worker thread)."""
    return MonthReports(
        month=month,
        usage=reports_service.usage(ctx, month),
        utilisation=reports_service.utilisation(ctx, month),
        no_shows=reports_service.no_shows(ctx, month),
    )


def usage_bars(rows: list[m.UsageRow]) -> list[Bar]:
    return [
        Bar(f"{r.provider} → {r.consumer}", r.minutes, t("tui.rep.usage_value", n=r.bookings, minutes=r.minutes))
        for r in rows
    ]


def utilisation_bars(rows: list[reports_service.UtilisationRow]) -> list[Bar]:
    # Several co-ops' rooms share a name ("Salle de téléconsultation"): say whose.
    several = len({r.coop for r in rows}) > 1
    return [
        Bar(
            f"{r.coop} · {r.resource}" if several else r.resource,
            r.rate,
            t("tui.rep.util_value", pct=percent(r.rate), booked=r.booked_minutes, available=r.available_minutes),
        )
        for r in rows
    ]


def no_show_bars(rows: list[reports_service.NoShowRow]) -> list[Bar]:
    return [
        Bar(r.coop, r.rate, t("tui.rep.noshow_value", pct=percent(r.rate), n=r.no_shows, total=r.attended + r.no_shows))
        for r in rows
    ]


class MonthInput(Input):
    """A ``YYYY-MM`` box that leaves ``[`` and ``]`` to the screen (previous, next month)."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character not in ("[", "]") and super().check_consume_key(key, character)


class ReportsScreen(ModeScreen):
    """One month of reports as bar charts; ``[`` ``]`` change the month."""

    MODE_TITLE = "tui.mode.reports"
    AUTO_FOCUS = "#report-body"
    BINDINGS = [
        # Priority, so they work from the month box too (MonthInput leaves them alone).
        Binding("left_square_bracket", "step(-1)", "tui.key.rep.prev", key_display="[", priority=True),
        Binding("right_square_bracket", "step(1)", "tui.key.rep.next", key_display="]", priority=True),
        Binding("m", "focus_month", "tui.key.rep.month"),
    ]

    class ReportsLoaded(Message):
        def __init__(self, reports: MonthReports) -> None:
            super().__init__()
            self.reports = reports

    class MonthRefused(Message):
        def __init__(self, error: BadInput) -> None:
            super().__init__()
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.reports: MonthReports | None = None
        self.month = ""
        self._month_error: BadInput | None = None

    # ------------------------------------------------------------------ #
    # Layout
    # ------------------------------------------------------------------ #

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="month-bar", classes="bar"):
            yield Label("", id="month-label", markup=False)
            yield MonthInput(self._this_month(), restrict=r"[0-9-]*", max_length=7, compact=True, id="month")
            yield Static("", id="month-hint", classes="hint", markup=False)
        yield Static("", id="month-error", classes="error", markup=False)
        with VerticalScroll(id="report-body"):
            yield Static("", id="usage-title", classes="report-title", markup=False)
            yield BarChart(id="usage-chart")
            yield Static("", id="util-title", classes="report-title", markup=False)
            yield BarChart(maximum=1.0, id="util-chart")
            yield Static("", id="noshow-title", classes="report-title", markup=False)
            yield BarChart(maximum=1.0, id="noshow-chart")

    def _this_month(self) -> str:
        day = local_day(self.ctx.now(), self.ctx.actor_tz)
        return f"{day.year:04d}-{day.month:02d}"

    def on_mount(self) -> None:
        # Textual calls the base class's on_mount itself (no super() call).
        self._relabel_words()
        self._show()
        self._ask(self.query_one("#month", Input).value)

    # ------------------------------------------------------------------ #
    # Month
    # ------------------------------------------------------------------ #

    def _ask(self, month: str) -> None:
        self.month = month.strip()
        self._month_error = None
        self._say_month_error()
        self._load(self.month)

    def reload(self) -> None:
        """Another connection committed: read the month shown again."""
        if self.month:
            self._load(self.month)

    def action_step(self, delta: int) -> None:
        """Previous (-1) or next (+1) month."""
        box = self.query_one("#month", Input)
        current = box.value if MONTH_RE.fullmatch(box.value.strip()) else self.month or self._this_month()
        month = step_month(current, delta)
        box.value = month
        self._ask(month)

    def action_focus_month(self) -> None:
        """Type a month."""
        self.query_one("#month", Input).focus()

    @on(Input.Submitted, "#month")
    def _month_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._ask(event.value)
        self.query_one("#report-body").focus()

    @on(Input.Changed, "#month")
    def _month_changed(self, event: Input.Changed) -> None:
        event.stop()
        # Read as soon as a month is complete; a half-typed one waits for Enter.
        if len(event.value.strip()) == 7 and event.value.strip() != self.month:
            self._ask(event.value)

    # ------------------------------------------------------------------ #
    # Reading
    # ------------------------------------------------------------------ #

    @work(thread=True, exclusive=True, group="reports")
    def _load(self, month: str) -> None:
        try:
            reports = load_reports(self.ctx, month)
        except BadInput as exc:
            # A wrong month is said beside the input; anything else the app's way.
            self.post_message(self.MonthRefused(exc) if exc.key == "month.invalid" else failure_in(self, exc))
            return
        except Exception as exc:  # noqa: BLE001 - shown in the app, never a traceback
            self.post_message(failure_in(self, exc))
            return
        self.post_message(self.ReportsLoaded(reports))

    @on(ReportsLoaded)
    def _loaded(self, message: ReportsLoaded) -> None:
        message.stop()
        if message.reports.month != self.month:
            return  # an older month finished after a newer one was asked
        self.reports = message.reports
        self._show()

    @on(MonthRefused)
    def _refused(self, message: MonthRefused) -> None:
        message.stop()
        self._month_error = message.error
        self._say_month_error()

    def _say_month_error(self) -> None:
        text = self._month_error.message(get_lang()) if self._month_error else ""
        error = self.query_one("#month-error", Static)
        error.update(literal(text))
        error.display = bool(text)

    # ------------------------------------------------------------------ #
    # Showing
    # ------------------------------------------------------------------ #

    def _show(self) -> None:
        reports = self.reports
        waiting = t("tui.rep.loading") if reports is None else t("tui.rep.none")
        self.query_one("#usage-chart", BarChart).set_bars(
            usage_bars(reports.usage) if reports else [], empty_text=waiting
        )
        self.query_one("#util-chart", BarChart).set_bars(
            utilisation_bars(reports.utilisation) if reports else [], maximum=1.0, empty_text=waiting
        )
        self.query_one("#noshow-chart", BarChart).set_bars(
            no_show_bars(reports.no_shows) if reports else [], maximum=1.0, empty_text=waiting
        )

    def _relabel_words(self) -> None:
        self.query_one("#month-label", Label).update(t("tui.rep.month"))
        self.query_one("#month-hint", Static).update(t("tui.rep.month_hint"))
        self.query_one("#usage-title", Static).update(t("tui.rep.usage"))
        self.query_one("#util-title", Static).update(t("tui.rep.util"))
        self.query_one("#noshow-title", Static).update(t("tui.rep.noshow"))

    def relabel(self) -> None:
        super().relabel()
        self._relabel_words()
        self._say_month_error()
        self._show()

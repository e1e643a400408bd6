"""Reports mode: a month of usage between co-ops, utilisation and no-shows, drawn as bars.

Bookings are made through the services on a real SQLite file built from
sample_data/ (``as_user``); the admin then reads them on screen at 80×24.
"""

from __future__ import annotations

import pendulum
import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input

from telecoop import i18n
from telecoop.services import booking as booking_service
from telecoop.tui.app import TeleCoopApp
from telecoop.tui.screens.reports import ReportsScreen, step_month
from telecoop.tui.widgets.bar_chart import FULL, Bar, BarChart, bar_cells
from tui_helpers import screen_text, settle

SIZE = (80, 24)


@pytest.fixture
def december(as_user):
    """Gaspésie and Saguenay book the Îles psychologist; Gaspésie also its own doctor (no-show)."""
    gas, sag = as_user("recep.gaspesie"), as_user("recep.saguenay")
    a = booking_service.book(gas, clinician_id=8, start="2026-12-08T10:00", duration=30, consent=True, patient="AB")
    booking_service.book(gas, clinician_id=8, start="2026-12-08T11:00", duration=45, consent=True, patient="CD")
    booking_service.book(sag, clinician_id=8, start="2026-12-10T10:00", duration=30, consent=True, patient="EF")
    d = booking_service.book(gas, clinician_id=1, start="2026-12-08T09:00", duration=30, consent=True, patient="GH")
    later = as_user("recep.gaspesie", now=pendulum.datetime(2026, 12, 8, 15, tz="UTC"))
    booking_service.set_status(later, d.id, "no-show")
    booking_service.set_status(as_user("recep.gaspesie", now=pendulum.datetime(2026, 12, 8, 14, 5, tz="UTC")), a.id, "checked-in")
    booking_service.set_status(later, a.id, "completed")


def app_as(as_user, login: str, lang: str = "en") -> TeleCoopApp:
    i18n.set_lang(lang)
    return TeleCoopApp(as_user(login), poll_seconds=None)


async def open_reports(pilot) -> ReportsScreen:
    await settle(pilot)
    await pilot.press("f6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReportsScreen)
    return screen


def chart(pilot, selector: str) -> list[str]:
    return pilot.app.screen.query_one(selector, BarChart).plain_lines(78)


async def test_reports_show_bars_for_bookings_made_through_the_services(as_user, december):
    app = app_as(as_user, "fed.admin")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        assert screen.query_one("#month", Input).value == "2026-12", "this month in the admin's zone"
        usage = chart(pilot, "#usage-chart")
        assert len(usage) == 2
        gas, sag = usage
        assert gas.startswith("iles → gaspesie") and gas.endswith("2 bkg · 75 min")
        assert sag.startswith("iles → saguenay") and sag.endswith("1 bkg · 30 min")
        assert gas.count(FULL) > sag.count(FULL) > 0, "75 minutes draw a longer bar than 30"
        util = {line.split("  ")[0]: line for line in chart(pilot, "#util-chart")}
        psychologist = next(line for name, line in util.items() if "Étienne Boudreau" in name)
        assert "(105/" in psychologist and any(block in psychologist for block in "▏▎▍▌▋▊▉█")
        no_shows = chart(pilot, "#noshow-chart")
        assert no_shows[0].startswith("gaspesie") and no_shows[0].endswith("50% (1/2)")
        assert FULL in no_shows[0]
        text = screen_text(pilot)
        assert "Usage between co-ops (provider → consumer)" in text and "iles → gaspesie" in text
        assert all(len(line) <= 80 for line in text.splitlines())


async def test_brackets_step_the_month_and_a_typed_month_is_checked(as_user, december):
    app = app_as(as_user, "admin.iles", lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.query_one("#month", Input).value == "2026-11"
        assert chart(pilot, "#usage-chart") == ["Aucune donnée pour ce mois."]
        # The brackets step the month even while typing in the month box.
        await pilot.press("m")
        assert app.focused is screen.query_one("#month")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.query_one("#month", Input).value == "2026-12"
        assert chart(pilot, "#usage-chart")[0].startswith("iles → gaspesie")
        # A month that does not exist is said beside the box; the charts stay.
        box = screen.query_one("#month", Input)
        box.value = ""
        await pilot.press(*"2026-13")
        await settle(pilot)
        assert "n'est pas un mois valide" in screen_text(pilot)
        assert chart(pilot, "#usage-chart")[0].startswith("iles → gaspesie")
        await pilot.press("f9")
        await settle(pilot)
        text = screen_text(pilot)
        assert "is not a valid month" in text and "Utilisation per resource" in text and "Prev month" in text


async def test_a_coop_admin_sees_their_own_coop_only(as_user, december):
    app = app_as(as_user, "admin.saguenay")
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot)
        usage = chart(pilot, "#usage-chart")
        assert len(usage) == 1 and usage[0].startswith("iles → saguenay")
        assert chart(pilot, "#noshow-chart") == ["No data for this month."]


# --------------------------------------------------------------------------- #
# The bar chart widget
# --------------------------------------------------------------------------- #


def test_bar_cells_are_characters_with_eighths():
    assert bar_cells(0, 10, 20) == ""
    assert bar_cells(10, 10, 20) == FULL * 20
    assert bar_cells(5, 10, 20) == FULL * 10
    assert bar_cells(1, 100, 8) == "▏", "a value above zero always shows"
    assert bar_cells(3, 8, 1) == "▍"
    assert bar_cells(20, 10, 4) == FULL * 4, "never longer than the room"


class ChartApp(App[None]):
    def __init__(self, bars: list[Bar], maximum: float | None = None) -> None:
        super().__init__()
        self.bars = bars
        self.maximum = maximum

    def compose(self) -> ComposeResult:
        yield BarChart(self.bars, maximum=self.maximum, empty_text="none")


async def test_chart_fits_80_columns_and_shows_labels_literally():
    bars = [
        Bar("[b]bold[/b] [@click=app.quit]x[/]", 3, "3 items"),
        Bar("a very long label that goes on and on and on and on and on", 12, "12 items"),
        Bar("\x1b[31mred", 0, "0 items"),
    ]
    app = ChartApp(bars)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = screen_text(pilot).splitlines()[:3]
        assert lines[0].startswith("[b]bold[/b] [@click")
        assert lines[1].startswith("a very long label") and "…" in lines[1]
        assert lines[2].startswith("?[31mred"), "escape characters never reach the terminal"
        assert all(len(line.rstrip()) <= 80 for line in lines)
        assert lines[1].count(FULL) >= 3 * lines[0].count(FULL) > 0, "bars scale to the largest value"
        assert FULL not in lines[2] and "▏" not in lines[2], "zero draws nothing"
        assert [line.rstrip().rsplit(" ", 2)[-2:] for line in lines] == [["3", "items"], ["12", "items"], ["0", "items"]]
        assert app.is_running


def test_chart_is_plain_text_for_no_color():
    chart = BarChart([Bar("x", 1, "1"), Bar("y", 2, "2")])
    lines = chart.plain_lines(30)
    # 30 columns: label 1, space, bar 26, space, value 1.
    assert lines == ["x " + FULL * 13 + " " * 13 + " 1", "y " + FULL * 26 + " 2"]


def test_step_month():
    assert step_month("2026-12", 1) == "2027-01"
    assert step_month("2026-01", -1) == "2025-12"
    assert step_month("2026-13", 1) == "2026-13"


def test_snapshot_reports_en(as_user, december, snap_compare):
    app = app_as(as_user, "fed.admin", lang="en")
    assert snap_compare(app, terminal_size=SIZE, run_before=open_reports)


def test_snapshot_reports_fr(as_user, december, snap_compare):
    app = app_as(as_user, "admin.iles", lang="fr")
    assert snap_compare(app, terminal_size=SIZE, run_before=open_reports)

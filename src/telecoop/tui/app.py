"""The TeleCoop terminal app (minimal: shared resources list)."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

from telecoop.services.context import Context
from telecoop.services.directory import list_resources


class TeleCoopApp(App):
    TITLE = "TeleCoop"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, ctx: Context, *, low_bandwidth: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.low_bandwidth = low_bandwidth

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="resources", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "kind", "name", "coop", "specialty")
        for r in list_resources(self.ctx):
            table.add_row(str(r.id), r.kind.value, Text(r.name), r.coop, r.specialty)


def run_app(ctx: Context, *, low_bandwidth: bool = False) -> None:
    TeleCoopApp(ctx, low_bandwidth=low_bandwidth).run()

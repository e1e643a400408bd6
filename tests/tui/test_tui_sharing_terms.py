"""issue 13: an owner's admin sets a resource's sharing terms in the app (Admin, key t)."""

from __future__ import annotations

from textual.widgets import Input

from telecoop import i18n
from telecoop.domain import capacity as cap
from telecoop.services import sharing_terms
from telecoop.services.directory import list_resources
from telecoop.tui.app import TeleCoopApp
from telecoop.tui.dialogs.sharing_terms import SharingTermsDialog
from tui_helpers import settle, static_text

SIZE = (80, 24)


async def test_the_owners_admin_sets_window_notice_and_quotas(context_for):
    ctx = context_for("admin.gaspesie")
    i18n.set_lang("fr")
    app = TeleCoopApp(ctx, poll_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("t")  # the first resource of the list
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SharingTermsDialog)
        rid = dialog.resource.id
        assert static_text(pilot, "#dialog-title").startswith("Conditions de partage — ")
        dialog.query_one("#terms-window", Input).value = "21"
        dialog.query_one("#terms-notice", Input).value = "lots"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and "lots" in static_text(pilot, "#form-error")
        dialog.query_one("#terms-notice", Input).value = "12"
        dialog.query_one("#terms-quotas", Input).value = "iles=6, pontiac=2.5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, SharingTermsDialog)
    assert sharing_terms.show_terms(ctx, rid) == cap.SharingTerms(rid, 21, 12, 0, (("iles", 360), ("pontiac", 150)))


async def test_a_partner_left_out_of_the_line_loses_its_quota(context_for):
    ctx = context_for("admin.gaspesie")
    resource = next(r for r in list_resources(ctx) if r.id == 5)
    sharing_terms.set_terms(ctx, 5, quotas=["iles=6", "pontiac=2"])
    i18n.set_lang("en")
    app = TeleCoopApp(ctx, poll_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = SharingTermsDialog(ctx, resource)
        await app.push_screen(dialog)
        await settle(pilot)
        assert dialog.query_one("#terms-quotas", Input).value == "iles=6 pontiac=2"
        dialog.query_one("#terms-quotas", Input).value = "pontiac=3"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert sharing_terms.show_terms(ctx, 5).quotas == (("pontiac", 180),)

"""issue 14: the Admin mode's teleconsultation fields, in French and English (Pilot).

A clinician's licensed provinces on the resource form, a co-op's approved video
platform (key v): the same rules as the CLI's ``licences`` and ``platform``
(``domain.teleconsult``), errors under their field, nothing written on a refusal.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from telecoop import i18n
from telecoop.services import directory as directory_service
from telecoop.tui.app import TeleCoopApp
from telecoop.tui.dialogs.admin_platform import PlatformDialog
from telecoop.tui.dialogs.admin_resource import ResourceDialog
from telecoop.tui.screens.admin import AdminScreen
from tui_helpers import settle

SIZE = (80, 24)
WORDS = {
    "fr": {"https": "n'est pas une adresse https", "licences": "QC"},
    "en": {"https": "is not a valid https platform address", "licences": "QC"},
}


def app_as(as_user, login: str, lang: str) -> TeleCoopApp:
    i18n.set_lang(lang)
    return TeleCoopApp(as_user(login), poll_seconds=None)


async def open_admin(pilot) -> AdminScreen:
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AdminScreen)
    return pilot.app.screen


async def type_into(pilot, widget: Input, text: str) -> None:
    widget.focus()
    widget.value = ""
    await pilot.press(*text)


def clinician_of(as_user, coop: str):
    return next(r for r in directory_service.list_resources(as_user("fed.admin"))
                if r.coop == coop and r.kind.value == "clinician")


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_a_clinicians_licences_are_edited_on_the_resource_form(as_user, lang):
    clinician = clinician_of(as_user, "gaspesie")
    app = app_as(as_user, "admin.gaspesie", lang)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_admin(pilot)
        index = next(i for i, r in enumerate(screen.data.resources) if r.id == clinician.id)
        screen.query_one("#resources").move_cursor(row=index)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ResourceDialog)
        field = dialog.query_one("#licences", Input)
        assert field.value == " ".join(clinician.licences) and dialog.fields["licences"].display
        # A code that is no province: said under the field, nothing written.
        await type_into(pilot, field, "QC XX")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and "XX" in dialog.field_error("licences")
        assert dialog.field_error("name") == ""
        assert directory_service.get_resource(as_user("fed.admin"), clinician.id).licences == clinician.licences
        await type_into(pilot, field, "qc, on")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)
    assert directory_service.get_resource(as_user("fed.admin"), clinician.id).licences == ("QC", "ON")


async def test_a_room_has_no_licences_field(as_user):
    app = app_as(as_user, "admin.gaspesie", "en")
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#kind").value = "room"
        await settle(pilot)
        assert not dialog.fields["licences"].display


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_a_coop_admin_sets_and_clears_the_video_platform(as_user, lang):
    app = app_as(as_user, "admin.gaspesie", lang)
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(pilot)
        await pilot.press("v")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PlatformDialog) and dialog.coop.slug == "gaspesie"
        field = dialog.query_one("#video_platform", Input)
        for bad in ("http://meet.example.org/gaspe", "https://meet.example.org/?room=1", "https://x"):
            await type_into(pilot, field, bad)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is dialog and WORDS[lang]["https"] in dialog.field_error("video_platform"), bad
        coop = next(c for c in directory_service.list_coops(as_user("fed.admin")) if c.slug == "gaspesie")
        assert not coop.video_platform.startswith("http://")
        await type_into(pilot, field, "https://meet.example.org/gaspe")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)
        coop = next(c for c in directory_service.list_coops(as_user("fed.admin")) if c.slug == "gaspesie")
        assert coop.video_platform == "https://meet.example.org/gaspe/"
        # An empty field removes it.
        await pilot.press("v")
        await settle(pilot)
        await type_into(pilot, app.screen.query_one("#video_platform", Input), "")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)
    coop = next(c for c in directory_service.list_coops(as_user("fed.admin")) if c.slug == "gaspesie")
    assert coop.video_platform == ""


async def test_the_federation_admin_sets_the_highlighted_coops_platform(as_user):
    app = app_as(as_user, "fed.admin", "en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_admin(pilot)
        screen._go_to("coops")
        await settle(pilot)
        index = next(i for i, c in enumerate(screen.data.coops) if c.slug == "iles")
        screen.query_one("#coops").move_cursor(row=index)
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, PlatformDialog) and app.screen.coop.slug == "iles"

"""issue 10 (item 6): an error under a field fits on its one line, at 80x24 and 60x20.

Every bad value of the form catalogue (tests/tui/test_bad_forms.py) is provoked
again in each admin form and in the booking form, in French and English, at both
sizes; the error's line must hold the whole message: no ellipsis, nothing cut.
"""

from __future__ import annotations

import datetime as dt

import pytest
from rich.cells import cell_len
from textual.widgets import Input, Static

from telecoop import i18n
from telecoop.services import booking as booking_service
from telecoop.tui.app import TeleCoopApp
from telecoop.tui.dialogs.booking_form import BookingDialog
from test_bad_forms import BOOKING, FORMS, _dialog, _fill
from tui_helpers import settle

SIZES = [(80, 24), (60, 20)]


def _shown(dialog) -> tuple[str, Static] | None:
    """The error said (under a field, else above the buttons) and the widget saying it."""
    for field in dialog.fields.values():
        if field.has_class("-invalid"):
            widget = field.query_one(".field-error", Static)
            return str(widget.render()), widget
    if dialog.form_error:
        return dialog.form_error, dialog.query_one("#form-error", Static)
    return None


def _cut(text: str, widget: Static) -> str | None:
    width = widget.content_region.width
    return None if cell_len(text) <= width else f"{cell_len(text)}>{width}: {text}"


def _cases(size, lang):
    """(login, kind, valid values, field, bad value): every one at 60x20 (the narrowest lines),
    every other one at 80x24 (a message that fits 60x20 fits the wider lines too)."""
    for kind, (login, valid, bad) in sorted(FORMS.items(), key=lambda item: item[1][0]):
        for field, value in (bad if size == (60, 20) else bad[::2] if lang == "en" else bad[1::2]):
            yield login, kind, valid, field, value


@pytest.mark.sqlite_only("the width of a refusal's words at each size: the words come from the rules and the "
                         "catalogue, the same on either engine, whose refusals test_bad_forms checks on both")
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "60x20"])
@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_admin_form_errors_fit_their_line(as_user, lang, size):
    i18n.set_lang(lang)
    cut = []
    cases = list(_cases(size, lang))
    for login in sorted({case[0] for case in cases}):  # one app per user
        ctx = as_user(login)
        app = TeleCoopApp(ctx, poll_seconds=None)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for _login, kind, valid, field, value in (c for c in cases if c[0] == login):
                dialog = _dialog(kind, ctx)
                await app.push_screen(dialog)
                await settle(pilot)
                _fill(dialog, {**valid, field: value})
                await settle(pilot)
                await pilot.press("ctrl+s")
                await settle(pilot)
                shown = _shown(dialog)
                assert shown is not None, f"{kind}.{field}: nothing said"
                problem = _cut(*shown)
                if problem:
                    cut.append(f"{kind}.{field}={value[:12]!r}: {problem}")
                await pilot.press("escape")
                await settle(pilot)
    assert len(cases) == (sum(len(bad) for _, _, bad in FORMS.values()) if size == (60, 20) else len(cases)) > 15
    assert not cut, "\n".join(cut)


@pytest.mark.sqlite_only("the width of a refusal's words at each size: the words come from the rules and the "
                         "catalogue, the same on either engine, whose refusals test_bad_forms checks on both")
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "60x20"])
@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_booking_form_errors_fit_their_line(as_user, lang, size):
    ctx = as_user("recep.gaspesie")
    slot = booking_service.search_slots(ctx, specialty="psychology", from_date=dt.date(2026, 12, 8), days=2)[0]
    i18n.set_lang(lang)
    app = TeleCoopApp(ctx, poll_seconds=None)
    cut = []
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for field, value in BOOKING:
            dialog = BookingDialog(slot)
            await app.push_screen(dialog)
            await settle(pilot)
            dialog.query_one("#patient", Input).value = "AB-1"
            dialog.query_one(f"#{field}", Input).value = value
            await pilot.press("ctrl+s")
            await settle(pilot)
            said = [w for w in (dialog.query_one("#patient-error", Static), dialog.query_one("#form-error", Static))
                    if str(w.render()).strip()]
            assert said, f"{field}: nothing said"
            problem = _cut(str(said[0].render()).rstrip(), said[0])
            if problem:
                cut.append(f"{field}={value[:12]!r}: {problem}")
            await pilot.press("escape")
            await settle(pilot)
    assert not cut, "\n".join(cut)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_an_error_about_a_resource_names_it_in_the_app(app_for, context_for, lang):
    """issue 10: "resource 40 is not a clinician" / "resource 40 not found" -> its name, as the
    app says a service's refusal (guarded -> failure), when the app knows the resource."""
    from telecoop.domain.errors import NotFound, TeleCoopError
    from telecoop.tui.messages import failure, resource_names

    ctx = context_for("recep.gaspesie")
    room = next(r for r in ctx_resources(ctx) if r.kind == "room")
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        names = resource_names(app.screen)
        with pytest.raises(TeleCoopError) as refused:  # a room given as the clinician: the service says so
            booking_service.book(ctx, clinician_id=room.id, start="2026-12-08T14:00", duration=30, consent=True, patient="AB-1")
        said = failure(refused.value, None, names).text
        assert refused.value.key == "field.not_clinician" and str(room.id) not in said
        assert room.name in said
        gone = failure(NotFound("notfound.resource", id=room.id), None, names).text
        assert room.name in gone and str(room.id) not in gone
        assert failure(NotFound("notfound.resource", id=99999), None, names).text.endswith(("99999 introuvable", "99999 not found"))


def ctx_resources(ctx):
    from telecoop.services import directory as directory_service

    return directory_service.list_resources(ctx)

"""The app's half of the bad-input catalogue (issue 9): every form, table-driven.

Each bad value, typed (or pasted) into one field of an otherwise valid form
and submitted, must keep the form open with a message (under the field or
above the buttons) in the user's language, leave the app running, and leave
the database byte-for-byte unchanged.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from textual.widgets import Input, Select

from telecoop import i18n
from telecoop.services import booking as booking_service
from telecoop.services import directory as directory_service
from telecoop.tui.app import TeleCoopApp
from telecoop.tui.dialogs.admin_closure import ClosureDialog
from telecoop.tui.dialogs.admin_coop import CoopDialog
from telecoop.tui.dialogs.admin_hours import HoursDialog
from telecoop.tui.dialogs.admin_resource import ResourceDialog
from telecoop.tui.dialogs.admin_staff import StaffDialog
from telecoop.tui.dialogs.booking_form import BookingDialog
from tui_helpers import settle, static_text

SIZE = (80, 24)
LONG = "x" * 10_000
CTRL = "AB\x1b[31m\x07"
MARKUP = "[b]x[/b]"
SQL = "1; DROP TABLE booking;--"

# dialog -> (login, valid values, [(field, bad value), ...])
FORMS = {
    "staff": ("admin.iles", {"login": "new.person", "name": "New Person"},
              [("login", ""), ("login", LONG), ("login", CTRL), ("login", MARKUP), ("login", SQL),
               ("login", "UPPER CASE"), ("name", LONG), ("name", CTRL)]),
    "coop": ("fed.admin", {"slug": "new-coop", "name": "Nouvelle", "region": "Côte", "tz": "America/Toronto"},
             [("slug", ""), ("slug", MARKUP), ("slug", SQL), ("slug", CTRL), ("slug", "gaspesie"), ("name", ""),
              ("name", LONG), ("name", CTRL), ("region", LONG), ("region", CTRL)]),
    # (the zone is picked from a list of canonical names: nothing bad can be typed there;
    # `init --tz` and the import's refusals of bad zones are in tests/test_bad_inputs.py)
    "resource": ("admin.iles", {"name": "Dre Test", "specialty": "psychology"},
                 [("name", ""), ("name", LONG), ("name", CTRL), ("video_link", "javascript:alert(1)"),
                  ("buffer_minutes", "500"), ("buffer_minutes", "-5"), ("buffer_minutes", "abc"),
                  ("equipment", LONG)]),
    "closure": ("admin.iles", {"start": "2027-01-11", "end": "2027-01-12", "reason": "Formation"},
                [("start", "2027-02-30"), ("start", SQL), ("start", ""), ("end", "2027-01-01"),
                 ("start", "2027-03-14 02:30"),  # spring-forward gap (Îles: Halifax time)
                 ("start", "2026-11-01 01:30"),  # fall-back: happens twice
                 ("reason", ""), ("reason", LONG), ("reason", CTRL)]),
    "hours": ("admin.iles", {"weekday": "sun", "start": "13:00", "end": "14:00", "valid_from": "2027-01-04"},
              [("start", "25:00"), ("start", ""), ("end", "12:00"), ("end", "1299"), ("valid_from", "2027-02-30"),
               ("valid_to", "2026-01-01")]),
}
BOOKING = [("patient", ""), ("patient", LONG), ("patient", CTRL), ("patient", "x" * 41), ("patient", "   "),
           ("reason", LONG), ("reason", CTRL)]


def _digest(db: Path) -> str:
    import engines

    if engines.ON_PG:  # (a URL, not a file: every row of every table)
        return engines.pg_digest(db)
    h = hashlib.sha256()
    for suffix in ("", "-wal"):
        p = Path(f"{db}{suffix}")
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()


def _dialog(kind: str, ctx):
    coops = directory_service.list_coops(ctx)
    resources = directory_service.list_resources(ctx)
    if kind == "staff":
        return StaffDialog(ctx, coops, resources)
    if kind == "coop":
        return CoopDialog(ctx)
    if kind == "resource":
        return ResourceDialog(ctx, coops)
    if kind == "hours":
        return HoursDialog(ctx, next(r for r in resources if r.id == 8))
    return ClosureDialog(ctx, coops, resources, scope="res:8")


def _fill(dialog, values: dict[str, str]) -> None:
    for name, value in values.items():
        widget = dialog.query_one(f"#{name}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            widget.value = value


@pytest.mark.parametrize("kind", sorted(FORMS))
@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_admin_forms_refuse_bad_values_and_write_nothing(as_user, db_path, kind, lang):
    login, valid, bad = FORMS[kind]
    if lang == "fr":
        bad = bad[::2]  # every value in English, every other one again in French
    ctx = as_user(login)
    i18n.set_lang(lang)
    app = TeleCoopApp(ctx, poll_seconds=None)
    before = _digest(db_path)
    said: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for field, value in bad:
            dialog = _dialog(kind, ctx)
            await app.push_screen(dialog)
            await settle(pilot)
            _fill(dialog, {**valid, field: value})
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is dialog, f"{kind}.{field}={value[:20]!r} was accepted"
            # under the field, above the buttons, or (end before start) under the other bound
            message = dialog.field_error(field) or dialog.form_error or next(
                (f.error for f in dialog.fields.values() if f.error), "")
            assert message, f"{kind}.{field}={value[:20]!r}: nothing said"
            assert "\x1b" not in message and len(message) < 300
            said.append(message)
            assert app.is_running
            await pilot.press("escape")
            await settle(pilot)
    assert _digest(db_path) == before
    if lang == "fr":  # spot-check the language: no English-only sentences
        assert not any(m.startswith(("the ", "invalid ", "unknown ")) for m in said), said


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_booking_form_refuses_bad_values_and_books_nothing(as_user, db_path, lang):
    import datetime as dt

    ctx = as_user("recep.gaspesie")
    slot = booking_service.search_slots(ctx, specialty="psychology", from_date=dt.date(2026, 12, 8), days=2)[0]
    i18n.set_lang(lang)
    app = TeleCoopApp(ctx, poll_seconds=None)
    before = _bookings(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for field, value in BOOKING:
            dialog = BookingDialog(slot)
            await app.push_screen(dialog)
            await settle(pilot)
            dialog.query_one("#patient", Input).value = "AB-1"
            dialog.query_one(f"#{field}", Input).value = value
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is dialog, f"{field}={value[:20]!r} was accepted"
            shown = static_text(pilot, "#patient-error") or static_text(pilot, "#form-error")
            assert shown and "\x1b" not in shown, f"{field}={value[:20]!r}: nothing said"
            await pilot.press("escape")
            await settle(pilot)
    # issue 13: the form holds its slot while open (a write); no booking, and the hold went back.
    assert _bookings(db_path) == before
    assert _live_holds(db_path) == 0


def _bookings(db: Path) -> list:
    import engines  # read past TeleCoop, on the engine under test

    return engines.fetch(db, "SELECT * FROM booking ORDER BY id")


def _live_holds(db: Path) -> int:
    import engines  # read past TeleCoop, on the engine under test

    return engines.fetch(db, "SELECT count(*) FROM hold WHERE status = 'held'")[0][0]


@pytest.mark.parametrize("reason", [CTRL, LONG, "\u202eevil"])
async def test_cancel_with_a_reason_the_service_refuses_cancels_nothing(app_for, context_for, demo_db, reason):
    """The cancel dialog only checks that a reason is there; the service refuses the rest, and says so."""
    from telecoop.domain import model as m
    from telecoop.tui.dialogs.cancel import CancelDialog

    app = app_for("recep.gaspesie")
    before = _digest(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        index, booking = next((i, b) for i, b in enumerate(screen.bookings) if b.status == m.BookingStatus.BOOKED)
        screen.table().move_cursor(row=index)
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CancelDialog)
        dialog.query_one("#cancel-reason", Input).value = reason  # pasted
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        said = " ".join(str(n.message) for n in app._notifications)
        assert "control" in said or "long" in said or "characters" in said, said
        assert "\x1b" not in said
    assert booking_service.get_booking(context_for("recep.gaspesie"), booking.id).status == "booked"
    assert _digest(demo_db) == before

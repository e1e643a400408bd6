"""The catalogue's helpers: plural forms and status labels, in both languages."""

from __future__ import annotations

import pytest

from telecoop import i18n
from telecoop.domain.errors import WouldStrand
from telecoop.domain.model import BookingStatus
from telecoop.tui import strings  # noqa: F401  (registers the TUI catalogue)


@pytest.mark.parametrize(("lang", "n", "form"), [("fr", 0, "one"), ("fr", 1, "one"), ("fr", 2, "other"),
                                                  ("en", 0, "other"), ("en", 1, "one"), ("en", 2, "other")])
def test_plural_form_follows_the_language(lang, n, form):
    assert i18n.plural_form(n, lang) == form


def test_plural_strings_of_stranded_bookings():
    assert i18n.tn("tui.stranded.more", 1, "fr", n=1) == "… et 1 autre"
    assert i18n.tn("tui.stranded.more", 36, "fr", n=36) == "… et 36 autres"
    assert i18n.tn("tui.stranded.more", 36, "en", n=36) == "… and 36 more"
    # A key and its parameters (a confirm dialog, an error) pick the form through t.
    assert i18n.t("conflict.flagged", "fr", count=1) == "1 rendez-vous marqué en conflit"
    assert i18n.t("conflict.flagged", "en", count=2) == "2 bookings flagged as conflicts"
    assert i18n.t("tui.confirm.stranded", "en", count=1, list="#7").startswith("1 active booking would be left")
    assert WouldStrand([object()] * 3).message("fr").startswith("refusé : 3 rendez-vous actifs resteraient")
    assert WouldStrand([object()]).message("en").startswith("refused: 1 active booking would be left")
    # No key pretends to be plural-free: an unknown key stays itself.
    assert i18n.t("no.such.key", count=2) == "no.such.key"


def test_status_label_is_the_users_word():
    assert i18n.status_label(BookingStatus.NO_SHOW, "en") == "no-show"
    assert i18n.status_label("no_show", "fr") == "absent"
    assert i18n.status_label("checked_in", "en") == "checked in"
    assert i18n.status_label("unknown", "en") == "unknown"

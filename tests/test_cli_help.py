"""issue 10: the CLI in the user's language, help and argparse's own errors included."""

from __future__ import annotations

import argparse
import re
import string

import pytest

from catalogues import import_all
from telecoop import cli_help, i18n
from telecoop.cli import build_parser, main


def test_every_command_and_option_has_its_help_in_both_languages():
    """A branch that adds a command or an option without its catalogue line is named here."""
    missing = []
    for path, _owner, action in cli_help.walk(build_parser()):
        if isinstance(action, argparse._HelpAction):
            continue
        if isinstance(action, argparse._SubParsersAction):
            for name in action.choices:
                pair = cli_help.COMMAND_HELP.get(f"{path} {name}".strip())
                if not pair or not all(pair):
                    missing.append(f"command '{path} {name}'".replace("' ", "'"))
            continue
        pair = cli_help.option_help(path, action, "fr")
        if not pair or not all(pair):
            missing.append(f"option '{path} {cli_help.option_key(path, action)}'")
    assert not missing, "add to telecoop/cli_help.py: " + ", ".join(missing)


@pytest.mark.parametrize("lang, line", [
    ("fr", "bookings          les rendez-vous que je peux voir (ou ceux d'un patient)"),
    ("en", "bookings          the bookings I may see (or one patient's)"),
])
def test_help_lists_every_command_with_a_line_in_the_users_language(capsys, lang, line):
    assert main(["--lang", lang, "--help"]) == 0
    out = capsys.readouterr().out
    assert line in out
    for name in ("coops", "cancel", "reschedule", "status", "audit", "closures"):
        assert re.search(rf"^    {name} +\S", out, re.M), f"{name} is listed with its line"
    assert ("usage : " in out) == (lang == "fr")


def test_argparse_errors_are_one_line_in_the_users_language(capsys, monkeypatch):
    assert main(["--lang", "fr", "book", "--consent", "--clinician", "x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "« x » n'est pas un numéro valide" in err and "telecoop book --help" in err
    monkeypatch.setenv("LANG", "fr_CA.UTF-8")
    assert main(["book"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("telecoop: il manque --clinician, --start") and err.count("\n") == 1
    assert main(["--lang", "en", "nonsense"]) == 2
    err = capsys.readouterr().err
    assert "'nonsense' is not one of the choices" in err and err.count("\n") == 1


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_message_has_both_languages_with_the_same_placeholders():
    import_all()

    wrong = {key: pair for key, pair in i18n.MESSAGES.items()
             if len(pair) != 2 or not all(isinstance(x, str) for x in pair) or _fields(pair[0]) != _fields(pair[1])}
    assert not wrong
    for catalogue in (cli_help.COMMAND_HELP, cli_help.OPTION_HELP):
        assert all(fr and en and _fields(fr) == _fields(en) for fr, en in catalogue.values())
    percent = re.compile(r"%\(\w+\)\w|%\w")
    assert all(sorted(percent.findall(fr)) == sorted(percent.findall(en)) for en, fr in cli_help.ARGPARSE_FR.items())


def test_counts_have_real_plural_forms():
    import_all()

    hedged = {k: v for k, v in i18n.MESSAGES.items() if any(re.search(r"\w\((s|x|e|es)\)", x) for x in v)}
    assert not hedged, "give them .one/.other forms: " + ", ".join(sorted(hedged))
    assert i18n.t("tui.find.count", "fr", n=0) == "0 créneau libre — Entrée pour réserver"
    assert i18n.t("tui.find.count", "fr", n=2) == "2 créneaux libres — Entrée pour réserver"
    assert i18n.t("tui.find.count", "en", n=0) == "0 free slots — Enter to book"
    assert i18n.t("holidays.done", "en", count=1) == "1 statutory-holiday closure added"


def test_cli_tables_say_statuses_in_words_and_times_locally(db_path, capsys):
    """JSON keeps the contract's codes and UTC; the tables are for people."""
    import json

    base = ["--db", str(db_path), "--as", "recep.gaspesie"]
    assert main([*base, "--lang", "fr", "book", "--consent", "--clinician", "8", "--start", "2026-12-08T10:00",
                 "--patient", "AB", "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert made["status"] == "booked" and made["start"] == "2026-12-08T14:00:00Z"
    assert main([*base, "--lang", "fr", "bookings", "--patient", "AB"]) == 0
    out = capsys.readouterr().out
    assert "statut" in out.splitlines()[0] and "réservé" in out and "2026-12-08 09:00" in out
    assert main([*base, "--lang", "fr", "audit"]) == 0
    out = capsys.readouterr().out
    assert "Z" not in "".join(line.split()[1] for line in out.splitlines()[1:2]), "local times, not UTC"


def test_lists_follow_french_order_and_keys_have_one_name_per_language():
    from telecoop.tui.format import specialty_label
    from telecoop.tui.strings_day import sort_key

    i18n.set_lang("fr")
    ordered = [specialty_label(s) for s in sorted(["pediatrics", "pharmacy", "psychology"],
                                                  key=lambda s: sort_key(specialty_label(s)))]
    assert ordered == ["pédiatrie", "pharmacie", "psychologie"]
    assert sorted(["Îles", "Gaspésie", "iles", "Harricana"], key=sort_key) == ["Gaspésie", "Harricana", "iles", "Îles"]
    assert i18n.t("tui.keyname.escape", "fr") == "Échap" and i18n.t("tui.keyname.escape", "en") == "Esc"


def test_form_errors_name_a_resource_by_its_name():
    """issue 10: 'resource 40 is not a clinician' -> the resource's name."""
    from telecoop.domain.errors import BadInput
    from telecoop.tui.dialogs.admin_form import error_text

    names = {40: "Salle de téléconsultation 1 — Gaspé"}.get
    i18n.set_lang("en")
    assert error_text(BadInput("field.not_clinician", value=40), {}, names) == (
        "resource 'Salle de téléconsultation 1 — Gaspé' is not a clinician")
    i18n.set_lang("fr")
    assert error_text(BadInput("field.not_clinician", value=40), {}, names) == (
        "la ressource « Salle de téléconsultation 1 — Gaspé » n'est pas un clinicien")
    assert error_text(BadInput("field.not_clinician", value=99), {}, names) == "la ressource 99 n'est pas un clinicien"

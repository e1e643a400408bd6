"""Strings of the follow-up series in the app (issue 14), in French and English.

Registered with :mod:`telecoop.i18n` at import, beside the shell's catalogue
(:mod:`telecoop.tui.strings`): moving an occurrence in the preview, and
cancelling or moving "this one" or "this and later" from the bookings list.
"""

from __future__ import annotations

from telecoop import i18n

SERIES_MESSAGES: dict[str, tuple[str, str]] = {
    # issue 14: series in the app
    "tui.series.key_move": ("déplacer", "move"),
    "tui.series.keys_move": (
        "Entrée : tout réserver · Espace : sauter · m : déplacer · Échap : retour",
        "Enter: book them all · Space: skip/keep · m: move · Esc: back",
    ),
    "tui.series.keys_move_conflicts.one": (
        "{n} conflit : Espace pour le sauter, m pour le déplacer · Échap : retour",
        "{n} conflict: Space to skip it, m to move it · Esc: back",
    ),
    "tui.series.keys_move_conflicts.other": (
        "{n} conflits : Espace pour les sauter, m pour les déplacer · Échap : retour",
        "{n} conflicts: Space to skip them, m to move them · Esc: back",
    ),
    "tui.series.still_conflicts_move": (
        "À sauter ou déplacer d'abord : {which}",
        "Skip or move these first: {which}",
    ),
    # the date-and-time dialog (preview and "move this occurrence")
    "tui.occ.title": ("Déplacer l'occurrence {n}", "Move occurrence {n}"),
    "tui.occ.title_later": ("Déplacer l'occurrence {n} et les suivantes", "Move occurrence {n} and the later ones"),
    "tui.occ.now": ("Prévue : {when}", "Planned: {when}"),
    "tui.occ.zone": ("Date et heure locales du clinicien ({zone}) :", "The clinician's local date and time ({zone}):"),
    "tui.occ.date": ("Date (AAAA-MM-JJ)", "Date (YYYY-MM-DD)"),
    "tui.occ.time": ("Heure (HH:MM)", "Time (HH:MM)"),
    "tui.occ.later_note": (
        "Les occurrences suivantes bougent du même écart (même heure locale) ; les annulées restent annulées.",
        "The later occurrences move by the same step (same local time); cancelled ones stay cancelled.",
    ),
    "tui.occ.ok": ("Déplacer", "Move"),
    "tui.occ.back": ("Retour", "Back"),
    "tui.occ.hint": ("Entrée : déplacer · Tab : champ suivant · Échap : retour",
                     "Enter: move · Tab: next field · Esc: back"),
    "tui.occ.bad_date": (
        "Date : « {text} » n'est pas une date AAAA-MM-JJ (ex. 2027-01-18).",
        "Date: '{text}' is not a YYYY-MM-DD date (e.g. 2027-01-18).",
    ),
    "tui.occ.bad_time": (
        "Heure : « {text} » n'est pas une heure HH:MM (ex. 14:30).",
        "Time: '{text}' is not an HH:MM time (e.g. 14:30).",
    ),
    "tui.occ.saving": ("Déplacement…", "Moving…"),
    "tui.occ.later_problem": ("Rien n'a été déplacé : occurrence {n} — {problem}.",
                              "Nothing was moved: occurrence {n} — {problem}."),
    # this one / this and later (bookings list: c and r on an occurrence of a series)
    "tui.scope.title_cancel": ("Annuler le rendez-vous n° {id}", "Cancel booking #{id}"),
    "tui.scope.title_move": ("Déplacer le rendez-vous n° {id}", "Move booking #{id}"),
    "tui.scope.question": (
        "Ce rendez-vous est l'occurrence {n} de la série n° {series} ({later} à venir après lui).",
        "This booking is occurrence {n} of series #{series} ({later} still to come after it).",
    ),
    "tui.scope.one": ("Celui-ci", "This one"),
    "tui.scope.later": ("Celui-ci et les suivants", "This and later"),
    "tui.scope.back": ("Retour", "Back"),
    "tui.scope.hint": ("← → : choisir · Entrée : valider · Échap : retour",
                       "← →: choose · Enter: confirm · Esc: back"),
    "tui.scope.cancel_later": (
        "Série n° {series} : l'occurrence {n} et les suivantes ({count} rendez-vous).",
        "Series #{series}: occurrence {n} and the later ones ({count} bookings).",
    ),
    "tui.scope.cancelled.one": ("Série n° {series} : {count} rendez-vous annulé.",
                                "Series #{series}: {count} booking cancelled."),
    "tui.scope.cancelled.other": ("Série n° {series} : {count} rendez-vous annulés.",
                                  "Series #{series}: {count} bookings cancelled."),
    "tui.scope.moved.one": ("Série n° {series} : {count} rendez-vous déplacé.",
                            "Series #{series}: {count} booking moved."),
    "tui.scope.moved.other": ("Série n° {series} : {count} rendez-vous déplacés.",
                              "Series #{series}: {count} bookings moved."),
    "tui.details.series": ("Série n° {series} : occurrence {n}", "Series #{series}: occurrence {n}"),
}

i18n.register(SERIES_MESSAGES)

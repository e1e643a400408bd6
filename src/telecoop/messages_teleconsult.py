"""issue 14 (the teleconsultation itself): messages for modality, location, consent, the private
link, interpreters and follow-up series.

Registered into ``telecoop.i18n`` at its import; French first, then English.
"""

from __future__ import annotations

TELECONSULT_MESSAGES: dict[str, tuple[str, str]] = {
    # refusals (one line, in the user's language)
    "tc.not_licensed": (
        "refusé : {clinician} n'a pas de permis d'exercice pour un patient situé en {where} "
        "(permis : {licences}) ; proposez une consultation en personne ou un clinicien autorisé en {where}",
        "refused: {clinician} holds no licence for a patient located in {where} "
        "(licensed in: {licences}); offer an in-person visit or a clinician licensed in {where}",
    ),
    "tc.consent_missing": (
        "refusé : aucun consentement à la téléconsultation ({mode}) ; demandez au patient s'il accepte "
        "d'être vu à distance, en sachant qu'il peut demander une consultation en personne, "
        "puis inscrivez son accord (--consent)",
        "refused: no consent to a teleconsultation ({mode}); ask the patient whether they agree to be "
        "seen remotely, knowing they may ask for an in-person visit, then record their agreement (--consent)",
    ),
    "tc.health_number": (
        "la référence patient ressemble à un numéro d'assurance maladie (RAMQ) ; n'en inscrivez jamais "
        "(loi 25) : utilisez le n° de dossier ou les initiales",
        "the patient reference looks like a health-insurance (RAMQ) number; never enter one "
        "(Law 25): use the chart number or initials",
    ),
    "tc.platform_https": (
        "« {value} » n'est pas une adresse https de plateforme valide (https://hôte/chemin, sans ? ni #)",
        "'{value}' is not a valid https platform address (https://host/path, no ? or #)",
    ),
    "tc.no_platform": (
        "la coopérative n'a pas de plateforme vidéo approuvée ; un administrateur la définit "
        "(telecoop platform SLUG URL, ou v dans Admin)",
        "the co-op has no approved video platform; an admin sets it (telecoop platform SLUG URL, or v in Admin)",
    ),
    "tc.room_or_any": ("donnez soit --room, soit --any-room", "give either --room or --any-room"),
    "tc.room_in_person_only": (
        "une salle ne s'ajoute qu'en passant en personne",
        "a room is only added when switching to in person",
    ),
    "tc.has_room": ("le rendez-vous {id} a déjà une salle", "booking {id} already has a room"),
    "tc.link_video_only": (
        "le rendez-vous {id} n'est pas en vidéo : il n'a pas de lien",
        "booking {id} is not a video visit: it has no link",
    ),
    "tc.interpreter_two_languages": (
        "un interprète a au moins deux langues (celles entre lesquelles il interprète)",
        "an interpreter has at least two languages (those they interpret between)",
    ),
    "import.unknown_series": ("série inconnue : {value}", "unknown series: {value}"),  # the import
    "tc.not_interpreter": ("la ressource {value} n'est pas un interprète", "resource {value} is not an interpreter"),
    "tc.interpreter_language": (
        "{name} n'interprète pas entre {language} et une langue du clinicien",
        "{name} does not interpret between {language} and a language the clinician speaks",
    ),
    "tc.interpreter_needs_language": (
        "dites la langue du patient (--interpreter-language) pour choisir un interprète",
        "give the patient's language (--interpreter-language) to pick an interpreter",
    ),
    "tc.no_interpreter": (
        "aucun interprète libre à cette heure pour cette langue",
        "no interpreter free at that time for that language",
    ),
    # CLI reports
    "tc.switched": ("rendez-vous {id} : maintenant {mode}", "booking {id}: now {mode}"),
    "tc.link_new": ("rendez-vous {id} : nouveau lien privé", "booking {id}: new private link"),
    "tc.platform_set": ("plateforme vidéo de {coop} :", "video platform of {coop}:"),
    "tc.platform_none": ("aucune", "none"),
    "tc.licences_set": ("{name} : permis en {licences}", "{name}: licensed in {licences}"),
    "tc.mode.video": ("vidéo", "video"),
    "tc.mode.phone": ("téléphone", "phone"),
    "tc.mode.in_person": ("en personne", "in person"),
    "tc.detail": (
        "patient situé en {where} · consentement : {consent}",
        "patient located in {where} · consent: {consent}",
    ),
    "tc.consent_by": ("{login}, {at}", "{login}, {at}"),
    "tc.consent_none": ("sans objet (en personne)", "not needed (in person)"),
    # follow-up series
    "series.conflicts.one": (
        "série refusée, rien n'a été réservé : {count} occurrence à sauter ou déplacer ({which}) ; "
        "voyez --preview, puis --skip N ou --move N=DATE",
        "series refused, nothing was booked: {count} occurrence to skip or move ({which}); "
        "see --preview, then --skip N or --move N=DATETIME",
    ),
    "series.conflicts.other": (
        "série refusée, rien n'a été réservé : {count} occurrences à sauter ou déplacer ({which}) ; "
        "voyez --preview, puis --skip N ou --move N=DATE",
        "series refused, nothing was booked: {count} occurrences to skip or move ({which}); "
        "see --preview, then --skip N or --move N=DATETIME",
    ),
    "series.nothing": ("aucune occurrence à traiter", "no occurrence to act on"),
    "series.notfound": ("série introuvable : {id}", "series not found: {id}"),
    "series.no_occurrence": ("la série {id} n'a pas d'occurrence {n}", "series {id} has no occurrence {n}"),
    "series.booked": ("série {id} réservée : {count} rendez-vous", "series {id} booked: {count} bookings"),
    "series.cancelled.one": ("{count} rendez-vous annulé", "{count} booking cancelled"),
    "series.cancelled.other": ("{count} rendez-vous annulés", "{count} bookings cancelled"),
    "series.moved.one": ("{count} rendez-vous déplacé", "{count} booking moved"),
    "series.moved.other": ("{count} rendez-vous déplacés", "{count} bookings moved"),
    "series.move_arg": (
        "« {value} » : écrivez N=DATE (ex. 3=2026-12-22T11:00)",
        "'{value}': write N=DATETIME (e.g. 3=2026-12-22T11:00)",
    ),
    "series.problem.gap": ("heure inexistante (passage à l'heure d'été)", "time does not exist (DST starts)"),
    "series.problem.ambiguous": ("heure en double (retour à l'heure normale)", "time happens twice (DST ends)"),
    "series.problem.past": ("dans le passé", "in the past"),
    # issue 14: series in the app (a partner's series meets the owner's sharing terms, as one booking does)
    "series.problem.terms": ("refusé par les conditions de partage (fenêtre, préavis ou quota)",
                             "refused by the sharing terms (window, notice or quota)"),
    "series.problem.closed": ("hors des heures ou fermé", "outside hours or closed"),
    "series.problem.taken": ("déjà pris", "already taken"),
    "series.ok": ("libre", "free"),
    "series.skipped": ("sautée", "skipped"),
    "series.moved_flag": ("déplacée", "moved"),
}

# Field names said in errors ("'XX' is not allowed for 'patient location'").
TELECONSULT_FIELDS: dict[str, tuple[str, str]] = {
    "patient_location": ("lieu du patient", "patient location"),
    "patient_site": ("site du patient", "patient site"),
    "licences": ("permis", "licences"),
    "consent": ("consentement", "consent"),
    "repeat": ("répétition", "repeat"),
    "count": ("nombre d'occurrences", "count"),
    "occurrence": ("occurrence", "occurrence"),
}

# Column headers of the CLI's tables
TELECONSULT_COLUMNS: dict[str, tuple[str, str]] = {
    "interpreter": ("interprète", "interpreter"),
}

# One home for how an occurrence of a series is said (the CLI's preview and the app's).
SERIES_PROBLEM_KEYS = {
    "gap": "series.problem.gap",
    "ambiguous": "series.problem.ambiguous",
    "past": "series.problem.past",
    "closed": "series.problem.closed",
    "taken": "series.problem.taken",
    "terms": "series.problem.terms",
}


def occurrence_flag(problem: str, skipped: bool, moved: bool, lang: str | None = None) -> str:
    """``free`` / ``taken`` / ``skipped`` ..., with ``moved`` added when the person moved it."""
    from telecoop.i18n import t

    if skipped:
        word = t("series.skipped", lang)
    elif problem:
        word = t(SERIES_PROBLEM_KEYS[problem], lang)
    else:
        word = t("series.ok", lang)
    return f"{word} · {t('series.moved_flag', lang)}" if moved else word

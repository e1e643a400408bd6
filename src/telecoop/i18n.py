"""French and English catalogues for every user-facing string.

``t(key, **params)`` formats the message in the current language. The
language comes from ``--lang``, else the locale (``LC_ALL``, ``LC_MESSAGES``,
``LANG``), else French: the users are in Quebec.
"""

from __future__ import annotations

import os

LANGS = ("fr", "en")
_current = "fr"

# key: (French, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # generic
    "error.prefix": ("erreur", "error"),
    "error.unexpected": ("erreur inattendue : {detail}", "unexpected error: {detail}"),
    "field.empty": ("le champ « {field} » est vide", "field '{field}' is empty"),
    "field.control": (
        "le champ « {field} » contient des caractères de contrôle ou d'échappement",
        "field '{field}' contains control or escape characters",
    ),
    "field.too_long": (
        "le champ « {field} » dépasse {max} caractères",
        "field '{field}' is longer than {max} characters",
    ),
    "field.choice": (
        "« {value} » n'est pas une valeur permise pour « {field} » (permises : {choices})",
        "'{value}' is not allowed for '{field}' (allowed: {choices})",
    ),
    "field.int": (
        "« {value} » n'est pas un nombre entier valide pour « {field} »",
        "'{value}' is not a valid whole number for '{field}'",
    ),
    "field.range": (
        "« {field} » doit être entre {min} et {max}",
        "'{field}' must be between {min} and {max}",
    ),
    "field.slug": (
        "« {value} » n'est pas un identifiant valide (minuscules, chiffres et « - », 2 à 32)",
        "'{value}' is not a valid slug (lowercase letters, digits and '-', 2 to 32)",
    ),
    "field.login": ("« {value} » n'est pas un nom d'utilisateur valide", "'{value}' is not a valid login"),
    "field.tz": ("fuseau horaire inconnu : « {value} »", "unknown time zone: '{value}'"),
    "field.url": ("« {value} » n'est pas une adresse https valide", "'{value}' is not a valid https address"),
    "field.unknown_coop": ("coopérative inconnue : « {value} »", "unknown co-op: '{value}'"),
    "field.unknown_resource": ("ressource inconnue : {value}", "unknown resource: {value}"),
    "field.unknown_login": ("utilisateur inconnu : « {value} »", "unknown login: '{value}'"),
    "field.duplicate": ("« {value} » est en double", "'{value}' is a duplicate"),
    "field.end_before_start": ("la fin doit suivre le début", "the end must come after the start"),
    "field.coop_or_resource": (
        "indiquez soit une ressource, soit une coopérative",
        "give either a resource or a co-op",
    ),
    "field.not_clinician": ("la ressource {value} n'est pas un clinicien", "resource {value} is not a clinician"),
    "field.not_room": ("la ressource {value} n'est pas une salle", "resource {value} is not a room"),
    # time
    "time.gap": (
        "{wall} n'existe pas à {tz} (passage à l'heure d'été) ; choix valides : {before} ou {after}",
        "{wall} does not exist in {tz} (clocks spring forward); valid choices: {before} or {after}",
    ),
    "time.ambiguous": (
        "{wall} existe deux fois à {tz} (retour à l'heure normale) ; précisez : {first} ou {second}",
        "{wall} happens twice in {tz} (clocks fall back); say which: {first} or {second}",
    ),
    "time.invalid": (
        "« {text} » n'est pas une date-heure valide (ex. 2026-03-10T10:00 ou 2026-03-10T10:00-04:00)",
        "'{text}' is not a valid date-time (e.g. 2026-03-10T10:00 or 2026-03-10T10:00-04:00)",
    ),
    "date.invalid": (
        "« {text} » n'est pas une date valide (AAAA-MM-JJ)",
        "'{text}' is not a valid date (YYYY-MM-DD)",
    ),
    "time.hhmm": ("« {text} » n'est pas une heure valide (HH:MM)", "'{text}' is not a valid time (HH:MM)"),
    "month.invalid": ("« {text} » n'est pas un mois valide (AAAA-MM)", "'{text}' is not a valid month (YYYY-MM)"),
    # store
    "store.missing": (
        "aucune base de données à {path} ; créez-la avec « telecoop init » ou « telecoop demo »",
        "no database at {path}; create it with 'telecoop init' or 'telecoop demo'",
    ),
    "store.not_db": ("{path} n'est pas une base de données TeleCoop lisible", "{path} is not a readable TeleCoop database"),
    "store.newer": (
        "cette base a été écrite par une version plus récente de TeleCoop (schéma {found}, "
        "pris en charge : {supported}) ; mettez TeleCoop à jour",
        "this database was written by a newer TeleCoop (schema {found}, supported: {supported}); "
        "upgrade TeleCoop",
    ),
    "store.foreign": (
        "ce fichier contient d'autres tables ({tables}) ; ce n'est pas une base TeleCoop",
        "this file holds other tables ({tables}); it is not a TeleCoop database",
    ),
    # issue 9: a writer waits for its turn at most the busy timeout
    "store.busy": (
        "la base est occupée par une autre écriture depuis {seconds} s ; réessayez dans un instant",
        "the database has been busy with another write for {seconds} s; try again in a moment",
    ),
    "store.exists": ("la base {path} contient déjà des données", "the database {path} already holds data"),
    # identity
    "identity.unknown": (
        "l'utilisateur « {login} » n'a pas de fiche active ; un administrateur peut l'ajouter : "
        "telecoop staff add {login} --coop COOP --role receptionist",
        "login '{login}' has no active staff record; an admin can add it with: "
        "telecoop staff add {login} --coop COOP --role receptionist",
    ),
    "identity.as_refused": (
        "--as est réservé au propriétaire du fichier de base de données (ou à root)",
        "--as is only for the owner of the database file (or root)",
    ),
    # permissions
    "perm.denied": ("action non permise pour votre rôle", "not permitted for your role"),
    "perm.other_coop": ("action non permise sur une autre coopérative", "not permitted on another co-op"),
    "perm.not_shared": (
        "la ressource {id} n'est pas partagée avec votre coopérative",
        "resource {id} is not shared with your co-op",
    ),
    # not found
    "notfound.booking": ("rendez-vous {id} introuvable", "booking {id} not found"),
    "notfound.resource": ("ressource {id} introuvable", "resource {id} not found"),
    # issue 10b: an hours rule or a closure missing is not "resource N not found" (N is not a resource)
    "notfound.hours": ("plage horaire {id} introuvable", "hours rule {id} not found"),
    "notfound.closure": ("fermeture {id} introuvable", "closure {id} not found"),
    "notfound.coop": ("coopérative « {slug} » introuvable", "co-op '{slug}' not found"),
    "notfound.staff": ("utilisateur « {login} » introuvable", "staff member '{login}' not found"),
    "notfound.path": ("{path} introuvable", "{path} not found"),
    "notfound.no_csv": ("aucun fichier CSV reconnu dans {path}", "no known CSV file in {path}"),
    # booking
    "booking.taken": ("ce créneau vient d'être pris", "this slot was just taken"),
    "booking.unavailable": (
        "{name} n'est pas disponible à ce moment (hors horaire, fermeture ou déjà réservé)",
        "{name} is not available then (outside hours, closed, or already booked)",
    ),
    "booking.past": ("ce créneau est déjà passé", "this slot is in the past"),
    "booking.notice": (
        "ce créneau est trop proche (préavis minimum : {minutes} min)",
        "this slot is too soon (minimum notice: {minutes} min)",
    ),
    "booking.duration": ("durée invalide : {value} min (5 à 480)", "invalid duration: {value} min (5 to 480)"),
    "booking.transition": (
        "impossible de passer le rendez-vous {id} de « {old} » à « {new} »",
        "booking {id} cannot go from '{old}' to '{new}'",
    ),
    # issue 8: the clock rules the life cycle
    "booking.too_early": (
        "rendez-vous {id} : « {new} » possible seulement à partir du {when}",
        "booking {id}: '{new}' is possible only from {when}",
    ),
    "booking.too_late": (
        "rendez-vous {id} : « {new} » n'était possible que jusqu'au {when}",
        "booking {id}: '{new}' was possible only until {when}",
    ),
    # issue 8: a booking's status as people say it (app, CLI and refusals; stored values stay English)
    "status.booked": ("réservé", "booked"),
    "status.checked_in": ("arrivé", "checked in"),
    "status.completed": ("terminé", "completed"),
    "status.no_show": ("absent", "no-show"),
    "status.cancelled": ("annulé", "cancelled"),
    # issue 8: closures and withdrawals never strand a patient silently
    "conflict.refused.one": (
        "refusé : {count} rendez-vous actif resterait sur une ressource fermée ou retirée :",
        "refused: {count} active booking would be left on a closed or withdrawn resource:",
    ),
    "conflict.refused.other": (
        "refusé : {count} rendez-vous actifs resteraient sur une ressource fermée ou retirée :",
        "refused: {count} active bookings would be left on a closed or withdrawn resource:",
    ),
    "conflict.force_hint": (
        "--force pour le faire quand même : ils gardent leur heure, marqués en conflit pour leur coop "
        "(telecoop bookings --conflicts)",
        "--force to do it anyway: they keep their time, flagged as conflicts for their co-op "
        "(telecoop bookings --conflicts)",
    ),
    "conflict.closure": ("fermeture {id}", "closure {id}"),
    "conflict.inactive": ("ressource {id} désactivée", "resource {id} deactivated"),
    "conflict.unshared": ("ressource {id} plus partagée", "resource {id} no longer shared"),
    "conflict.flagged.one": ("{count} rendez-vous marqué en conflit", "{count} booking flagged as a conflict"),
    "conflict.flagged.other": ("{count} rendez-vous marqués en conflit", "{count} bookings flagged as conflicts"),
    "closure.added": ("fermeture {id} ajoutée", "closure {id} added"),
    "closures.usage": ("--resource ou --coop, pas les deux", "--resource or --coop, not both"),
    # issue 10: a move to another clinician or room
    "booking.no_room_to_move": (
        "ce rendez-vous n'a pas de salle ; déplacez-le sans « --room »",
        "this booking has no room; move it without '--room'",
    ),
    "booking.changed": (
        "le rendez-vous {id} a été modifié par quelqu'un d'autre entre-temps ; rien n'a été fait",
        "booking {id} was changed by someone else meanwhile; nothing was done",
    ),
    "booking.not_active": ("le rendez-vous {id} n'est plus actif", "booking {id} is no longer active"),
    "booking.no_room": ("aucune salle libre à ce moment", "no room is free then"),
    "booking.alternatives": ("prochains créneaux libres :", "next free slots:"),
    "booking.patient_long": (
        "la référence patient dépasse 40 caractères (numéro de dossier ou initiales seulement)",
        "patient reference is longer than 40 characters (chart number or initials only)",
    ),
    "booking.made": ("rendez-vous {id} réservé", "booking {id} made"),
    "booking.cancelled": ("rendez-vous {id} annulé", "booking {id} cancelled"),
    "booking.moved": ("rendez-vous {id} déplacé", "booking {id} rescheduled"),
    "booking.status_set": ("rendez-vous {id} : {status}", "booking {id}: {status}"),
    "busy.coop": ("occupé — {coop}", "busy — {coop}"),
    # import
    "import.failed.one": ("importation refusée : {count} erreur, rien n'a été écrit", "import refused: {count} error, nothing was written"),
    "import.failed.other": ("importation refusée : {count} erreurs, rien n'a été écrit", "import refused: {count} errors, nothing was written"),
    "import.header": ("colonne obligatoire manquante : « {column} »", "missing required column: '{column}'"),
    "import.unknown_file": ("fichier inconnu : {name}", "unknown file: {name}"),
    "import.encoding": ("le fichier n'est pas en UTF-8", "the file is not UTF-8"),
    "import.columns": ("la ligne a {found} colonnes au lieu de {expected}", "the line has {found} columns instead of {expected}"),
    "import.done": ("importé : {summary}", "imported: {summary}"),
    "import.overlap": ("horaires qui se chevauchent pour la ressource {value}", "overlapping hours for resource {value}"),
    "import.empty": ("le fichier est vide (aucune ligne d'en-tête)", "the file is empty (no header line)"),
    "import.csv": (
        "ligne CSV mal formée (guillemet non fermé ?)",
        "malformed CSV line (unclosed quote?)",
    ),
    "import.unreadable": ("fichier illisible : {detail}", "cannot read the file: {detail}"),
    "import.closure_time": (
        "« {text} » : attendu AAAA-MM-JJ ou AAAA-MM-JJ HH:MM",
        "'{text}': expected YYYY-MM-DD or YYYY-MM-DD HH:MM",
    ),
    "import.utc_time": (
        "« {text} » : attendu une date-heure UTC ISO 8601 terminée par Z (ex. 2026-03-10T14:00:00Z)",
        "'{text}': expected a UTC ISO 8601 date-time ending in Z (e.g. 2026-03-10T14:00:00Z)",
    ),
    "import.booking_overlap": (
        "le rendez-vous chevauche un autre rendez-vous actif de la ressource {value}",
        "the booking overlaps another active booking of resource {value}",
    ),
    "field.must_be_empty": (
        "le champ « {field} » doit rester vide quand « {other} » vaut « {value} »",
        "field '{field}' must be empty when '{other}' is '{value}'",
    ),
    "field.clinician_other_coop": (
        "la ressource {value} appartient à une autre coopérative ({coop})",
        "resource {value} belongs to another co-op ({coop})",
    ),
    "export.done": ("exporté dans {path} : {summary}", "exported to {path}: {summary}"),
    # admin
    "init.done": ("base créée : {path}", "database created: {path}"),
    "staff.self": ("vous ne pouvez pas retirer votre propre accès", "you cannot remove your own access"),
    "staff.removed": ("accès de « {login} » retiré", "access of '{login}' removed"),
    "staff.added": ("utilisateur « {login} » ajouté", "staff member '{login}' added"),
    "check.ok": ("schéma {version}, intégrité : {integrity}", "schema {version}, integrity: {integrity}"),
    "backup.done": ("copie écrite : {path}", "backup written: {path}"),
    "holidays.done.one": ("{count} fermeture de jour férié ajoutée", "{count} statutory-holiday closure added"),
    "holidays.done.other": ("{count} fermetures de jours fériés ajoutées", "{count} statutory-holiday closures added"),
    "demo.built": ("base de démonstration créée : {path}", "demo database built: {path}"),
    "demo.no_tty": (
        "pas de terminal : la base de démonstration est prête ({path}), l'application n'est pas ouverte",
        "no terminal: the demo database is ready ({path}); the app was not opened",
    ),
    "cli.no_results": ("aucun résultat", "no results"),
    "app.no_tty": (
        "l'application a besoin d'un terminal (ssh -t) ; pour un script, utilisez une commande (telecoop --help)",
        "the app needs a terminal (ssh -t); for a script, use a command (telecoop --help)",
    ),
    "ics.usage": (
        "indiquez soit un numéro de rendez-vous, soit --resource ID",
        "give either a booking id or --resource ID",
    ),
    "ics.title": ("Téléconsultation — {clinician}", "Teleconsultation — {clinician}"),
    # issue 11: calendars, spreadsheets, FHIR publication, the package
    "ics.booking": ("Rendez-vous TeleCoop n° {id}", "TeleCoop booking #{id}"),
    "ics.mode": ("Mode : {mode}", "Mode: {mode}"),
    "ics.mode.video": ("vidéo", "video"),
    "ics.mode.phone": ("téléphone", "phone"),
    "ics.mode.room": ("en personne", "in person"),
    "ics.clinician": ("Clinicien : {clinician} ({coop})", "Clinician: {clinician} ({coop})"),
    "ics.room": ("Salle : {room}", "Room: {room}"),
    "ics.interpreter": ("Interprète : {name}", "Interpreter: {name}"),  # issue 14
    "ics.video_private": (  # issue 14: the private link stays in TeleCoop
        "Lien vidéo : privé, dans TeleCoop (rendez-vous n° {id})",
        "Video link: private, in TeleCoop (booking #{id})",
    ),
    "ics.booked_for": ("Réservé par : {coop}", "Booked by: {coop}"),
    "ics.status": ("Statut : {status}", "Status: {status}"),
    "ics.video": ("Lien vidéo : {url}", "Video link: {url}"),
    "xlsx.written": ("classeur écrit dans {path} ({summary})", "workbook written to {path} ({summary})"),
    "xlsx.unreadable": ("classeur illisible : {detail}", "unreadable workbook: {detail}"),
    "export.needs_target": (
        "indiquez un dossier, --excel DOSSIER ou --xlsx FICHIER",
        "give a folder, --excel FOLDER or --xlsx FILE",
    ),
    "report.xlsx_csv": ("--xlsx ne va pas avec --json ni --csv", "--xlsx does not go with --json or --csv"),
    "fhir.done": (
        "publication FHIR écrite dans {path} : {summary}",
        "FHIR publication written to {path}: {summary}",
    ),
    # issue 9: command-line usage errors, one line in the user's language
    "cli.bad_int": ("{arg} : « {value} » n'est pas un nombre entier", "{arg}: '{value}' is not a whole number"),
    "cli.bad_choice": ("{arg} : « {value} » n'est pas un choix possible ({choices})",
                       "{arg}: '{value}' is not one of the choices ({choices})"),
    "cli.required": ("il manque {args}", "missing {args}"),
    "cli.unrecognized": ("option ou valeur inconnue : {args}", "unknown option or value: {args}"),
    "cli.exclusive": ("{arg} ne va pas avec {other}", "{arg} cannot be used with {other}"),
    "cli.expects_value": ("{arg} attend une valeur", "{arg} needs a value"),
    "cli.usage": ("commande mal formée : {detail}", "malformed command: {detail}"),
    "cli.argument": ("{arg} : {detail}", "{arg}: {detail}"),
    "cli.help_hint": ("(voir {prog} --help)", "(see {prog} --help)"),
}


# Field names as people know them, for messages that name a field.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "patient": ("référence patient", "patient reference"),
    "reason": ("motif", "reason"),
    "name": ("nom", "name"),
    "coop": ("coopérative", "co-op"),
    "coop-name": ("nom de la coopérative", "co-op name"),
    "region": ("région", "region"),
    "tz": ("fuseau horaire", "time zone"),
    "login": ("nom d'utilisateur", "login"),
    "admin": ("administrateur", "admin"),
    "slug": ("identifiant", "slug"),
    "specialty": ("spécialité", "specialty"),
    "languages": ("langues", "languages"),
    "language": ("langue", "language"),
    "equipment": ("équipement", "equipment"),
    "video_link": ("lien vidéo", "video link"),
    "sharing": ("partage", "sharing"),
    "shared_with": ("partagé avec", "shared with"),
    "buffer_minutes": ("battement (min)", "buffer (min)"),
    "weekday": ("jour", "weekday"),
    "start": ("début", "start"),
    "end": ("fin", "end"),
    "valid_from": ("valide du", "valid from"),
    "valid_to": ("valide jusqu'au", "valid to"),
    "days": ("jours", "days"),
    "limit": ("nombre maximal", "limit"),
    "duration": ("durée", "duration"),
    "status": ("statut", "status"),
    "mode": ("mode", "mode"),
    "kind": ("type", "kind"),
    "role": ("rôle", "role"),
    "lang": ("langue", "language"),
    "date": ("date", "date"),
    "year": ("année", "year"),
}


# Column headers of the CLI's tables (JSON and CSV keep the contract's names).
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "start": ("début", "start"),
    "end": ("fin", "end"),
    "local": ("heure locale", "local"),
    "clinician": ("clinicien", "clinician"),
    "coop": ("coop", "co-op"),
    "specialty": ("spécialité", "specialty"),
    "room": ("salle", "room"),
    # issue 10
    "room_coop": ("coop de la salle", "room co-op"),
    "status": ("statut", "status"),
    "patient": ("patient", "patient"),
    "name": ("nom", "name"),
    "region": ("région", "region"),
    "tz": ("fuseau", "zone"),
    "kind": ("type", "kind"),
    "lang": ("langues", "languages"),
    "sharing": ("partage", "sharing"),
    "login": ("utilisateur", "login"),
    "role": ("rôle", "role"),
    "at": ("moment", "at"),
    "actor": ("auteur", "actor"),
    "action": ("action", "action"),
    "entity": ("objet", "entity"),
    "month": ("mois", "month"),
    "provider": ("fournisseur", "provider"),
    "consumer": ("client", "consumer"),
    "bookings": ("rendez-vous", "bookings"),
    "minutes": ("minutes", "minutes"),
    "resource_id": ("id", "id"),
    "resource": ("ressource", "resource"),
    "available_minutes": ("min. offertes", "available min"),
    "booked_minutes": ("min. réservées", "booked min"),
    "rate": ("taux", "rate"),
    "attended": ("présents", "attended"),
    "no_shows": ("absents", "no-shows"),
}


def column_label(name: str, lang: str | None = None) -> str:
    pair = COLUMN_LABELS.get(name)
    if pair is None:
        return name
    return pair[0] if (lang or _current) == "fr" else pair[1]


# issue 10: every catalogue key is written out (no key built at run time), so a
# translator's tooling finds each one; tests/test_i18n_keys.py holds the rule.
CONFLICT_KEYS = {"closure": "conflict.closure", "inactive": "conflict.inactive", "unshared": "conflict.unshared"}
STATUS_KEYS = {
    "booked": "status.booked",
    "checked_in": "status.checked_in",
    "completed": "status.completed",
    "no_show": "status.no_show",
    "cancelled": "status.cancelled",
}


def conflict_label(code: str, lang: str | None = None) -> str:
    """A booking's conflict flag said to people: ``closure:12`` -> "closure 12" ("" for none)."""
    kind, _, ident = (code or "").partition(":")
    if not kind:
        return ""
    return t(CONFLICT_KEYS[kind], lang=lang, id=ident) if kind in CONFLICT_KEYS else code


def status_label(status: object, lang: str | None = None) -> str:
    """A booking status (``no_show`` or its enum) in the user's words: "absent" / "no-show".

    The one home for status words: the app, the CLI and the confirmation all call it."""
    value = getattr(status, "value", status)
    key = STATUS_KEYS.get(value) if isinstance(value, str) else None
    return t(key, lang=lang) if key else str(value)


def field_label(field: str, lang: str | None = None) -> str:
    """A field's name in the user's language (the identifier itself when unknown)."""
    pair = FIELD_LABELS.get(field)
    if pair is None:
        return field
    return pair[0] if (lang or _current) == "fr" else pair[1]


def detect_lang(environ: dict[str, str] | None = None) -> str:
    """The language from the locale environment: ``fr`` unless it says English."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            code = value[:2].lower()
            if code in LANGS:
                return code
            if value not in ("C", "POSIX") and not value.startswith("C."):
                break
    return "fr"


def set_lang(lang: str) -> None:
    global _current
    if lang not in LANGS:
        raise ValueError(lang)
    _current = lang


def get_lang() -> str:
    return _current


def plural_form(n: int, lang: str | None = None) -> str:
    """``one`` or ``other``: French says 0 and 1 in the singular, English only 1."""
    if (lang or _current) == "fr":
        return "one" if n in (0, 1) else "other"
    return "one" if n == 1 else "other"


def tn(key: str, n: int, lang: str | None = None, /, **params: object) -> str:
    """The message ``key.one`` or ``key.other`` as ``n`` asks in ``lang``, formatted with ``params``."""
    return t(f"{key}.{plural_form(n, lang)}", lang=lang, **params)


def t(key: str, lang: str | None = None, **params: object) -> str:
    """The message ``key`` in ``lang`` (default: current), formatted with ``params``.

    A key with plural forms (``key.one`` / ``key.other``) is said with :func:`tn`
    for its ``count`` (or ``n``) parameter, so a caller holding a key and its
    parameters (an error, a confirm dialog) needs nothing more.
    """
    lang = lang or _current
    pair = MESSAGES.get(key)
    if pair is None:
        n = params.get("count", params.get("n"))
        if isinstance(n, int) and f"{key}.one" in MESSAGES:
            return tn(key, n, lang, **params)
        return key
    text = pair[0] if lang == "fr" else pair[1]
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError):
        return text


def error_text(key: str, lang: str | None = None, **params: object) -> str:
    """An error message: like ``t``, with a ``field`` parameter named as people know it,
    and the booking statuses of ``old`` / ``new`` in the user's words (``status_label``)."""
    if isinstance(params.get("field"), str):
        params["field"] = field_label(params["field"], lang)
    for name in ("old", "new"):
        if name in params:
            params[name] = status_label(params[name], lang)
    from telecoop.domain.text import cut

    for name, value in params.items():  # issue 9: a 10,000-character value is not echoed whole
        if isinstance(value, str):
            params[name] = cut(value, ECHO_LONG if name in _LONG_PARAMS else ECHO_MAX)
    return t(key, lang=lang, **params)


# The one cut for values an error repeats: a typed value, or a path, a list of choices, a detail.
ECHO_MAX, ECHO_LONG = 80, 120
_LONG_PARAMS = frozenset({"choices", "path", "detail", "tables", "summary", "command", "url"})


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add a module's messages (e.g. the TUI's) to the catalogue."""
    overlap = MESSAGES.keys() & messages.keys()
    if overlap:
        raise ValueError(f"duplicate i18n keys: {sorted(overlap)}")
    MESSAGES.update(messages)


# issue 9: the hardening messages live in their own catalogue module.
from telecoop.messages_hardening import HARDENING_MESSAGES as _HARDENING  # noqa: E402

register(_HARDENING)

# issue 13: holds, sharing terms, the waitlist and their reports.
from telecoop.messages_capacity import CAPACITY_COLUMNS as _CAP_COLUMNS  # noqa: E402
from telecoop.messages_capacity import CAPACITY_FIELDS as _CAP_FIELDS  # noqa: E402
from telecoop.messages_capacity import CAPACITY_MESSAGES as _CAPACITY  # noqa: E402

register(_CAPACITY)
COLUMN_LABELS.update({k: v for k, v in _CAP_COLUMNS.items() if k not in COLUMN_LABELS})
FIELD_LABELS.update({k: v for k, v in _CAP_FIELDS.items() if k not in FIELD_LABELS})

# issue 12: the PostgreSQL engine's messages.
from telecoop.messages_pg import PG_MESSAGES as _PG  # noqa: E402

register(_PG)

# issue 12: migrations (upgrade) and moving a federation (migrate --to).
from telecoop.messages_migrations import MIGRATION_MESSAGES as _MIGRATIONS  # noqa: E402

register(_MIGRATIONS)

# issue 14: the teleconsultation record's messages live in their own catalogue module.
from telecoop.messages_teleconsult import TELECONSULT_COLUMNS as _TC_COLUMNS  # noqa: E402
from telecoop.messages_teleconsult import TELECONSULT_FIELDS as _TC_FIELDS  # noqa: E402
from telecoop.messages_teleconsult import TELECONSULT_MESSAGES as _TC  # noqa: E402

register(_TC)
FIELD_LABELS.update(_TC_FIELDS)
COLUMN_LABELS.update(_TC_COLUMNS)

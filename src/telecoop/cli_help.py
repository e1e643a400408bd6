"""The CLI's help and argparse's own messages, in French and English (issue 10).

The parser in :mod:`telecoop.cli` is built with plain ``add_argument`` calls;
:func:`localize` then walks the built parser and gives every command and
option its one-line help from the catalogues below, in the user's
language. So a branch that adds an option touches one ``add_argument`` line
and one catalogue line, and a test (tests/test_cli_help.py) names any
command or option left without a translation.

argparse writes its own words ("usage:", "the following arguments are
required", "invalid choice") through gettext: :func:`install` points it at
:data:`ARGPARSE_FR` when the user's language is French; ``cli._Parser``
says a usage error on one line (exit 2), like every other error of the CLI.
"""

from __future__ import annotations

import argparse

#: command path -> (French, English): the one line ``telecoop --help`` lists.
COMMAND_HELP: dict[str, tuple[str, str]] = {
    "demo": ("construire une base de démonstration (sample_data/) et ouvrir l'application",
             "build a demo database from sample_data/ and open the app"),
    "init": ("nouvelle base vide : la première coopérative et son administrateur de fédération",
             "new empty database with its first co-op and federation admin"),
    "import": ("charger des fichiers CSV (tout ou rien)", "load CSV files (all-or-nothing)"),
    "export": ("écrire les fichiers CSV (ou pour un tableur, ou un classeur .xlsx)", "write CSV files (or for a spreadsheet, or an .xlsx workbook)"),
    "coops": ("lister les coopératives", "list the co-ops"),
    "resources": ("lister les cliniciens et les salles que ma coopérative voit",
                  "list the clinicians and rooms my co-op may see"),
    "audit": ("le journal des modifications que je peux voir", "the audit trail I may see"),
    "staff": ("le personnel : ajouter, lister, retirer l'accès", "staff: add, list, take access away"),
    "staff add": ("donner accès à un membre du personnel", "give a staff member access"),
    "staff list": ("lister le personnel", "list the staff"),
    "staff remove": ("retirer l'accès d'un membre du personnel (l'historique reste)",
                     "take away a staff member's access (history is kept)"),
    "check": ("vérifier l'intégrité et la version du schéma", "integrity check and schema version"),
    "backup": ("copie cohérente pendant que d'autres travaillent", "consistent online copy"),
    "slots": ("créneaux libres, du plus tôt au plus tard", "free slots, earliest first"),
    "book": ("réserver un créneau", "book a slot"),
    "cancel": ("annuler un rendez-vous (motif obligatoire)", "cancel a booking (reason required)"),
    "reschedule": ("déplacer un rendez-vous (même numéro)", "move a booking (same id)"),
    "status": ("marquer un rendez-vous arrivé, terminé ou absent", "mark a booking checked in, completed or no-show"),
    "bookings": ("les rendez-vous que je peux voir (ou ceux d'un patient)",
                 "the bookings I may see (or one patient's)"),
    "ics": ("exporter en iCalendar un rendez-vous ou l'agenda d'une ressource",
            "iCalendar export of a booking or of a resource's agenda"),
    "report": ("rapports : usage entre coopératives, utilisation, absences, quotas, liste d'attente, reprises",
               "reports: usage between co-ops, utilisation, no-show rates, quotas, waitlist, rebooking"),
    "closures": ("fermetures : ajouter, lister, jours fériés", "closures: add, list, statutory holidays"),
    "closures holidays": ("fermer les jours fériés du Québec d'une année", "close Quebec's statutory holidays of a year"),
    # issues 8, 9, 11: commands added beside issue 10
    "completion": ("afficher un script de complétion pour le shell (bash)", "print a shell completion script (bash)"),
    "upgrade": ("mettre à jour le schéma d'une base plus ancienne, sur place", "migrate an older database in place"),
    # issue 12: moving a federation
    "migrate": ("copier cette fédération SQLite dans une base PostgreSQL vide, vérifiée",
                "copy this SQLite federation into an empty PostgreSQL database, verified"),
    "fhir": ("publication FHIR des créneaux partagés", "FHIR publication of shared slots"),
    "fhir publish": ("écrire le manifeste $bulk-publish et les fichiers NDJSON Location/Schedule/Slot",
                     "write the $bulk-publish manifest and NDJSON Location/Schedule/Slot files"),
    "staff set": ("changer le rôle ou la coopérative d'un membre du personnel, ou lui rendre l'accès",
                  "change a staff member's role or co-op, or give back their access"),
    "closures add": ("fermer une ressource ou une coopérative entière", "close a resource or a whole co-op"),
    "closures list": ("lister les fermetures", "list the closures"),
    # issue 13: holds, sharing terms, the waitlist
    "hold": ("retenir un créneau quelques minutes (réservation temporaire)", "keep a slot for a few minutes (a hold)"),
    "release": ("libérer un créneau retenu", "give a held slot back"),
    "sharing": ("conditions de partage : fenêtre, préavis, quotas", "sharing terms: window, notice, quotas"),
    "sharing set": ("changer les conditions de partage d'une ressource de ma coopérative",
                    "change the sharing terms of one of my co-op's resources"),
    "sharing show": ("afficher les conditions de partage d'une ressource", "show a resource's sharing terms"),
    "sharing overbook": ("permettre à un partenaire de dépasser son quota une semaine (motif obligatoire)",
                         "let a partner past its quota for one week (reason required)"),
    "sharing settings": ("durées des réservations temporaires et des offres de ma coopérative",
                         "my co-op's hold and offer durations"),
    "waitlist": ("liste d'attente : des annulations offertes aux patients qui attendent",
                 "waitlist: cancellations offered to waiting patients"),
    "waitlist add": ("inscrire un patient de ma coopérative", "put a patient of my co-op on the waitlist"),
    "waitlist list": ("les inscriptions de ma coopérative", "my co-op's waitlist entries"),
    "waitlist offers": ("les offres en cours pour ma coopérative", "my co-op's live offers"),
    "waitlist accept": ("réserver une offre pour le patient de son inscription", "book an offer for its entry's patient"),
    "waitlist remove": ("retirer une inscription", "take an entry off the waitlist"),
    # issue 14: the teleconsultation record
    "switch": ("changer le mode d'un rendez-vous (même numéro ; en personne : une salle au besoin)",
               "change a booking's mode (same id; in person: a room if needed)"),
    "link": ("le lien vidéo privé d'un rendez-vous (ou un nouveau)", "a booking's private video link (or a new one)"),
    "platform": ("la plateforme vidéo approuvée d'une coopérative (https)", "a co-op's approved video platform (https)"),
    "licences": ("les provinces où un clinicien a son permis d'exercice", "the provinces a clinician is licensed in"),
    "series": ("séries de suivis : voir, annuler, déplacer", "follow-up series: show, cancel, move"),
    "series show": ("les occurrences d'une série", "a series' occurrences"),
    "series cancel": ("annuler une occurrence, ou elle et les suivantes", "cancel one occurrence, or it and the later ones"),
    "series move": ("déplacer une occurrence, ou elle et les suivantes (même heure locale)",
                    "move one occurrence, or it and the later ones (same local time)"),
}

#: "command path option" (or "* option" for every command) -> (French, English)
OPTION_HELP: dict[str, tuple[str, str]] = {
    # global
    " --db": ("fichier de base de données ou adresse postgresql:// sans mot de passe "
              "(défaut : $TELECOOP_DB, sinon le dossier de données)",
              "database file, or a postgresql:// address without password "
              "(default: $TELECOOP_DB, else the user data dir)"),
    " --as": ("agir comme un autre membre du personnel (propriétaire de la base seulement)",
              "act as another staff member (database owner only)"),
    " --lang": ("fr ou en (défaut : selon la locale)", "fr or en (default: from the locale)"),
    " --low-bandwidth": ("profil lien lent (défaut : sur SSH)", "slow-link profile (default: over SSH)"),
    " --no-low-bandwidth": ("sans le profil lien lent", "without the slow-link profile"),
    " --command": ("commande", "command"),
    # shared by several commands
    "* --json": ("un document JSON sur la sortie (instants UTC)", "one JSON document on stdout (UTC instants)"),
    "* --from": ("à partir de cette date (AAAA-MM-JJ)", "from this date (YYYY-MM-DD)"),
    "* --to": ("jusqu'à cette date incluse (AAAA-MM-JJ)", "up to this date, included (YYYY-MM-DD)"),
    "* --coop": ("coopérative (identifiant)", "co-op (slug)"),
    "* --clinician": ("numéro du clinicien", "clinician id"),
    "* --room": ("numéro de la salle", "room id"),
    "* --duration": ("durée en minutes", "duration in minutes"),
    "* --start": ("début : ISO 8601 avec décalage, ou heure locale du clinicien",
                  "start: ISO 8601 with an offset, or a wall time in the clinician's zone"),
    "* --reason": ("motif", "reason"),
    "* id": ("numéro du rendez-vous", "booking id"),
    "* login": ("nom d'utilisateur", "login"),
    # one command's
    "demo --fresh": ("reconstruire la base de démonstration", "rebuild the demo database"),
    "init --coop-name": ("nom de la première coopérative", "name of the first co-op"),
    "init --tz": ("fuseau horaire IANA (ex. America/Toronto)", "IANA time zone (e.g. America/Toronto)"),
    "init --admin": ("utilisateur de l'administrateur de fédération", "login of the federation admin"),
    "init --region": ("région", "region"),
    "init --coop-lang": ("langue de la coopérative", "the co-op's language"),
    "import path": ("dossier (ou fichier) CSV", "CSV folder (or file)"),
    "export dir": ("dossier de destination", "target folder"),
    "staff add --role": ("rôle", "role"),
    "staff add --name": ("nom affiché", "display name"),
    "staff add --clinician-id": ("la ressource clinicien de ce membre", "this member's clinician resource"),
    "backup file": ("fichier de la copie", "file to write the copy to"),
    "slots --specialty": ("spécialité", "specialty"),
    "slots --language": ("langue parlée par le clinicien", "language the clinician speaks"),
    "slots --with-room": ("avec une salle de téléconsultation (de ma coopérative)",
                          "with a teleconsultation room (of my co-op)"),
    "slots --partner-rooms": ("aussi les salles des coopératives partenaires", "partner co-ops' rooms too"),
    "slots --days": ("nombre de jours à chercher", "number of days to search"),
    "slots --limit": ("nombre maximal de créneaux", "largest number of slots"),
    "book --any-room": ("n'importe quelle salle libre (la mienne d'abord)", "any free room (mine first)"),
    "book --patient": ("référence patient (n° de dossier ou initiales, 40 caractères au plus)",
                       "patient reference (chart number or initials, at most 40 characters)"),
    "book --mode": ("mode de la consultation", "how the consultation happens"),
    "reschedule --clinician": ("un autre clinicien (même spécialité)", "another clinician (same specialty)"),
    "reschedule --room": ("une autre salle", "another room"),
    "status status": ("nouveau statut", "new status"),
    "bookings --patient": ("seulement ceux de ce patient (référence, ma coopérative seulement)",
                           "only this patient's (reference, my co-op's only)"),
    "ics booking_id": ("numéro du rendez-vous", "booking id"),
    "ics --resource": ("l'agenda de cette ressource", "this resource's agenda"),
    "ics --output": ("fichier à écrire (défaut : la sortie)", "file to write (default: stdout)"),
    "report kind": ("quel rapport", "which report"),  # issue 13: + quotas, waitlist, rebooking
    "report --month": ("mois (AAAA-MM)", "month (YYYY-MM)"),
    "report --csv": ("en CSV", "as CSV"),
    "closures holidays --year": ("année", "year"),
    # issues 8, 9, 11: options added beside issue 10
    " --version": ("afficher la version et quitter", "show the version and exit"),
    "completion shell": ("le shell (bash)", "the shell (bash)"),
    "import --force": ("fermetures sur des rendez-vous actifs : les garder, marqués en conflit",
                       "closures over active bookings: keep them, flagged as conflicts"),
    "export --excel": ("fichiers CSV pour un tableur en français (BOM, « ; », CRLF) dans ce dossier",
                       "CSV files for a French-locale spreadsheet (BOM, ';', CRLF) in this folder"),
    "export --xlsx": ("un classeur .xlsx, une feuille par fichier", "one .xlsx workbook, a sheet per file"),
    "report --xlsx": ("écrire le rapport dans un classeur .xlsx", "write the report as an .xlsx workbook"),
    "staff set --role": ("nouveau rôle", "new role"),
    "staff set --restore": ("rendre l'accès retiré par « staff remove »", "give back the access 'staff remove' took away"),
    "bookings --conflicts": ("les rendez-vous actifs laissés par une fermeture ou un retrait forcé",
                             "active bookings left standing by a forced closure or withdrawal"),
    "fhir publish --out": ("dossier où écrire les fichiers", "folder to write the files in"),
    "fhir publish --days": ("nombre de jours publiés", "number of days published"),
    "fhir publish --base-url": ("adresse où les fichiers seront publiés (défaut : adresses relatives)",
                                "where the files will be hosted (default: relative URLs)"),
    "closures holidays --force": ("sur des rendez-vous actifs : les garder, marqués en conflit",
                                  "over active bookings: keep them, flagged as conflicts"),
    "closures add --resource": ("la ressource à fermer", "the resource to close"),
    "closures add --force": ("sur des rendez-vous actifs : les garder, marqués en conflit",
                             "over active bookings: keep them, flagged as conflicts"),
    "closures list --resource": ("seulement cette ressource", "this resource only"),
    # issue 13: holds, sharing terms, the waitlist
    "book --hold": ("confirmer cette réservation temporaire (mêmes clinicien, salle et heure)",
                    "confirm this hold (same clinician, room and time)"),
    "hold --any-room": ("n'importe quelle salle libre (la mienne d'abord)", "any free room (mine first)"),
    "hold --minutes": ("combien de minutes retenir (défaut : réglage de la coopérative, 10)",
                       "how many minutes to hold (default: the co-op's setting, 10)"),
    "release hold_id": ("numéro de la réservation temporaire", "hold id"),
    "* resource_id": ("numéro de la ressource", "resource id"),
    "sharing set --window-days": ("les partenaires réservent au plus N jours à l'avance (0 : sans limite)",
                                  "partners book at most N days ahead (0: no limit)"),
    "sharing set --min-notice-hours": ("les partenaires réservent au moins N heures à l'avance",
                                       "partners book at least N hours ahead"),
    "sharing set --quota": ("heures par semaine ISO d'un partenaire (COOP=HEURES, COOP=none pour retirer)",
                            "a partner's hours per ISO week (COOP=HOURS, COOP=none to remove)"),
    "sharing set --release-hours": ("le quota inutilisé s'ouvre à tous N heures avant le créneau",
                                    "unused quota opens to every partner N hours before the slot"),
    "sharing overbook --week": ("semaine ISO (AAAA-Wnn)", "ISO week (YYYY-Wnn)"),
    "sharing overbook --hours": ("heures de plus accordées", "extra hours granted"),
    "sharing settings --hold-minutes": ("durée d'une réservation temporaire (minutes)", "how long a hold lasts (minutes)"),
    "sharing settings --offer-minutes": ("durée d'une offre de la liste d'attente (minutes)",
                                         "how long a waitlist offer lasts (minutes)"),
    "waitlist add --specialty": ("spécialité voulue", "specialty wanted"),
    "waitlist add --language": ("langue que le clinicien doit parler", "language the clinician must speak"),
    "waitlist add --mode": ("vidéo ou téléphone", "video or phone"),
    "waitlist add --coop": ("seulement les cliniciens de cette coopérative (répétable)",
                            "only this co-op's clinicians (repeatable)"),
    "waitlist add --patient": ("référence patient (ma coopérative seulement la voit)",
                               "patient reference (only my co-op sees it)"),
    "waitlist add --priority": ("priorité, de 0 à 9 (la plus haute d'abord)", "priority, 0 to 9 (highest first)"),
    "waitlist accept offer_id": ("numéro de l'offre", "offer id"),
    "waitlist accept --mode": ("vidéo ou téléphone (défaut : celui de l'inscription)",
                               "video or phone (default: the entry's)"),
    "waitlist accept --consent": ("le patient consent à la téléconsultation (obligatoire)",
                                  "the patient consents to a teleconsultation (required)"),
    "waitlist accept --patient-location": ("province ou territoire où sera le patient (défaut : QC)",
                                           "province or territory where the patient will be (default: QC)"),
    "waitlist remove entry_id": ("numéro de l'inscription", "entry id"),
    # issue 12: moving a federation
    "migrate --to": ("adresse postgresql:// de la base vide (mot de passe : ~/.pgpass ou service=)",
                     "postgresql:// address of the empty database (password: ~/.pgpass or service=)"),
    # issue 14
    "book --patient-location": ("province ou territoire où sera le patient (défaut : QC)",
                                "province or territory where the patient will be (default: QC)"),
    "book --patient-site": ("le site de la coopérative où sera le patient (facultatif)",
                            "the co-op site where the patient will be (optional)"),
    "book --consent": ("le patient consent à la téléconsultation (obligatoire en vidéo et au téléphone)",
                       "the patient consents to a teleconsultation (required for video and phone)"),
    "switch mode": ("nouveau mode : video, phone ou in-person", "new mode: video, phone or in-person"),
    "switch --any-room": ("n'importe quelle salle libre (la mienne d'abord)", "any free room (mine first)"),
    "switch --consent": ("le patient consent à la téléconsultation", "the patient consents to a teleconsultation"),
    "switch --patient-location": ("province ou territoire où sera le patient", "province or territory where the patient will be"),
    "link --new": ("remplacer le lien par un nouveau", "replace the link with a new one"),
    "platform coop": ("coopérative (identifiant)", "co-op (slug)"),
    "platform url": ("adresse https de la plateforme (sans elle : l'afficher)", "the platform's https address (without it: show it)"),
    "platform --clear": ("retirer la plateforme", "remove the platform"),
    "licences id": ("numéro du clinicien", "clinician id"),
    "licences provinces": ("codes de province (QC ON ...)", "province codes (QC ON ...)"),
    "book --interpreter": ("numéro de l'interprète", "interpreter id"),
    "book --any-interpreter": ("n'importe quel interprète libre pour --interpreter-language",
                               "any free interpreter for --interpreter-language"),
    "book --interpreter-language": ("langue du patient que le clinicien ne parle pas", "the patient's language the clinician lacks"),
    "slots --interpreter-language": ("langue du patient : un interprète libre en plus, si le clinicien ne la parle pas",
                                     "the patient's language: a free interpreter too when the clinician lacks it"),
    "book --repeat": ("série de suivis : weekly, every-2-weeks ou monthly (même heure locale)",
                      "follow-up series: weekly, every-2-weeks or monthly (same local time)"),
    "book --count": ("nombre d'occurrences de la série (2 à 52)", "number of occurrences in the series (2 to 52)"),
    "book --skip": ("sauter l'occurrence N (répétable)", "skip occurrence N (repeatable)"),
    "book --move": ("déplacer l'occurrence N à cette date (répétable)", "move occurrence N to this date-time (repeatable)"),
    "book --preview": ("montrer les occurrences et leurs conflits, sans rien réserver",
                       "show the occurrences and their conflicts, booking nothing"),
    "series show id": ("numéro de la série", "series id"),
    "series cancel id": ("numéro de la série", "series id"),
    "series move id": ("numéro de la série", "series id"),
    "series cancel --from-occurrence": ("à partir de l'occurrence N", "from occurrence N"),
    "series move --from-occurrence": ("à partir de l'occurrence N", "from occurrence N"),
    "series cancel --only": ("seulement cette occurrence", "this occurrence only"),
    "series move --only": ("seulement cette occurrence", "this occurrence only"),
}

#: argparse's own messages (Python 3.11+) in French; English is argparse's own text.
# The usage errors that cli._Parser turns into the CLI's own one-line messages
# (i18n keys ``cli.*``) are left out: it recognises them in argparse's English.
ARGPARSE_FR: dict[str, str] = {
    "usage: ": "usage : ",
    "options": "options",
    "positional arguments": "arguments",
    "show this help message and exit": "afficher cette aide et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "one of the arguments %s is required": "il faut l'un des arguments %s",
    "expected at most one argument": "au plus une valeur attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "expected %s argument": "%s valeur attendue",
    "expected %s arguments": "%s valeurs attendues",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut être %(matches)s",
    "ignored explicit argument %r": "argument explicite ignoré : %r",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "commande inconnue %(parser_name)r (choix : %(choices)s)",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
}


def option_key(path: str, action: argparse.Action) -> str:
    """How the catalogue names ``action``: its first long option, else its name."""
    longs = [o for o in action.option_strings if o.startswith("--")]
    return longs[0] if longs else (action.option_strings[0] if action.option_strings else action.dest)


def option_help(path: str, action: argparse.Action, lang: str) -> tuple[str, str] | None:
    name = option_key(path, action)
    pair = OPTION_HELP.get(f"{path} {name}") or OPTION_HELP.get(f"* {name}")
    return pair


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


def walk(parser: argparse.ArgumentParser, path: str = ""):
    """(command path, parser, action) for every action of ``parser`` and of its subcommands."""
    for action in parser._actions:
        yield path, parser, action
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from walk(sub, f"{path} {name}".strip())


def localize(parser: argparse.ArgumentParser, lang: str) -> argparse.ArgumentParser:
    """Give every command and option of ``parser`` its help in ``lang`` (in place)."""
    for path, _owner, action in walk(parser):
        if isinstance(action, argparse._HelpAction):
            action.help = _pick(("afficher cette aide et quitter", "show this help message and exit"), lang)
        elif isinstance(action, argparse._SubParsersAction):
            listed = {c.dest: c for c in action._choices_actions}
            action._choices_actions = []
            for name, sub in action.choices.items():
                full = f"{path} {name}".strip()
                pair = COMMAND_HELP.get(full)
                text = _pick(pair, lang) if pair else (listed[name].help if name in listed else None)
                # Every command in the list, each with its line (argparse lists only those given help).
                action._choices_actions.append(argparse._SubParsersAction._ChoicesPseudoAction(name, (), text))
                sub.description = text
        else:
            pair = option_help(path, action, lang)
            if pair is not None:
                action.help = _pick(pair, lang)
    parser.description = _pick(
        ("TeleCoop : des créneaux de téléconsultation partagés entre coopératives de santé.",
         "TeleCoop: shared teleconsultation slots between health co-ops."), lang)
    return parser


def install(lang: str) -> None:
    """argparse's own words in ``lang`` (argparse takes them through gettext)."""
    if lang == "fr":
        argparse._ = lambda text: ARGPARSE_FR.get(text, text)  # type: ignore[attr-defined]
        argparse.ngettext = lambda one, many, n: ARGPARSE_FR.get(one if n == 1 else many, one if n == 1 else many)  # type: ignore[attr-defined]
    else:
        import gettext

        argparse._ = gettext.gettext  # type: ignore[attr-defined]
        argparse.ngettext = gettext.ngettext  # type: ignore[attr-defined]

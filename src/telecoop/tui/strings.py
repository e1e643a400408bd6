"""Every string the terminal app shows, in French and English.

Registered with :mod:`telecoop.i18n` at import, so ``t("tui....")`` works
anywhere in the TUI. Binding descriptions are keys of this catalogue too: the
key bar, the help dialog and the command palette translate them when they
draw, which is what lets F9 switch the language of every label at once.
"""

from __future__ import annotations

from telecoop import i18n

TUI_MESSAGES: dict[str, tuple[str, str]] = {
    # modes (Admin and Reports are added later as one registry entry each)
    "tui.mode.find": ("Trouver un créneau", "Find a slot"),
    "tui.mode.agenda": ("Agenda", "Agenda"),
    "tui.mode.bookings": ("Rendez-vous", "Bookings"),
    "tui.mode.admin": ("Administration", "Admin"),
    "tui.mode.reports": ("Rapports", "Reports"),
    # global keys (short: they share one footer line at 80 columns)
    "tui.key.find": ("Trouver", "Find"),
    "tui.key.agenda": ("Agenda", "Agenda"),
    "tui.key.bookings": ("Rendez-vous", "Bookings"),
    "tui.key.admin": ("Admin", "Admin"),
    "tui.key.reports": ("Rapports", "Reports"),
    "tui.key.language": ("English", "Français"),
    "tui.key.help": ("Touches", "Keys"),
    "tui.key.palette": ("Commandes", "Commands"),
    "tui.key.redraw": ("Redessiner", "Redraw"),
    "tui.key.quit": ("Quitter", "Quit"),
    # screen keys
    "tui.key.book": ("Réserver", "Book"),
    "tui.key.toggle_focus": ("Filtres/résultats", "Filters/results"),
    "tui.key.day": ("Jour ±1", "Day ±1"),
    "tui.key.next_day": ("Jour suiv.", "Next day"),
    "tui.key.week": ("Semaine ±1", "Week ±1"),
    "tui.key.next_week": ("Sem. suiv.", "Next week"),
    "tui.key.today": ("Aujourd'hui", "Today"),
    "tui.key.toggle_view": ("Jour/semaine", "Day/week"),
    "tui.key.cancel_booking": ("Annuler", "Cancel"),
    "tui.key.reschedule": ("Déplacer", "Move"),
    "tui.key.check_in": ("Arrivé", "Check in"),
    "tui.key.complete": ("Terminé", "Done"),
    "tui.key.no_show": ("Absent", "No-show"),
    "tui.key.close": ("Fermer", "Close"),
    "tui.key.confirm": ("Confirmer", "Confirm"),
    "tui.key.pick": ("Choisir", "Pick"),
    # long descriptions (help dialog, command palette)
    "tui.help.find": ("Aller à « Trouver un créneau »", "Go to 'Find a slot'"),
    "tui.help.agenda": ("Aller à l'agenda", "Go to the agenda"),
    "tui.help.bookings": ("Aller aux rendez-vous de ma coopérative", "Go to my co-op's bookings"),
    "tui.help.admin": ("Aller à l'administration", "Go to admin"),
    "tui.help.reports": ("Aller aux rapports", "Go to reports"),
    "tui.help.language": ("Passer en anglais", "Switch to French"),
    "tui.help.help": ("Lister les touches de cet écran", "List the keys of this screen"),
    "tui.help.palette": ("Chercher une commande", "Search for a command"),
    "tui.help.redraw": ("Redessiner tout l'écran (s'il a été brouillé)", "Redraw the whole screen (if it got garbled)"),
    "tui.help.quit": ("Quitter TeleCoop", "Quit TeleCoop"),
    "tui.help.book": ("Réserver le créneau sélectionné", "Book the selected slot"),
    "tui.help.toggle_focus": ("Passer des filtres aux résultats et retour", "Move between filters and results"),
    "tui.help.day": ("Jour précédent", "Previous day"),
    "tui.help.next_day": ("Jour suivant", "Next day"),
    "tui.help.week": ("Semaine précédente", "Previous week"),
    "tui.help.next_week": ("Semaine suivante", "Next week"),
    "tui.help.today": ("Revenir à aujourd'hui", "Back to today"),
    "tui.help.toggle_view": ("Vue jour ou semaine", "Day or week view"),
    "tui.help.cancel_booking": ("Annuler le rendez-vous (raison obligatoire)", "Cancel the booking (reason required)"),
    "tui.help.reschedule": ("Déplacer le rendez-vous vers un autre créneau", "Move the booking to another slot"),
    "tui.help.check_in": ("Noter l'arrivée du patient", "Check the patient in"),
    "tui.help.complete": ("Marquer la consultation terminée", "Mark the consultation completed"),
    "tui.help.no_show": ("Marquer le patient absent", "Mark the patient as a no-show"),
    "tui.help.title": ("Touches — {screen}", "Keys — {screen}"),
    "tui.help.title_plain": ("Touches", "Keys"),
    "tui.help.hint": ("Échap ou F1 pour fermer", "Esc or F1 to close"),
    "tui.quit_hint": ("Ctrl+Q pour quitter TeleCoop", "Press Ctrl+Q to quit TeleCoop"),
    "tui.palette.placeholder": ("Chercher une commande…", "Search for a command…"),
    # identity bar
    "tui.role.receptionist": ("réceptionniste", "receptionist"),
    "tui.role.coop_admin": ("admin. de la coop", "co-op admin"),
    "tui.role.federation_admin": ("admin. de la fédération", "federation admin"),
    "tui.role.clinician": ("clinicien·ne", "clinician"),
    "tui.loading": ("Chargement…", "Loading…"),
    # find
    "tui.find.specialty_any": ("Toutes spécialités", "Any specialty"),
    "tui.find.language_any": ("Toute langue", "Any language"),
    "tui.find.coop_any": ("Toutes les coops", "Any co-op"),
    "tui.find.with_room": ("Avec salle", "With room"),
    "tui.find.from": ("Dès le", "From"),
    "tui.find.date_placeholder": ("AAAA-MM-JJ", "YYYY-MM-DD"),
    "tui.find.duration": ("{n} min", "{n} min"),
    "tui.find.searching": ("Recherche…", "Searching…"),
    "tui.find.count.one": ("{n} créneau libre — Entrée pour réserver", "{n} free slot — Enter to book"),
    "tui.find.count.other": ("{n} créneaux libres — Entrée pour réserver", "{n} free slots — Enter to book"),
    "tui.find.none": ("Aucun créneau libre pour ces critères.", "No free slot matches these filters."),
    "tui.find.taken": (
        "Ce créneau vient d'être pris par quelqu'un d'autre. Voici les prochains créneaux libres.",
        "Someone else just took this slot. Here are the next free ones.",
    ),
    "tui.find.taken_none": (
        "Ce créneau vient d'être pris par quelqu'un d'autre, et aucun autre n'est libre bientôt.",
        "Someone else just took this slot, and no other is free soon.",
    ),
    "tui.find.alternatives.one": ("{n} autre créneau libre", "{n} other free slot"),
    "tui.find.alternatives.other": ("{n} autres créneaux libres", "{n} other free slots"),
    "tui.find.booked": ("Rendez-vous {id} réservé : {when}, {clinician}", "Booking {id} made: {when}, {clinician}"),
    # columns
    "tui.col.day": ("Jour", "Day"),
    "tui.col.time": ("Heure", "Time"),
    "tui.col.clinician": ("Clinicien", "Clinician"),
    "tui.col.coop": ("Coop", "Co-op"),
    "tui.col.room": ("Salle", "Room"),
    "tui.col.patient": ("Patient", "Patient"),
    "tui.col.status": ("Statut", "Status"),
    "tui.col.mode": ("Mode", "Mode"),
    # details under a table
    "tui.detail.slot": ("{day}, {time} — {clinician}", "{day}, {time} — {clinician}"),
    "tui.detail.slot2": ("{specialty} ({languages}) · {coop}", "{specialty} ({languages}) · {coop}"),
    "tui.detail.room": ("Salle : {room}", "Room: {room}"),
    "tui.detail.reason": ("Motif : {reason}", "Reason: {reason}"),
    "tui.detail.booked_by": ("Réservé par {login}", "Booked by {login}"),
    "tui.detail.cancel_reason": ("Annulé : {reason}", "Cancelled: {reason}"),
    "tui.detail.booking": ("n° {id} · {day}, {time} · {clinician}", "#{id} · {day}, {time} · {clinician}"),
    # booking form
    "tui.book.title": ("Réserver ce créneau", "Book this slot"),
    "tui.book.patient": ("Référence patient (n° de dossier ou initiales)", "Patient reference (chart number or initials)"),
    "tui.book.reason": ("Motif (facultatif)", "Reason (optional)"),
    "tui.book.mode": ("Mode", "Mode"),
    "tui.book.confirm": ("Réserver", "Book"),
    "tui.book.back": ("Retour", "Back"),
    "tui.book.patient_required": ("La référence patient est obligatoire.", "The patient reference is required."),
    "tui.book.saving": ("Réservation en cours…", "Booking…"),
    "tui.book.keys": ("Entrée : réserver · Échap : retour", "Enter: book · Esc: back"),
    # booking modes
    "tui.bmode.video": ("vidéo", "video"),
    "tui.bmode.phone": ("téléphone", "phone"),
    "tui.bmode.room": ("en personne", "in person"),
    # issue 14: the booking form's teleconsultation record
    "tui.book.location": ("Lieu du patient", "Patient in"),
    "tui.book.consent": (
        "Le patient consent à la téléconsultation (demandez-le-lui)",
        "The patient consents to a teleconsultation (ask them)",
    ),
    "tui.book.consent_short": (
        "Demandez au patient s'il consent à être vu à distance, puis cochez.",
        "Ask the patient whether they agree to be seen remotely, then tick.",
    ),
    "tui.book.repeat": ("Série", "Series"),
    "tui.adm.kind.interpreter": ("interprète", "interpreter"),
    "tui.adm.kind_short.interpreter": ("interp.", "interp."),
    "tui.find.with_interpreter": ("{language} (avec interprète)", "{language} (with interpreter)"),
    "tui.detail.interpreter": ("Interprète : {name}", "Interpreter: {name}"),
    "tui.book.series_interpreter": (
        "Série avec interprète : réservez chaque rendez-vous (pas encore offert).",
        "Series with an interpreter: book each visit (not offered yet).",
    ),
    "tui.lang.iu": ("inuktitut", "Inuktitut"),
    "tui.lang.cr": ("cri", "Cree"),
    "tui.lang.moe": ("innu-aimun", "Innu-aimun"),
    "tui.lang.atj": ("atikamekw", "Atikamekw"),
    "tui.lang.nsk": ("naskapi", "Naskapi"),
    "tui.lang.lsq": ("LSQ (langue des signes québécoise)", "LSQ (Quebec Sign Language)"),
    "tui.lang.ase": ("ASL (langue des signes américaine)", "ASL (American Sign Language)"),
    "tui.lang.es": ("espagnol", "Spanish"),
    "tui.lang.ar": ("arabe", "Arabic"),
    "tui.lang.zh": ("chinois", "Chinese"),
    "tui.lang.ht": ("créole haïtien", "Haitian Creole"),
    "tui.lang.pt": ("portugais", "Portuguese"),
    "tui.lang.fa": ("persan", "Persian"),
    "tui.lang.vi": ("vietnamien", "Vietnamese"),
    "tui.lang.ru": ("russe", "Russian"),
    "tui.lang.uk": ("ukrainien", "Ukrainian"),
    "tui.lang.tl": ("tagalog", "Tagalog"),
    "tui.lang.ta": ("tamoul", "Tamil"),
    "tui.key.in_person": ("en personne", "in person"),
    "tui.key.new_link": ("nouveau lien", "new link"),
    "tui.details.switched": ("Passé en personne (même rendez-vous).", "Now in person (same booking)."),
    "tui.details.new_link": ("Nouveau lien privé créé.", "New private link made."),
    "tui.event.booking.mode": ("mode changé", "mode changed"),
    "tui.event.booking.link": ("nouveau lien", "new link"),
    "tui.book.count_range": ("Nombre d'occurrences : de 2 à {max}.", "Number of visits: 2 to {max}."),
    "tui.book.count": ("Nombre", "Count"),
    "tui.book.repeat.none": ("aucune", "none"),
    "tui.book.repeat.weekly": ("chaque semaine", "weekly"),
    "tui.book.repeat.every-2-weeks": ("aux 2 semaines", "every 2 weeks"),
    "tui.book.repeat.monthly": ("chaque mois", "monthly"),
    "tui.series.title": ("Aperçu de la série : {count} rendez-vous", "Series preview: {count} visits"),
    "tui.series.col_n": ("n°", "#"),
    "tui.series.col_day": ("Jour", "Day"),
    "tui.series.col_time": ("Heure", "Time"),
    "tui.series.col_status": ("État", "Status"),
    "tui.series.key_skip": ("sauter", "skip"),
    "tui.series.keys": (
        "Entrée : tout réserver · Espace : sauter/garder · Échap : retour",
        "Enter: book them all · Space: skip/keep · Esc: back",
    ),
    "tui.series.keys_conflicts.one": (
        "{n} conflit : Espace pour le sauter (ou déplacez-le par la CLI) · Échap : retour",
        "{n} conflict: Space to skip it (or move it with the CLI) · Esc: back",
    ),
    "tui.series.keys_conflicts.other": (
        "{n} conflits : Espace pour les sauter (ou déplacez-les par la CLI) · Échap : retour",
        "{n} conflicts: Space to skip them (or move them with the CLI) · Esc: back",
    ),
    "tui.series.still_conflicts": (
        "Occurrences à sauter d'abord : {which}",
        "Skip these occurrences first: {which}",
    ),
    "tui.book.licence_short": (
        "Pas de permis en {where} : proposez en personne ou un autre clinicien.",
        "No licence in {where}: offer in person or another clinician.",
    ),
    # statuses: i18n.status_label (one home for the app, the CLI and refusals)
    # agenda
    "tui.agenda.my_coop": ("Ma coopérative", "My co-op"),
    "tui.agenda.week": ("{start} – {end}", "{start} – {end}"),
    "tui.agenda.count.one": ("{n} rendez-vous", "{n} booking"),
    "tui.agenda.count.other": ("{n} rendez-vous", "{n} bookings"),
    "tui.agenda.empty": ("Aucun rendez-vous.", "No bookings."),
    # bookings
    "tui.bookings.upcoming": ("À venir", "Upcoming"),
    "tui.bookings.today": ("Aujourd'hui (tous statuts)", "Today (all statuses)"),
    "tui.bookings.all": ("Tous (tous statuts)", "All (all statuses)"),
    # issue 8: bookings stranded by a forced closure or withdrawal
    "tui.bookings.conflicts": ("En conflit (à rappeler)", "Conflicts (to call)"),
    "tui.detail.conflict": ("! En conflit : {what}", "! Conflict: {what}"),
    "tui.bookings.count.one": ("{n} rendez-vous", "{n} booking"),
    "tui.bookings.count.other": ("{n} rendez-vous", "{n} bookings"),
    "tui.bookings.empty": ("Aucun rendez-vous.", "No bookings."),
    # booking actions
    "tui.act.none": ("Aucun rendez-vous sélectionné.", "No booking selected."),
    "tui.act.masked": (
        "Rendez-vous d'une autre coopérative : aucune action possible.",
        "Another co-op's booking: no action possible.",
    ),
    "tui.act.not_now": ("Impossible : ce rendez-vous est « {status} ».", "Not possible: this booking is '{status}'."),
    "tui.act.confirm.checked-in": (
        "Noter l'arrivée du patient {patient} (rendez-vous {id}) ? On ne pourra plus l'annuler.",
        "Check in patient {patient} (booking {id})? It can no longer be cancelled afterwards.",
    ),
    "tui.act.confirm.completed": (
        "Marquer le rendez-vous {id} ({patient}) terminé ? C'est définitif.",
        "Mark booking {id} ({patient}) completed? This cannot be undone.",
    ),
    "tui.act.confirm.no-show": (
        "Marquer le patient {patient} absent (rendez-vous {id}) ? C'est définitif.",
        "Mark patient {patient} as a no-show (booking {id})? This cannot be undone.",
    ),
    "tui.act.done": ("Rendez-vous {id} : {status}", "Booking {id}: {status}"),
    "tui.act.moved": ("Rendez-vous {id} déplacé : {when}", "Booking {id} moved: {when}"),
    # dialogs
    # issue 8: confirm before stranding bookings
    "tui.confirm.stranded.one": (
        "{count} rendez-vous actif resterait sans ressource (fermée ou retirée) :\n{list}\n"
        "Confirmer : il garde son heure, marqué en conflit pour sa coop, qui appellera le patient.",
        "{count} active booking would be left on a closed or withdrawn resource:\n{list}\n"
        "Confirm: it keeps its time, flagged as a conflict for its co-op to call the patient.",
    ),
    "tui.confirm.stranded.other": (
        "{count} rendez-vous actifs resteraient sans ressource (fermée ou retirée) :\n{list}\n"
        "Confirmer : ils gardent leur heure, marqués en conflit pour leur coop, qui appellera les patients.",
        "{count} active bookings would be left on a closed or withdrawn resource:\n{list}\n"
        "Confirm: they keep their time, flagged as conflicts for their co-op to call the patients.",
    ),
    "tui.stranded.more.one": ("… et {n} autre", "… and {n} more"),
    "tui.stranded.more.other": ("… et {n} autres", "… and {n} more"),
    "tui.confirm.title": ("Confirmer", "Confirm"),
    "tui.confirm.yes": ("Confirmer", "Confirm"),
    "tui.confirm.no": ("Retour", "Back"),
    "tui.cancel.title": ("Annuler le rendez-vous {id}", "Cancel booking {id}"),
    "tui.cancel.reason": ("Raison de l'annulation (obligatoire)", "Reason for cancelling (required)"),
    "tui.cancel.required": ("Indiquez la raison de l'annulation.", "Give the reason for cancelling."),
    "tui.cancel.confirm": ("Annuler le rendez-vous", "Cancel the booking"),
    "tui.cancel.back": ("Retour", "Back"),
    "tui.resched.title": ("Déplacer le rendez-vous {id} — {clinician}", "Move booking {id} — {clinician}"),
    "tui.resched.hint": ("Entrée : choisir ce créneau · Échap : retour", "Enter: pick this slot · Esc: back"),
    "tui.resched.none": ("Aucun créneau libre dans les 14 prochains jours.", "No free slot in the next 14 days."),
    "tui.resched.taken": (
        "Ce créneau vient d'être pris ; choisissez-en un autre.",
        "That slot was just taken; pick another one.",
    ),
    # languages of clinicians
    "tui.lang.fr": ("français", "French"),
    "tui.lang.en": ("anglais", "English"),
    # time zones: short in tables, long in details
    "tui.zone.short.America/Halifax": ("Îles", "Îles"),
    "tui.zone.long.America/Halifax": ("heure des Îles", "Îles time"),
    "tui.zone.short.America/Blanc-Sablon": ("B.-Sablon", "B.-Sablon"),
    "tui.zone.long.America/Blanc-Sablon": ("heure de Blanc-Sablon", "Blanc-Sablon time"),
    "tui.zone.short.America/Toronto": ("Est", "Eastern"),
    "tui.zone.long.America/Toronto": ("heure de l'Est", "Eastern time"),
    # specialties
    "tui.spec.family_medicine": ("médecine familiale", "family medicine"),
    "tui.spec.psychology": ("psychologie", "psychology"),
    "tui.spec.nutrition": ("nutrition", "nutrition"),
    "tui.spec.physiotherapy": ("physiothérapie", "physiotherapy"),
    "tui.spec.nursing": ("soins infirmiers", "nursing"),
    "tui.spec.pediatrics": ("pédiatrie", "pediatrics"),
    "tui.spec.social_work": ("travail social", "social work"),
    "tui.spec.occupational_therapy": ("ergothérapie", "occupational therapy"),
    "tui.spec.speech_therapy": ("orthophonie", "speech therapy"),
    "tui.spec.pharmacy": ("pharmacie", "pharmacy"),
    "tui.spec.psychiatry": ("psychiatrie", "psychiatry"),
    "tui.spec.kinesiology": ("kinésiologie", "kinesiology"),
    # calendar words
    "tui.wd.short": ("lun mar mer jeu ven sam dim", "Mon Tue Wed Thu Fri Sat Sun"),
    "tui.wd.long": (
        "lundi mardi mercredi jeudi vendredi samedi dimanche",
        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    ),
    "tui.month.short": (
        "janv févr mars avr mai juin juil août sept oct nov déc",
        "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    ),
    "tui.month.long": (
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "January February March April May June July August September October November December",
    ),
    "tui.day.short": ("{wd} {d} {mon}", "{wd} {mon} {d}"),
    "tui.day.long": ("{wd} {d} {month} {y}", "{wd}, {month} {d}, {y}"),
    # errors
    "tui.error.unexpected": ("Erreur inattendue : {detail}", "Unexpected error: {detail}"),
    # issue 12: the database server went away mid-session (PostgreSQL); the top line says so
    "tui.db_lost": (
        "Base de données injoignable ; nouvel essai en cours. Rien n'est enregistré.",
        "The database cannot be reached; retrying. Nothing is saved meanwhile.",
    ),
}

i18n.register(TUI_MESSAGES)
from telecoop.tui import strings_record  # noqa: E402,F401  (issue 14: registers its catalogue too)

"""Strings of the receptionist's day (issue 10): find by patient, the booking details panel,
the confirmation given to the patient.

Registered with :mod:`telecoop.i18n` at import, beside the shell's catalogue
(:mod:`telecoop.tui.strings`). Binding descriptions follow the shell's rule:
``tui.key.X`` is the short footer label, ``tui.help.X`` its long help.
"""

from __future__ import annotations

import unicodedata

from telecoop import i18n

DAY_MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ #
    # Keys
    # ------------------------------------------------------------------ #
    "tui.key.search": ("Chercher", "Search"),
    "tui.help.search": (
        "Filtrer les rendez-vous en tapant (référence du patient, clinicien, date)",
        "Filter the bookings as you type (patient reference, clinician, date)",
    ),
    "tui.key.pick_specialty": ("Spéc.", "Specialty"),
    "tui.help.pick_specialty": (
        "Choisir la spécialité (tapez le début du nom, Entrée), puis retour aux résultats",
        "Pick the specialty (type part of its name, Enter), then back to the results",
    ),
    "tui.key.toggle_room": ("Salle", "With room"),
    "tui.help.toggle_room": ("Chercher avec ou sans salle de téléconsultation", "Search with or without a teleconsultation room"),
    "tui.key.partner_rooms": ("Salles partenaires", "Partner rooms"),
    "tui.help.partner_rooms": (
        "Offrir aussi les salles des coopératives partenaires (sinon : les salles de ma coopérative)",
        "Offer partner co-ops' rooms too (otherwise: my co-op's rooms)",
    ),
    "tui.find.partner_rooms": ("Salles partenaires", "Partner rooms"),
    "tui.key.clear_search": ("Effacer", "Clear"),
    "tui.help.clear_search": ("Effacer la recherche et revoir tous les rendez-vous", "Clear the search and see every booking"),
    "tui.key.details": ("Détails", "Details"),
    "tui.help.details": (
        "Ouvrir les détails du rendez-vous (à donner au patient)",
        "Open the booking's details (to give the patient)",
    ),
    "tui.key.copy": ("Copier", "Copy"),
    "tui.key.scroll_details": ("défiler", "scroll"),
    "tui.help.scroll_details": (
        "Faire défiler les détails d'un long rendez-vous",
        "Scroll a long booking's details",
    ),
    "tui.help.copy": (
        "Copier la confirmation pour le patient dans votre presse-papiers",
        "Copy the patient's confirmation to your clipboard",
    ),
    "tui.key.save_ics": ("Enreg. .ics", "Save .ics"),
    "tui.help.save_ics": ("Enregistrer le rendez-vous en fichier iCalendar (.ics)", "Save the booking as an iCalendar (.ics) file"),
    "tui.key.patient_lang": ("Langue patient", "Patient language"),
    "tui.help.patient_lang": (
        "Changer la langue de la confirmation (français ou anglais)",
        "Switch the confirmation's language (French or English)",
    ),
    "tui.col.specialty": ("Spécialité", "Specialty"),
    "tui.keyname.escape": ("Échap", "Esc"),
    "tui.keyname.pageup": ("PgPréc", "PgUp"),
    "tui.keyname.pagedown": ("PgSuiv", "PgDn"),
    "tui.palette.no_matches": ("Aucune commande ne correspond", "No matching command"),
    # ------------------------------------------------------------------ #
    # Find by patient (Bookings)
    # ------------------------------------------------------------------ #
    "tui.search.placeholder": ("référence, clinicien ou date", "reference, clinician or date"),
    "tui.search.label": ("Chercher :", "Search:"),
    "tui.search.count.one": ("{n} rendez-vous sur {total} correspond", "{n} of {total} bookings matches"),
    "tui.search.count.other": ("{n} rendez-vous sur {total} correspondent", "{n} of {total} bookings match"),
    "tui.search.none": ("aucun rendez-vous ne correspond", "no booking matches"),
    # ------------------------------------------------------------------ #
    # Moving a booking (any clinician of the specialty, any room)
    # ------------------------------------------------------------------ #
    "tui.resched.old": ("Maintenant : {when}", "Now: {when}"),
    "tui.resched.new": ("Nouveau : {when}", "New: {when}"),
    "tui.act.moved_from": ("Rendez-vous {id} déplacé : {old} → {new}", "Booking {id} moved: {old} → {new}"),
    # ------------------------------------------------------------------ #
    # Stale dialogs: the booking changed while the dialog was open
    # ------------------------------------------------------------------ #
    "tui.stale.notice": (
        "Quelqu'un d'autre vient de modifier le rendez-vous {id} ; rien n'a été fait. "
        "Il est maintenant : {when} — {clinician} — {status}. Confirmez de nouveau si c'est toujours voulu.",
        "Someone else just changed booking {id}; nothing was done. "
        "It is now: {when} — {clinician} — {status}. Confirm again if it is still what you want.",
    ),
    "tui.stale.moved": (
        "Quelqu'un d'autre vient de modifier ce rendez-vous ; rien n'a été fait. Choisissez de nouveau.",
        "Someone else just changed this booking; nothing was done. Pick again.",
    ),
    # ------------------------------------------------------------------ #
    # Admin: editing a co-op
    # ------------------------------------------------------------------ #
    "tui.adm.coop.edit_title": ("Modifier la coopérative « {slug} »", "Edit co-op '{slug}'"),
    "tui.adm.coop_saved": ("Coopérative « {slug} » enregistrée", "Co-op '{slug}' saved"),
    # ------------------------------------------------------------------ #
    # Admin: the audit trail
    # ------------------------------------------------------------------ #
    "tui.adm.tab.audit": ("Journal", "Audit"),
    "tui.adm.count.audit.one": ("{n} événement au journal", "{n} audit event"),
    "tui.adm.count.audit.other": ("{n} derniers événements du journal", "latest {n} audit events"),
    "tui.adm.col.at": ("Quand", "When"),
    "tui.adm.col.actor": ("Qui", "Who"),
    "tui.adm.col.action": ("Action", "Action"),
    "tui.adm.col.entity": ("Objet", "Object"),
    "tui.audit.detail": ("Événement {id}, par {actor} :", "Event {id}, by {actor}:"),
    "tui.audit.no_change": ("(aucun détail)", "(no detail)"),
    "tui.audit.entity.booking": ("rdv", "booking"),
    "tui.audit.entity.resource": ("ressource", "resource"),
    "tui.audit.entity.closure": ("fermeture", "closure"),
    "tui.audit.entity.staff": ("personnel", "staff"),
    "tui.audit.entity.coop": ("coop", "co-op"),
    "tui.audit.entity.availability": ("horaire", "hours"),
    "tui.audit.action.booking.book": ("rendez-vous réservé", "booking made"),
    "tui.audit.action.booking.reschedule": ("rendez-vous déplacé", "booking moved"),
    "tui.audit.action.booking.cancel": ("rendez-vous annulé", "booking cancelled"),
    "tui.audit.action.booking.checked_in": ("patient arrivé", "patient checked in"),
    "tui.audit.action.booking.completed": ("consultation terminée", "consultation completed"),
    "tui.audit.action.booking.no_show": ("patient absent", "patient no-show"),
    "tui.audit.action.import": ("données importées", "data imported"),
    "tui.audit.action.closure.add": ("fermeture ajoutée", "closure added"),
    "tui.audit.action.closure.remove": ("fermeture retirée", "closure removed"),
    "tui.audit.action.coop.add": ("coopérative ajoutée", "co-op added"),
    "tui.audit.action.coop.update": ("coopérative modifiée", "co-op changed"),
    "tui.audit.action.hours.add": ("horaire ajouté", "hours added"),
    "tui.audit.action.hours.remove": ("horaire retiré", "hours removed"),
    "tui.audit.action.resource.add": ("ressource ajoutée", "resource added"),
    "tui.audit.action.resource.update": ("ressource modifiée", "resource changed"),
    "tui.audit.action.resource.active": ("ressource (dés)activée", "resource (de)activated"),
    "tui.audit.action.staff.add": ("accès donné", "access given"),
    "tui.audit.action.staff.deactivate": ("accès retiré", "access taken away"),
    # ------------------------------------------------------------------ #
    # The details panel
    # ------------------------------------------------------------------ #
    "tui.details.title": ("Rendez-vous n° {id} — {status}", "Booking #{id} — {status}"),
    "tui.details.booked_title": ("Réservé : rendez-vous n° {id}", "Booked: booking #{id}"),
    "tui.details.when": ("Quand : {day}, {time} ({zone})", "When: {day}, {time} ({zone})"),
    "tui.details.there": ("   soit {time} {zone} pour le clinicien", "   that is {time} {zone} for the clinician"),
    "tui.details.clinician": ("Clinicien : {name} — {specialty} — {coop}", "Clinician: {name} — {specialty} — {coop}"),
    "tui.details.room": ("Salle : {name} — {coop}, {region}", "Room: {name} — {coop}, {region}"),
    "tui.details.no_room": ("Salle : aucune", "Room: none"),
    "tui.details.how": ("Durée : {minutes} min · Mode : {mode}", "Duration: {minutes} min · Mode: {mode}"),
    "tui.details.patient": ("Patient : {patient}", "Patient: {patient}"),
    "tui.details.video": ("Lien vidéo : {link}", "Video link: {link}"),
    "tui.details.history": ("Historique :", "History:"),
    "tui.details.no_history": ("Historique : aucun événement enregistré", "History: no event recorded"),
    "tui.details.event": ("  {when}  {what} — {actor}", "  {when}  {what} — {actor}"),
    "tui.details.lang": ("Confirmation en :", "Confirmation in:"),
    "tui.details.copy": ("Copier la confirmation", "Copy the confirmation"),
    "tui.details.ics": ("Enregistrer .ics", "Save .ics"),
    "tui.details.close": ("Fermer", "Close"),
    "tui.details.keys": ("c copier · s .ics · l langue · m mode · Échap fermer",
                         "c copy · s .ics · l language · m mode · Esc close"),  # issue 14: m
    "tui.details.copied": (
        "Confirmation copiée dans votre presse-papiers ({language})",
        "Confirmation copied to your clipboard ({language})",
    ),
    "tui.details.saved": ("Enregistré : {path}", "Saved: {path}"),
    "tui.details.save_failed": ("Impossible d'enregistrer {path} : {error}", "Could not save {path}: {error}"),
    "tui.details.busy": ("Réservé par une autre coopérative : {coop}", "Booked by another co-op: {coop}"),
    # what each audit step says in the history
    "tui.event.booking.book": ("réservé", "booked"),
    "tui.event.booking.reschedule": ("déplacé au {when}", "moved to {when}"),
    "tui.event.booking.cancel": ("annulé", "cancelled"),
    "tui.event.booking.checked_in": ("arrivé", "checked in"),
    "tui.event.booking.completed": ("terminé", "completed"),
    "tui.event.booking.no_show": ("absent", "no-show"),
    # ------------------------------------------------------------------ #
    # The confirmation given to the patient (in the patient's language)
    # ------------------------------------------------------------------ #
    "conf.lang.fr": ("français", "French"),
    "conf.lang.en": ("anglais", "English"),
    "conf.intro": ("Votre rendez-vous de téléconsultation (n° {id})", "Your teleconsultation appointment (#{id})"),
    "conf.when": ("Quand : {day}, {time} ({zone})", "When: {day}, {time} ({zone})"),
    "conf.with": ("Avec : {name} — {specialty}", "With: {name} — {specialty}"),
    "conf.how": ("Durée : {minutes} minutes · {mode}", "Duration: {minutes} minutes · {mode}"),
    "conf.where": ("Où : {room}, {coop}", "Where: {room}, {coop}"),
    "conf.link": ("Lien vidéo : {link}", "Video link: {link}"),
    "conf.contact": (
        "Pour changer ou annuler, communiquez avec {coop}.",
        "To change or cancel, please contact {coop}.",
    ),
    "conf.mode.video": ("en vidéo", "by video"),
    "conf.mode.phone": ("par téléphone", "by phone"),
    "conf.mode.room": ("en personne", "in person"),
}

i18n.register(DAY_MESSAGES)


def fold(text: str) -> str:
    """``text`` for matching as a person expects: any case, accents ignored (é = e)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def sort_key(text: str) -> tuple[str, str]:
    """French order for lists people read: accents and case do not move a word
    ("pédiatrie" before "pharmacie", "Îles" among the I's); ties keep a fixed order."""
    return fold(text), text


"""Every string of the Admin and Reports modes, in French and English.

Registered with :mod:`telecoop.i18n` at import, beside the shell's
catalogue (:mod:`telecoop.tui.strings`). Binding descriptions follow the
shell's rule: ``tui.key.X`` is the short footer label, ``tui.help.X`` its
long help.
"""

from __future__ import annotations

from telecoop import i18n

ADMIN_MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ #
    # Keys (short: footer) and their long help
    # ------------------------------------------------------------------ #
    "tui.key.adm.new": ("Nouveau", "New"),
    "tui.key.adm.edit": ("Modifier", "Edit"),
    "tui.key.adm.toggle": ("Activer/désact.", "(De)activate"),
    "tui.key.adm.hours": ("Horaire", "Hours"),
    "tui.key.adm.closures": ("Fermetures", "Closures"),
    "tui.key.adm.delete": ("Supprimer", "Delete"),
    "tui.key.adm.holidays": ("Fériés", "Holidays"),
    "tui.key.adm.section": ("Section", "Section"),
    "tui.key.adm.save": ("Enregistrer", "Save"),
    "tui.key.adm.add": ("Ajouter", "Add"),
    "tui.key.rep.prev": ("Mois préc.", "Prev month"),
    "tui.key.rep.next": ("Mois suiv.", "Next month"),
    "tui.key.rep.month": ("Mois", "Month"),
    "tui.help.adm.new": ("Ajouter (ressource, fermeture, membre du personnel, coopérative)", "Add (resource, closure, staff member, co-op)"),
    "tui.help.adm.edit": (
        "Modifier la ressource ou la coopérative sélectionnée, ou le rôle et la coopérative du membre du personnel",
        "Edit the selected resource or co-op, or the selected staff member's role and co-op",
    ),
    "tui.help.adm.toggle": ("Activer ou désactiver la ressource sélectionnée", "Activate or deactivate the selected resource"),
    "tui.help.adm.hours": ("Horaire hebdomadaire de la ressource sélectionnée", "Weekly hours of the selected resource"),
    "tui.help.adm.closures": ("Fermetures de la ressource sélectionnée", "Closures of the selected resource"),
    "tui.help.adm.delete": ("Supprimer la ligne sélectionnée", "Delete the selected line"),
    "tui.help.adm.holidays": ("Ajouter les jours fériés d'une année", "Add the statutory holidays of a year"),
    "tui.help.adm.section": ("Section suivante (ressources, fermetures, personnel…)", "Next section (resources, closures, staff…)"),
    "tui.help.adm.save": ("Enregistrer le formulaire", "Save the form"),
    "tui.help.adm.add": ("Ajouter cette plage horaire", "Add these hours"),
    "tui.help.rep.prev": ("Mois précédent", "Previous month"),
    "tui.help.rep.next": ("Mois suivant", "Next month"),
    "tui.help.rep.month": ("Taper un mois (AAAA-MM)", "Type a month (YYYY-MM)"),
    # ------------------------------------------------------------------ #
    # Admin sections
    # ------------------------------------------------------------------ #
    "tui.adm.tab.resources": ("Ressources", "Resources"),
    "tui.adm.tab.closures": ("Fermetures", "Closures"),
    "tui.adm.tab.staff": ("Personnel", "Staff"),
    "tui.adm.tab.coops": ("Coopératives", "Co-ops"),
    # columns
    "tui.adm.col.id": ("N°", "ID"),
    "tui.adm.col.kind": ("Type", "Kind"),
    "tui.adm.col.name": ("Nom", "Name"),
    "tui.adm.col.coop": ("Coop", "Co-op"),
    "tui.adm.col.specialty": ("Spécialité", "Specialty"),
    "tui.adm.col.languages": ("Lang.", "Lang."),
    "tui.adm.col.sharing": ("Partage", "Sharing"),
    "tui.adm.col.buffer": ("Marge", "Buffer"),
    "tui.adm.col.active": ("Actif", "Active"),
    "tui.adm.col.for": ("Pour", "For"),
    "tui.adm.col.start": ("Début", "Start"),
    "tui.adm.col.end": ("Fin", "End"),
    "tui.adm.col.reason": ("Motif", "Reason"),
    "tui.adm.col.login": ("Utilisateur", "Login"),
    "tui.adm.col.role": ("Rôle", "Role"),
    "tui.adm.col.clinician": ("Clin.", "Clin."),
    "tui.adm.col.slug": ("Identifiant", "Slug"),
    "tui.adm.col.region": ("Région", "Region"),
    "tui.adm.col.tz": ("Fuseau", "Time zone"),
    "tui.adm.col.lang": ("Langue", "Lang."),
    "tui.adm.col.day": ("Jour", "Day"),
    "tui.adm.col.hours": ("Heures", "Hours"),
    "tui.adm.col.valid": ("Valide", "Valid"),
    # values
    "tui.adm.kind.clinician": ("clinicien·ne", "clinician"),
    "tui.adm.kind.room": ("salle", "room"),
    "tui.adm.kind_short.clinician": ("clin.", "clin."),
    "tui.adm.kind_short.room": ("salle", "room"),
    "tui.adm.sharing.private": ("privée", "private"),
    "tui.adm.sharing.all": ("toutes les coops", "all co-ops"),
    "tui.adm.sharing.listed": ("coops choisies", "listed co-ops"),
    "tui.adm.sharing_short.private": ("privée", "private"),
    "tui.adm.sharing_short.all": ("toutes", "all"),
    "tui.adm.yes": ("oui", "yes"),
    "tui.adm.no": ("non", "no"),
    "tui.adm.whole_coop": ("toute la coop", "whole co-op"),
    "tui.adm.always": ("toujours", "always"),
    "tui.adm.valid_from": ("dès le {date}", "from {date}"),
    "tui.adm.valid_to": ("jusqu'au {date}", "until {date}"),
    "tui.adm.valid_between": ("{start} → {end}", "{start} → {end}"),
    # lines under the tables
    "tui.adm.empty": ("Rien à afficher.", "Nothing to show."),
    "tui.adm.count.resources.one": ("{n} ressource", "{n} resource"),
    "tui.adm.count.resources.other": ("{n} ressources", "{n} resources"),
    "tui.adm.count.closures.one": ("{n} fermeture", "{n} closure"),
    "tui.adm.count.closures.other": ("{n} fermetures", "{n} closures"),
    "tui.adm.count.staff.one": ("{n} membre du personnel", "{n} staff member"),
    "tui.adm.count.staff.other": ("{n} membres du personnel", "{n} staff members"),
    "tui.adm.count.coops.one": ("{n} coopérative", "{n} co-op"),
    "tui.adm.count.coops.other": ("{n} coopératives", "{n} co-ops"),
    "tui.adm.detail.resource": ("{name} — {coop} · {kind}", "{name} — {coop} · {kind}"),
    "tui.adm.detail.shared": ("Partagée avec : {coops}", "Shared with: {coops}"),
    "tui.adm.detail.equipment": ("Équipement : {equipment}", "Equipment: {equipment}"),
    "tui.adm.detail.video": ("Vidéo : {link}", "Video: {link}"),
    "tui.adm.filter.all": ("Toutes les fermetures", "All closures"),
    "tui.adm.filter.coop": ("Fermetures de toute la coop", "Whole co-op closures"),
    "tui.adm.filter.resource": ("{name}", "{name}"),
    "tui.adm.none_selected": ("Aucune ligne sélectionnée.", "Nothing selected."),
    # what happened
    "tui.adm.saved": ("Ressource {id} enregistrée : {name}", "Resource {id} saved: {name}"),
    "tui.adm.activated": ("Ressource {id} activée", "Resource {id} activated"),
    "tui.adm.deactivated": ("Ressource {id} désactivée", "Resource {id} deactivated"),
    "tui.adm.hours_added": ("Plage ajoutée", "Hours added"),
    "tui.adm.hours_removed": ("Plage supprimée", "Hours removed"),
    "tui.adm.closure_added": ("Fermeture {id} ajoutée", "Closure {id} added"),
    "tui.adm.closure_removed": ("Fermeture {id} supprimée", "Closure {id} removed"),
    "tui.adm.coop_added": ("Coopérative « {slug} » ajoutée", "Co-op '{slug}' added"),
    "tui.adm.confirm.closure": (
        "Supprimer la fermeture {id} ({start} → {end}, {reason}) ?",
        "Delete closure {id} ({start} → {end}, {reason})?",
    ),
    "tui.adm.confirm.hours": ("Supprimer la plage {day} {start}–{end} ?", "Delete the hours {day} {start}–{end}?"),
    "tui.adm.confirm.staff_off": (
        "Retirer l'accès de {name} ({login}) ? L'historique est conservé.",
        "Remove the access of {name} ({login})? Their history is kept.",
    ),
    "tui.adm.staff_on": ("Accès de « {login} » rendu", "Access of '{login}' restored"),
    "tui.adm.staff_off": ("Accès de « {login} » retiré", "Access of '{login}' removed"),
    "tui.adm.confirm.deactivate": (
        "Désactiver {name} ? On ne pourra plus la réserver ; ses rendez-vous restent.",
        "Deactivate {name}? It can no longer be booked; its bookings stay.",
    ),
    # ------------------------------------------------------------------ #
    # Forms
    # ------------------------------------------------------------------ #
    "tui.adm.form.hint": ("Entrée ou Ctrl+S : enregistrer · Échap : retour", "Enter or Ctrl+S: save · Esc: back"),
    "tui.adm.form.saving": ("Enregistrement…", "Saving…"),
    "tui.adm.form.save": ("Enregistrer", "Save"),
    "tui.adm.form.back": ("Retour", "Back"),
    "tui.adm.form.add": ("Ajouter", "Add"),
    "tui.adm.form.close": ("Fermer", "Close"),
    "tui.adm.resource.new": ("Nouvelle ressource", "New resource"),
    "tui.adm.resource.edit": ("Modifier la ressource {id}", "Edit resource {id}"),
    "tui.adm.hours.title": ("Horaire hebdomadaire — {name}", "Weekly hours — {name}"),
    "tui.adm.hours.zone": ("Heures locales de la coop ({zone})", "Local time of the co-op ({zone})"),
    "tui.adm.hours.hint": (
        "Entrée : ajouter · d : supprimer la plage choisie · Échap : fermer",
        "Enter: add · d: delete the chosen hours · Esc: close",
    ),
    "tui.adm.closure.title": ("Nouvelle fermeture", "New closure"),
    "tui.adm.closure.when_hint": ("AAAA-MM-JJ ou AAAA-MM-JJ HH:MM", "YYYY-MM-DD or YYYY-MM-DD HH:MM"),
    "tui.adm.holidays.title": ("Jours fériés du Québec", "Quebec statutory holidays"),
    "tui.adm.holidays.all": ("toutes les coopératives", "every co-op"),
    "tui.adm.staff.title": ("Nouveau membre du personnel", "New staff member"),
    "tui.adm.staff.none": ("aucun", "none"),
    "tui.adm.coop.title": ("Nouvelle coopérative", "New co-op"),
    # field labels
    "tui.adm.f.kind": ("Type", "Kind"),
    "tui.adm.f.name": ("Nom", "Name"),
    "tui.adm.f.specialty": ("Spécialité", "Specialty"),
    "tui.adm.f.languages": ("Langues", "Languages"),
    "tui.adm.f.equipment": ("Équipement", "Equipment"),
    "tui.adm.f.video_link": ("Lien vidéo", "Video link"),
    "tui.adm.f.sharing": ("Partage", "Sharing"),
    "tui.adm.f.shared_with": ("Partagée avec", "Shared with"),
    "tui.adm.f.buffer_minutes": ("Marge (min)", "Buffer (min)"),
    "tui.adm.f.weekday": ("Jour", "Day"),
    "tui.adm.f.start": ("Début", "Start"),
    "tui.adm.f.end": ("Fin", "End"),
    "tui.adm.f.valid_from": ("Valide dès", "Valid from"),
    "tui.adm.f.valid_to": ("Jusqu'au", "Valid to"),
    "tui.adm.f.scope": ("Pour", "For"),
    "tui.adm.f.reason": ("Motif", "Reason"),
    "tui.adm.f.year": ("Année", "Year"),
    "tui.adm.f.coop": ("Coopérative", "Co-op"),
    "tui.adm.f.login": ("Utilisateur", "Login"),
    "tui.adm.f.role": ("Rôle", "Role"),
    "tui.adm.f.clinician_id": ("Fiche clinicien", "Clinician record"),
    "tui.adm.f.slug": ("Identifiant", "Slug"),
    "tui.adm.f.region": ("Région", "Region"),
    "tui.adm.f.tz": ("Fuseau horaire", "Time zone"),
    "tui.adm.f.lang": ("Langue", "Language"),
    "tui.adm.ph.hhmm": ("HH:MM", "HH:MM"),
    "tui.adm.ph.date": ("AAAA-MM-JJ", "YYYY-MM-DD"),
    "tui.adm.ph.languages": ("ex. fr en", "e.g. fr en"),
    "tui.adm.ph.video_link": ("https://…", "https://…"),
    "tui.adm.ph.slug": ("minuscules, chiffres, -", "lowercase, digits, -"),
    # ------------------------------------------------------------------ #
    # Reports
    # ------------------------------------------------------------------ #
    "tui.rep.month": ("Mois", "Month"),
    "tui.rep.month_hint": ("AAAA-MM · [ et ] : mois préc./suiv.", "YYYY-MM · [ and ]: prev/next month"),
    "tui.rep.usage": (
        "Utilisation entre coopératives (fournisseur → client)",
        "Usage between co-ops (provider → consumer)",
    ),
    "tui.rep.util": ("Taux d'occupation par ressource", "Utilisation per resource"),
    "tui.rep.noshow": ("Taux d'absence par coopérative", "No-show rate per co-op"),
    "tui.rep.usage_value": ("{n} rdv · {minutes} min", "{n} bkg · {minutes} min"),
    "tui.rep.util_value": ("{pct} % ({booked}/{available} min)", "{pct}% ({booked}/{available} min)"),
    "tui.rep.noshow_value": ("{pct} % ({n}/{total})", "{pct}% ({n}/{total})"),
    "tui.rep.none": ("Aucune donnée pour ce mois.", "No data for this month."),
    "tui.rep.loading": ("Calcul…", "Computing…"),
    # issue 9: a staff member's role and co-op are edited, never rewritten by "add"
    "tui.adm.staff.edit_title": ("Rôle et coopérative de « {login} »", "Role and co-op of '{login}'"),
}

# issue 10b: the short form of a field's error, said on the one line under the field
# when the whole message does not fit there (the field is right above: no name, no value).
FIELD_ERROR_MESSAGES: dict[str, tuple[str, str]] = {
    "tui.ferr.on_field": ("{field} : {error}", "{field}: {error}"),
    "tui.ferr.empty": ("obligatoire", "required"),
    "tui.ferr.control": ("caractères de contrôle refusés", "control characters refused"),
    "tui.ferr.too_long": ("{max} caractères au plus", "at most {max} characters"),
    "tui.ferr.int": ("un nombre entier", "a whole number"),
    "tui.ferr.range": ("entre {min} et {max}", "between {min} and {max}"),
    "tui.ferr.slug": ("a-z, 0-9 et « - » (2 à 32)", "a-z, 0-9 and '-' (2 to 32)"),
    "tui.ferr.login": ("nom d'utilisateur invalide", "not a valid login"),
    "tui.ferr.url": ("une adresse https://", "an https:// address"),
    "tui.ferr.end_before_start": ("la fin doit suivre le début", "end must follow start"),
    "tui.ferr.gap": ("heure sautée : {before} ou {after}", "skipped hour: {before} or {after}"),
    "tui.ferr.ambiguous": ("deux fois : {first} ou {second}", "happens twice: {first} or {second}"),
    "tui.ferr.datetime": ("invalide ; ex. 2026-03-10 10:00", "invalid; e.g. 2026-03-10 10:00"),
    "tui.ferr.date": ("date invalide (AAAA-MM-JJ)", "invalid date (YYYY-MM-DD)"),
    "tui.ferr.time": ("heure invalide (HH:MM)", "invalid time (HH:MM)"),
    "tui.ferr.overlap": ("chevauche une autre plage", "overlaps other hours"),
    "tui.ferr.patient_long": ("40 caractères au plus (dossier ou initiales)", "at most 40 characters (chart no. or initials)"),
    # issue 12: a write attempted while the PostgreSQL server is gone
    "tui.ferr.db_unreachable": (
        "base de données injoignable : rien n'a été changé ; réessayez à son retour",
        "database unreachable: nothing was changed; try again when it is back",
    ),
    "tui.ferr.db_lost": (
        "connexion à la base perdue : rien n'a été changé ; réessayez",
        "connection to the database lost: nothing was changed; try again",
    ),
}
ADMIN_MESSAGES.update(FIELD_ERROR_MESSAGES)

i18n.register(ADMIN_MESSAGES)

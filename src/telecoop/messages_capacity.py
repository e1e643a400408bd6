"""issue 13: messages of holds, sharing terms and quotas, the waitlist and their reports.

Registered into ``telecoop.i18n`` at its import; French first, then English.
"""

from __future__ import annotations

CAPACITY_MESSAGES: dict[str, tuple[str, str]] = {
    # holds
    "notfound.hold": ("réservation temporaire {id} introuvable", "hold {id} not found"),
    "hold.expired": ("réservation temporaire expirée", "hold expired"),
    "hold.booked": (
        "la réservation temporaire {id} est déjà devenue le rendez-vous {booking}",
        "hold {id} already became booking {booking}",
    ),
    "hold.released": ("la réservation temporaire {id} a été libérée", "hold {id} was released"),
    "hold.placed": (
        "créneau retenu (réservation temporaire {id}) jusqu'à {until}",
        "slot held (hold {id}) until {until}",
    ),
    "hold.released_done": ("réservation temporaire {id} libérée", "hold {id} released"),
    "hold.needs_slot": (
        "indiquez --hold, ou --clinician et --start",
        "give --hold, or --clinician and --start",
    ),
    "hold.with_slot": (
        "--hold reprend le clinicien, la salle et l'heure retenus : sans --clinician, --room, --any-room ni --start",
        "--hold keeps the held clinician, room and time: no --clinician, --room, --any-room or --start",
    ),
    "tui.hold.until": ("Créneau retenu pour vous jusqu'à {until}", "Slot kept for you until {until}"),
    "tui.hold.left": (
        "Créneau retenu pour vous jusqu'à {until} (encore {minutes} min)",
        "Slot kept for you until {until} ({minutes} min left)",
    ),
    "tui.hold.expired": (
        "Le créneau n'est plus retenu : confirmer le réservera s'il est encore libre",
        "The slot is no longer kept: confirming books it if it is still free",
    ),
    # the Waitlist mode (F7)
    "tui.mode.waitlist": ("Liste d'attente", "Waitlist"),
    "tui.key.waitlist": ("Attente", "Waitlist"),
    "tui.help.waitlist": (
        "Aller à la liste d'attente : offres d'annulations et patients qui attendent",
        "Go to the waitlist: cancellations offered and waiting patients",
    ),
    "tui.key.wl.accept": ("Accepter", "Accept"),
    "tui.help.wl.accept": ("Réserver l'offre choisie pour son patient", "Book the highlighted offer for its patient"),
    "tui.key.wl.decline": ("Refuser", "Decline"),
    "tui.help.wl.decline": ("Rendre l'offre : elle passe au patient suivant", "Give the offer back: it goes to the next patient"),
    "tui.key.wl.new": ("Inscrire", "Add"),
    "tui.help.wl.new": ("Inscrire un patient sur la liste d'attente", "Put a patient on the waitlist"),
    "tui.key.wl.remove": ("Retirer", "Remove"),
    "tui.help.wl.remove": ("Retirer l'inscription choisie", "Take the highlighted entry off the waitlist"),
    "tui.key.wl.switch": ("Tableau", "Table"),
    "tui.help.wl.switch": ("Passer des offres aux inscriptions", "Move between offers and entries"),
    "tui.wl.offers": ("Offres pour ma coopérative : {n}", "Offers for my co-op: {n}"),
    "tui.wl.no_offers": ("Aucune offre en cours", "No offer right now"),
    "tui.wl.entries": ("Patients en attente : {n}", "Patients waiting: {n}"),
    "tui.wl.col.until": ("jusqu'à", "until"),
    "tui.wl.col.specialty": ("Spécialité", "Specialty"),
    "tui.wl.col.days": ("jours", "days"),
    "tui.wl.col.priority": ("Priorité", "Priority"),
    "tui.wl.accepted": ("Offre acceptée : le rendez-vous est réservé", "Offer accepted: the booking is made"),
    # issue 14 meets issue 13: an offer becomes a teleconsultation, so the patient's consent is asked first
    "tui.wl.consent_q": (
        "Le patient accepte-t-il d'être vu à distance (vidéo ou téléphone), sachant qu'il peut demander "
        "une visite en personne ? Oui inscrit son consentement et réserve l'offre.",
        "Does the patient agree to be seen remotely (video or phone), knowing they may ask for an "
        "in-person visit? Yes records their consent and books the offer.",
    ),
    "tui.wl.declined": ("Offre rendue : elle passe au patient suivant", "Offer given back: it goes to the next patient"),
    "tui.wl.removed": ("Inscription retirée", "Entry removed"),
    "tui.wl.new_offer.one": ("Nouvelle offre de la liste d'attente (F7)", "New waitlist offer (F7)"),
    "tui.wl.new_offer.other": ("{n} nouvelles offres de la liste d'attente (F7)", "{n} new waitlist offers (F7)"),
    "tui.wl.new_title": ("Inscrire un patient sur la liste d'attente", "Put a patient on the waitlist"),
    "tui.wl.from": ("Du", "From"),
    "tui.wl.to": ("au", "to"),
    "tui.wl.add": ("Inscrire", "Add"),
    # Admin: a resource's sharing terms (key t)
    "tui.key.adm.terms": ("Partage", "Terms"),
    "tui.help.adm.terms": (
        "Conditions de partage de la ressource sélectionnée : fenêtre, préavis, quotas",
        "Sharing terms of the selected resource: window, notice, quotas",
    ),
    "tui.terms.title": ("Conditions de partage — {name}", "Sharing terms — {name}"),
    "tui.terms.window": ("Fenêtre (jours à l'avance, 0 : sans limite)", "Window (days ahead, 0: no limit)"),
    "tui.terms.notice": ("Préavis minimal (heures)", "Minimum notice (hours)"),
    "tui.terms.release": ("Quota inutilisé ouvert à tous (heures avant)", "Unused quota opens (hours before)"),
    "tui.terms.quotas": ("Quotas des partenaires (heures par semaine)", "Partners' quotas (hours per week)"),
    "tui.terms.quotas_hint": ("ex. : iles=6 pontiac=2.5 (un partenaire absent n'a pas de quota)",
                              "e.g. iles=6 pontiac=2.5 (a partner left out has no quota)"),
    "tui.adm.terms_saved": ("Conditions de partage enregistrées : {name}", "Sharing terms saved: {name}"),
    # Reports mode (F6)
    "tui.rep.quotas": ("Quotas des partenaires (heures par semaine ISO)", "Partners' quotas (hours per ISO week)"),
    "tui.rep.quota_value": ("{used} h / {quota} h (dépassement accordé : {extra} h)",
                            "{used} h / {quota} h (overbooking granted: {extra} h)"),
    "tui.rep.fill": ("Liste d'attente : offres acceptées", "Waitlist: offers accepted"),
    "tui.rep.fill_value": ("{pct} % ({accepted} sur {n}, {lapsed} expirées)", "{pct}% ({accepted} of {n}, {lapsed} lapsed)"),
    "tui.rep.rebook": ("Créneaux annulés puis repris", "Cancelled slots booked again"),
    "tui.rep.rebook_value": ("{rebooked} sur {n}, médiane {minutes} min", "{rebooked} of {n}, median {minutes} min"),
    # sharing terms and quotas
    "sharing.window": (
        "{name} ne se réserve qu'au plus {days} jours à l'avance pour les partenaires",
        "{name} can be booked at most {days} days ahead by partners",
    ),
    "sharing.notice": (
        "{name} se réserve au moins {hours} h à l'avance pour les partenaires",
        "{name} must be booked at least {hours} h ahead by partners",
    ),
    "sharing.quota": (
        "quota atteint : {coop} a déjà {used} h de {name} la semaine {week} (quota {quota} h)",
        "quota reached: {coop} already has {used} h of {name} in week {week} (quota {quota} h)",
    ),
    "sharing.quota_form": (
        "« {value} » : attendu COOP=HEURES (ex. iles=6 ou iles=2.5) ou COOP=none",
        "'{value}': expected COOP=HOURS (e.g. iles=6 or iles=2.5) or COOP=none",
    ),
    "sharing.quota_owner": (
        "{coop} est la coopérative propriétaire : elle n'a pas de quota",
        "{coop} owns the resource: it has no quota",
    ),
    "sharing.week_form": (
        "« {value} » n'est pas une semaine ISO (AAAA-Wnn, ex. 2026-W50)",
        "'{value}' is not an ISO week (YYYY-Wnn, e.g. 2026-W50)",
    ),
    "sharing.saved": ("conditions de partage de la ressource {id} enregistrées", "sharing terms of resource {id} saved"),
    "sharing.overbooked": (
        "dépassement accordé (n° {id}) : {coop}, semaine {week}, {hours} h de plus",
        "overbooking granted (#{id}): {coop}, week {week}, {hours} h more",
    ),
    "sharing.summary": (
        "fenêtre : {window} · préavis : {notice} · libération : {release}",
        "window: {window} · notice: {notice} · release: {release}",
    ),
    "sharing.none": ("aucune limite", "no limit"),
    "sharing.days": ("{n} j", "{n} d"),
    "sharing.hours": ("{n} h", "{n} h"),
    "sharing.no_quota": ("aucun quota", "no quota"),
    "sharing.settings_saved": ("réglages de la coopérative {coop} enregistrés", "settings of co-op {coop} saved"),
    # waitlist
    "notfound.entry": ("inscription {id} introuvable", "waitlist entry {id} not found"),
    "notfound.offer": ("offre {id} introuvable", "offer {id} not found"),
    "waitlist.added": ("inscription {id} ajoutée à la liste d'attente", "entry {id} added to the waitlist"),
    "waitlist.removed": ("inscription {id} retirée de la liste d'attente", "entry {id} removed from the waitlist"),
    "waitlist.not_waiting": (
        "l'inscription {id} n'attend plus ({status})",
        "entry {id} is no longer waiting ({status})",
    ),
    "waitlist.status.waiting": ("en attente", "waiting"),
    "waitlist.status.offered": ("offre en cours", "offered"),
    "waitlist.status.booked": ("réservé", "booked"),
    "waitlist.status.removed": ("retiré", "removed"),
    "waitlist.offered": (
        "offre {offer} faite à l'inscription {id} jusqu'à {until}",
        "offer {offer} made to entry {id} until {until}",
    ),
}

CAPACITY_COLUMNS: dict[str, tuple[str, str]] = {
    "expires": ("expire", "expires"),
    "week": ("semaine", "week"),
    "quota_hours": ("quota (h)", "quota (h)"),
    "used_hours": ("utilisé (h)", "used (h)"),
    "overbook_hours": ("dépassement (h)", "overbook (h)"),
    "reasons": ("motifs", "reasons"),
    "priority": ("priorité", "priority"),
    "from": ("du", "from"),
    "to": ("au", "to"),
    "entry": ("inscription", "entry"),
    "offers": ("offres", "offers"),
    "accepted": ("acceptées", "accepted"),
    "lapsed": ("expirées", "lapsed"),
    "declined": ("refusées", "declined"),
    "fill_rate": ("taux", "fill rate"),
    "cancelled": ("annulés", "cancelled"),
    "rebooked": ("repris", "rebooked"),
    "median_minutes": ("médiane (min)", "median (min)"),
}

CAPACITY_FIELDS: dict[str, tuple[str, str]] = {
    "minutes": ("minutes", "minutes"),
    "window_days": ("fenêtre (jours)", "window (days)"),
    "min_notice_hours": ("préavis (heures)", "notice (hours)"),
    "release_hours": ("libération (heures)", "release (hours)"),
    "hours": ("heures", "hours"),
    "quota": ("quota", "quota"),
    "priority": ("priorité", "priority"),
    "hold_minutes": ("réservation temporaire (min)", "hold (min)"),
    "offer_minutes": ("offre (min)", "offer (min)"),
}

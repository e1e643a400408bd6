"""issue 14: modality switch and admin fields — the app's strings, in French and English.

Registered with :mod:`telecoop.i18n` at import (``tui/strings.py`` imports it, so
every screen that has the shell's catalogue has these too).
"""

from __future__ import annotations

from telecoop import i18n

RECORD_MESSAGES: dict[str, tuple[str, str]] = {
    # issue 14: modality switch and admin fields
    "tui.key.switch_mode": ("mode", "mode"),
    "tui.help.switch_mode": (
        "Changer le mode du rendez-vous (vidéo, téléphone, en personne) : même rendez-vous",
        "Change how the visit happens (video, phone, in person): same booking",
    ),
    "tui.sw.title": ("Mode du rendez-vous {id}", "How booking {id} happens"),
    "tui.sw.now": ("Maintenant : {mode} · patient en {where}", "Now: {mode} · patient in {where}"),
    "tui.sw.mode": ("Passer en", "Switch to"),
    "tui.sw.location": ("Patient en", "Patient in"),
    "tui.sw.room": ("Salle", "Room"),
    "tui.sw.room.none": ("aucune", "none"),
    "tui.sw.room.any": ("toute salle libre", "any free room"),
    "tui.sw.room.kept": ("garde sa salle", "keeps its room"),
    "tui.sw.confirm": ("Changer", "Switch"),
    "tui.sw.back": ("Retour", "Back"),
    "tui.sw.same": (
        "Le rendez-vous est déjà {mode} pour un patient en {where} : rien à changer.",
        "The visit is already {mode} for a patient in {where}: nothing to change.",
    ),
    "tui.sw.consent_q": (
        "Le patient accepte-t-il une téléconsultation ({mode}), en sachant qu'il peut demander "
        "une consultation en personne\u00a0?",
        "Does the patient agree to a teleconsultation ({mode}), knowing they may ask for an "
        "in-person visit?",
    ),
    "tui.sw.no_consent": (
        "Non changé : sans l'accord du patient, le rendez-vous ne passe pas à distance.",
        "Not switched: without the patient's agreement the visit does not become remote.",
    ),
    "tui.sw.keys": ("Entrée choisir · Ctrl+S changer · Échap retour", "Enter choose · Ctrl+S switch · Esc back"),
    "tui.sw.done": ("Rendez-vous {id} : maintenant {mode} (même rendez-vous).",
                    "Booking {id}: now {mode} (same booking)."),
    "tui.sw.done_room": ("Rendez-vous {id} : maintenant {mode}, salle {room}.",
                         "Booking {id}: now {mode}, room {room}."),
    # issue 14: admin fields (a clinician's licences, a co-op's video platform)
    "tui.adm.f.licences": ("Permis", "Licensed in"),
    "tui.adm.f.licences.hint": ("codes séparés par des espaces, ex. QC ON", "codes separated by spaces, e.g. QC ON"),
    "tui.adm.f.platform": ("Plateforme vidéo", "Video platform"),
    "tui.adm.platform.title": ("Plateforme vidéo : {coop}", "Video platform: {coop}"),
    "tui.adm.platform_saved": ("Plateforme vidéo de {slug} : {value}", "Video platform of {slug}: {value}"),
    "tui.adm.platform_none": ("aucune", "none"),
    "tui.key.adm.platform": ("Plateforme vidéo", "Video platform"),
    "tui.help.adm.platform": (
        "Plateforme vidéo approuvée de la coopérative (https), base du lien privé de chaque visite",
        "The co-op's approved video platform (https), base of each visit's private link",
    ),
    "tui.adm.f.platform.hint": ("https://hôte/chemin (vide : aucune)", "https://host/path (empty: none)"),
}

i18n.register(RECORD_MESSAGES)

"""issue 9 (hardening, part a): messages for private files, identity, the database file and user-caused failures.

Registered into ``telecoop.i18n`` at its import; French first, then English.
"""

from __future__ import annotations

HARDENING_MESSAGES: dict[str, tuple[str, str]] = {
    # the database file (checked before anything is written to it)
    "store.is_dir": (
        "{path} est un dossier, pas une base de données ; donnez le chemin d'un fichier (--db)",
        "{path} is a folder, not a database; give the path of a file (--db)",
    ),
    "store.unreadable": (
        "impossible d'ouvrir {path} (permissions ?)",
        "cannot open {path} (permissions?)",
    ),
    "store.empty_file": (
        "{path} est un fichier vide, pas une base TeleCoop ; créez-la avec « telecoop init » ou « telecoop import »",
        "{path} is an empty file, not a TeleCoop database; create one with 'telecoop init' or 'telecoop import'",
    ),
    "store.damaged": (
        "la base {path} est endommagée ; restaurez la dernière copie faite par « telecoop backup » "
        "(voir « Restaurer une copie » dans docs/operations.md)",
        "the database {path} is damaged; restore the last copy made by 'telecoop backup' "
        "(see 'Restoring a backup' in docs/operations.md)",
    ),
    "store.older": (
        "la base {path} a un schéma plus ancien ({found}, actuel : {supported}) ; "
        "faites une copie (telecoop backup) puis lancez : {command}",
        "the database {path} has an older schema ({found}, current: {supported}); "
        "make a copy (telecoop backup), then run: {command}",
    ),
    "store.readonly": (
        "la base {path} est en lecture seule ; rien n'a été changé",
        "the database {path} is read-only; nothing was changed",
    ),
    "store.full": (
        "plus d'espace disque pour la base {path} ; rien n'a été changé",
        "no disk space left for the database {path}; nothing was changed",
    ),
    "store.url": (
        "--db prend un chemin de fichier ou une adresse postgresql://, pas « {value} »",
        "--db takes a file path or a postgresql:// address, not '{value}'",
    ),
    "store.not_demo": (
        "{path} n'est pas une base de démonstration ; « demo --fresh » ne l'effacera pas",
        "{path} is not a demo database; 'demo --fresh' will not erase it",
    ),
    "upgrade.done": (
        "base {path} mise à jour du schéma {found} au schéma {version}",
        "database {path} upgraded from schema {found} to schema {version}",
    ),
    "upgrade.current": (
        "la base {path} est déjà au schéma {version}",
        "the database {path} is already at schema {version}",
    ),
    "check.exposed": (
        "attention : {path} est lisible par d'autres comptes (mode {mode}) ; il contient des données "
        "de patients : chmod 600 {path}",
        "warning: {path} is readable by other accounts (mode {mode}); it holds patient data: chmod 600 {path}",
    ),
    # identity and roles
    "identity.no_passwd": (
        "le compte {uid} n'a pas d'entrée dans la base des mots de passe ; TeleCoop ne sait pas qui vous êtes",
        "account {uid} has no password-database entry; TeleCoop cannot tell who you are",
    ),
    "staff.exists": (
        "« {login} » existe déjà ; pour changer son rôle ou sa coopérative : "
        "telecoop staff set {login} --role ROLE --coop COOP",
        "'{login}' already exists; to change their role or co-op: telecoop staff set {login} --role ROLE --coop COOP",
    ),
    "staff.last_federation_admin": (
        "« {login} » est le dernier administrateur de la fédération actif ; nommez-en un autre d'abord",
        "'{login}' is the last active federation admin; appoint another one first",
    ),
    "staff.federation_role": (
        "seul un administrateur de la fédération donne ou retire ce rôle",
        "only a federation admin grants or removes that role",
    ),
    "staff.set_nothing": (
        "rien à changer : donnez --role, --coop ou --restore",
        "nothing to change: give --role, --coop or --restore",
    ),
    "staff.updated": ("fiche de « {login} » mise à jour", "staff record of '{login}' updated"),
    "export.masked": (
        "renseignements des patients des autres coopératives masqués ; l'export complet est réservé "
        "au propriétaire du fichier de base",
        "other co-ops' patient details masked; the full export is for the owner of the database file",
    ),
    # things a user can do that are not bugs
    "args.not_utf8": (
        "l'argument « {value} » contient des octets qui ne sont pas de l'UTF-8",
        "argument '{value}' holds bytes that are not UTF-8",
    ),
    "field.id": (
        "« {value} » n'est pas un numéro valide (entier de 1 à 9223372036854775807)",
        "'{value}' is not a valid id (a whole number from 1 to 9223372036854775807)",
    ),
    "date.range": (
        "« {text} » est hors de la plage permise ({min} à {max})",
        "'{text}' is outside the allowed range ({min} to {max})",
    ),
    "output.is_dir": ("{path} est un dossier ; donnez un nom de fichier", "{path} is a folder; give a file name"),
    "output.no_parent": ("le dossier de {path} n'existe pas", "the folder of {path} does not exist"),
    "output.full": (
        "plus d'espace disque pour écrire {path} ; rien n'a été gardé",
        "no disk space left to write {path}; nothing was kept",
    ),
    "output.denied": ("permission refusée : {path}", "permission denied: {path}"),
    "output.not_dir": ("une partie de {path} n'est pas un dossier", "part of {path} is not a folder"),
    "output.failed": ("impossible d'écrire ou de lire {path} : {reason}", "cannot write or read {path}: {reason}"),
    # consolidation: an empty file or folder name is bad input, never "not given" nor "here"
    "output.empty": ("nom de fichier ou de dossier vide", "empty file or folder name"),
    "error.logged": (
        "erreur inattendue ({detail}) ; les détails sont dans {log}",
        "unexpected error ({detail}); the details are in {log}",
    ),
}

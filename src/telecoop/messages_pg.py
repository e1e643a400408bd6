"""issue 12: messages for the PostgreSQL engine (connection, rights, what only a file database does).

Registered into ``telecoop.i18n`` at its import; French first, then English.
"""

from __future__ import annotations

PG_MESSAGES: dict[str, tuple[str, str]] = {
    "store.pg_password": (
        "pas de mot de passe dans l'adresse de la base (il serait visible dans « ps » et l'historique) ; "
        "mettez-le dans un fichier ~/.pgpass ou un fichier de service (pg_service.conf)",
        "no password in the database address (it would show in 'ps' and the shell history); "
        "put it in a ~/.pgpass file or a service file (pg_service.conf)",
    ),
    "store.pg_url": (
        "adresse PostgreSQL illisible : « {value} » (ex. postgresql://hôte/base, "
        "postgresql:///base?host=/var/run/postgresql, postgresql://?service=telecoop)",
        "unreadable PostgreSQL address: '{value}' (e.g. postgresql://host/dbname, "
        "postgresql:///dbname?host=/var/run/postgresql, postgresql://?service=telecoop)",
    ),
    "store.pg_unreachable": (
        "impossible de joindre le serveur PostgreSQL de {path} (arrêté, ou mauvais hôte ou port ?) ; rien n'a été changé",
        "cannot reach the PostgreSQL server of {path} (stopped, or wrong host or port?); nothing was changed",
    ),
    "store.pg_auth": (
        "le serveur PostgreSQL a refusé la connexion à {path} (rôle ou mot de passe ; voir ~/.pgpass "
        "ou le fichier de service) ; rien n'a été changé",
        "the PostgreSQL server refused the login to {path} (role or password; see ~/.pgpass "
        "or the service file); nothing was changed",
    ),
    "store.pg_no_database": (
        "la base PostgreSQL de {path} n'existe pas ; un administrateur la crée (createdb), "
        "puis « telecoop init »",
        "the PostgreSQL database of {path} does not exist; an administrator creates it (createdb), "
        "then run 'telecoop init'",
    ),
    "store.pg_empty": (
        "la base PostgreSQL {path} est vide ; créez le schéma avec « telecoop init » ou « telecoop import »",
        "the PostgreSQL database {path} is empty; create the schema with 'telecoop init' or 'telecoop import'",
    ),
    "store.pg_extension": (
        "l'extension PostgreSQL btree_gist manque dans {path} (elle garantit qu'aucun créneau n'est "
        "réservé deux fois) ; un administrateur l'installe : CREATE EXTENSION btree_gist",
        "the PostgreSQL extension btree_gist is missing in {path} (it guarantees no slot is booked "
        "twice); an administrator installs it: CREATE EXTENSION btree_gist",
    ),
    "store.pg_lost": (
        "la connexion au serveur PostgreSQL de {path} a été perdue ; rien n'a été écrit à moitié "
        "(la transaction a été annulée) ; réessayez",
        "the connection to the PostgreSQL server of {path} was lost; nothing was half-written "
        "(the transaction was rolled back); try again",
    ),
    "store.pg_denied": (
        "le rôle PostgreSQL n'a pas le droit de faire cela dans {path} ; rien n'a été changé",
        "the PostgreSQL role is not allowed to do that in {path}; nothing was changed",
    ),
    "store.pg_backup": (
        "une base PostgreSQL se sauvegarde avec pg_dump (ou une réplique), pas avec « telecoop backup »",
        "a PostgreSQL database is backed up with pg_dump (or a standby), not with 'telecoop backup'",
    ),
}

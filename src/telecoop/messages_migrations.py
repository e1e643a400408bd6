"""issue 12: messages for schema migrations (upgrade) and moving a federation (migrate --to).

Registered into ``telecoop.i18n`` at its import; French first, then English.
"""

from __future__ import annotations

MIGRATION_MESSAGES: dict[str, tuple[str, str]] = {
    "upgrade.stamped": (
        "la base {path} est au schéma {version} ; elle est maintenant suivie par les migrations",
        "the database {path} is at schema {version}; migrations now keep track of it",
    ),
    # migrate --to URL
    "migrate.not_postgres": (
        "--to prend l'adresse d'une base PostgreSQL (postgresql://…), pas « {value} »",
        "--to takes the address of a PostgreSQL database (postgresql://…), not '{value}'",
    ),
    "migrate.source_not_file": (
        "« migrate » copie une fédération depuis un fichier SQLite (--db) ; {path} n'en est pas un",
        "'migrate' copies a federation from an SQLite file (--db); {path} is not one",
    ),
    "migrate.denied": (
        "seul le propriétaire de {path} (ou root) peut déplacer la fédération, sans --as",
        "only the owner of {path} (or root) may move the federation, without --as",
    ),
    "migrate.unreachable": (
        "impossible de joindre la base PostgreSQL {url} : {detail}",
        "cannot reach the PostgreSQL database {url}: {detail}",
    ),
    "migrate.not_empty": (
        "la base {url} n'est pas vide ({tables}) ; « migrate » ne copie que dans une base PostgreSQL vide",
        "the database {url} is not empty ({tables}); 'migrate' copies only into an empty PostgreSQL database",
    ),
    "migrate.mismatch": (
        "la copie dans {url} diffère de {path} ({detail}) ; rien n'a été gardé",
        "the copy in {url} differs from {path} ({detail}); nothing was kept",
    ),
    "migrate.failed": (
        "la copie vers {url} a échoué ({detail}) ; rien n'a été gardé",
        "copying into {url} failed ({detail}); nothing was kept",
    ),
    "migrate.done": (
        "fédération {path} copiée dans {url} : {summary} ; vérifiée (exports identiques)",
        "federation {path} copied into {url}: {summary}; verified (identical exports)",
    ),
}

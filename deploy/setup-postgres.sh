#!/usr/bin/env bash
# The PostgreSQL part of a TeleCoop federation spread over several SSH hosts
# (docs/deploy-postgresql.md). Safe to run again: every step checks or
# converges, nothing is dropped.
#
#   deploy/setup-postgres.sh database   # once, against the primary, with a superuser connection
#   PGSERVICE=telecoop_owner deploy/setup-postgres.sh grants
#                                       # again after every `telecoop upgrade` (also part of "database"),
#                                       # as the owner role (or a superuser)
#   deploy/setup-postgres.sh client     # as root on every SSH host
#   deploy/setup-postgres.sh all        # database + client (a host that is also allowed to reach a superuser)
#
# database: the owner role (owns the tables, runs `telecoop init` and
#   `telecoop upgrade`), the app role (login, no DDL: SELECT/INSERT/UPDATE/DELETE
#   on the application's tables, SELECT+INSERT only on audit, USAGE on
#   sequences, and UPDATE on them for the CSV import's setval), the database
#   (owned by the owner role), the btree_gist extension, the schema privileges
#   and the default privileges for tables the owner creates later. The
#   superuser connection is psql's usual one (PGHOST, PGPORT, PGUSER, ...), or,
#   with RUN_PSQL_AS=postgres as root on the database server, psql runs as the
#   postgres account over the local socket. Passwords are random, kept in
#   $SECRETS (root only) and sent to the server as SCRAM verifiers, never in
#   clear and never on a command line.
# grants: the per-table privileges (the same default privileges, and audit
#   narrowed to SELECT+INSERT); run it after each upgrade that adds a table.
# client: $ETC/pg_service.conf (root-owned, 0640, group = the service account)
#   with a [telecoop] section for the app and a [telecoop_owner] section for
#   upgrades, TLS with sslmode=verify-full and the CA file, a pgpass per role
#   (the app's readable by the service account only, the owner's by root only),
#   and $ETC/environment with TELECOOP_DB=postgresql://?service=telecoop and
#   PGSERVICEFILE for sudo's env_file (deploy/sudoers_telecoop_pg).
#
# Settings (environment; defaults in brackets):
#   DB_NAME [telecoop]  OWNER_ROLE [telecoop_owner]  APP_ROLE [telecoop_app]
#   DB_HOST [db.example.org] (client: the name(s) in the server's certificate;
#           "db1.example.org,db2.example.org" lists primary and standby)
#   DB_PORT [5432]  SSLMODE [verify-full]  CA_FILE [$ETC/db-ca.crt]
#   ETC [/etc/telecoop]  SECRETS [$ETC/secrets]  SERVICE_USER [telecoop]
#   RUN_PSQL_AS [unset] (database, grants: run psql as this OS account, e.g. postgres)
set -euo pipefail

DB_NAME=${DB_NAME:-telecoop}
OWNER_ROLE=${OWNER_ROLE:-telecoop_owner}
APP_ROLE=${APP_ROLE:-telecoop_app}
DB_HOST=${DB_HOST:-db.example.org}
DB_PORT=${DB_PORT:-5432}
SSLMODE=${SSLMODE:-verify-full}
ETC=${ETC:-/etc/telecoop}
CA_FILE=${CA_FILE:-$ETC/db-ca.crt}
SECRETS=${SECRETS:-$ETC/secrets}
SERVICE_USER=${SERVICE_USER:-telecoop}

die() { echo "setup-postgres.sh: $*" >&2; exit 1; }

for name in "$OWNER_ROLE" "$APP_ROLE"; do
    [[ $name =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "role name '$name': lower-case letters, digits and _ only"
done
[[ $DB_NAME =~ ^[a-z_][a-z0-9_-]{0,62}$ ]] || die "database name '$DB_NAME': lower-case letters, digits, _ and - only"
[[ $DB_PORT =~ ^[0-9]{1,5}$ ]] || die "DB_PORT '$DB_PORT' is not a port number"
[[ $DB_HOST =~ ^[A-Za-z0-9._/,:-]+$ ]] || die "DB_HOST '$DB_HOST': host names, addresses or a socket folder only"
[ "$OWNER_ROLE" != "$APP_ROLE" ] || die "the owner and the app role must differ"

export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"  # no "already exists, skipping" notices
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -v "db=$DB_NAME" -v "owner=$OWNER_ROLE" -v "app=$APP_ROLE")
if [ -n "${RUN_PSQL_AS:-}" ]; then
    # On the database server, as root: psql runs as that account (peer authentication as the
    # postgres superuser), while this script, as root, keeps the secrets and files.
    [ "$(id -u)" = 0 ] || die "RUN_PSQL_AS needs root"
    PSQL=(runuser -u "$RUN_PSQL_AS" -- env "PGOPTIONS=$PGOPTIONS" "${PSQL[@]}")
fi

# A random password for ROLE, made once (by "database") and kept in $SECRETS/ROLE.password (root only).
password_of() {
    local file="$SECRETS/$1.password"
    if [ ! -s "$file" ]; then
        [ "${2:-}" = make ] || die "$file missing: copy $SECRETS from where 'database' ran (scp -p, as root)"
        (umask 077 && mkdir -p "$SECRETS" && chmod 700 "$SECRETS" \
            && python3 -c 'import secrets; print(secrets.token_urlsafe(32))' > "$file.tmp" && mv "$file.tmp" "$file")
    fi
    head -n 1 "$file"
}

# The SCRAM-SHA-256 verifier of the password read on stdin (what the server stores).
scram_verifier() {
    python3 -c '
import base64, hashlib, hmac, os, sys
password = sys.stdin.readline().rstrip("\n").encode()
salt, rounds = os.urandom(16), 4096
salted = hashlib.pbkdf2_hmac("sha256", password, salt, rounds)
client_key = hmac.new(salted, b"Client Key", "sha256").digest()
server_key = hmac.new(salted, b"Server Key", "sha256").digest()
b64 = lambda b: base64.b64encode(b).decode()
print(f"SCRAM-SHA-256${rounds}:{b64(salt)}${b64(hashlib.sha256(client_key).digest())}:{b64(server_key)}")'
}

do_grants() {
    # Tables and sequences that exist now (the owner made them with `telecoop init`/`upgrade`).
    "${PSQL[@]}" -d "$DB_NAME" <<'SQL'
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM :"app";
-- USAGE: nextval for new rows. UPDATE: setval, which the CSV import needs after rows went in
-- with the files' own ids (store.engine.sync_id_sequences moves each sequence past them).
GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA public TO :"app";
REVOKE SELECT ON ALL SEQUENCES IN SCHEMA public FROM :"app";
-- The audit trail: the app adds events and reads them, never changes or removes one
-- (the telecoop_append_only trigger refuses it too, for every role).
SELECT format('REVOKE UPDATE, DELETE ON TABLE public.audit FROM %I', :'app')
    WHERE to_regclass('public.audit') IS NOT NULL \gexec
-- The migrations' own bookkeeping: read at start-up, written by the owner only.
SELECT format('REVOKE INSERT, UPDATE, DELETE ON TABLE public.alembic_version FROM %I', :'app')
    WHERE to_regclass('public.alembic_version') IS NOT NULL \gexec
SQL
}

do_database() {
    local owner_v app_v
    password_of "$OWNER_ROLE" make >/dev/null
    password_of "$APP_ROLE" make >/dev/null
    owner_v=$(password_of "$OWNER_ROLE" | scram_verifier)
    app_v=$(password_of "$APP_ROLE" | scram_verifier)
    # Roles and database (cluster-wide). The verifiers go through stdin, not argv.
    {
        echo "\\set owner_v '$owner_v'"
        echo "\\set app_v '$app_v'"
        cat <<'SQL'
SELECT format('CREATE ROLE %I', :'owner') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I', :'app') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app') \gexec
ALTER ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'owner_v';
ALTER ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT PASSWORD :'app_v';
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'owner', 'UTF8')
    WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
ALTER DATABASE :"db" OWNER TO :"owner";
-- Only these two roles connect; nobody makes temporary tables (no DDL of any kind for the app).
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app";
GRANT CONNECT, CREATE ON DATABASE :"db" TO :"owner";
SQL
    } | "${PSQL[@]}" -d postgres

    "${PSQL[@]}" -d "$DB_NAME" <<'SQL'
-- The no-overlap exclusion constraints need it; created by a superuser so the owner need not be one.
CREATE EXTENSION IF NOT EXISTS btree_gist;
-- The owner creates the schema's objects; the app may only use them.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO :"owner";
GRANT USAGE ON SCHEMA public TO :"app";
-- Every table and sequence the owner creates later (the next `telecoop upgrade`)
-- is the app's to read and write at once; `grants` then narrows audit again.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, UPDATE ON SEQUENCES TO :"app";
SQL
    do_grants
    echo "database $DB_NAME: owner $OWNER_ROLE, app $APP_ROLE (passwords in $SECRETS, root only)"
}

write_file() {  # write_file PATH MODE OWNER:GROUP < content   (atomically, never readable by others meanwhile)
    local tmp
    tmp=$(mktemp "$1.XXXXXX")
    cat > "$tmp"
    chmod "$2" "$tmp"
    chown "$3" "$tmp"
    mv -f "$tmp" "$1"
}

do_client() {
    [ "$(id -u)" = 0 ] || die "client: run as root (the files belong to root and $SERVICE_USER)"
    getent passwd "$SERVICE_USER" >/dev/null || die "client: no account '$SERVICE_USER' (deploy/setup.sh makes it)"
    local group
    group=$(id -gn "$SERVICE_USER")
    case $SSLMODE in
        verify-full|verify-ca) [ -r "$CA_FILE" ] || die "client: CA file $CA_FILE missing (the certificate of the CA that signed the server's)";;
        *) echo "setup-postgres.sh: warning: SSLMODE=$SSLMODE: the server's identity is not checked" >&2;;
    esac
    install -d -o root -g "$group" -m 750 "$ETC"
    local app_pw owner_pw
    app_pw=$(password_of "$APP_ROLE")
    owner_pw=$(password_of "$OWNER_ROLE")
    # libpq reads a password file only if nobody but its owner may read it: one per role.
    printf '*:*:%s:%s:%s\n' "$DB_NAME" "$APP_ROLE" "$app_pw" | write_file "$ETC/app.pgpass" 600 "$SERVICE_USER:$group"
    printf '*:*:%s:%s:%s\n' "$DB_NAME" "$OWNER_ROLE" "$owner_pw" | write_file "$ETC/owner.pgpass" 600 root:root
    local common
    common="host=$DB_HOST
port=$DB_PORT
dbname=$DB_NAME
sslmode=$SSLMODE
sslrootcert=$CA_FILE
target_session_attrs=read-write
connect_timeout=10
keepalives_idle=30
keepalives_interval=10
keepalives_count=4"
    write_file "$ETC/pg_service.conf" 640 "root:$group" <<EOF
# Written by deploy/setup-postgres.sh: change the settings there, and run it again.
# No password here: each role's is in its own pgpass (passfile).

[telecoop]
$common
user=$APP_ROLE
passfile=$ETC/app.pgpass
application_name=telecoop

[telecoop_owner]
$common
user=$OWNER_ROLE
passfile=$ETC/owner.pgpass
application_name=telecoop-upgrade
EOF
    write_file "$ETC/environment" 644 root:root <<EOF
TELECOOP_DB=postgresql://?service=telecoop
PGSERVICEFILE=$ETC/pg_service.conf
EOF
    echo "client: $ETC/pg_service.conf, $ETC/app.pgpass ($SERVICE_USER), $ETC/owner.pgpass (root), $ETC/environment"
}

case ${1:-} in
    database) do_database ;;
    grants) do_grants ;;
    client) do_client ;;
    all) do_database; do_client ;;
    *) die "usage: setup-postgres.sh database|grants|client|all (see the top of this file)" ;;
esac

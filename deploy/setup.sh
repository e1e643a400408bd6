#!/usr/bin/env bash
# One-time set-up of a shared TeleCoop server (Debian 12). Run as root from the
# project folder. Creates the service account that alone can read the
# database, the staff group, the program (in $PREFIX, owned by root), and the
# sshd and sudo rules. Safe to run again (it upgrades the program).
#
#   COOP=gaspesie COOP_NAME="Coopérative de santé de la Gaspésie" \
#   TZ_NAME=America/Toronto ADMIN=jbernatchez  deploy/setup.sh
#
# The paths below are also written in deploy/sshd_telecoop.conf and
# deploy/sudoers_telecoop: change them in all three places.
#
# Several SSH hosts sharing one PostgreSQL database (docs/deploy-postgresql.md),
# on each host:
#
#   ENGINE=postgresql deploy/setup.sh
#   DB_HOST=db1.example.org deploy/setup-postgres.sh client
#
# The first installs deploy/sshd_telecoop_pg.conf and deploy/sudoers_telecoop_pg
# instead and makes no database file (the federation is made once, with
# `telecoop init` as the owner role); the second writes the service file and
# /etc/telecoop/environment, which sudo reads.
set -euo pipefail
PREFIX=/opt/telecoop
DATA=/var/lib/telecoop
DB=$DATA/telecoop.db
ENGINE=${ENGINE:-sqlite}
cd "$(dirname "$0")/.."
case $ENGINE in
    sqlite) SSHD_CONF=deploy/sshd_telecoop.conf SUDOERS=deploy/sudoers_telecoop ;;
    postgresql) SSHD_CONF=deploy/sshd_telecoop_pg.conf SUDOERS=deploy/sudoers_telecoop_pg ;;
    *) echo "setup.sh: ENGINE is sqlite or postgresql" >&2; exit 1 ;;
esac

[ "$(id -u)" = 0 ] || { echo "setup.sh: run as root" >&2; exit 1; }
command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || { echo "setup.sh: apt-get install openssh-server" >&2; exit 1; }
command -v sudo >/dev/null || { echo "setup.sh: apt-get install sudo" >&2; exit 1; }
/usr/bin/python3 -c 'import ensurepip' 2>/dev/null || { echo "setup.sh: apt-get install python3-venv" >&2; exit 1; }

# The program: readable and runnable by everyone, writable by root only.
umask 022
getent group telecoop-staff >/dev/null || groupadd --system telecoop-staff
id telecoop >/dev/null 2>&1 || useradd --system --user-group --home-dir "$DATA" --no-create-home \
    --shell /usr/sbin/nologin telecoop
[ -x "$PREFIX/bin/pip" ] || /usr/bin/python3 -m venv "$PREFIX"
"$PREFIX/bin/pip" install -q --upgrade .
ln -sfn "$PREFIX/bin/telecoop" /usr/local/bin/telecoop

# The data: the service account alone (directory 700, database 600; SQLite gives
# the -wal and -shm files the database's own mode and owner).
install -d -o telecoop -g telecoop -m 700 "$DATA"
if [ "$ENGINE" = sqlite ] && [ ! -e "$DB" ]; then
    : "${COOP:?set COOP, COOP_NAME, TZ_NAME and ADMIN for the first co-op}"
    : "${COOP_NAME:?}" "${TZ_NAME:?}" "${ADMIN:?}"
    # Arguments passed as they are (co-op names have apostrophes), from a
    # folder the service account may enter.
    (umask 077 && cd / && sudo -u telecoop /usr/local/bin/telecoop --db "$DB" init --coop "$COOP" \
        --coop-name "$COOP_NAME" --tz "$TZ_NAME" --admin "$ADMIN")
fi
if [ "$ENGINE" = sqlite ]; then chown telecoop:telecoop "$DB"* && chmod 600 "$DB"*; fi

# sudo first (validated), then sshd (validated; a bad file is removed at once,
# so a later sshd restart cannot lock everyone out).
visudo -cf "$SUDOERS"
install -m 440 "$SUDOERS" /etc/sudoers.d/telecoop
install -m 644 "$SSHD_CONF" /etc/ssh/sshd_config.d/telecoop.conf
if ! /usr/sbin/sshd -t; then
    rm -f /etc/ssh/sshd_config.d/telecoop.conf
    echo "setup.sh: sshd refused the configuration; nothing changed in sshd" >&2
    exit 1
fi
systemctl reload ssh 2>/dev/null || service ssh reload 2>/dev/null || true

if [ "$ENGINE" = postgresql ] && [ ! -r /etc/telecoop/environment ]; then
    echo "setup.sh: now run deploy/setup-postgres.sh client: until then TeleCoop has no database here" >&2
fi
cat <<EOF
Done. To add a staff member (an OS account with a real shell, in the group):
  useradd -m -s /bin/sh -G telecoop-staff LOGIN     # then put their key in ~LOGIN/.ssh/authorized_keys
  sudo -u telecoop telecoop $([ "$ENGINE" = sqlite ] && echo "--db $DB ")--as ADMIN staff add LOGIN --coop SLUG --role receptionist --name "Full Name"
They log in with: ssh LOGIN@$(hostname -f 2>/dev/null || hostname)
EOF

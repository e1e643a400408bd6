#!/usr/bin/env bash
# One-time set-up of a shared TeleCoop server (Debian). Run as root from the
# project folder. Creates the service account that alone can read the
# database, the staff group, the wrapper, and the sshd and sudo rules.
set -euo pipefail
: "${PREFIX:=/opt/telecoop}"
: "${DB:=/var/lib/telecoop/telecoop.db}"

getent group telecoop-staff >/dev/null || groupadd --system telecoop-staff
id telecoop >/dev/null 2>&1 || useradd --system --home-dir /var/lib/telecoop --shell /usr/sbin/nologin telecoop
install -d -o telecoop -g telecoop -m 700 /var/lib/telecoop

python3 -m venv "$PREFIX"
"$PREFIX/bin/pip" install -q .
ln -sf "$PREFIX/bin/telecoop" /usr/local/bin/telecoop

# The database: owned by the service account, mode 600 (WAL and SHM files too,
# thanks to the umask in the account's environment and the 700 directory).
if [ ! -e "$DB" ]; then
    : "${COOP:?set COOP, COOP_NAME, TZ_NAME and ADMIN for the first co-op}"
    sudo -u telecoop sh -c "umask 077; /usr/local/bin/telecoop --db '$DB' init --coop '$COOP' --coop-name '$COOP_NAME' --tz '$TZ_NAME' --admin '$ADMIN'"
fi
chmod 600 "$DB"

visudo -cf deploy/sudoers_telecoop
install -m 440 deploy/sudoers_telecoop /etc/sudoers.d/telecoop
install -m 644 deploy/sshd_telecoop.conf /etc/ssh/sshd_config.d/telecoop.conf
sshd -t && (systemctl reload ssh 2>/dev/null || service ssh reload 2>/dev/null || true)
echo "Add staff: usermod -aG telecoop-staff LOGIN; then, as the federation admin:"
echo "  sudo -u telecoop telecoop --db $DB --as ADMIN staff add LOGIN --coop SLUG --role receptionist"

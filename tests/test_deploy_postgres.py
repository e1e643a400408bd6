"""deploy/setup-postgres.sh against the local PostgreSQL server (issue 12, item 8).

After ``database`` (twice: it is idempotent), ``client``, ``telecoop init``
as the owner role (its service) and ``grants`` as the owner role too: the app (``TELECOOP_DB=postgresql://?service=telecoop``) logs
in over TCP as the app role with its password from the pgpass the service
file names, imports a federation, books and cancels through the CLI, and is
refused, by privileges and before any trigger (SQLSTATE
42501), CREATE TABLE, a temporary table, DROP, and UPDATE/DELETE/TRUNCATE on
audit. The files have the modes and owners the deployment relies on.

The local server has ``ssl = off``, so the service file is written with
``sslmode=disable`` here; TLS itself (``verify-full``) is not exercised.
"""

from __future__ import annotations

import datetime as dt
import grp
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "deploy" / "setup-postgres.sh"
psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed")


def _superuser_available() -> str | None:
    """Why the test cannot run here, or None."""
    if shutil.which("psql") is None:
        return "no psql client on PATH"
    if os.geteuid() != 0:
        return "the client part writes root-owned files: run as root"
    try:
        with psycopg.connect("dbname=postgres", connect_timeout=3) as con:
            if not con.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
                return "the local PostgreSQL account is not a superuser"
    except psycopg.OperationalError as exc:
        return f"no local PostgreSQL server reachable over the socket ({str(exc).strip()[:80]})"
    return None


_why = _superuser_available()
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(_why is not None, reason=f"setup-postgres.sh not tested: {_why}")]


def _postgres_account_is_superuser() -> bool:
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    done = subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-X", "-tAc",
                           "SELECT rolsuper FROM pg_roles WHERE rolname = current_user", "postgres"],
                          capture_output=True, text=True, timeout=30)
    return done.returncode == 0 and done.stdout.strip() == "t"


@pytest.fixture()
def deployed(tmp_path, monkeypatch):
    suffix = uuid.uuid4().hex[:8]
    me = pwd.getpwuid(os.geteuid()).pw_name
    env = dict(os.environ,
               DB_NAME=f"issue12-bench-deploy-t{suffix}", OWNER_ROLE=f"issue12_bench_deploy_owner_{suffix}",
               APP_ROLE=f"issue12_bench_deploy_app_{suffix}", ETC=str(tmp_path / "etc"),
               DB_HOST="127.0.0.1", SSLMODE="disable", SERVICE_USER=me)

    def run(part: str, **extra: str) -> subprocess.CompletedProcess:
        done = subprocess.run(["bash", str(SCRIPT), part], env={**env, **extra}, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return done

    try:
        # As the docs say on a Debian server (psql as the postgres account, peer), when there is one.
        as_postgres = {"RUN_PSQL_AS": "postgres"} if _postgres_account_is_superuser() else {}
        run("database", **as_postgres)
        run("database")  # idempotent: the second run converges, changes nothing, fails on nothing
        run("client")
        monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "etc" / "pg_service.conf"))
        _owner_makes_schema()
        # As the docs say: after init or upgrade, from an SSH host, as the owner role (no superuser).
        run("grants", PGSERVICEFILE=str(tmp_path / "etc" / "pg_service.conf"), PGSERVICE="telecoop_owner")
        yield env
    finally:
        with psycopg.connect("dbname=postgres", autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{env["DB_NAME"]}" WITH (FORCE)')
            for role in (env["APP_ROLE"], env["OWNER_ROLE"]):
                con.execute(f'DROP ROLE IF EXISTS "{role}"')


def _owner_makes_schema() -> None:
    """The federation made as docs/deploy-postgresql.md says: `telecoop init` as the owner role."""
    done = subprocess.run([sys.executable, "-m", "telecoop.cli", "--lang", "en", "--db",
                           "postgresql://?service=telecoop_owner", "init", "--coop", "siege",
                           "--coop-name", "Fédération (siège)", "--tz", "America/Toronto", "--admin", "fed.root"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def _telecoop(*argv: str) -> subprocess.CompletedProcess:
    """The CLI as the service account runs it: TELECOOP_DB and PGSERVICEFILE from the environment file."""
    return subprocess.run([sys.executable, "-m", "telecoop.cli", "--lang", "en", *argv], capture_output=True,
                          text=True, timeout=120, env=dict(os.environ, TELECOOP_DB="postgresql://?service=telecoop"))


def _refused(con, sql: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with con.transaction():
            con.execute(sql)


def test_app_role_books_and_is_refused_ddl_and_audit_changes(deployed):
    etc = Path(deployed["ETC"])
    text = (etc / "pg_service.conf").read_text()
    assert f"user={deployed['APP_ROLE']}" in text and "passfile=" in text
    assert not [line for line in text.splitlines() if line.startswith("password")]
    assert "TELECOOP_DB=postgresql://?service=telecoop" in (etc / "environment").read_text().splitlines()
    group = grp.getgrgid(pwd.getpwnam(deployed["SERVICE_USER"]).pw_gid).gr_name
    for name, mode, owner, grp_name in (("pg_service.conf", 0o640, "root", group),
                                        ("app.pgpass", 0o600, deployed["SERVICE_USER"], group),
                                        ("owner.pgpass", 0o600, "root", "root")):
        st = (etc / name).stat()
        assert (stat.S_IMODE(st.st_mode), pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name) == (
            mode, owner, grp_name), name

    # The app, as the app role: load a federation, book a slot (audit rows written), cancel it.
    done = _telecoop("--as", "fed.root", "import", str(ROOT / "sample_data"))
    assert done.returncode == 0, done.stderr
    day = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    done = _telecoop("--as", "recep.gaspesie", "slots", "--clinician", "8", "--from", day, "--limit", "1", "--json")
    assert done.returncode == 0, done.stderr
    start = json.loads(done.stdout)[0]["start"]
    done = _telecoop("--as", "recep.gaspesie", "book", "--clinician", "8", "--start", start,
                     "--duration", "30", "--patient", "AB", "--consent", "--json")
    assert done.returncode == 0, done.stderr
    booking_id = json.loads(done.stdout)["id"]
    done = _telecoop("--as", "recep.gaspesie", "cancel", str(booking_id), "--reason", "test")
    assert done.returncode == 0, done.stderr

    # Over TCP, with the password from the pgpass the service names (the socket would use peer).
    with psycopg.connect("service=telecoop") as con:
        assert con.execute("SELECT current_user, inet_server_addr() IS NOT NULL").fetchone() == (
            deployed["APP_ROLE"], True)
        audit_rows = con.execute("SELECT count(*) FROM audit").fetchone()[0]
        assert audit_rows >= 2  # the booking and its cancellation at least
        _refused(con, "CREATE TABLE app_made (a integer)")
        _refused(con, "CREATE TEMPORARY TABLE app_tmp (a integer)")
        _refused(con, "DROP TABLE booking")
        _refused(con, "ALTER TABLE booking ADD COLUMN x integer")
        _refused(con, "UPDATE audit SET actor = 'someone else'")
        _refused(con, "DELETE FROM audit")
        _refused(con, "TRUNCATE audit")
        _refused(con, "TRUNCATE booking")
        if con.execute("SELECT to_regclass('public.alembic_version') IS NOT NULL").fetchone()[0]:
            _refused(con, "DELETE FROM alembic_version")  # the schema's version: the owner's to change
        assert con.execute("SELECT count(*) FROM audit").fetchone()[0] == audit_rows

    # The owner (what `telecoop upgrade` runs as) may change the schema.
    with psycopg.connect("service=telecoop_owner") as con:
        con.execute("ALTER TABLE booking ADD COLUMN owner_may integer")
        con.rollback()


def test_client_part_refuses_without_the_secrets_of_the_database_part(tmp_path):
    env = dict(os.environ, ETC=str(tmp_path / "etc"), SSLMODE="disable",
               SERVICE_USER=pwd.getpwuid(os.geteuid()).pw_name)
    done = subprocess.run(["bash", str(SCRIPT), "client"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "copy" in done.stderr and "secrets" in done.stderr
    assert not (tmp_path / "etc" / "pg_service.conf").exists()

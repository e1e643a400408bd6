"""TLS to the database as deploy/setup-postgres.sh writes it (issue 12, item 8): sslmode=verify-full.

The shared local server has ``ssl = off``, so this test starts a throwaway PostgreSQL 15 cluster
of its own (initdb as the postgres account, in a temporary folder, on a free port, listening on
127.0.0.1 only) with a server certificate for ``localhost`` signed by a throwaway CA, and
``pg_hba.conf`` accepting TLS with SCRAM passwords only. Then ``database`` and ``client``
run against it: the app role connects through its service over TLS (pg_stat_ssl says so);
a server certificate from another CA, a host name the certificate does not name, and a
connection without TLS are each refused.

Needs root, the postgres account, PostgreSQL 15's initdb/pg_ctl and openssl; skips otherwise.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "deploy" / "setup-postgres.sh"
BIN = Path("/usr/lib/postgresql/15/bin")
psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed")


def _why_skip() -> str | None:
    if os.geteuid() != 0:
        return "needs root (runs a throwaway cluster as the postgres account)"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "no postgres account"
    missing = [str(p) for p in (BIN / "initdb", BIN / "pg_ctl") if not p.exists()]
    missing += [p for p in ("openssl", "runuser", "psql") if shutil.which(p) is None]
    return f"not installed: {', '.join(missing)}" if missing else None


pytestmark = [pytest.mark.slow, pytest.mark.skipif(_why_skip() is not None, reason=str(_why_skip()))]


def _run(*argv: str, **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(list(argv), capture_output=True, text=True, timeout=120, **kw)
    assert done.returncode == 0, (argv, done.stdout, done.stderr)
    return done


def _as_postgres(*argv: str) -> subprocess.CompletedProcess:
    return _run("runuser", "-u", "postgres", "--", *argv)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _certificates(folder: Path) -> None:
    """A CA, a server certificate for localhost signed by it, and an unrelated CA."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca in ("ca", "other-ca"):
        _run("openssl", "req", "-x509", *ec, "-keyout", f"{ca}.key", "-out", f"{ca}.crt", "-days", "2",
             "-subj", f"/CN=TeleCoop test {ca}", cwd=folder)
    _run("openssl", "req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost", cwd=folder)
    (folder / "san.ext").write_text("subjectAltName=DNS:localhost\n")
    _run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "server.crt", "-days", "2", "-extfile", "san.ext", cwd=folder)


@pytest.fixture()
def tls_server():
    folder = Path(tempfile.mkdtemp(prefix="telecoop-tls-"))
    data = folder / "data"
    pg = pwd.getpwnam("postgres")
    started = False
    try:
        _certificates(folder)
        for path in [folder, *folder.iterdir()]:
            os.chown(path, pg.pw_uid, pg.pw_gid)
        (folder / "server.key").chmod(0o600)
        _as_postgres(str(BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust",
                     "--auth-host=reject", "-E", "UTF8", "--no-sync")
        port = _free_port()
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(f"""
port = {port}
listen_addresses = '127.0.0.1'
unix_socket_directories = '{folder}'
ssl = on
ssl_cert_file = '{folder}/server.crt'
ssl_key_file = '{folder}/server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
fsync = off
shared_buffers = 16MB
max_connections = 20
""")
        (data / "pg_hba.conf").write_text(
            "local all postgres trust\n"
            "hostssl all all 127.0.0.1/32 scram-sha-256\n"
            "host all all 127.0.0.1/32 reject\n"
        )
        _as_postgres(str(BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60", "start")
        started = True
        yield folder, port
    finally:
        if started:
            subprocess.run(["runuser", "-u", "postgres", "--", str(BIN / "pg_ctl"), "-D", str(data), "-m",
                            "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def test_app_connects_over_tls_with_verify_full_and_nothing_else_gets_in(tls_server, tmp_path, monkeypatch):
    folder, port = tls_server
    me = pwd.getpwuid(os.geteuid()).pw_name
    env = dict(os.environ, PGHOST=str(folder), PGPORT=str(port), PGUSER="postgres", ETC=str(tmp_path / "etc"),
               DB_PORT=str(port), SERVICE_USER=me, DB_HOST="localhost", SSLMODE="verify-full",
               CA_FILE=str(folder / "ca.crt"))

    def script(part: str, **extra: str) -> None:
        _run("bash", str(SCRIPT), part, env={**env, **extra})

    script("database")
    script("client")
    service_file = tmp_path / "etc" / "pg_service.conf"
    assert "sslmode=verify-full" in service_file.read_text()
    monkeypatch.setenv("PGSERVICEFILE", str(service_file))
    for var in ("PGHOST", "PGPORT", "PGUSER"):
        monkeypatch.delenv(var, raising=False)

    with psycopg.connect("service=telecoop") as con:
        user, ssl, version = con.execute(
            "SELECT current_user, ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()
    assert (user, ssl) == ("telecoop_app", True)
    assert version in ("TLSv1.2", "TLSv1.3")

    # A server whose certificate another CA signed (the service file trusts only ours).
    script("client", CA_FILE=str(folder / "other-ca.crt"))
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        psycopg.connect("service=telecoop").close()

    # The right CA, but a host name the certificate does not name: verify-full refuses it.
    script("client", DB_HOST="127.0.0.1")
    with pytest.raises(psycopg.OperationalError, match="does not match host name"):
        psycopg.connect("service=telecoop").close()

    # Without TLS the server itself refuses (pg_hba: hostssl only).
    script("client", SSLMODE="disable")
    with pytest.raises(psycopg.OperationalError, match="no encryption|reject"):
        psycopg.connect("service=telecoop").close()

"""deploy/sudoers_telecoop_pg: under sudo, TeleCoop gets TELECOOP_DB and PGSERVICEFILE from the
root-owned environment file, whatever the staff member's own environment says, and the command
takes no argument (issue 12, item 8; docs/deploy-postgresql.md).

The shipped rule is installed with only names and paths changed (a throwaway service account,
staff group and staff account; /usr/bin/env standing for the program, so the test reads the
environment the program would get). Needs root, sudo, visudo and useradd; skips otherwise.
Everything created is removed at teardown.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RULE = ROOT / "deploy" / "sudoers_telecoop_pg"


def _why_skip() -> str | None:
    if os.geteuid() != 0:
        return "needs root (creates OS accounts and a sudoers rule)"
    missing = [p for p in ("sudo", "visudo", "useradd", "groupadd", "runuser") if shutil.which(p) is None]
    if missing:
        return f"not installed: {', '.join(missing)}"
    return None


pytestmark = [pytest.mark.slow, pytest.mark.skipif(_why_skip() is not None, reason=str(_why_skip()))]


def _run(*argv: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(list(argv), capture_output=True, text=True, timeout=60)
    if check:
        assert done.returncode == 0, (argv, done.stdout, done.stderr)
    return done


@pytest.fixture()
def rule(tmp_path):
    tag = secrets.token_hex(3)
    service, group, staff = f"tcsvc{tag}", f"tcstaff{tag}", f"tcuser{tag}"
    env_file = tmp_path / "environment"
    env_file.write_text("TELECOOP_DB=postgresql://?service=telecoop\nPGSERVICEFILE=/etc/telecoop/pg_service.conf\n")
    env_file.chmod(0o644)
    text = RULE.read_text()
    for old, new in (("/etc/telecoop/environment", str(env_file)), ("/usr/local/bin/telecoop", "/usr/bin/env"),
                     ("%telecoop-staff", f"%{group}"), ("(telecoop)", f"({service})"),
                     ("Defaults>telecoop ", f"Defaults>{service} ")):
        assert old in text, old
        text = text.replace(old, new)
    dropin = Path(f"/etc/sudoers.d/telecoop-envtest-{tag}")  # no dot in the name: sudo would skip it
    made: list[tuple[str, str]] = []
    try:
        _run("groupadd", "--system", group)
        made.append(("groupdel", group))
        _run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", service)
        made.append(("userdel", service))
        _run("useradd", "--no-create-home", "--shell", "/bin/sh", "-G", group, staff)
        made.append(("userdel", staff))
        draft = tmp_path / "sudoers"
        draft.write_text(text)
        _run("visudo", "-cf", str(draft))
        draft.chmod(0o440)
        shutil.copy(draft, dropin)
        yield service, staff
    finally:
        dropin.unlink(missing_ok=True)
        for cmd, name in reversed(made):
            subprocess.run([cmd, name], capture_output=True)


def _as_staff(staff: str, service: str, *argv: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    setenv = [f"{k}={v}" for k, v in env.items()]
    return _run("runuser", "-u", staff, "--", "env", *setenv, "sudo", "-n", "-u", service, *argv, check=False)


def test_the_environment_file_decides_the_database_not_the_staff_member(rule):
    service, staff = rule
    mine = {"TELECOOP_DB": "/tmp/mine.db", "PGSERVICEFILE": "/tmp/mine.conf", "PGHOST": "evil.example.org",
            "PGPASSFILE": "/tmp/mine.pgpass", "LANG": "fr_CA.UTF-8"}
    done = _as_staff(staff, service, "/usr/bin/env", env=mine)
    assert done.returncode == 0, done.stderr
    got = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    assert got["TELECOOP_DB"] == "postgresql://?service=telecoop"
    assert got["PGSERVICEFILE"] == "/etc/telecoop/pg_service.conf"
    assert "PGHOST" not in got and "PGPASSFILE" not in got
    assert got["LANG"] == "fr_CA.UTF-8"  # env_keep still passes the language
    assert got.get("SUDO_USER") == staff


def test_the_command_takes_no_argument(rule):
    service, staff = rule
    for extra in (["--db", "/tmp/mine.db"], ["--as", "someone"], ["TELECOOP_DB=/tmp/x.db"]):
        done = _as_staff(staff, service, "/usr/bin/env", *extra, env={})
        assert done.returncode != 0, extra
        assert "TELECOOP_DB" not in done.stdout

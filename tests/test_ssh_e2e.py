"""The shared-server set-up, end to end, over a real OpenSSH server (README "Shared-server set-up").

A throwaway deployment like ``deploy/setup.sh`` makes: the program installed
(non-editable, with the system Python) in a root-owned, world-readable prefix;
the database owned by the service account (file 600, folder 700); sshd's
``Match Group`` block and the sudoers rule taken from ``deploy/`` with only
names and paths changed (and sshd's keep-alive shortened); sshd on a port of
its own. A throwaway staff account logs in with ``ssh -tt`` inside
tmux at 80x24, is recognised by name and co-op, books through the keys, and
quits. Then: the booking and its audit event name that login; the staff
member cannot read the database or run anything else through sudo; a remote
command, ``--as`` and ``TELECOOP_DB`` change nothing; a link that goes silent
mid-form ends the session and leaves nothing behind; without a terminal,
nothing starts.

Needs root, sshd, sudo and tmux (``.ci/run`` installs them); skips otherwise.
Everything created is removed at teardown, even when the test fails.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

# Terminal-driving tests share one xdist worker: run side by side on two
# cores, their timing-based quiet detection saw each other's load.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("pty")]

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
# The names and paths written in deploy/ (a real server), replaced by throwaway ones: this
# machine may be a real server, and two runs of this test may overlap.
DEPLOY_SERVICE, DEPLOY_GROUP = "telecoop", "telecoop-staff"
DEPLOY_PROGRAM, DEPLOY_DB = "/usr/local/bin/telecoop", "/var/lib/telecoop/telecoop.db"
SYSTEM_PYTHON = "/usr/bin/python3"
SSHD = "/usr/sbin/sshd"
STAFF_NAME = "Gaby Tremblay-Essai"
COOP = "gaspesie"
WAIT = 30.0


# --------------------------------------------------------------------------- #
# Small helpers
# --------------------------------------------------------------------------- #


def _why_skip() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root (creates OS accounts, a sudoers rule and an sshd)"
    missing = [name for name, path in (("sshd", shutil.which("sshd") or (SSHD if os.access(SSHD, os.X_OK) else None)),
                                       ("ssh", shutil.which("ssh")), ("ssh-keygen", shutil.which("ssh-keygen")),
                                       ("sudo", shutil.which("sudo")), ("visudo", shutil.which("visudo")),
                                       ("tmux", shutil.which("tmux")), ("useradd", shutil.which("useradd")),
                                       ("runuser", shutil.which("runuser")))
               if not path]
    if missing:
        return f"not installed: {', '.join(missing)} (.ci/run installs openssh-server, sudo and tmux with apt-get)"
    try:
        out = subprocess.run([SYSTEM_PYTHON, "-c", "import sys, venv; print(sys.version_info >= (3, 11))"],
                             capture_output=True, text=True, timeout=30)
    except OSError:
        return f"no {SYSTEM_PYTHON} to install the deployment with"
    if out.stdout.strip() != "True":
        return f"{SYSTEM_PYTHON} is not Python >= 3.11 with venv"
    return None


def run(argv: list[str], *, check: bool = True, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)
    if check and done.returncode != 0:
        raise AssertionError(f"{argv} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def wait_for(what: str, probe, *, timeout: float = WAIT, details=lambda: ""):
    """Poll ``probe`` until it returns something true, or fail with ``details()`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}\n{details()}")
        time.sleep(0.1)


def pids_of(uid: int) -> dict[int, str]:
    """Running processes of ``uid``: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        uid_line = next((line for line in status.splitlines() if line.startswith("Uid:")), "")
        if uid_line.split()[1:2] == [str(uid)] and cmdline:
            found[int(entry.name)] = cmdline
    return found


def alive(pid: int) -> bool:
    """Running, or stopped; not gone, not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def child_of(parent: int, name: str) -> int:
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if entry.name.isdigit() and int(fields[1]) == parent and (entry / "comm").read_text().strip() == name:
                return int(entry.name)
    raise AssertionError(f"no {name} under process {parent}")


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0") if "=" in item)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def from_deploy(name: str, replacements: dict[str, str]) -> str:
    """A deploy/ file with its real-server paths replaced; every one must be there."""
    text = (DEPLOY / name).read_text()
    for old, new in replacements.items():
        assert old in text, f"deploy/{name} no longer says {old!r}: update this test with it"
        text = text.replace(old, new)
    return text


def quietly(action, *args, **kw) -> None:
    """Teardown step: never let one failure stop the others."""
    try:
        action(*args, **kw)
    except Exception as exc:  # noqa: BLE001
        print(f"teardown: {getattr(action, '__name__', action)}{args}: {exc}", file=sys.stderr)


def db_rows(db: Path, sql: str, *params) -> list[tuple]:
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


# --------------------------------------------------------------------------- #
# The deployment
# --------------------------------------------------------------------------- #


@dataclass
class Server:
    prefix: Path
    program: Path
    db: Path
    login: str
    service: str
    staff_uid: int
    service_uid: int
    port: int
    key: Path
    sshd: subprocess.Popen
    sshd_log: Path
    tmux: list[str]
    tmux_pid: int | None = None

    # --- ssh in tmux -------------------------------------------------------

    def ssh_argv(self, *extra: str) -> list[str]:
        return ["ssh", "-tt", "-F", "/dev/null", "-i", str(self.key), "-p", str(self.port),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                "-o", "IdentityAgent=none", "-o", "LogLevel=ERROR", "-o", "SendEnv=LANG",
                *extra, f"{self.login}@127.0.0.1"]

    def open(self, session: str, argv: list[str]) -> None:
        """``argv`` in a new 80x24 window, under a shell that notes its exit status.

        (tmux's own #{pane_dead_status} is not reliable here: it sometimes never
        reaps the pane's process. And the shell keeps tmux from continuing ssh
        when the test stops it: tmux continues its own stopped children.)
        """
        command = " ".join(shlex.quote(a) for a in argv)
        status = shlex.quote(str(self.prefix / f"{session}.status"))
        run([*self.tmux, "new-session", "-d", "-s", session, "-x", "80", "-y", "24",
             "-e", "LANG=en_CA.UTF-8", f"{command}; echo $? > {status}"])
        size = run([*self.tmux, "display-message", "-p", "-t", session, "#{pane_width}x#{pane_height}"]).stdout
        assert size.strip() == "80x24"
        if self.tmux_pid is None:
            self.tmux_pid = int(run([*self.tmux, "display-message", "-p", "#{pid}"]).stdout)

    def exit_status(self, session: str) -> int | None:
        """The window's command's exit status once it has ended."""
        path = self.prefix / f"{session}.status"
        text = path.read_text().strip() if path.exists() else ""
        return int(text) if text else None

    def screen(self, session: str) -> str:
        done = run([*self.tmux, "capture-pane", "-p", "-t", session], check=False)
        return done.stdout

    def keys(self, session: str, *keys: str, literal: bool = False) -> None:
        run([*self.tmux, "send-keys", "-t", session, *(["-l"] if literal else []), *keys])

    def pane(self, session: str, fmt: str) -> str:
        return run([*self.tmux, "display-message", "-p", "-t", session, fmt]).stdout.strip()

    def wait_screen(self, session: str, what: str, test, timeout: float = WAIT) -> str:
        def probe():
            text = self.screen(session)
            return text if test(text) else None

        return wait_for(what, probe, timeout=timeout, details=lambda: self.explain(session))

    def explain(self, session: str) -> str:
        log = self.sshd_log.read_text(errors="replace")[-3000:] if self.sshd_log.exists() else ""
        ps = run(["ps", "-eo", "pid,ppid,stat,wchan:20,args"], check=False).stdout
        ps = "\n".join(line[:160] for line in ps.splitlines() if "ssh" in line or "tmux" in line or "telecoop" in line)
        return f"--- screen ({session}) ---\n{self.screen(session)}\n--- sshd log ---\n{log}\n--- ps ---\n{ps}"

    # --- the staff member's own attempts -----------------------------------

    def as_staff(self, *argv: str) -> subprocess.CompletedProcess:
        return run(["runuser", "-u", self.login, "--", *argv], check=False, cwd="/", stdin=subprocess.DEVNULL)


def _build_database(db: Path, login: str) -> None:
    """The demo federation (built with the dev install), plus the throwaway staff member."""
    from telecoop.services import dataio

    dataio.build_demo(db, fresh=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUDO_", "TELECOOP_"))}
    run([sys.executable, "-m", "telecoop", "--db", str(db), "--as", "fed.admin", "staff", "add", login,
         "--coop", COOP, "--role", "receptionist", "--name", STAFF_NAME], env=env, cwd="/")
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def _install(prefix: Path) -> Path:
    """The program, non-editable, in a venv of the system Python (as deploy/setup.sh does)."""
    src = prefix / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    venv = prefix / "venv"
    run([SYSTEM_PYTHON, "-m", "venv", "--without-pip", str(venv)])
    # The dev install's pip installs into it (works offline from its caches and indexes).
    run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
         "--no-compile", "--disable-pip-version-check", str(src)], timeout=600)
    # Compile what the app imports once, as root: the service account cannot write here.
    run([str(venv / "bin" / "python"), "-c", "import telecoop.cli, telecoop.tui.app, telecoop.services.booking"])
    program = venv / "bin" / "telecoop"
    assert program.exists()
    return program


def _start_sshd(dirpath: Path, login: str, program: Path, db: Path, service: str,
                group: str) -> tuple[subprocess.Popen, int, Path]:
    host_key = dirpath / "host_ed25519"
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "telecoop-e2e-host", "-f", str(host_key)])
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation folder
    match_block = from_deploy("sshd_telecoop.conf", {
        DEPLOY_PROGRAM: str(program),
        DEPLOY_DB: str(db),
        f"Match Group {DEPLOY_GROUP}\n": f"Match Group {group}\n",
        f"-u {DEPLOY_SERVICE} ": f"-u {service} ",
        # A silent link is given up after 2 s instead of 2 minutes.
        "ClientAliveInterval 30": "ClientAliveInterval 1",
        "ClientAliveCountMax 4": "ClientAliveCountMax 2",
    })
    log = dirpath / "sshd.log"
    for _attempt in range(3):
        port = free_port()
        config = dirpath / "sshd_config"
        # The main file as Debian's, minus PAM (containers refuse pam_loginuid), plus deploy/'s block.
        config.write_text(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile {dirpath / 'sshd.pid'}\n"
            f"AllowUsers {login}\nAuthorizedKeysFile .ssh/authorized_keys\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nUsePAM no\nPrintMotd no\nPrintLastLog no\nLogLevel VERBOSE\n"
            "AcceptEnv LANG LC_*\nSubsystem sftp /usr/lib/openssh/sftp-server\n\n" + match_block
        )
        run([SSHD, "-t", "-f", str(config)])
        proc = subprocess.Popen([SSHD, "-D", "-f", str(config), "-E", str(log)], stdin=subprocess.DEVNULL)

        def listening(port=port, proc=proc):
            if proc.poll() is not None:
                return "exited"  # most likely the port was taken meanwhile: another one
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                return "up"
            return None

        try:
            state = wait_for("sshd to listen", listening, timeout=15, details=lambda: log.read_text(errors="replace"))
        except BaseException:
            _stop(proc)
            raise
        if state == "up":
            return proc, port, log
    raise AssertionError(f"sshd would not start\n{log.read_text(errors='replace')}")


@pytest.fixture
def server():
    why = _why_skip()
    if why:
        pytest.skip(why)
    started = time.monotonic()
    with contextlib.ExitStack() as undo:
        prefix = Path(tempfile.mkdtemp(prefix="telecoop-e2e-"))
        undo.callback(quietly, shutil.rmtree, prefix)
        prefix.chmod(0o755)  # root's, readable by all: the service account runs the program from here

        # Accounts as deploy/setup.sh makes them: the staff group, the service account (no
        # shell, owns the data), a staff member with a real shell (sshd runs ForceCommand with
        # it) and "*" for a password (none, yet not "locked" for sshd).
        tag = secrets.token_hex(3)
        group, service_name, login = f"tcstaff{tag}", f"tcsvc{tag}", f"tcrecep{tag}"
        run(["groupadd", "--system", group])
        undo.callback(quietly, run, ["groupdel", group])
        data = prefix / "var"
        run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", str(data),
             "--shell", "/usr/sbin/nologin", service_name])
        undo.callback(quietly, run, ["userdel", service_name])
        service = pwd.getpwnam(service_name)
        run(["useradd", "--create-home", "--shell", "/bin/sh", "--password", "*", "--groups", group, login])
        undo.callback(quietly, run, ["userdel", "--remove", login])
        staff = pwd.getpwnam(login)
        # Before the user goes: any session process still running (ours, by pid).
        undo.callback(quietly, _end_processes, [staff.pw_uid, service.pw_uid])

        program = _install(prefix)
        install_seconds = time.monotonic() - started

        data.mkdir()
        db = data / "telecoop.db"
        _build_database(db, login)
        for path in data.iterdir():
            os.chown(path, service.pw_uid, service.pw_gid)
            path.chmod(0o600)
        os.chown(data, service.pw_uid, service.pw_gid)
        data.chmod(0o700)

        # The staff member's key.
        key = prefix / "client_ed25519"
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "telecoop-e2e", "-f", str(key)])
        dot_ssh = Path(staff.pw_dir) / ".ssh"
        dot_ssh.mkdir(mode=0o700)
        (dot_ssh / "authorized_keys").write_text(Path(f"{key}.pub").read_text())
        for path in (dot_ssh, dot_ssh / "authorized_keys"):
            os.chown(path, staff.pw_uid, staff.pw_gid)
        (dot_ssh / "authorized_keys").chmod(0o600)

        # sudo: deploy/'s rule with the paths replaced, validated, in a drop-in of its own.
        rule = from_deploy("sudoers_telecoop", {DEPLOY_PROGRAM: str(program), DEPLOY_DB: str(db),
                                                f"({DEPLOY_SERVICE})": f"({service_name})",
                                                f"%{DEPLOY_GROUP}": f"%{group}"})
        draft = prefix / "sudoers"
        draft.write_text(rule)
        run(["visudo", "-cf", str(draft)])
        dropin = Path(f"/etc/sudoers.d/telecoop-e2e-{login}")  # no dot in the name: sudo would skip it
        undo.callback(quietly, dropin.unlink, True)
        shutil.copy(draft, dropin)
        dropin.chmod(0o440)

        # sshd on its own port, with deploy/'s Match block.
        sshd_dir = prefix / "sshd"
        sshd_dir.mkdir(mode=0o700)
        proc, port, log = _start_sshd(sshd_dir, login, program, db, service_name, group)
        undo.callback(quietly, _stop, proc)

        tmux_conf = prefix / "tmux.conf"
        tmux_conf.write_text("set -g status off\nset -g remain-on-exit on\n")
        tmux = ["tmux", "-u", "-S", str(prefix / "tmux.sock"), "-f", str(tmux_conf)]
        server = Server(prefix=prefix, program=program, db=db, login=login, service=service_name,
                        staff_uid=staff.pw_uid, service_uid=service.pw_uid, port=port, key=key, sshd=proc,
                        sshd_log=log, tmux=tmux)
        undo.callback(quietly, _stop_tmux, server)  # runs first at teardown

        print(f"\nssh e2e: deployment venv installed in {install_seconds:.1f} s, "
              f"ready in {time.monotonic() - started:.1f} s", file=sys.stderr)
        yield server


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _stop_tmux(server: Server) -> None:
    """Ends every window (their ssh clients, hence the sessions), then the server itself."""
    run([*server.tmux, "kill-server"], check=False)
    pid = server.tmux_pid
    if pid is not None:
        deadline = time.monotonic() + 5
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def _end_processes(uids: list[int]) -> None:
    """The sessions end once tmux and sshd are gone; wait for that, then end stragglers by pid."""
    deadline = time.monotonic() + 10
    ours = lambda: {pid: cmd for uid in uids for pid, cmd in pids_of(uid).items()}  # noqa: E731
    while ours() and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid, cmd in ours().items():
        print(f"teardown: ending leftover process {pid} ({cmd})", file=sys.stderr)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


# --------------------------------------------------------------------------- #
# The test
# --------------------------------------------------------------------------- #


def test_staff_member_books_over_ssh_as_themselves_and_reaches_nothing_else(server: Server):
    s = server
    t0 = time.monotonic()

    # -- The database belongs to the service account alone -----------------
    st_dir, st_db = s.db.parent.stat(), s.db.stat()
    assert (st_dir.st_uid, st_dir.st_mode & 0o777) == (s.service_uid, 0o700)
    assert (st_db.st_uid, st_db.st_mode & 0o777) == (s.service_uid, 0o600)
    cat = s.as_staff("cat", str(s.db))
    assert cat.returncode != 0 and "Permission denied" in cat.stderr
    py = s.as_staff(SYSTEM_PYTHON, "-c", f"open({str(s.db)!r}, 'rb')")
    assert py.returncode != 0 and "PermissionError" in py.stderr
    py_sql = s.as_staff(SYSTEM_PYTHON, "-c", f"import sqlite3; sqlite3.connect({str(s.db)!r}).execute('select 1 from booking')")
    assert py_sql.returncode != 0 and "unable to open database file" in py_sql.stderr
    if shutil.which("sqlite3"):
        cli = s.as_staff("sqlite3", str(s.db), "select count(*) from booking")
        assert cli.returncode != 0 and "unable to open database" in cli.stderr

    # -- sudo grants exactly one command line -------------------------------
    service_sudo = ["sudo", "-n", "-u", s.service]
    for attempt in (
        [str(s.program), "--db", str(s.db), "--as", "fed.admin", "audit"],  # --as
        [str(s.program), "--as", "fed.admin", "--db", str(s.db)],
        [str(s.program), "--db", "/tmp/other.db"],  # another database
        ["TELECOOP_DB=/tmp/other.db", str(s.program), "--db", str(s.db)],  # environment
        ["/bin/cat", str(s.db)],
        [SYSTEM_PYTHON, "-c", "print(1)"],
    ):
        refused = s.as_staff(*service_sudo, *attempt)
        assert refused.returncode == 1 and "sudo:" in refused.stderr, (attempt, refused)
        assert "password is required" in refused.stderr or "not allowed" in refused.stderr, (attempt, refused.stderr)
    # Even if a sudoers rule let --as through, TeleCoop itself refuses it under sudo.
    as_refused = run(["runuser", "-u", s.service, "--", "env", f"SUDO_USER={s.login}", f"SUDO_UID={s.staff_uid}",
                      "LANG=en_CA.UTF-8", str(s.program), "--db", str(s.db), "--as", "fed.admin", "audit"],
                     check=False, cwd="/")
    assert as_refused.returncode == 1 and as_refused.stdout == "", as_refused
    assert "--as" in as_refused.stderr and "Traceback" not in as_refused.stderr, as_refused.stderr

    # -- Log in over SSH: TeleCoop, as them ----------------------------------
    before = db_rows(s.db, "select count(*) from booking")[0][0]
    s.open("book", s.ssh_argv())
    screen = s.wait_screen("book", "the app to show the staff member", lambda x: STAFF_NAME in x and "free slot" in x)
    identity = next(line for line in screen.splitlines() if STAFF_NAME in line)
    assert COOP in identity and "receptionist" in identity, identity  # English: LANG came through ssh and sudo
    s.keys("book", "Enter")
    s.wait_screen("book", "the booking form", lambda x: "Patient reference" in x)
    s.keys("book", "E2E-4242", literal=True)
    s.wait_screen("book", "the typed reference", lambda x: "E2E-4242" in x)
    # issue 14: a video visit needs the patient's consent, ticked on the form
    s.keys("book", "Tab")
    s.keys("book", "Space")
    s.wait_screen("book", "the consent ticked", lambda x: "[x] The patient consents" in x)
    s.keys("book", "BTab", "Enter")
    s.wait_screen("book", "the booking's confirmation", lambda x: re.search(r"Booked: booking #\d+", x))
    s.keys("book", "C-q")
    wait_for("the app and ssh to end", lambda: s.exit_status("book") is not None, details=lambda: s.explain("book"))
    assert s.exit_status("book") == 0, s.explain("book")

    # -- The booking and its audit event name the staff member ----------------
    made = db_rows(s.db, "select id, booked_by, coop, status from booking where patient = ?", "E2E-4242")
    assert len(made) == 1 and made[0][1:] == (s.login, COOP, "booked"), made
    assert db_rows(s.db, "select count(*) from booking")[0][0] == before + 1
    events = db_rows(s.db, "select actor, action from audit where entity = 'booking' and entity_id = ?", str(made[0][0]))
    assert events == [(s.login, "booking.book")], events

    # -- Without a terminal (ssh -T, scp, sftp, scripts) the app does not start at all --
    no_tty = run([a for a in s.ssh_argv("-T") if a != "-tt"] + ["cat /etc/passwd"], check=False,
                 stdin=subprocess.DEVNULL, timeout=WAIT)
    assert no_tty.returncode == 1 and "needs a terminal" in no_tty.stderr, no_tty
    assert "root:x:0:0" not in no_tty.stdout + no_tty.stderr
    assert not pids_of(s.service_uid), "no app left running"

    # -- A remote command, --as and TELECOOP_DB change nothing -----------------
    s.open("inject", s.ssh_argv("-o", "SetEnv=TELECOOP_DB=/tmp/elsewhere.db PYTHONPATH=/tmp")
           + ["cat /etc/passwd; telecoop --as fed.admin --db /tmp/elsewhere.db"])
    screen = s.wait_screen("inject", "the app, despite the remote command",
                           lambda x: STAFF_NAME in x and "free slot" in x)
    assert "root:x:0:0" not in screen and "Bernatchez" not in screen, screen  # fed.admin is Josée Bernatchez
    apps = {pid: cmd for pid, cmd in pids_of(s.service_uid).items() if str(s.program) in cmd}
    assert len(apps) == 1, apps
    [(app_pid, app_cmd)] = apps.items()
    assert app_cmd.endswith(f"{s.program} --db {s.db}"), app_cmd
    env = environ_of(app_pid)
    assert env.get("SUDO_USER") == s.login, env
    assert env.get("LANG") == "en_CA.UTF-8" and env.get("SSH_CONNECTION", "").startswith("127.0.0.1 "), env
    leaked = {k for k in env if k.startswith(("TELECOOP_", "PYTHON", "TEXTUAL_")) or k == "SSH_ORIGINAL_COMMAND"}
    assert not leaked, leaked

    # -- The link goes silent mid-form: sshd gives up, the app ends, nothing stays --
    s.keys("inject", "Enter")
    s.wait_screen("inject", "the booking form", lambda x: "Patient reference" in x)
    s.keys("inject", "E2E-DROP", literal=True)
    s.wait_screen("inject", "the typed reference", lambda x: "E2E-DROP" in x)
    # The client stops answering; TCP stays up, as on a dead radio link.
    ssh_pid = child_of(int(s.pane("inject", "#{pane_pid}")), "ssh")
    os.kill(ssh_pid, signal.SIGSTOP)
    try:
        wait_for("the app to end after sshd's keep-alives go unanswered",
                 lambda: not alive(app_pid), timeout=20, details=lambda: s.explain("inject"))
    finally:
        os.kill(ssh_pid, signal.SIGKILL)
    assert "Timeout, client not responding" in s.sshd_log.read_text(errors="replace")
    assert not db_rows(s.db, "select id from booking where patient = ?", "E2E-DROP")
    con = sqlite3.connect(s.db, timeout=0, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")  # no lock left behind
        con.execute("ROLLBACK")
    finally:
        con.close()
    assert not Path(f"{s.db}-journal").exists()

    # The files stay the service account's, mode 600 (SQLite gives -wal/-shm the database's).
    for path in s.db.parent.iterdir():
        st = path.stat()
        assert (st.st_uid, st.st_mode & 0o777) == (s.service_uid, 0o600), path
    print(f"ssh e2e: sessions and checks took {time.monotonic() - t0:.1f} s", file=sys.stderr)

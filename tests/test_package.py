"""The package as someone outside the repository gets it: a wheel, its demo, its version, completion."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from telecoop.cli import main
from telecoop.domain.errors import NotFound, StoreError
from telecoop.services.dataio import build_demo

ROOT = Path(__file__).resolve().parents[1]


def test_sample_data_has_one_copy_inside_the_package():
    from telecoop import locations

    packaged = ROOT / "src" / "telecoop" / "sample_data"
    assert locations.sample_data_dir() == packaged.resolve()
    assert (ROOT / "sample_data").resolve() == packaged.resolve()  # the repository path still works
    assert (packaged / "coops.csv").is_file()


def test_version(capsys):
    assert main(["--version"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("telecoop ") and out.split()[1][0].isdigit()


def test_a_demo_database_without_coops_is_rebuilt(tmp_path, capsys):
    from telecoop.store.engine import make_engine

    path = tmp_path / "demo.db"
    make_engine(path).dispose()  # what a failed first run used to leave: a schema, no co-op
    assert build_demo(path) is True
    assert build_demo(path) is False  # now it has co-ops: kept
    assert main(["--db", str(path), "check"]) == 0
    assert "coops: 7" in capsys.readouterr().out


def test_a_failed_demo_build_leaves_nothing_and_a_foreign_file_is_kept(tmp_path, monkeypatch):
    path = tmp_path / "demo.db"
    monkeypatch.setenv("TELECOOP_SAMPLE_DATA", str(tmp_path / "missing"))
    with pytest.raises(NotFound):
        build_demo(path)
    assert not path.exists()
    foreign = tmp_path / "notes.db"
    foreign.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(StoreError):
        build_demo(foreign)
    assert foreign.exists()


def test_bash_completion_completes_commands_options_and_choices(tmp_path, capsys):
    bash = shutil.which("bash")
    if not bash:
        pytest.skip("bash is not installed")
    assert main(["completion", "bash"]) == 0
    script = tmp_path / "telecoop.bash"
    script.write_text(capsys.readouterr().out)
    probe = (
        f"source {script}\n"
        't() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); _telecoop; echo "${COMPREPLY[*]}"; }\n'
        "t telecoop --db x.db sl\n"
        "t telecoop slots --specialty ps\n"
        "t telecoop fhir publish --o\n"
        "t telecoop export --x\n"
        "t telecoop --lang ''\n"
    )
    out = subprocess.run([bash, "-c", probe], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["slots", "psychology psychiatry", "--out", "--xlsx", "fr en"]


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert done.returncode == 0, f"{cmd}: {done.stdout}\n{done.stderr}"
    return done


@pytest.mark.slow
def test_the_wheel_installs_elsewhere_and_its_demo_builds_without_a_terminal(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    dist = tmp_path / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    built = subprocess.run(pip + ["wheel", "-q", "--no-deps", "-w", str(dist), str(src)],
                           capture_output=True, text=True, timeout=600)
    if built.returncode != 0:  # no index for the build backend: build with the one installed here
        _run(pip + ["wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist), str(src)])
    (wheel,) = dist.glob("telecoop-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "telecoop/sample_data/coops.csv" in names and "telecoop/tui/telecoop.tcss" in names
    # issue 12: the migrations that make every database, new or old (the demo below runs them)
    assert "telecoop/store/migrations/env.py" in names
    assert "telecoop/store/migrations/versions/0003_baseline.py" in names
    assert any(n.endswith("LICENSE") for n in names)
    assert "License :: OSI Approved :: MIT License" in meta

    # A fresh venv holding only the wheel; its dependencies come from this
    # environment's site-packages (a path line, so this env's editable
    # install of telecoop is not picked up), which keeps the test offline.
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    _run(pip + ["--python", str(python), "install", "-q", "--no-deps", "--no-index", "--no-compile", str(wheel)])
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    Path(site, "_deps_from_test_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = _run([str(python), "-c", "import telecoop; print(telecoop.__file__)"]).stdout.strip()
    assert where.startswith(str(venv)), where

    program = venv / "bin" / "telecoop"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELECOOP_", "PYTHON"))}
    env.update(HOME=str(tmp_path / "home"), LANG="C.UTF-8")
    assert _run([str(program), "--version"], env=env, cwd=tmp_path).stdout.startswith("telecoop ")
    db = tmp_path / "home" / "demo.db"
    demo = _run([str(program), "--lang", "en", "--db", str(db), "demo"], env=env, cwd=tmp_path,
                stdin=subprocess.DEVNULL)
    assert "demo database built" in demo.stderr and "no terminal" in demo.stderr
    check = _run([str(program), "--lang", "en", "--db", str(db), "check"], env=env, cwd=tmp_path,
                 stdin=subprocess.DEVNULL)
    assert "integrity: ok" in check.stdout and "coops: 7" in check.stdout

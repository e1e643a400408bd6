"""The layering rule (DESIGN section 4): no Textual outside ``telecoop.tui``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "telecoop"
CORE = ("domain", "store", "services", "io")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_layers_never_import_textual_or_the_tui():
    offenders = []
    for layer in CORE:
        for path in (SRC / layer).rglob("*.py"):
            for name in _imports(path):
                if name.split(".")[0] in ("textual", "rich") or name.startswith("telecoop.tui"):
                    offenders.append(f"{path.relative_to(SRC)}: {name}")
    assert offenders == []


def test_domain_imports_neither_sqlmodel_nor_sqlalchemy():
    offenders = [
        f"{p.relative_to(SRC)}: {n}"
        for p in (SRC / "domain").rglob("*.py")
        for n in _imports(p)
        if n.split(".")[0] in ("sqlmodel", "sqlalchemy")
    ]
    assert offenders == []


def test_importing_services_loads_no_textual_module():
    code = (
        "import sys, telecoop.services.booking, telecoop.services.admin, telecoop.services.directory, "
        "telecoop.services.dataio, telecoop.io.csvio, telecoop.cli; "
        "bad = [m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith('telecoop.tui')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_tui_never_imports_the_store():
    """issue 12: screens call services; the store (its tables, sessions, queries) is theirs alone."""
    offenders = []
    for path in (SRC / "tui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            offenders += [f"{path.relative_to(SRC)}: {n}" for n in names if n.startswith("telecoop.store")]
    assert offenders == []


def test_the_access_rules_live_in_the_domain_only():
    """issue 12: who may see or manage what is ``domain/access.py``; services/policy.py is gone."""
    assert not (SRC / "services" / "policy.py").exists()
    offenders = [
        f"{p.relative_to(SRC)}"
        for p in SRC.rglob("*.py")
        if p.name != "access.py" and "def shared_to(" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_services_and_the_import_write_no_sql():
    """issue 12: queries live in store/; services and io/csvio.py call them by name.

    They may hold a Session or an Engine (a unit of work: get, add, delete by
    key) and catch the database's errors (``sqlalchemy.exc``), but build no
    statement: nothing of SQLAlchemy's or SQLModel's query language is
    imported there.
    """
    allowed = {"Session", "Engine", "Connection"}
    offenders = []
    for path in [*(SRC / "services").rglob("*.py"), SRC / "io" / "csvio.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                offenders += [f"{path.name}: import {a.name}" for a in node.names if a.name.split(".")[0] in ("sqlalchemy", "sqlmodel")]
            elif isinstance(node, ast.ImportFrom) and node.module == "sqlalchemy.exc":
                continue
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("sqlalchemy", "sqlmodel"):
                offenders += [f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name not in allowed]
    assert offenders == []

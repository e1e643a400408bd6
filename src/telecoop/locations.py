"""Where TeleCoop keeps its files."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "telecoop"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """``TELECOOP_DB``, else ``telecoop.db`` in the user data dir."""
    env = os.environ if environ is None else environ
    if env.get("TELECOOP_DB"):
        return Path(env["TELECOOP_DB"]).expanduser()
    return data_dir() / "telecoop.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def sample_data_dir() -> Path:
    """The ``sample_data/`` folder shipped beside the package (source checkout)."""
    env = os.environ.get("TELECOOP_SAMPLE_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "sample_data"
        if (candidate / "coops.csv").exists():
            return candidate
    packaged = here.parent / "sample_data"
    return packaged

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
    """The sample CSV files, shipped inside the package (``telecoop/sample_data``).

    The repository's ``sample_data/`` is a link to the same folder, so there
    is one copy, found the same way from a source checkout and from a wheel.
    ``TELECOOP_SAMPLE_DATA`` points elsewhere (tests, a co-op's own demo).
    """
    env = os.environ.get("TELECOOP_SAMPLE_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / "sample_data"

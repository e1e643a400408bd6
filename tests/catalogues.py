"""Import every message catalogue module, so that each registers its strings.

A catalogue registers itself when imported; tests that look at the whole
catalogue import them all through here, whichever other tests ran in the
process (a new ``tui/strings_*.py`` or ``messages_*.py`` is picked up).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import telecoop

SRC = Path(telecoop.__file__).parent


def import_all() -> None:
    for module in sorted(SRC.glob("tui/strings*.py")) + sorted(SRC.glob("messages*.py")):
        importlib.import_module("telecoop." + ".".join(module.relative_to(SRC).with_suffix("").parts))

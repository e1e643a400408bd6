"""README and docs/ stand alone: every link points at a file of the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_docs_link_only_files_of_the_repository():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    assert ROOT / "docs" / "architecture.md" in pages
    assert "(docs/architecture.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "shared/DESIGN.md" not in text, page
        for target in LINK.findall(text):
            assert "://" not in target, (page.name, target)
            path = (page.parent / target.split("#", 1)[0]).resolve()
            assert path.exists() and ROOT in path.parents, (page.name, target)

"""What the screens need to name things: co-ops and visible resources, loaded once.

Loaded by a worker at start and again whenever another connection commits,
so a renamed resource shows under its new name without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from telecoop.domain import model as m
from telecoop.services import directory as directory_service
from telecoop.services.context import Context


@dataclass(frozen=True)
class Directory:
    coops: dict[str, m.Coop] = field(default_factory=dict)
    resources: tuple[m.Resource, ...] = ()

    def coop_name(self, slug: str) -> str:
        coop = self.coops.get(slug)
        return coop.name if coop else slug

    def coop_short(self, slug: str) -> str:
        """A co-op's name as a table column can hold it (issue 10: names, not cut slugs).

        The words its name shares with another co-op's ("Coopérative de santé") and
        then a leading article go: "Coopérative de santé des Îles" -> "Îles".
        """
        coop = self.coops.get(slug)
        if coop is None:
            return slug
        name = coop.name
        shared = ""
        for other in self.coops.values():
            if other.slug != slug:
                prefix = _common_words(name, other.name)
                shared = prefix if len(prefix) > len(shared) else shared
        short = name[len(shared):].lstrip() if shared else name
        for article in ("de la ", "de l'", "des ", "du ", "de ", "d'", "la ", "l'", "le ", "les "):
            if short.startswith(article) and len(short) > len(article):
                short = short[len(article):]
                break
        return short[:1].upper() + short[1:] if short else name

    def resource(self, resource_id: int | None) -> m.Resource | None:
        for r in self.resources:
            if r.id == resource_id:
                return r
        return None

    @property
    def clinicians(self) -> list[m.Resource]:
        return [r for r in self.resources if r.kind == m.ResourceKind.CLINICIAN]

    @property
    def rooms(self) -> list[m.Resource]:
        return [r for r in self.resources if r.kind == m.ResourceKind.ROOM]


def load_directory(ctx: Context) -> Directory:
    """Read the co-ops and the resources this user may see (call from a worker thread)."""
    coops = {c.slug: c for c in directory_service.list_coops(ctx)}
    return Directory(coops=coops, resources=tuple(directory_service.list_resources(ctx)))


def _common_words(a: str, b: str) -> str:
    """The whole words ``a`` and ``b`` start with ("" if none)."""
    words = []
    for x, y in zip(a.split(" "), b.split(" ")):
        if x != y:
            break
        words.append(x)
    return " ".join(words)


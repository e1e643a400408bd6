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

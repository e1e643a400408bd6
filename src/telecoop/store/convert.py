"""Rows to domain objects, so nothing outside the store holds an ORM instance."""

from __future__ import annotations

from telecoop.domain import model as m
from telecoop.store import tables as tb


def key(value: int | None) -> int:
    """A stored row's id (never None once read back)."""
    if value is None:
        raise ValueError("a row without its id")
    return value


def coop(row: tb.CoopRow) -> m.Coop:
    return m.Coop(
        slug=row.slug, name=row.name, region=row.region, tz=row.tz, lang=row.lang,
        video_platform=getattr(row, "video_platform", "") or "",  # issue 14
    )


def staff(row: tb.StaffRow) -> m.Staff:
    return m.Staff(
        login=row.login,
        name=row.name,
        coop=row.coop,
        role=m.Role(row.role),
        clinician_id=row.clinician_id,
        active=row.active,
    )


def resource(row: tb.ResourceRow, tz: str, shared_with: tuple[str, ...] = ()) -> m.Resource:
    return m.Resource(
        id=key(row.id),
        kind=m.ResourceKind(row.kind),
        name=row.name,
        coop=row.coop,
        tz=tz,
        specialty=row.specialty or "",
        languages=tuple(row.languages.split()) if row.languages else (),
        equipment=row.equipment or "",
        video_link=row.video_link or "",
        sharing=m.Sharing(row.sharing),
        shared_with=tuple(sorted(shared_with)),
        buffer_minutes=row.buffer_minutes,
        active=row.active,
        licences=tuple((getattr(row, "licences", "") or "QC").split()),  # issue 14
    )


def availability(row: tb.AvailabilityRow) -> m.Availability:
    return m.Availability(
        id=key(row.id),
        resource_id=row.resource_id,
        weekday=row.weekday,
        start=row.start,
        end=row.end,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )


def closure(row: tb.ClosureRow) -> m.Closure:
    return m.Closure(
        id=key(row.id), resource_id=row.resource_id, coop=row.coop, start=row.start, end=row.end, reason=row.reason
    )

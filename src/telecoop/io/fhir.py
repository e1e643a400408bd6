"""HL7 FHIR R4 resources for slot publication (SMART Scheduling Links bulk publish).

A regional portal reads static files: a ``$bulk-publish`` manifest naming
NDJSON files of ``Location`` (one per co-op), ``Schedule`` (one per
published clinician) and ``Slot`` (free and busy time). These builders are
pure: they turn TeleCoop's domain objects into plain JSON-ready dicts and
know nothing of who may see what (services/publish.py decides that).

Nothing here can carry patient data: a ``Slot`` is built from an interval
and a status only, never from a booking.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

from telecoop.domain import model as m

SYSTEM = "urn:telecoop"
FILES = {"Location": "locations.ndjson", "Schedule": "schedules.ndjson", "Slot": "slots.ndjson"}
MANIFEST = "$bulk-publish"
_ID_BAD = re.compile(r"[^A-Za-z0-9\-.]")


def _fhir_id(text: str) -> str:
    """A FHIR id: [A-Za-z0-9-.]{1,64}."""
    return _ID_BAD.sub("-", text)[:64]


def location_id(coop: str) -> str:
    return _fhir_id(f"coop-{coop}")


def schedule_id(resource_id: int) -> str:
    return f"resource-{resource_id}"


def _instant(instant: dt.datetime, tz: str) -> str:
    """An instant with the offset of ``tz`` (the wall time people at the resource read)."""
    return instant.astimezone(ZoneInfo(tz)).isoformat(timespec="seconds")


def location(coop: m.Coop) -> dict:
    return {
        "resourceType": "Location",
        "id": location_id(coop.slug),
        "identifier": [{"system": f"{SYSTEM}:coop", "value": coop.slug}],
        "status": "active",
        "name": coop.name,
        "mode": "instance",
        "address": {"district": coop.region, "state": "QC", "country": "CA"},
        "extension": [{"url": f"{SYSTEM}:time-zone", "valueCode": coop.tz}],
    }


def schedule(resource: m.Resource) -> dict:
    specialty = resource.specialty or ""
    concept = {
        "coding": [{"system": f"{SYSTEM}:specialty", "code": specialty}],
        "text": specialty.replace("_", " "),
    }
    return {
        "resourceType": "Schedule",
        "id": schedule_id(resource.id),
        "identifier": [{"system": f"{SYSTEM}:resource", "value": str(resource.id)}],
        "active": True,
        "serviceType": [concept],
        "specialty": [concept],
        "actor": [{"reference": f"Location/{location_id(resource.coop)}", "display": resource.name}],
        "comment": f"{resource.name} ({' '.join(resource.languages)})",
    }


def slot(resource: m.Resource, start: dt.datetime, end: dt.datetime, status: str) -> dict:
    """One ``free`` or ``busy`` interval of a schedule; nothing but times and a status."""
    assert status in ("free", "busy")
    return {
        "resourceType": "Slot",
        "id": _fhir_id(f"r{resource.id}-{start.astimezone(dt.timezone.utc):%Y%m%dT%H%MZ}-{status}"),
        "schedule": {"reference": f"Schedule/{schedule_id(resource.id)}"},
        "status": status,
        "start": _instant(start, resource.tz),
        "end": _instant(end, resource.tz),
    }


def manifest(now: dt.datetime, base_url: str, counts: dict[str, int]) -> dict:
    """The bulk-publish manifest; URLs relative to the manifest unless ``base_url`` is given."""
    base = base_url.rstrip("/") + "/" if base_url else ""
    return {
        "transactionTime": now.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "request": f"{base}{MANIFEST}",
        "output": [{"type": kind, "url": f"{base}{FILES[kind]}"} for kind in FILES if kind in counts],
        "error": [],
    }


def _write(path: Path, text: str) -> None:
    from telecoop import locations

    with locations.replacing(path, "w", encoding="utf-8") as fh:  # no partial file on a full disk
        fh.write(text)


def write_publication(directory: Path, resources: dict[str, Iterable[dict]], *, now: dt.datetime,
                      base_url: str = "") -> dict[str, int]:
    """NDJSON files then the manifest (last, so a reader never sees a manifest before its files)."""
    from telecoop import locations

    directory = Path(directory)
    locations.make_private_dir(directory)  # as export's folder: made if missing; a file there is said, not a crash
    counts = {}
    for kind, items in resources.items():
        lines = [json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in items]
        _write(directory / FILES[kind], "".join(line + "\n" for line in lines))
        counts[kind] = len(lines)
    _write(directory / MANIFEST, json.dumps(manifest(now, base_url, counts), indent=2) + "\n")
    return counts

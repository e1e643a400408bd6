"""FHIR slot publication: files a regional portal hosts as they are.

The federation admin publishes the next days of the shared clinicians; the
portal must read valid FHIR R4 Location/Schedule/Slot resources (checked with
the ``fhir.resources`` models: R4B, whose Location, Schedule and Slot are
R4's), free exactly where ``slots`` offers time, busy where a booking is,
and nothing about any patient.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from telecoop.cli import main
from telecoop.services import booking as bk
from telecoop.services.publish import publish

fhir_r4b = pytest.importorskip("fhir.resources.R4B", reason="fhir.resources is in the test extra")
from fhir.resources.R4B.location import Location  # noqa: E402
from fhir.resources.R4B.schedule import Schedule  # noqa: E402
from fhir.resources.R4B.slot import Slot  # noqa: E402

MODELS = {"Location": Location, "Schedule": Schedule, "Slot": Slot}


def _read(out: Path) -> tuple[dict, dict[str, list[dict]]]:
    manifest = json.loads((out / "$bulk-publish").read_text(encoding="utf-8"))
    found = {}
    for entry in manifest["output"]:
        lines = (out / entry["url"].rsplit("/", 1)[-1]).read_text(encoding="utf-8").splitlines()
        found[entry["type"]] = [json.loads(line) for line in lines]
    return manifest, found


@pytest.fixture
def published(tmp_path, as_user):
    gas = as_user("recep.gaspesie")
    b = bk.book(gas, clinician_id=8, start="2026-12-08T10:00", duration=30, consent=True, patient="PX-99999",
                reason="very private reason")
    admin = as_user("fed.admin")
    counts = publish(admin, tmp_path / "pub", days=7, base_url="https://portal.invalid/telecoop/")
    return admin, b, counts, tmp_path / "pub"


def test_every_resource_is_valid_fhir_and_the_manifest_names_them(published):
    _admin, _b, counts, out = published
    text = (out / "$bulk-publish").read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert manifest["request"] == "https://portal.invalid/telecoop/$bulk-publish"
    assert [o["type"] for o in manifest["output"]] == ["Location", "Schedule", "Slot"]
    assert manifest["transactionTime"] == "2026-12-07T12:00:00Z" and manifest["error"] == []
    found = {}
    for entry in manifest["output"]:
        name = entry["url"].rsplit("/", 1)[1]
        found[entry["type"]] = [json.loads(x) for x in (out / name).read_text(encoding="utf-8").splitlines()]
    assert {k: len(v) for k, v in found.items()} == counts
    for kind, items in found.items():
        assert items
        for item in items:
            assert type(MODELS[kind].model_validate(item)).__name__ == kind
    ids = {f"Schedule/{s['id']}" for s in found["Schedule"]}
    assert {s["schedule"]["reference"] for s in found["Slot"]} <= ids
    locations = {f"Location/{x['id']}" for x in found["Location"]}
    assert {a["reference"] for s in found["Schedule"] for a in s["actor"]} == locations


def test_free_is_what_slots_offers_busy_is_the_booking_and_no_patient_data(published, as_user):
    admin, b, _counts, out = published
    everything = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert "PX-99999" not in everything and "very private" not in everything and "recep.gaspesie" not in everything
    manifest, found = _read(out)
    slots = found["Slot"]
    mine = [s for s in slots if s["schedule"]["reference"] == "Schedule/resource-8"]
    busy = [s for s in mine if s["status"] == "busy"]
    assert [(dt.datetime.fromisoformat(s["start"]), dt.datetime.fromisoformat(s["end"])) for s in busy] == [(b.start, b.end)]
    assert busy[0]["start"] == "2026-12-08T10:00:00-04:00"  # the clinician's wall time (Halifax)
    offered = {s.start for s in bk.search_slots(admin, clinician_id=8, days=7, limit=1000)}
    assert dt.datetime.fromisoformat(busy[0]["start"]) not in offered
    free = [s for s in mine if s["status"] == "free"]
    assert free and all(dt.datetime.fromisoformat(s["start"]) in offered for s in free)
    # Back to back, never overlapping one another or the busy time.
    spans = sorted((s["start"], s["end"]) for s in mine)
    assert all(a[1] <= b_[0] for a, b_ in zip(spans, spans[1:]))
    assert manifest["output"]


def test_private_and_listed_clinicians_are_not_published(published):
    _admin, _b, _counts, out = published
    schedules = [json.loads(x) for x in (out / "schedules.ndjson").read_text(encoding="utf-8").splitlines()]
    published_ids = {int(s["identifier"][0]["value"]) for s in schedules}
    assert 8 in published_ids and 3 not in published_ids and 7 not in published_ids  # all / private / listed


def test_cli_publish_and_bad_days(tmp_path, db_path, capsys):
    base = ["--db", str(db_path), "--as", "fed.admin", "--lang", "en", "fhir", "publish", "--out", str(tmp_path / "o")]
    assert main(base + ["--days", "2"]) == 0
    assert "FHIR publication written" in capsys.readouterr().out
    manifest = json.loads((tmp_path / "o" / "$bulk-publish").read_text())
    assert manifest["output"][2] == {"type": "Slot", "url": "slots.ndjson"}
    shutil.rmtree(tmp_path / "o")
    assert main(base + ["--days", "0"]) == 2
    assert not (tmp_path / "o").exists()
    assert main(["--db", str(db_path), "--as", "recep.gaspesie", "fhir", "publish", "--out", str(tmp_path / "o")]) == 1

"""Administration use cases and the permission matrix for them."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from telecoop.domain.errors import BadInput, NotPermitted
from telecoop.domain.model import Sharing
from telecoop.services import admin
from telecoop.services import booking as bk
from telecoop.services.directory import list_resources


def test_coop_admin_adds_a_room_with_hours_and_shares_it(as_user):
    adm = as_user("admin.iles")
    room = admin.save_resource(adm, kind="room", name="Salle 3 — Havre-Aubert", equipment="camera",
                               sharing="listed", shared_with="gaspesie")
    assert room.coop == "iles" and room.sharing == Sharing.LISTED and room.shared_with == ("gaspesie",)
    admin.add_hours(adm, room.id, weekday="tue", start="09:00", end="12:00")
    with pytest.raises(BadInput):
        admin.add_hours(adm, room.id, weekday="tue", start="11:00", end="13:00")  # overlaps
    gas, sag = as_user("recep.gaspesie"), as_user("recep.saguenay")
    assert room.id in {r.id for r in list_resources(gas)}
    assert room.id not in {r.id for r in list_resources(sag)}
    slots = bk.search_slots(gas, clinician_id=8, room_id=room.id, from_date=dt.date(2026, 12, 8), days=1)
    assert slots and all(s.room_id == room.id for s in slots)
    # 09:00 Halifax is the first hour of the room on Tuesday.
    assert slots[0].start == pendulum.datetime(2026, 12, 8, 13, 0, tz="UTC")


def test_resource_fields_are_validated(as_user):
    adm = as_user("admin.iles")
    cases = [
        dict(kind="clinician", name="X", specialty="astrology", languages="fr"),
        dict(kind="clinician", name="X", specialty="psychology", languages="de"),
        dict(kind="clinician", name="", specialty="psychology", languages="fr"),
        dict(kind="clinician", name="A\x1b[2J", specialty="psychology", languages="fr"),
        dict(kind="room", name="R", sharing="listed", shared_with=""),
        dict(kind="room", name="R", sharing="listed", shared_with="atlantis"),
        dict(kind="room", name="R", buffer_minutes="500"),
        dict(kind="room", name="R", video_link="javascript:alert(1)"),
    ]
    before = len(list_resources(as_user("fed.admin"), include_inactive=True))
    for fields in cases:
        with pytest.raises(BadInput):
            admin.save_resource(adm, **fields)
    assert len(list_resources(as_user("fed.admin"), include_inactive=True)) == before


def test_coop_admin_cannot_touch_another_coops_resource(as_user):
    adm = as_user("admin.iles")
    with pytest.raises(NotPermitted):
        admin.add_hours(adm, 1, weekday="mon", start="07:00", end="08:00")
    with pytest.raises(NotPermitted):
        admin.save_resource(adm, resource_id=1, kind="clinician", name="X", specialty="psychology", languages="fr")
    with pytest.raises(NotPermitted):
        admin.add_closure(adm, resource_id=1, start="2026-12-09", end="2026-12-09", reason="x")


@pytest.mark.parametrize("login", ["recep.iles", "clin.iles"])
def test_receptionists_and_clinicians_do_not_administer(as_user, login):
    ctx = as_user(login)
    with pytest.raises(NotPermitted):
        admin.save_resource(ctx, kind="room", name="R")
    with pytest.raises(NotPermitted):
        admin.add_closure(ctx, coop="iles", start="2026-12-09", end="2026-12-09", reason="x")
    with pytest.raises(NotPermitted):
        admin.add_coop(ctx, slug="new", name="N", region="R", tz="America/Toronto")


def test_closure_removes_slots_and_local_dates_are_inclusive(as_user):
    adm = as_user("admin.iles")
    admin.add_closure(adm, resource_id=8, start="2026-12-08", end="2026-12-08", reason="Formation")
    rec = as_user("recep.gaspesie")
    assert bk.search_slots(rec, clinician_id=8, from_date=dt.date(2026, 12, 8), days=1) == []
    assert bk.search_slots(rec, clinician_id=8, from_date=dt.date(2026, 12, 10), days=1)
    with pytest.raises(BadInput):
        admin.add_closure(adm, resource_id=8, start="2026-12-10", end="2026-12-09", reason="x")
    with pytest.raises(BadInput):
        admin.add_closure(adm, resource_id=8, start="2026-03-08 02:30", end="2026-03-08 04:00", reason="x")


def test_federation_admin_adds_a_partner_coop(as_user):
    fed = as_user("fed.admin")
    coop = admin.add_coop(fed, slug="haute-cote-nord", name="Coop Haute-Côte-Nord", region="Côte-Nord",
                          tz="America/Toronto")
    assert coop.slug == "haute-cote-nord"
    with pytest.raises(BadInput):
        admin.add_coop(fed, slug="haute-cote-nord", name="Dup", region="R", tz="America/Toronto")
    with pytest.raises(BadInput):
        admin.add_coop(fed, slug="x", name="Bad", region="R", tz="America/Toronto")
    with pytest.raises(BadInput):
        admin.add_coop(fed, slug="nowhere", name="Bad", region="R", tz="Europe/Nowhere")
    with pytest.raises(NotPermitted):
        admin.add_coop(as_user("admin.iles"), slug="other", name="O", region="R", tz="America/Toronto")


def test_every_admin_change_is_audited(as_user):
    from telecoop.services.audit import list_audit

    adm = as_user("admin.iles")
    room = admin.save_resource(adm, kind="room", name="Salle X")
    admin.add_hours(adm, room.id, weekday="mon", start="09:00", end="10:00")
    admin.add_closure(adm, resource_id=room.id, start="2026-12-09", end="2026-12-09", reason="x")
    actions = [e.action for e in list_audit(adm)][:3]
    assert actions == ["closure.add", "hours.add", "resource.add"]


def test_federation_admin_edits_a_coop_and_nobody_else_may(as_user):
    """issue 10: co-ops can be corrected (name, region, zone, language); the slug is the key."""
    from telecoop.domain.errors import BadInput, NotPermitted
    from telecoop.services import admin as admin_service
    from telecoop.services.audit import list_audit

    fed = as_user("fed.admin")
    c = admin_service.update_coop(fed, "iles", name="Coop des Îles", region="Îles", tz="America/Halifax", lang="fr")
    assert (c.slug, c.name) == ("iles", "Coop des Îles")
    assert list_audit(fed)[0].action == "coop.update"
    with pytest.raises(NotPermitted):
        admin_service.update_coop(as_user("admin.iles"), "iles", name="x", region="y", tz="America/Halifax")
    with pytest.raises(BadInput):
        admin_service.update_coop(fed, "nowhere", name="x", region="y", tz="America/Halifax")
    with pytest.raises(BadInput):
        admin_service.update_coop(fed, "iles", name="x", region="y", tz="Mars/Olympus")

"""issue 13: quota use per partner per week, waitlist fill rate, time from cancellation to rebooking."""

from __future__ import annotations

import datetime as dt
import json

import pendulum
import pytest

from telecoop.cli import main
from telecoop.domain.errors import NotPermitted
from telecoop.services import booking as bk
from telecoop.services import capacity_reports as cr
from telecoop.services import sharing_terms, waitlist
from telecoop.services.context import open_context

NOW = pendulum.datetime(2026, 12, 7, 12, 0, tz="UTC")
TUESDAY = dt.date(2026, 12, 8)


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def world(db_path):
    clock = Clock()
    opened = {}

    def ctx(login):
        if login not in opened:
            opened[login] = open_context(db_path, login, clock=clock)
        return opened[login]

    yield ctx, clock
    for c in opened.values():
        c.engine.dispose()


def test_quota_use_per_partner_per_week_with_the_overbooking_and_its_reason(world):
    ctx, _clock = world
    admin, iles = ctx("admin.gaspesie"), ctx("recep.iles")
    sharing_terms.set_terms(admin, 5, quotas=["iles=1", "pontiac=2"])
    starts = [s.start for s in bk.search_slots(iles, clinician_id=5, from_date=TUESDAY, days=1, limit=20)]
    bk.book(iles, clinician_id=5, start=starts[0], duration=60, patient="I-1", consent=True)
    sharing_terms.overbook(admin, 5, coop="iles", week="2026-W50", hours="0.5", reason="Tempête")
    bk.book(iles, clinician_id=5, start=starts[8], duration=30, patient="I-2", consent=True)
    rows = {(r.week, r.coop): r for r in cr.quota_use(admin, "2026-12")}
    assert {w for w, _c in rows} == {"2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"}
    line = rows[("2026-W50", "iles")]
    assert (line.quota_hours, line.used_hours, line.overbook_hours, line.reasons) == (1.0, 1.5, 0.5, "Tempête")
    assert rows[("2026-W50", "pontiac")].used_hours == 0
    # A partner's admin sees its own lines only; a receptionist none.
    assert {r.coop for r in cr.quota_use(ctx("admin.iles"), "2026-12")} == {"iles"}
    with pytest.raises(NotPermitted):
        cr.quota_use(iles, "2026-12")


def test_waitlist_fill_rate_and_cancellation_to_rebooking(world):
    ctx, clock = world
    iles, gaspesie, bcn = ctx("recep.iles"), ctx("recep.gaspesie"), ctx("recep.basse-cote-nord")
    starts = [s.start for s in bk.search_slots(iles, clinician_id=8, from_date=TUESDAY, days=1, limit=20)]
    first = bk.book(iles, clinician_id=8, start=starts[0], duration=30, patient="I-1", consent=True)
    second = bk.book(iles, clinician_id=8, start=starts[8], duration=30, patient="I-2", consent=True)
    waitlist.add(gaspesie, specialty="psychology", from_date=TUESDAY, to_date=TUESDAY, patient="G-1")
    waitlist.add(bcn, specialty="psychology", from_date=TUESDAY, to_date=TUESDAY, patient="B-1")
    clock.now = NOW + dt.timedelta(minutes=10)
    bk.cancel(iles, first.id, reason="malade")  # offered to Gaspésie (older entry)
    clock.now = NOW + dt.timedelta(minutes=16)
    [(offer, _e)] = waitlist.offers(gaspesie)
    waitlist.accept(gaspesie, offer.id, consent=True)  # rebooked 6 minutes after the cancellation
    bk.cancel(iles, second.id, reason="malade")  # offered to Basse-Côte-Nord, which lets it lapse
    clock.now = clock.now + dt.timedelta(minutes=31)
    assert waitlist.advance(iles) == 1
    fed = ctx("fed.admin")
    fill = {r.coop: r for r in cr.waitlist_fill(fed, "2026-12")}
    assert (fill["gaspesie"].offers, fill["gaspesie"].accepted, fill["gaspesie"].fill_rate) == (1, 1, 1.0)
    assert (fill["basse-cote-nord"].offers, fill["basse-cote-nord"].lapsed, fill["basse-cote-nord"].fill_rate) == (1, 1, 0.0)
    [rebook] = cr.rebooking(fed, "2026-12")
    assert (rebook.coop, rebook.cancelled, rebook.rebooked, rebook.median_minutes) == ("iles", 2, 1, 6.0)
    assert [r.coop for r in cr.waitlist_fill(ctx("admin.gaspesie"), "2026-12")] == ["gaspesie"]


def test_cli_reports_json_and_french_table(db_path, capsys):
    assert main(["--db", str(db_path), "--as", "admin.gaspesie", "sharing", "set", "5", "--quota", "iles=3"]) == 0
    capsys.readouterr()
    for kind in ("quotas", "waitlist", "rebooking"):
        assert main(["--db", str(db_path), "--as", "fed.admin", "report", kind, "--month", "2026-12", "--json"]) == 0
        json.loads(capsys.readouterr().out)
    assert main(["--db", str(db_path), "--lang", "fr", "--as", "fed.admin", "report", "quotas", "--month", "2026-12"]) == 0
    out = capsys.readouterr().out
    assert "semaine" in out and "quota (h)" in out and "2026-W50" in out
    assert main(["--db", str(db_path), "--as", "fed.admin", "report", "waitlist", "--month", "2026-13"]) == 2

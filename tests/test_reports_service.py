"""Reports and iCalendar export, on bookings made through the services."""

from __future__ import annotations

import icalendar
import pendulum
import pytest

from telecoop.domain.errors import BadInput, NotPermitted
from telecoop.services import booking as bk
from telecoop.services import reports


@pytest.fixture
def december(as_user):
    gas, sag = as_user("recep.gaspesie"), as_user("recep.saguenay")
    a = bk.book(gas, clinician_id=8, start="2026-12-08T10:00", duration=30, consent=True, patient="AB")
    b = bk.book(gas, clinician_id=8, start="2026-12-08T11:00", duration=45, consent=True, patient="CD")
    c = bk.book(sag, clinician_id=8, start="2026-12-10T10:00", duration=30, consent=True, patient="EF")
    d = bk.book(gas, clinician_id=1, start="2026-12-08T09:00", duration=30, consent=True, patient="GH")  # own co-op: not usage
    bk.cancel(gas, b.id, reason="changed")
    return a, b, c, d


def test_usage_counts_minutes_between_coops_not_cancelled(as_user, december):
    rows = reports.usage(as_user("fed.admin"), "2026-12")
    got = {(r.provider, r.consumer): (r.bookings, r.minutes) for r in rows}
    assert got == {("iles", "gaspesie"): (1, 30), ("iles", "saguenay"): (1, 30)}


def test_coop_admin_sees_only_pairs_involving_their_coop(as_user, december):
    rows = reports.usage(as_user("admin.saguenay"), "2026-12")
    assert [(r.provider, r.consumer) for r in rows] == [("iles", "saguenay")]
    with pytest.raises(NotPermitted):
        reports.usage(as_user("recep.gaspesie"), "2026-12")


def test_no_show_rate(as_user, december):
    a, _b, c, d = december
    at = as_user("recep.gaspesie", now=__import__("pendulum").datetime(2026, 12, 8, 15, tz="UTC"))
    bk.set_status(at, d.id, "no-show")
    bk.set_status(as_user("recep.gaspesie", now=pendulum.datetime(2026, 12, 8, 14, 5, tz="UTC")), a.id, "checked-in")
    bk.set_status(at, a.id, "completed")
    rows = {r.coop: r for r in reports.no_shows(as_user("fed.admin"), "2026-12")}
    assert rows["gaspesie"].no_shows == 1 and rows["gaspesie"].attended == 1 and rows["gaspesie"].rate == 0.5


def test_utilisation_is_booked_over_available(as_user, december):
    rows = {r.resource_id: r for r in reports.utilisation(as_user("admin.iles"), "2026-12")}
    r8 = rows[8]
    assert r8.booked_minutes == 60 and r8.available_minutes > 0
    assert 0 < r8.rate < 1
    assert all(r.coop == "iles" for r in rows.values())


def test_bad_month_is_refused(as_user):
    with pytest.raises(BadInput):
        reports.usage(as_user("fed.admin"), "2026-13")


def test_ics_of_a_booking_and_of_a_resource(db_path, as_user, december, capsys):
    from telecoop.cli import main

    a, b, c, _d = december
    assert main(["--db", str(db_path), "--as", "recep.gaspesie", "--lang", "en", "ics", str(a.id)]) == 0
    cal = icalendar.Calendar.from_ical(capsys.readouterr().out)
    (ev,) = cal.walk("VEVENT")
    assert str(ev["summary"]) == "Teleconsultation — Étienne Boudreau"
    assert "AB" not in cal.to_ical().decode()  # no patient data in calendar files
    assert main(["--db", str(db_path), "--as", "recep.gaspesie", "--lang", "en", "ics", "--resource", "8",
                 "--from", "2026-12-07", "--to", "2026-12-11"]) == 0
    cal = icalendar.Calendar.from_ical(capsys.readouterr().out)
    summaries = sorted(str(e["summary"]) for e in cal.walk("VEVENT"))
    assert "busy — saguenay" in summaries  # another co-op's booking is only "busy"
    assert sum(1 for e in cal.walk("VEVENT") if str(e["status"]) == "CANCELLED") == 1

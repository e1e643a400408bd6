"""issue 13: an owner's sharing terms — window, minimum notice, quotas per ISO week, release, overbooking."""

from __future__ import annotations

import datetime as dt
import json

import pendulum
import pytest

from telecoop.cli import main
from telecoop.domain import capacity as cap
from telecoop.domain.errors import BadInput, NotFound, NotPermitted
from telecoop.services import booking as bk
from telecoop.services import holds
from telecoop.services import sharing_terms as terms

NOW = pendulum.datetime(2026, 12, 7, 12, 0, tz="UTC")  # Monday 07:00 in Gaspésie


def starts(ctx, clinician_id, days=14):
    return [s.start for s in bk.search_slots(ctx, clinician_id=clinician_id, from_date=NOW.date(), days=days,
                                             limit=1000)]


def test_partners_see_and_book_only_inside_the_window_and_the_notice(as_user):
    admin, iles, own = as_user("admin.gaspesie"), as_user("recep.iles"), as_user("recep.gaspesie")
    terms.set_terms(admin, 5, window_days=3, min_notice_hours=24)
    seen = starts(iles, 5)
    assert seen and min(seen) >= NOW + dt.timedelta(hours=24) and max(seen) < NOW + dt.timedelta(days=3)
    assert min(starts(own, 5)) < NOW + dt.timedelta(hours=24)  # the owner keeps its own clinician whole
    assert max(starts(own, 5)) > NOW + dt.timedelta(days=3)
    soon = min(starts(own, 5))
    with pytest.raises(NotPermitted) as notice:
        bk.book(iles, clinician_id=5, start=soon, duration=30, patient="I", consent=True)
    assert notice.value.message("en") == "Annie Huard must be booked at least 24 h ahead by partners"
    far = max(starts(own, 5))
    with pytest.raises(NotPermitted) as window:
        holds.place(iles, clinician_id=5, start=far, duration=30)
    assert "at most 3 days ahead" in window.value.message("en")
    assert "au plus 3 jours" in window.value.message("fr")


def test_a_quota_counts_booked_and_held_minutes_per_iso_week_of_the_resources_zone(as_user):
    admin, iles = as_user("admin.gaspesie"), as_user("recep.iles")
    terms.set_terms(admin, 5, quotas=["iles=1"])
    tuesday = [s for s in starts(iles, 5) if s.date() == dt.date(2026, 12, 8)]
    held = holds.place(iles, clinician_id=5, start=tuesday[0], duration=30)
    bk.book(iles, clinician_id=5, start=tuesday[4], duration=30, patient="I-1", consent=True)
    with pytest.raises(NotPermitted) as quota:
        bk.book(iles, clinician_id=5, start=tuesday[8], duration=30, patient="I-2", consent=True)
    assert quota.value.message("en") == "quota reached: iles already has 1 h of Annie Huard in week 2026-W50 (quota 1 h)"
    holds.release(iles, held.id)  # a released hold gives its minutes back
    bk.book(iles, clinician_id=5, start=tuesday[8], duration=30, patient="I-2", consent=True)
    next_week = [s for s in starts(iles, 5, days=10) if s.date() == dt.date(2026, 12, 15)]
    bk.book(iles, clinician_id=5, start=next_week[0], duration=60, patient="I-3", consent=True)  # a new week, a new hour


def test_unused_quota_opens_to_every_partner_before_the_slot(as_user):
    admin, iles = as_user("admin.gaspesie"), as_user("recep.iles")
    terms.set_terms(admin, 5, quotas=["iles=0.5"], release_hours=30)
    tuesday = [s for s in starts(iles, 5) if s.date() == dt.date(2026, 12, 8)]
    # Tuesday morning is less than 30 h away: released. Wednesday is not.
    bk.book(iles, clinician_id=5, start=tuesday[0], duration=60, patient="I-1", consent=True)
    bk.book(iles, clinician_id=5, start=tuesday[6], duration=60, patient="I-2", consent=True)
    wednesday = [s for s in starts(iles, 5) if s.date() == dt.date(2026, 12, 9)]
    with pytest.raises(NotPermitted):
        bk.book(iles, clinician_id=5, start=wednesday[0], duration=60, patient="I-3", consent=True)


def test_the_owners_admin_may_overbook_a_partner_for_a_week_with_a_reason(as_user):
    admin, iles = as_user("admin.gaspesie"), as_user("recep.iles")
    terms.set_terms(admin, 5, quotas=["iles=0.5"])
    tuesday = [s for s in starts(iles, 5) if s.date() == dt.date(2026, 12, 8)]
    bk.book(iles, clinician_id=5, start=tuesday[0], duration=30, patient="I-1", consent=True)
    with pytest.raises(NotPermitted):
        bk.book(iles, clinician_id=5, start=tuesday[4], duration=30, patient="I-2", consent=True)
    with pytest.raises(NotPermitted):  # a partner's admin cannot grant itself more
        terms.overbook(as_user("admin.iles"), 5, coop="iles", week="2026-W50", hours="1", reason="urgence")
    with pytest.raises(NotPermitted):  # nor a receptionist of the owner
        terms.overbook(as_user("recep.gaspesie"), 5, coop="iles", week="2026-W50", hours="1", reason="urgence")
    terms.overbook(admin, 5, coop="iles", week="2026-W50", hours="0.5", reason="Tempête : patients reportés")
    bk.book(iles, clinician_id=5, start=tuesday[4], duration=30, patient="I-2", consent=True)
    from telecoop.services.audit import list_audit

    assert any(e.action == "sharing.overbook" for e in list_audit(admin))


def test_only_the_owners_admin_sets_terms_and_bad_terms_change_nothing(as_user):
    admin = as_user("admin.gaspesie")
    for who in ("recep.gaspesie", "admin.iles"):
        with pytest.raises(NotPermitted):
            terms.set_terms(as_user(who), 5, window_days=3)
    for bad in (dict(quotas=["iles:3"]), dict(quotas=["nowhere=3"]), dict(quotas=["gaspesie=3"]),
                dict(quotas=["iles=200"]), dict(window_days=-1), dict(release_hours=10**6)):
        with pytest.raises(BadInput):
            terms.set_terms(admin, 5, **bad)
    assert terms.show_terms(admin, 5) == cap.SharingTerms(resource_id=5)
    with pytest.raises(NotFound):  # a private resource of another co-op is not there for a partner
        terms.show_terms(as_user("recep.iles"), 3)
    terms.set_terms(admin, 5, quotas=["iles=2", "pontiac=1.25"])
    terms.set_terms(admin, 5, quotas=["iles=none"], window_days=7)
    assert terms.show_terms(as_user("recep.iles"), 5) == cap.SharingTerms(5, 7, 0, 0, (("pontiac", 75),))


def test_iso_weeks_are_those_of_the_resources_zone():
    sunday_late = pendulum.datetime(2026, 12, 14, 3, 0, tz="UTC")  # Sunday 23:00 in Toronto, Monday in UTC
    assert cap.iso_week(sunday_late, "America/Toronto") == "2026-W50"
    assert cap.iso_week(sunday_late, "UTC") == "2026-W51"
    lo, hi = cap.week_bounds_utc("2026-W50", "America/Toronto")
    assert (lo, hi) == (pendulum.datetime(2026, 12, 7, 5, tz="UTC"), pendulum.datetime(2026, 12, 14, 5, tz="UTC"))
    assert cap.week_bounds_utc("2026-W10", "America/Toronto")[1] - cap.week_bounds_utc("2026-W10", "America/Toronto")[0] \
        == dt.timedelta(days=7, hours=-1)  # the week DST starts (2026-03-08) is an hour short


def run(db_path, *argv, login="admin.gaspesie", lang="en"):
    return main(["--db", str(db_path), "--lang", lang, "--as", login, *argv])


def test_cli_sharing_set_show_overbook_and_settings(db_path, capsys):
    assert run(db_path, "sharing", "set", "5", "--window-days", "21", "--min-notice-hours", "12",
               "--quota", "iles=6", "--quota", "pontiac=2.5", "--release-hours", "48", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data == {"resource_id": 5, "window_days": 21, "min_notice_hours": 12, "release_hours": 48,
                    "quotas": [{"coop": "iles", "hours_per_week": 6.0}, {"coop": "pontiac", "hours_per_week": 2.5}]}
    assert run(db_path, "sharing", "show", "5", login="recep.iles", lang="fr") == 0
    out = capsys.readouterr().out
    assert "fenêtre : 21 j · préavis : 12 h · libération : 48 h" in out and "pontiac" in out
    assert run(db_path, "sharing", "set", "5", "--quota", "iles=lots") == 2
    assert "expected COOP=HOURS" in capsys.readouterr().err
    assert run(db_path, "sharing", "set", "5", "--window-days", "3", login="recep.iles") == 1
    capsys.readouterr()
    assert run(db_path, "sharing", "overbook", "5", "--coop", "iles", "--week", "2026-W50", "--hours", "2",
               "--reason", "rattrapage") == 0
    assert "overbooking granted" in capsys.readouterr().out
    assert run(db_path, "sharing", "overbook", "5", "--coop", "iles", "--week", "2026-50", "--hours", "2",
               "--reason", "x") == 2
    assert "not an ISO week" in capsys.readouterr().err
    assert run(db_path, "sharing", "settings", "--hold-minutes", "5", "--offer-minutes", "60") == 0
    assert run(db_path, "sharing", "settings", "--hold-minutes", "0") == 2
    assert run(db_path, "sharing", "settings", "--hold-minutes", "7", login="recep.gaspesie") == 1

"""One set of record rules (domain/rules.py) for the admin service and the CSV import (issue 12).

Each drift the two copies had is pinned here from both doors: what the app
and the command line refuse, the import refuses too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pendulum
import pytest

from telecoop.domain import rules
from telecoop.domain.errors import BadInput, ImportErrors
from telecoop.io import csvio
from telecoop.services import admin

CL_HEADER = "resource_id,coop,start,end,reason"
AV_HEADER = "resource_id,weekday,start,end,valid_from,valid_to"
RES_HEADER = "id,kind,name,coop,specialty,languages,equipment,video_link,sharing,shared_with,buffer_minutes"


def import_problems(ctx, folder: Path, name: str, text: str) -> list[tuple[int, str, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    with pytest.raises(ImportErrors) as info:
        csvio.import_path(ctx.engine, folder)
    return [(line, column, key) for _f, line, column, key, _p in info.value.problems]


def test_equipment_is_at_most_120_characters_from_the_form_and_the_import(as_user, tmp_path):
    adm = as_user("fed.admin")
    with pytest.raises(BadInput):
        admin.save_resource(adm, kind="room", name="Salle X", equipment="x" * 121)
    assert admin.save_resource(adm, kind="room", name="Salle X", equipment="x" * 120).equipment == "x" * 120
    row = f"9001,room,Salle Y,{adm.coop},,,{'x' * 121},,all,,0"
    assert import_problems(adm, tmp_path / "in", "resources.csv", f"{RES_HEADER}\n{row}\n") == [
        (2, "equipment", "field.too_long")
    ]


def test_a_closure_needs_its_reason_from_the_form_and_the_import(as_user, tmp_path):
    adm = as_user("fed.admin")
    with pytest.raises(BadInput):
        admin.add_closure(adm, start="2027-02-01", end="2027-02-01", reason="  ", coop=adm.coop)
    assert import_problems(adm, tmp_path / "in", "closures.csv", f"{CL_HEADER}\n,{adm.coop},2027-02-01,2027-02-01,\n") == [
        (2, "reason", "field.empty")
    ]


def test_hours_overlap_is_found_past_a_longer_row_of_other_dates(as_user, tmp_path):
    """The old import sweep compared each row with the one ending last only: C overlapping A slipped
    through when B (other dates) ended later. The admin service always refused it."""
    adm = as_user("fed.admin")
    room = admin.save_resource(adm, kind="room", name="Salle Z")
    a = dict(weekday="mon", start="09:00", end="17:00", valid_from="2027-01-01", valid_to="2027-01-31")
    b = dict(weekday="mon", start="10:00", end="18:00", valid_from="2027-06-01", valid_to="2027-06-30")
    c = dict(weekday="mon", start="11:00", end="12:00", valid_from="2027-01-10", valid_to="2027-01-20")
    admin.add_hours(adm, room.id, **a)
    admin.add_hours(adm, room.id, **b)
    with pytest.raises(BadInput) as info:
        admin.add_hours(adm, room.id, **c)
    assert info.value.key == "import.overlap"
    lines = [",".join([str(room.id), *h.values()]) for h in (c,)]
    assert import_problems(adm, tmp_path / "in", "availability.csv", AV_HEADER + "\n" + "\n".join(lines) + "\n") == [
        (2, "start", "import.overlap")
    ]
    # and all three in one file: the same answer, on C's line
    other = admin.save_resource(adm, kind="room", name="Salle W")
    lines = [",".join([str(other.id), *h.values()]) for h in (a, b, c)]
    assert import_problems(adm, tmp_path / "in2", "availability.csv", AV_HEADER + "\n" + "\n".join(lines) + "\n") == [
        (4, "start", "import.overlap")
    ]


def test_touching_hours_and_disjoint_dates_do_not_overlap():
    nine, noon, five = dt.time(9), dt.time(12), dt.time(17)
    assert not rules.hours_overlap(rules.Hours(0, nine, noon), rules.Hours(0, noon, five))
    assert not rules.hours_overlap(rules.Hours(0, nine, five), rules.Hours(1, nine, five))
    jan = rules.Hours(0, nine, five, dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    assert not rules.hours_overlap(jan, rules.Hours(0, nine, five, dt.date(2027, 2, 1), None))
    assert rules.hours_overlap(jan, rules.Hours(0, nine, five, None, dt.date(2027, 1, 1)))


def test_whole_days_are_days_of_the_zone_across_dst():
    """23- and 25-hour days are whole days; so is a day that starts at 01:00 after a midnight gap."""
    tz = "America/Toronto"
    spring = pendulum.datetime(2027, 3, 14, tz=tz)
    start, end = spring.in_tz("UTC"), spring.add(days=1).in_tz("UTC")
    assert (end - start) == dt.timedelta(hours=23)
    assert rules.closure_text(start, end, tz) == ("2027-03-14", "2027-03-14")
    # Havana springs forward at midnight: 8 March 2026 begins at 01:00 local.
    day = dt.date(2026, 3, 8)
    first = pendulum.datetime(2026, 3, 8, 1, 0, tz="America/Havana").in_tz("UTC")
    last = pendulum.datetime(2026, 3, 9, 0, 0, tz="America/Havana").in_tz("UTC")
    assert rules.whole_days(first, last, "America/Havana") == (day, day)
    assert rules.closure_bound("2026-03-08", "America/Havana", end=False) == first
    # Not a whole day: wall times, with the offset where the wall time alone repeats.
    fall = pendulum.datetime(2026, 11, 1, 1, 30, tz=tz, fold=1).in_tz("UTC")
    assert rules.closure_text(fall, fall + dt.timedelta(hours=2), tz) == ("2026-11-01 01:30-05:00", "2026-11-01 03:30")


def test_the_admin_service_reads_the_offset_form_its_refusal_offers(as_user):
    adm = as_user("fed.admin")
    with pytest.raises(BadInput) as info:
        admin.add_closure(adm, start="2026-11-01 01:30", end="2026-11-01 03:00", reason="Panne", coop="gaspesie")
    assert info.value.key == "time.ambiguous"
    closure = admin.add_closure(adm, start="2026-11-01 01:30-05:00", end="2026-11-01 03:00", reason="Panne", coop="gaspesie")
    assert closure.start == pendulum.datetime(2026, 11, 1, 6, 30, tz="UTC")

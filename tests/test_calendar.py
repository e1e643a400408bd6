"""Calendar files other programs read: icalendar, vobject and a real khal.

A receptionist of Gaspésie exports bookings of clinicians in Toronto,
Halifax and Blanc-Sablon time around the 2027 DST changes (2027-03-14 and
2027-11-07); a calendar program must show the same instants, and a
re-export after a reschedule must update its event, not add a second one.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pendulum
import pytest

from telecoop.services import booking as bk
from telecoop.services.calendar import export_ics

MARCH = pendulum.datetime(2027, 3, 1, 12, tz="UTC")
UTC = dt.timezone.utc

# (clinician id, zone, local start) on both sides of each 2027 change.
CASES = [
    (1, "America/Toronto", "2027-03-10T10:00"), (1, "America/Toronto", "2027-03-17T10:00"),
    (8, "America/Halifax", "2027-03-11T10:00"), (8, "America/Halifax", "2027-03-18T10:00"),
    (12, "America/Blanc-Sablon", "2027-03-10T10:00"), (12, "America/Blanc-Sablon", "2027-03-17T10:00"),
    (1, "America/Toronto", "2027-11-03T10:00"), (1, "America/Toronto", "2027-11-10T10:00"),
    (8, "America/Halifax", "2027-11-04T10:00"), (8, "America/Halifax", "2027-11-11T10:00"),
    (12, "America/Blanc-Sablon", "2027-11-03T10:00"), (12, "America/Blanc-Sablon", "2027-11-10T10:00"),
]


@pytest.fixture
def spring(as_user):
    gas = as_user("recep.gaspesie", now=MARCH)
    made = [bk.book(gas, clinician_id=c, start=start, duration=30, consent=True, patient="ZZ-12345", reason="secret reason")
            for c, _tz, start in CASES]
    return gas, made


def _events(data: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_times_carry_the_resource_zone_with_its_vtimezone(spring):
    gas, made = spring
    for (_c, tz, start), b in zip(CASES, made):
        data = export_ics(gas, booking_id=b.id)
        cal = icalendar.Calendar.from_ical(data)
        (ev,) = cal.walk("VEVENT")
        assert [str(z["tzid"]) for z in cal.walk("VTIMEZONE")] == [tz]
        assert ev["dtstart"].params["TZID"] == tz
        assert ev.decoded("dtstart").replace(tzinfo=None) == dt.datetime.fromisoformat(start)
        assert ev.decoded("dtstart").astimezone(UTC) == b.start


def test_uid_is_stable_and_unique_per_database_sequence_rises(spring, db_path, tmp_path):
    gas, made = spring
    b = made[0]
    first = _events(export_ics(gas, booking_id=b.id))
    (uid,) = first
    assert uid.startswith(f"booking-{b.id}-") and uid.endswith("@telecoop")
    assert first[uid]["sequence"] == 0 and "last-modified" in first[uid] and "dtstamp" in first[uid]
    bk.reschedule(gas, b.id, start="2027-03-10T11:00")
    second = _events(export_ics(gas, booking_id=b.id))
    assert list(second) == [uid] and second[uid]["sequence"] == 1
    bk.cancel(gas, b.id, reason="moved away")
    third = _events(export_ics(gas, booking_id=b.id))
    assert third[uid]["sequence"] == 2 and str(third[uid]["status"]) == "CANCELLED"
    # Another database (same sample data, same booking ids) gets other UIDs.
    from telecoop.io import csvio
    from telecoop.services.context import open_context
    from telecoop.store.engine import make_engine

    other = tmp_path / "other" / "telecoop.db"
    engine = make_engine(other)
    csvio.import_path(engine, Path(__file__).resolve().parents[1] / "sample_data", actor="test")
    engine.dispose()
    ctx = open_context(other, "recep.gaspesie", clock=lambda: MARCH)
    try:
        b2 = bk.book(ctx, clinician_id=1, start="2027-03-10T10:00", duration=30, consent=True, patient="QQ")
        assert b2.id == b.id
        assert list(_events(export_ics(ctx, booking_id=b2.id))) != [uid]
    finally:
        ctx.engine.dispose()


def test_viewer_language_video_link_and_no_patient_data(spring, as_user):
    from telecoop import i18n

    gas, made = spring
    b = made[4]  # Dr Kevin Buckle (Basse-Côte-Nord), booked by Gaspésie, video
    # issue 14: the visit has its own private link (the booking co-op's platform): it stays in TeleCoop
    private = b.video_link
    assert private and private.startswith("https://visio.example.org/gaspesie/")
    i18n.set_lang("fr")
    data = export_ics(gas, booking_id=b.id)
    ev = next(iter(_events(data).values()))
    text = str(ev["description"])
    assert "Mode : vidéo" in text and "Statut : réservé" in text
    assert f"Lien vidéo : privé, dans TeleCoop (rendez-vous n° {b.id})" in text and "url" not in ev
    assert private.split("/")[-1] not in data.decode().replace("\r\n ", "") and "bcn-buckle" not in data.decode()
    i18n.set_lang("en")
    ev = next(iter(_events(export_ics(gas, booking_id=b.id)).values()))
    assert "Mode: video" in str(ev["description"]) and "Status: booked" in str(ev["description"])
    assert "Video link: private, in TeleCoop" in str(ev["description"])
    clinician = export_ics(as_user("clin.basse-cote-nord", now=MARCH), booking_id=b.id)
    assert "private, in TeleCoop" in str(next(iter(_events(clinician).values()))["description"])
    assert private.split("/")[-1] not in clinician.decode().replace("\r\n ", "")
    # A co-op without a platform: the visit uses the clinician's fixed link, written for those who see it.
    from telecoop.services.teleconsult import set_platform

    set_platform(as_user("admin.gaspesie", now=MARCH), "gaspesie", "")
    fixed = "https://visio.example.org/bcn-buckle"
    plain = bk.book(gas, clinician_id=12, start="2027-03-24T10:00", duration=30, consent=True, patient="ZZ-12345")
    ev = next(iter(_events(export_ics(gas, booking_id=plain.id)).values()))
    assert fixed in str(ev["description"]) and str(ev["url"]) == fixed
    assert fixed in export_ics(as_user("clin.basse-cote-nord", now=MARCH), booking_id=plain.id).decode()
    # Another co-op sees busy, without any link.
    data = export_ics(as_user("recep.iles", now=MARCH), resource_id=12, from_date=dt.date(2027, 3, 10),
                      to_date=dt.date(2027, 3, 10))
    ev = next(iter(_events(data).values()))
    assert str(ev["summary"]) == "busy — gaspesie" and "url" not in ev and "visio" not in data.decode()
    for login in ("recep.gaspesie", "recep.iles", "clin.basse-cote-nord"):
        for c in (1, 8, 12):
            try:
                data = export_ics(as_user(login, now=MARCH), resource_id=c).decode()
            except Exception:  # noqa: BLE001 - a resource this login may not see
                continue
            assert "ZZ-12345" not in data and "secret reason" not in data


def test_vobject_reads_the_file(spring):
    vobject = pytest.importorskip("vobject")
    gas, made = spring
    data = export_ics(gas, resource_id=12, from_date=dt.date(2027, 3, 1), to_date=dt.date(2027, 11, 30))
    cal = vobject.readOne(data.decode())
    starts = sorted(ev.dtstart.value for ev in cal.vevent_list)
    assert [s.astimezone(UTC) for s in starts] == sorted(b.start for b in made if b.clinician_id == 12)
    assert all(s.tzinfo is not None and s.hour == 10 for s in starts)


# --------------------------------------------------------------------------- #
# A real khal
# --------------------------------------------------------------------------- #


def _khal() -> str:
    exe = Path(sys.executable).with_name("khal")
    found = str(exe) if exe.exists() else shutil.which("khal")
    if not found:
        pytest.skip("khal is not installed (pip install -e '.[test]' brings it)")
    return found


def _khal_env(tmp_path: Path, local_tz: str) -> tuple[list[str], Path]:
    cal = tmp_path / "cal"
    cal.mkdir(parents=True, exist_ok=True)
    config = tmp_path / f"khal-{local_tz.replace('/', '_')}.conf"
    config.write_text(
        "[calendars]\n[[tc]]\npath = {cal}\ntype = calendar\n"
        "[locale]\nlocal_timezone = {tz}\ndefault_timezone = {tz}\ntimeformat = %H:%M\n"
        "dateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\n"
        "longdatetimeformat = %Y-%m-%d %H:%M\n[default]\ndefault_calendar = tc\n".format(cal=cal, tz=local_tz)
    )
    return [_khal(), "-c", str(config)], cal


def _run(cmd: list[str], tmp_path: Path) -> str:
    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path))
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _listing(khal: list[str], tmp_path: Path, day: str, span: str = "1d") -> list[str]:
    out = _run(khal + ["list", "--format", "{start} {end} {title} {status}", day, span], tmp_path)
    return [line for line in out.splitlines() if line[:2] == "20"]


@pytest.mark.slow
def test_khal_shows_local_times_across_2027_dst_and_updates_on_reschedule(spring, tmp_path):
    gas, made = spring
    ics = tmp_path / "agenda.ics"
    for local_tz in ("America/Toronto", "America/Halifax", "America/Blanc-Sablon"):
        khal, _cal = _khal_env(tmp_path / local_tz.replace("/", "_"), local_tz)
        for c in (1, 8, 12):
            ics.write_bytes(export_ics(gas, resource_id=c, from_date=dt.date(2027, 3, 1),
                                       to_date=dt.date(2027, 11, 30)))
            _run(khal + ["import", "--batch", "-a", "tc", str(ics)], tmp_path)
        lines = _listing(khal, tmp_path, "2027-03-01", "280d")
        want = sorted(
            f"{b.start.astimezone(ZoneInfo(local_tz)):%Y-%m-%d %H:%M} {b.end.astimezone(ZoneInfo(local_tz)):%Y-%m-%d %H:%M}"
            for b in made
        )
        assert sorted(line[:33] for line in lines) == want, local_tz
    # Blanc-Sablon keeps Atlantic standard time: Halifax's 10:00 moves under it in March.
    khal, _cal = _khal_env(tmp_path / "America_Blanc-Sablon", "America/Blanc-Sablon")
    assert _listing(khal, tmp_path, "2027-03-11") == ["2027-03-11 10:00 2027-03-11 10:30 Teleconsultation — Étienne Boudreau CONFIRMED "]
    assert _listing(khal, tmp_path, "2027-03-18") == ["2027-03-18 09:00 2027-03-18 09:30 Teleconsultation — Étienne Boudreau CONFIRMED "]

    # Reschedule, re-export, re-import: the event moves, no second one appears.
    khal, cal = _khal_env(tmp_path / "America_Toronto", "America/Toronto")
    before = len(list(cal.glob("*.ics")))
    moved = bk.reschedule(gas, made[2].id, start="2027-03-11T11:00")
    ics.write_bytes(export_ics(gas, booking_id=moved.id))
    _run(khal + ["import", "--batch", "-a", "tc", str(ics)], tmp_path)
    assert len(list(cal.glob("*.ics"))) == before
    assert _listing(khal, tmp_path, "2027-03-11") == ["2027-03-11 10:00 2027-03-11 10:30 Teleconsultation — Étienne Boudreau CONFIRMED "]

"""CSV export: the documented format, and export -> import -> export gives the same bytes."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select

from telecoop.domain.errors import ImportErrors

from telecoop.io import csvio
from telecoop.store import tables as tb
from telecoop.store.engine import make_engine, write_session

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
UTC = dt.timezone.utc


def write_csv(folder: Path, name: str, text: str) -> Path:
    """Write CSV ``text`` as ``folder/name`` (folder created) and return the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def normalized(path: Path) -> list[tuple]:
    """The rows of a CSV file as a sorted list, list cells compared as sets."""
    out = []
    for row in rows_of(path):
        if "shared_with" in row:
            row["shared_with"] = " ".join(sorted(row["shared_with"].split()))
        out.append(tuple(sorted(row.items())))
    return sorted(out)


def round_trip(tmp_path: Path, engine, *, include_bookings: bool) -> tuple[Path, Path]:
    """Export ``engine`` to D1, import D1 into a fresh database, export it to D2."""
    d1, d2 = tmp_path / "D1", tmp_path / "D2"
    counts1 = csvio.export_dir(engine, d1, include_bookings=include_bookings)
    eng2 = make_engine(tmp_path / "db2.db")
    try:
        imported = csvio.import_path(eng2, d1)
        counts2 = csvio.export_dir(eng2, d2, include_bookings=include_bookings)
    finally:
        eng2.dispose()
    assert counts1 == counts2 == imported
    names = sorted(p.name for p in d1.iterdir())
    assert names == sorted(p.name for p in d2.iterdir())
    for name in names:
        assert (d1 / name).read_bytes() == (d2 / name).read_bytes(), name
    return d1, d2


@pytest.fixture
def sample_engine(tmp_path):
    eng = make_engine(tmp_path / "db1.db")
    csvio.import_path(eng, SAMPLE)
    yield eng
    eng.dispose()


def test_sample_data_round_trips_byte_for_byte(tmp_path, sample_engine):
    d1, _ = round_trip(tmp_path, sample_engine, include_bookings=True)
    assert (d1 / "bookings.csv").read_text(encoding="utf-8") == ",".join(csvio.COLUMNS["bookings"]) + "\n"
    for src in sorted(SAMPLE.glob("*.csv")):
        assert normalized(d1 / src.name) == normalized(src), src.name


def test_export_format(tmp_path, sample_engine):
    counts = csvio.export_dir(sample_engine, tmp_path / "out", include_bookings=False)
    assert counts == {"coops": 7, "resources": 50, "staff": 25, "availability": 429, "closures": 8,
                      # issue 13: the capacity tables are written even when empty (no waitlist: patient data)
                      "sharing_terms": 0, "sharing_quotas": 0, "sharing_overbooks": 0, "coop_capacity": 0}
    assert not (tmp_path / "out" / "bookings.csv").exists()
    assert not (tmp_path / "out" / "series.csv").exists()  # issue 14: with the bookings only
    for kind, name in csvio.FILES.items():
        if kind in ("bookings", "waitlist", "series"):  # the waitlist (issue 13) and series (issue 14) come with the bookings
            continue
        data = (tmp_path / "out" / name).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in data and data.endswith(b"\n")
        assert data.decode("utf-8").split("\n", 1)[0] == ",".join(csvio.COLUMNS[kind])
    coops = [r["slug"] for r in rows_of(tmp_path / "out" / "coops.csv")]
    assert coops == sorted(coops)
    ids = [int(r["id"]) for r in rows_of(tmp_path / "out" / "resources.csv")]
    assert ids == sorted(ids)
    hours = [(int(r["resource_id"]), ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(r["weekday"]), r["start"])
             for r in rows_of(tmp_path / "out" / "availability.csv")]
    assert hours == sorted(hours)
    shared = {r["id"]: r["shared_with"] for r in rows_of(tmp_path / "out" / "resources.csv")}
    assert shared["2"] == "basse-cote-nord iles"


def test_round_trip_with_bookings_and_awkward_times(tmp_path, sample_engine):
    extra = tmp_path / "extra"
    write_csv(extra, "staff.csv", 'login,name,coop,role,clinician_id\nrecep3.iles,"Doe, ""Jo""",iles,receptionist,\n')
    write_csv(
        extra,
        "closures.csv",
        "resource_id,coop,start,end,reason\n"
        "7,,2026-03-08,2026-03-08,DST day in Halifax\n"
        ",gaspesie,2026-11-01,2026-11-01,Fall-back day\n"
        "12,,2026-07-01 09:00,2026-07-03 12:30,Multi-day partial\n"
        ",basse-cote-nord,2026-03-08 02:30,2026-03-08 03:30,No DST here\n"
        ',iles,2026-06-01 00:00,2026-06-02 00:00,"Midnights, written as a day"\n',
    )
    write_csv(
        extra,
        "bookings.csv",
        "id,clinician_id,room_id,coop,booked_by,start,end,patient,reason,mode,status,cancel_reason\n"
        "12,1,40,gaspesie,recep.gaspesie,2026-12-07T14:00Z,2026-12-07T14:30Z,AB-1,Suivi,room,booked,\n"
        "3,7,,iles,recep3.iles,2026-12-07T14:00:00Z,2026-12-07T14:45:00Z,\"C,D\",,video,cancelled,Malade\n",
    )
    csvio.import_path(sample_engine, extra)
    # A closure written by a service in the repeated fall-back hour (second 01:30, EST).
    with write_session(sample_engine) as s:
        s.add(tb.ClosureRow(coop="saguenay", start=dt.datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
                            end=dt.datetime(2026, 11, 1, 8, tzinfo=UTC), reason="Panne"))
    d1, _ = round_trip(tmp_path, sample_engine, include_bookings=True)
    closures = {r["reason"]: (r["start"], r["end"]) for r in rows_of(d1 / "closures.csv")}
    assert closures["DST day in Halifax"] == ("2026-03-08", "2026-03-08")
    assert closures["Fall-back day"] == ("2026-11-01", "2026-11-01")
    assert closures["Multi-day partial"] == ("2026-07-01 09:00", "2026-07-03 12:30")
    assert closures["No DST here"] == ("2026-03-08 02:30", "2026-03-08 03:30")
    assert closures["Midnights, written as a day"] == ("2026-06-01", "2026-06-01")
    assert closures["Panne"] == ("2026-11-01 01:30-05:00", "2026-11-01 03:00")
    bookings = rows_of(d1 / "bookings.csv")
    assert [b["id"] for b in bookings] == ["3", "12"]
    assert (bookings[0]["patient"], bookings[0]["start"], bookings[0]["room_id"]) == ("C,D", "2026-12-07T14:00:00Z", "")
    assert bookings[1]["room_id"] == "40"
    staff = {r["login"]: r["name"] for r in rows_of(d1 / "staff.csv")}
    assert staff["recep3.iles"] == 'Doe, "Jo"'


# --------------------------------------------------------------------------- #
# issue 13: sharing terms, quotas, overbookings, co-op capacity, the waitlist
# --------------------------------------------------------------------------- #


def _add_capacity(engine) -> None:
    at = dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    with write_session(engine) as s:
        s.add(tb.SharingTermsRow(resource_id=2, window_days=30, min_notice_hours=24, release_hours=48))
        s.add(tb.QuotaRow(resource_id=2, coop="iles", minutes_per_week=390))
        s.add(tb.QuotaRow(resource_id=2, coop="basse-cote-nord", minutes_per_week=0))
        s.add(tb.OverbookRow(id=4, resource_id=2, coop="iles", week="2026-W50", extra_minutes=90,
                             reason="Grippe, renfort", granted_by="fed.admin", created_at=at))
        s.add(tb.CoopCapacityRow(coop="iles", hold_minutes=15, offer_minutes=45))
        for eid, coop, status in ((7, "gaspesie", "waiting"), (8, "iles", "offered"), (9, "iles", "removed")):
            s.add(tb.WaitlistEntryRow(
                id=eid, coop=coop, added_by="recep.gaspesie", specialty="family_medicine", language="fr",
                mode="video" if eid == 7 else "", coops="iles gaspesie" if eid == 7 else "",
                from_date=dt.date(2026, 12, 1), to_date=dt.date(2026, 12, 20), patient=f"PAT-{eid}",
                priority=eid - 6, duration=45, status=status, created_at=at, updated_at=at,
            ))


def test_capacity_tables_round_trip(tmp_path, sample_engine):
    _add_capacity(sample_engine)
    d1, _ = round_trip(tmp_path, sample_engine, include_bookings=True)
    assert rows_of(d1 / "sharing_terms.csv") == [
        {"resource_id": "2", "window_days": "30", "min_notice_hours": "24", "release_hours": "48"}]
    assert [(q["coop"], q["minutes_per_week"]) for q in rows_of(d1 / "sharing_quotas.csv")] == [
        ("basse-cote-nord", "0"), ("iles", "390")]
    (grant,) = rows_of(d1 / "sharing_overbooks.csv")
    assert (grant["id"], grant["week"], grant["extra_minutes"], grant["reason"], grant["created_at"]) == (
        "4", "2026-W50", "90", "Grippe, renfort", "2026-11-20T15:00:00Z")
    assert rows_of(d1 / "coop_capacity.csv") == [{"coop": "iles", "hold_minutes": "15", "offer_minutes": "45"}]
    entries = {e["id"]: e for e in rows_of(d1 / "waitlist.csv")}
    assert (entries["7"]["patient"], entries["7"]["coops"], entries["7"]["priority"]) == ("PAT-7", "gaspesie iles", "1")
    # a live offer is transient (not exported): its entry waits again
    assert entries["8"]["status"] == "waiting" and entries["9"]["status"] == "removed"


def test_masked_export_blanks_waitlist_patients_like_bookings(tmp_path, sample_engine):
    _add_capacity(sample_engine)
    from telecoop.domain import access
    from telecoop.domain import model as m

    admin = m.Staff(login="fed.admin", name="Josée", coop="gaspesie", role=m.Role.FEDERATION_ADMIN)
    out = tmp_path / "masked"
    csvio.export_dir(sample_engine, out, include_bookings=True,
                     hide_patient=lambda b: not access.sees_patient(admin, b.coop, b.clinician_id))
    patients = {e["id"]: e["patient"] for e in rows_of(out / "waitlist.csv")}
    assert patients == {"7": "PAT-7", "8": "", "9": ""}
    # a co-op admin's export (no patient data) has no waitlist at all
    csvio.export_dir(sample_engine, tmp_path / "plain", include_bookings=False)
    assert not (tmp_path / "plain" / "waitlist.csv").exists()


def test_bad_quota_line_refused_with_its_place_and_nothing_imported(tmp_path, sample_engine):
    extra = tmp_path / "extra"
    write_csv(extra, "sharing_terms.csv", "resource_id,window_days,min_notice_hours,release_hours\n2,30,24,0\n")
    write_csv(extra, "sharing_quotas.csv",
              "resource_id,coop,minutes_per_week\n2,iles,120\n2,basse-cote-nord,20000\n2,gaspesie,60\n")
    with pytest.raises(ImportErrors) as caught:
        csvio.import_path(sample_engine, extra)
    places = [(f, line, column, key) for f, line, column, key, _params in caught.value.problems]
    assert places == [
        ("sharing_quotas.csv", 3, "minutes_per_week", "field.range"),  # past a whole week
        ("sharing_quotas.csv", 4, "coop", "sharing.quota_owner"),  # the owner has no quota on its own
    ]
    lines = csvio.format_problems(caught.value.problems, "en")
    assert lines[0].startswith("sharing_quotas.csv:3:minutes_per_week: ")
    with write_session(sample_engine) as s:
        assert s.exec(select(tb.SharingTermsRow)).all() == []
        assert s.exec(select(tb.QuotaRow)).all() == []


# issue 14: the teleconsultation record round-trips; the private link does not
# --------------------------------------------------------------------------- #

_TC_BOOKINGS_HEADER = (
    "id,clinician_id,room_id,coop,booked_by,start,end,patient,reason,mode,status,cancel_reason,"
    "patient_location,patient_site,consent_by,consent_at,interpreter_id,series_id,series_index\n"
)


def _teleconsult_files(folder: Path, *, location: str = "ON", series_id: str = "5") -> Path:
    write_csv(folder, "resources.csv",
              "id,kind,name,coop,specialty,languages,equipment,video_link,sharing,shared_with,buffer_minutes,licences\n"
              "900,interpreter,Ana Interprète,gaspesie,,fr es,,,all,,0,\n"
              "901,clinician,Dre Ontario,gaspesie,psychology,fr en,,,all,,0,QC ON\n")
    write_csv(folder, "series.csv",
              "id,coop,clinician_id,repeat,count,tz,created_by,created_at\n"
              "5,gaspesie,901,weekly,2,America/Toronto,recep.gaspesie,2026-12-01T15:00:00Z\n")
    write_csv(folder, "bookings.csv", _TC_BOOKINGS_HEADER
              + f"70,901,,gaspesie,recep.gaspesie,2026-12-08T15:00:00Z,2026-12-08T15:45:00Z,P-1,,video,booked,,"
                f"{location},Site Gaspé,recep.gaspesie,2026-12-01T15:00:00Z,900,{series_id},1\n"
                "71,901,,gaspesie,recep.gaspesie,2026-12-15T15:00:00Z,2026-12-15T15:45:00Z,P-1,,phone,booked,,"
                "ON,,recep.gaspesie,2026-12-01T15:00:00Z,,5,2\n")
    return folder


def test_teleconsultation_record_round_trips_without_links(tmp_path, db_path, fresh_db):
    """On the engine under test (TELECOOP_TEST_DB=postgresql too): db_path is the sample federation."""
    engine = make_engine(db_path)
    eng2 = make_engine(fresh_db)
    try:
        csvio.import_path(engine, _teleconsult_files(tmp_path / "extra"))
        with write_session(engine) as s:  # a private link made by the app: never exported
            row = s.get(tb.BookingRow, 70)
            assert row is not None
            row.video_link = "https://visio.example.org/gaspesie/SECRET-token"
            s.add(row)
        d1, d2 = tmp_path / "D1", tmp_path / "D2"
        counts = csvio.export_dir(engine, d1, include_bookings=True)
        assert csvio.import_path(eng2, d1) == counts == csvio.export_dir(eng2, d2, include_bookings=True)
        for p in d1.iterdir():
            assert p.read_bytes() == (d2 / p.name).read_bytes(), p.name
        with write_session(eng2) as s:  # imported without a link, a video visit has none
            row = s.get(tb.BookingRow, 70)
            assert row is not None and row.video_link == ""
    finally:
        engine.dispose()
        eng2.dispose()
    assert b"SECRET-token" not in b"".join(p.read_bytes() for p in d1.iterdir())
    assert "video_link" not in rows_of(d1 / "bookings.csv")[0]
    bookings = {b["id"]: b for b in rows_of(d1 / "bookings.csv")}
    assert {k: bookings["70"][k] for k in ("patient_location", "patient_site", "consent_by", "consent_at",
                                            "interpreter_id", "series_id", "series_index", "mode")} == {
        "patient_location": "ON", "patient_site": "Site Gaspé", "consent_by": "recep.gaspesie",
        "consent_at": "2026-12-01T15:00:00Z", "interpreter_id": "900", "series_id": "5", "series_index": "1",
        "mode": "video"}
    assert (bookings["71"]["series_index"], bookings["71"]["interpreter_id"]) == ("2", "")
    assert rows_of(d1 / "series.csv") == [{
        "id": "5", "coop": "gaspesie", "clinician_id": "901", "repeat": "weekly", "count": "2",
        "tz": "America/Toronto", "created_by": "recep.gaspesie", "created_at": "2026-12-01T15:00:00Z"}]
    resources = {r["id"]: r for r in rows_of(d1 / "resources.csv")}
    assert (resources["900"]["kind"], resources["900"]["languages"]) == ("interpreter", "fr es")
    assert resources["901"]["licences"] == "QC ON"
    coops = {c["slug"]: c for c in rows_of(d1 / "coops.csv")}
    assert coops["gaspesie"]["video_platform"] == "https://visio.example.org/gaspesie/"


def test_masked_export_blanks_the_visit_record(tmp_path, sample_engine):
    csvio.import_path(sample_engine, _teleconsult_files(tmp_path / "extra"))
    csvio.export_dir(sample_engine, tmp_path / "out", include_bookings=True, hide_patient=lambda b: True)
    b = {r["id"]: r for r in rows_of(tmp_path / "out" / "bookings.csv")}["70"]
    assert (b["patient"], b["patient_site"], b["consent_by"], b["consent_at"]) == ("", "", "", "")
    assert (b["interpreter_id"], b["series_id"]) == ("900", "5")  # not patient data


@pytest.mark.parametrize(("kwargs", "where"), [
    ({"location": "XX"}, "bookings.csv:2:patient_location"),
    ({"series_id": "6"}, "bookings.csv:2:series_id"),
])
def test_bad_visit_record_is_refused_with_its_place(tmp_path, sample_engine, kwargs, where):
    from telecoop.domain.errors import ImportErrors

    with pytest.raises(ImportErrors) as caught:
        csvio.import_path(sample_engine, _teleconsult_files(tmp_path / "extra", **kwargs))
    lines = csvio.format_problems(caught.value.problems, "en")
    assert len(lines) == 1 and lines[0].startswith(where + ":"), lines
    with write_session(sample_engine) as s:  # nothing imported
        assert s.get(tb.SeriesRow, 5) is None and s.get(tb.ResourceRow, 900) is None


def test_consent_recorder_must_be_a_known_login(tmp_path, sample_engine):
    from telecoop.domain.errors import ImportErrors

    folder = _teleconsult_files(tmp_path / "extra")
    text = (folder / "bookings.csv").read_text(encoding="utf-8").replace(",ON,,recep.gaspesie,", ",ON,,nobody,")
    (folder / "bookings.csv").write_text(text, encoding="utf-8")
    with pytest.raises(ImportErrors) as caught:
        csvio.import_path(sample_engine, folder)
    assert [p[:3] for p in caught.value.problems] == [("bookings.csv", 3, "consent_by")]


def test_interpreter_held_twice_is_refused(tmp_path, sample_engine):
    from telecoop.domain.errors import ImportErrors

    folder = _teleconsult_files(tmp_path / "extra")
    with open(folder / "bookings.csv", "a", encoding="utf-8") as fh:  # same hour, another clinician
        fh.write("72,1,,gaspesie,recep.gaspesie,2026-12-08T15:15:00Z,2026-12-08T15:30:00Z,P-2,,video,booked,,"
                 "QC,,recep.gaspesie,2026-12-01T15:00:00Z,900,,\n")
    with pytest.raises(ImportErrors) as caught:
        csvio.import_path(sample_engine, folder)
    assert [p[:3] for p in caught.value.problems] == [("bookings.csv", 4, "start")]

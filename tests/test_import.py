"""CSV import (docs/csv-format.md): all-or-nothing, every problem named by file, line and column."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import engines
import pytest
from sqlmodel import select

from telecoop.domain.errors import BadInput, ImportErrors, NotFound
from telecoop.io import csvio
from telecoop.store import tables as tb
from telecoop.store.engine import make_engine, read_session

UTC = dt.timezone.utc

COOPS = """slug,name,region,tz,lang
gaspesie,Coopérative de santé de la Gaspésie,Gaspésie,America/Toronto,fr
iles,Coopérative de santé des Îles,Îles-de-la-Madeleine,America/Halifax,fr
bcn,Coopérative de la Basse-Côte-Nord,Côte-Nord,America/Blanc-Sablon,fr
"""
RESOURCES = """id,kind,name,coop,specialty,languages,equipment,video_link,sharing,shared_with,buffer_minutes
1,clinician,Dre Émilie Arsenault,gaspesie,family_medicine,fr,,https://visio.example.org/a,all,,5
2,clinician,Étienne Boudreau,iles,psychology,fr en,,,listed,gaspesie bcn,10
40,room,Salle de téléconsultation — Gaspé,gaspesie,,,camera otoscope,,private,,10
"""
STAFF = """login,name,coop,role,clinician_id
recep.gaspesie,Nicole Langlois,gaspesie,receptionist,
clin.gaspesie,Dre Émilie Arsenault,gaspesie,clinician,1
"""
AVAILABILITY = """resource_id,weekday,start,end,valid_from,valid_to
1,mon,09:00,12:00,,
1,mon,13:00,17:00,,
"""
RES_HEADER = RESOURCES.splitlines()[0]
STAFF_HEADER = STAFF.splitlines()[0]
AV_HEADER = AVAILABILITY.splitlines()[0]
CL_HEADER = "resource_id,coop,start,end,reason"
BK_HEADER = "id,clinician_id,room_id,coop,booked_by,start,end,patient,reason,mode,status,cancel_reason"


def write_csv(folder: Path, name: str, text: str, *, encoding: str = "utf-8") -> Path:
    """Write CSV ``text`` as ``folder/name`` (folder created) and return the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def dump(db: Path) -> dict[str, list]:
    """Every row of every table, for before/after comparisons."""
    if engines.ON_PG:
        return engines.pg_rows(db)
    conn = sqlite3.connect(db)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        conn.close()


@pytest.fixture
def db(empty_template, tmp_path) -> Path:
    """A database with the tables and no row: a file path (SQLite) or a PostgreSQL database
    (tests/engines.py); a copy, since making the tables runs every migration."""
    return engines.copy_db(empty_template, tmp_path / "telecoop.db")


@pytest.fixture
def engine(db, tmp_path):
    """A database holding three co-ops, three resources, two staff and two availability rows."""
    eng = make_engine(db)
    base = tmp_path / "base"
    write_csv(base, "coops.csv", COOPS)
    write_csv(base, "resources.csv", RESOURCES)
    write_csv(base, "staff.csv", STAFF)
    write_csv(base, "availability.csv", AVAILABILITY)
    csvio.import_path(eng, base)
    yield eng
    eng.dispose()


def refused(engine, db: Path, path: Path) -> list[tuple]:
    """Import ``path``, expect ImportErrors, check nothing changed; the problems' (file, line, column, key)."""
    before = dump(db)
    with pytest.raises(ImportErrors) as info:
        csvio.import_path(engine, path)
    assert dump(db) == before
    problems = info.value.problems
    for f, line, column, key, params in problems:
        assert f.endswith(".csv") and line >= 1 and isinstance(column, str) and key
        assert isinstance(params, dict)
    return [p[:4] for p in problems]


# --------------------------------------------------------------------------- #
# Accepted
# --------------------------------------------------------------------------- #


def test_folder_import_resolves_references_within_the_import(engine):
    with read_session(engine) as s:
        assert {c.slug for c in s.exec(select(tb.CoopRow))} == {"gaspesie", "iles", "bcn"}
        assert s.get(tb.ResourceRow, 40).kind == "room"
        assert s.get(tb.StaffRow, "clin.gaspesie").clinician_id == 1
        shares = {(r.resource_id, r.coop) for r in s.exec(select(tb.ShareRow))}
        assert shares == {(2, "gaspesie"), (2, "bcn")}
        assert s.get(tb.ResourceRow, 2).languages == "fr en"
        audit = s.exec(select(tb.AuditRow)).all()
    assert len(audit) == 1
    a = audit[0]
    assert (a.actor, a.coop, a.action, a.entity, a.entity_id) == ("import", None, "import", "import", "base")
    assert json.loads(a.after) == {"coops": 3, "resources": 3, "staff": 2, "availability": 2}
    assert a.at.tzinfo is not None


def test_single_file_import_into_existing_database(engine, tmp_path):
    path = write_csv(tmp_path / "in", "staff.csv", STAFF_HEADER + "\nadmin.iles,Gilles Bourque,iles,coop_admin,\n")
    counts = csvio.import_path(engine, path, actor="fed.admin")
    assert counts == {"staff": 1}
    with read_session(engine) as s:
        assert s.get(tb.StaffRow, "admin.iles").role == "coop_admin"
        last = s.exec(select(tb.AuditRow).order_by(tb.AuditRow.id.desc())).first()
    assert (last.actor, last.entity_id, json.loads(last.after)) == ("fed.admin", "staff.csv", {"staff": 1})


def test_semicolon_separated_with_bom(db, tmp_path):
    eng = make_engine(db)
    text = (
        "slug;name;region;tz;lang\r\n"
        'gaspesie;"Coop; Gaspésie ""Est""";Gaspésie;America/Toronto;fr\r\n'
        "iles;Coop des Îles;Îles;America/Halifax;en\r\n"
    )
    path = write_csv(tmp_path / "in", "coops.csv", text, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert csvio.import_path(eng, path) == {"coops": 2}
    with read_session(eng) as s:
        assert s.get(tb.CoopRow, "gaspesie").name == 'Coop; Gaspésie "Est"'
        assert s.get(tb.CoopRow, "iles").lang == "en"
    eng.dispose()


def test_blank_lines_and_extra_columns_are_ignored(engine, db, tmp_path):
    text = STAFF_HEADER + ",note\n\nadmin.iles,Gilles,iles,coop_admin,,hello\n,,,,,\n"
    assert csvio.import_path(engine, write_csv(tmp_path / "in", "staff.csv", text)) == {"staff": 1}


def test_closures_are_local_wall_times_of_the_owner(engine, tmp_path):
    text = CL_HEADER + (
        "\n2,,2026-07-01,2026-07-02,Vacances"  # Halifax (-03:00 in summer), end day inclusive
        "\n,gaspesie,2026-03-08,2026-03-08,Dimanche"  # Toronto spring-forward day: 23 h
        "\n1,,2026-12-02 13:00,2026-12-02 16:00,Formation"  # end exclusive
        "\n,bcn,2026-11-01 01:30,2026-11-01 02:30,Blanc-Sablon has no DST\n"
    )
    assert csvio.import_path(engine, write_csv(tmp_path / "in", "closures.csv", text)) == {"closures": 4}
    with read_session(engine) as s:
        rows = {c.reason: (c.start, c.end) for c in s.exec(select(tb.ClosureRow))}
    assert rows["Vacances"] == (dt.datetime(2026, 7, 1, 3, tzinfo=UTC), dt.datetime(2026, 7, 3, 3, tzinfo=UTC))
    assert rows["Dimanche"] == (dt.datetime(2026, 3, 8, 5, tzinfo=UTC), dt.datetime(2026, 3, 9, 4, tzinfo=UTC))
    assert rows["Formation"] == (dt.datetime(2026, 12, 2, 18, tzinfo=UTC), dt.datetime(2026, 12, 2, 21, tzinfo=UTC))
    assert rows["Blanc-Sablon has no DST"][0] == dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_closure_with_an_offset_settles_the_repeated_hour(engine, tmp_path):
    text = CL_HEADER + "\n,gaspesie,2026-11-01 01:30-05:00,2026-11-01 03:00,Panne\n"
    csvio.import_path(engine, write_csv(tmp_path / "in", "closures.csv", text))
    with read_session(engine) as s:
        row = s.exec(select(tb.ClosureRow)).one()
    assert row.start == dt.datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


def test_bookings_import(engine, tmp_path):
    text = BK_HEADER + (
        "\n7,1,40,gaspesie,recep.gaspesie,2026-12-07T14:00:00Z,2026-12-07T14:30:00Z,AB-123,Suivi,room,booked,"
        "\n8,1,,iles,recep.gaspesie,2026-12-07T14:00Z,2026-12-07T14:30Z,CD-1,,video,cancelled,Malade\n"
    )
    assert csvio.import_path(engine, write_csv(tmp_path / "in", "bookings.csv", text)) == {"bookings": 2}
    with read_session(engine) as s:
        b = s.get(tb.BookingRow, 7)
    assert (b.room_id, b.start, b.status) == (40, dt.datetime(2026, 12, 7, 14, tzinfo=UTC), "booked")


def test_line_numbers_count_physical_lines(engine, db, tmp_path):
    text = STAFF_HEADER + '\na.b,"Nom sur\ndeux lignes",gaspesie,receptionist,\nc.d,Nom,nowhere,receptionist,\n'
    assert refused(engine, db, write_csv(tmp_path / "in", "staff.csv", text)) == [
        ("staff.csv", 2, "name", "field.control"),
        ("staff.csv", 4, "coop", "field.unknown_coop"),
    ]


# --------------------------------------------------------------------------- #
# Refused: one test per kind of refusal
# --------------------------------------------------------------------------- #


def test_unknown_zone(engine, db, tmp_path):
    text = "slug,name,region,tz,lang\nabitibi,Coop Harricana,Abitibi,America/Amos,fr\n"
    assert refused(engine, db, write_csv(tmp_path / "in", "coops.csv", text)) == [
        ("coops.csv", 2, "tz", "field.tz")
    ]


def test_unknown_coop_reference(engine, db, tmp_path):
    text = STAFF_HEADER + "\nrecep.x,Someone,nowhere,receptionist,\n"
    assert refused(engine, db, write_csv(tmp_path / "in", "staff.csv", text)) == [
        ("staff.csv", 2, "coop", "field.unknown_coop")
    ]


def test_unknown_coop_in_shared_with(engine, db, tmp_path):
    text = RES_HEADER + "\n3,clinician,X,gaspesie,nursing,fr,,,listed,iles nowhere,0\n"
    assert refused(engine, db, write_csv(tmp_path / "in", "resources.csv", text)) == [
        ("resources.csv", 2, "shared_with", "field.unknown_coop")
    ]


def test_unknown_resource_reference(engine, db, tmp_path):
    text = AV_HEADER + "\n1,tue,09:00,12:00,,\n99,tue,09:00,12:00,,\n"
    assert refused(engine, db, write_csv(tmp_path / "in", "availability.csv", text)) == [
        ("availability.csv", 3, "resource_id", "field.unknown_resource")
    ]


def test_duplicate_key_within_the_files(db, tmp_path):
    eng = make_engine(db)
    text = COOPS + "gaspesie,Encore,Gaspésie,America/Toronto,fr\n"
    assert refused(eng, db, write_csv(tmp_path / "in", "coops.csv", text)) == [
        ("coops.csv", 5, "slug", "field.duplicate")
    ]
    eng.dispose()


def test_duplicate_key_against_the_database(engine, db, tmp_path):
    text = RES_HEADER + "\n1,room,Salle,gaspesie,,,,,all,,0\n"
    assert refused(engine, db, write_csv(tmp_path / "in", "resources.csv", text)) == [
        ("resources.csv", 2, "id", "field.duplicate")
    ]


def test_empty_name(engine, db, tmp_path):
    text = STAFF_HEADER + "\nrecep.x,  ,gaspesie,receptionist,\n"
    assert refused(engine, db, write_csv(tmp_path / "in", "staff.csv", text)) == [
        ("staff.csv", 2, "name", "field.empty")
    ]


@pytest.mark.parametrize("value", ["9:00", "09h00", "24:00", "09:60", "0900"])
def test_time_not_hhmm(engine, db, tmp_path, value):
    text = AV_HEADER + f"\n1,tue,{value},12:00,,\n"
    assert refused(engine, db, write_csv(tmp_path / "in", "availability.csv", text)) == [
        ("availability.csv", 2, "start", "time.hhmm")
    ]


@pytest.mark.parametrize(
    "name, row",
    [
        ("availability.csv", "1,tue,10:00,10:00,,"),
        ("availability.csv", "1,tue,10:00,09:00,,"),
        ("availability.csv", "1,tue,09:00,10:00,2026-05-01,2026-04-30"),
        ("closures.csv", "1,,2026-12-02 13:00,2026-12-02 13:00,Formation"),
        ("closures.csv", ",gaspesie,2026-12-25,2026-12-24,Noël"),
        ("bookings.csv", "7,1,,gaspesie,recep.gaspesie,2026-12-07T14:00Z,2026-12-07T13:00Z,AB,,video,booked,"),
    ],
)
def test_end_not_after_start(engine, db, tmp_path, name, row):
    header = {"availability.csv": AV_HEADER, "closures.csv": CL_HEADER, "bookings.csv": BK_HEADER}[name]
    [(f, line, column, key)] = refused(engine, db, write_csv(tmp_path / "in", name, f"{header}\n{row}\n"))
    assert (f, line, key) == (name, 2, "field.end_before_start")
    assert column in ("end", "valid_to")


@pytest.mark.parametrize("bad", ["\x1b[2J", "\x07", "\u202e", "a\rb"])
def test_control_or_escape_characters(engine, db, tmp_path, bad):
    text = RES_HEADER + f'\n3,room,"Salle {bad}",gaspesie,,,,,all,,0\n'
    assert refused(engine, db, write_csv(tmp_path / "in", "resources.csv", text)) == [
        ("resources.csv", 2, "name", "field.control")
    ]


@pytest.mark.parametrize(
    "name, row, column, key",
    [
        ("staff.csv", "recep.x,X,gaspesie,admin,", "role", "field.choice"),
        ("resources.csv", "3,robot,X,gaspesie,,,,,all,,0", "kind", "field.choice"),
        ("resources.csv", "3,room,X,gaspesie,,,,,friends,,0", "sharing", "field.choice"),
        ("resources.csv", "3,clinician,X,gaspesie,dentistry,fr,,,all,,0", "specialty", "field.choice"),
        ("resources.csv", "3,clinician,X,gaspesie,nursing,fr de,,,all,,0", "languages", "field.choice"),
        ("resources.csv", "3,clinician,X,gaspesie,nursing,fr fr,,,all,,0", "languages", "field.duplicate"),
        ("resources.csv", "3,clinician,X,gaspesie,nursing,,,,all,,0", "languages", "field.empty"),
        ("resources.csv", "3,room,X,gaspesie,nursing,,,,all,,0", "specialty", "field.must_be_empty"),
        ("resources.csv", "3,room,X,gaspesie,,,,,all,iles,0", "shared_with", "field.must_be_empty"),
        ("resources.csv", "3,room,X,gaspesie,,,,http://x.org,all,,0", "video_link", "field.url"),
        ("coops.csv", "abitibi,Coop,Abitibi,America/Toronto,de", "lang", "field.choice"),
        ("availability.csv", "1,monday,09:00,10:00,,", "weekday", "field.choice"),
        ("bookings.csv", "7,1,,gaspesie,recep.gaspesie,2026-12-07T14:00Z,2026-12-07T15:00Z,AB,,fax,booked,", "mode",
         "field.choice"),
    ],
)
def test_bad_codes(engine, db, tmp_path, name, row, column, key):
    header = {
        "staff.csv": STAFF_HEADER, "resources.csv": RES_HEADER, "coops.csv": COOPS.splitlines()[0],
        "availability.csv": AV_HEADER, "bookings.csv": BK_HEADER,
    }[name]
    assert refused(engine, db, write_csv(tmp_path / "in", name, f"{header}\n{row}\n")) == [(name, 2, column, key)]


@pytest.mark.parametrize(
    "rows, line",
    [
        (["1,mon,11:00,13:00,,"], 2),  # against the database (1 mon 09:00-12:00)
        (["1,tue,09:00,12:00,,", "1,tue,11:59,13:00,,"], 3),  # within the file
        (["1,tue,09:00,12:00,2026-01-01,2026-06-30", "1,tue,10:00,11:00,2026-06-30,"], 3),  # validity meets
    ],
)
def test_overlapping_availability(engine, db, tmp_path, rows, line):
    text = AV_HEADER + "\n" + "\n".join(rows) + "\n"
    assert refused(engine, db, write_csv(tmp_path / "in", "availability.csv", text)) == [
        ("availability.csv", line, "start", "import.overlap")
    ]


def test_touching_hours_and_disjoint_validity_do_not_overlap(engine, tmp_path):
    text = AV_HEADER + (
        "\n1,mon,12:00,13:00,,"
        "\n1,tue,09:00,12:00,2026-01-01,2026-06-30\n1,tue,10:00,11:00,2026-07-01,\n"
    )
    assert csvio.import_path(engine, write_csv(tmp_path / "in", "availability.csv", text)) == {"availability": 3}


@pytest.mark.parametrize(
    "value, key", [("abc", "field.int"), ("121", "field.range"), ("-1", "field.int"), ("", "field.empty"), ("5.5", "field.int")]
)
def test_buffer_not_an_integer_from_0_to_120(engine, db, tmp_path, value, key):
    text = RES_HEADER + f"\n3,room,Salle,gaspesie,,,,,all,,{value}\n"
    assert refused(engine, db, write_csv(tmp_path / "in", "resources.csv", text)) == [
        ("resources.csv", 2, "buffer_minutes", key)
    ]


def test_missing_required_column(engine, db, tmp_path):
    text = "slug,name,region,lang\nabitibi,Coop,Abitibi,fr\n"
    assert refused(engine, db, write_csv(tmp_path / "in", "coops.csv", text)) == [
        ("coops.csv", 1, "tz", "import.header")
    ]


@pytest.mark.parametrize("row, column", [("recep.x,X,gaspesie,receptionist,,extra", "#6"), ("recep.x,X,gaspesie", "role")])
def test_wrong_column_count(engine, db, tmp_path, row, column):
    text = f"{STAFF_HEADER}\n{row}\n"
    assert refused(engine, db, write_csv(tmp_path / "in", "staff.csv", text)) == [
        ("staff.csv", 2, column, "import.columns")
    ]


def test_not_utf8(engine, db, tmp_path):
    text = "slug,name,region,tz,lang\nabitibi,Coopérative,Abitibi,America/Toronto,fr\n"
    assert refused(engine, db, write_csv(tmp_path / "in", "coops.csv", text, encoding="latin-1")) == [
        ("coops.csv", 1, "", "import.encoding")  # a whole-file problem: no column
    ]


@pytest.mark.parametrize(
    "row, column, key",
    [
        (",gaspesie,2026-03-08 02:30,2026-03-08 05:00,Gap", "start", "time.gap"),
        ("2,,2026-03-08 04:00,2026-03-08 02:15,Gap Halifax", "end", "time.gap"),
        (",gaspesie,2026-11-01 01:30,2026-11-01 05:00,Repeated", "start", "time.ambiguous"),
        (",gaspesie,2026/12/25,2026-12-25,Format", "start", "import.closure_time"),
        (",gaspesie,2026-02-30,2026-12-25,Format", "start", "date.invalid"),
        ("1,gaspesie,2026-12-25,2026-12-25,Both", "resource_id", "field.coop_or_resource"),
    ],
)
def test_bad_closure_times(engine, db, tmp_path, row, column, key):
    problems = refused(engine, db, write_csv(tmp_path / "in", "closures.csv", f"{CL_HEADER}\n{row}\n"))
    assert problems == [("closures.csv", 2, column, key)]


@pytest.mark.parametrize("clinician_id, key", [("40", "field.not_clinician"), ("2", "field.clinician_other_coop")])
def test_staff_clinician_must_be_a_clinician_of_the_same_coop(engine, db, tmp_path, clinician_id, key):
    text = f"{STAFF_HEADER}\nclin.x,X,gaspesie,clinician,{clinician_id}\n"
    assert refused(engine, db, write_csv(tmp_path / "in", "staff.csv", text)) == [
        ("staff.csv", 2, "clinician_id", key)
    ]


@pytest.mark.parametrize(
    "row, column, key",
    [
        ("9,1,,gaspesie,recep.gaspesie,2026-12-07T14:15Z,2026-12-07T14:45Z,AB,,video,booked,", "start",
         "import.booking_overlap"),
        ("9,1,,gaspesie,nobody,2026-12-08T14:15Z,2026-12-08T14:45Z,AB,,video,booked,", "booked_by",
         "field.unknown_login"),
        ("9,1,,gaspesie,recep.gaspesie,2026-12-08 14:15,2026-12-08T14:45Z,AB,,video,booked,", "start",
         "import.utc_time"),
        ("9,40,,gaspesie,recep.gaspesie,2026-12-08T14:15Z,2026-12-08T14:45Z,AB,,video,booked,", "clinician_id",
         "field.not_clinician"),
        ("9,1,,gaspesie,recep.gaspesie,2026-12-08T14:15Z,2026-12-08T14:45Z,AB,,video,cancelled,", "cancel_reason",
         "field.empty"),
        ("9,1,,gaspesie,recep.gaspesie,2026-12-08T14:15Z,2026-12-08T14:45Z," + "P" * 41 + ",,video,booked,",
         "patient", "booking.patient_long"),
    ],
)
def test_bad_bookings(engine, db, tmp_path, row, column, key):
    first = "7,1,,gaspesie,recep.gaspesie,2026-12-07T14:00Z,2026-12-07T14:30Z,AB,,video,booked,"
    csvio.import_path(engine, write_csv(tmp_path / "first", "bookings.csv", f"{BK_HEADER}\n{first}\n"))
    assert refused(engine, db, write_csv(tmp_path / "in", "bookings.csv", f"{BK_HEADER}\n{row}\n")) == [
        ("bookings.csv", 2, column, key)
    ]


# --------------------------------------------------------------------------- #
# Many problems at once; messages; paths
# --------------------------------------------------------------------------- #


def test_every_problem_is_reported(db, tmp_path):
    eng = make_engine(db)
    folder = tmp_path / "in"
    write_csv(folder, "coops.csv", COOPS + "abitibi,,Abitibi,Mars/Olympus,fr\n")
    write_csv(folder, "resources.csv", RESOURCES + "41,room,Salle,abitibi,,,,,all,,500\n")
    write_csv(folder, "staff.csv", STAFF + "x.y,X,nowhere,boss,\n")
    write_csv(folder, "availability.csv", AV_HEADER + "\n1,mon,09:00,8:00,,\n1,xyz,09:00,10:00,,\n")
    write_csv(folder, "closures.csv", "resource_id,start,end\n")  # reason, coop optional; no rows
    problems = refused(eng, db, folder)
    assert problems == [
        ("coops.csv", 5, "name", "field.empty"),
        ("coops.csv", 5, "tz", "field.tz"),
        ("resources.csv", 5, "buffer_minutes", "field.range"),
        ("staff.csv", 4, "coop", "field.unknown_coop"),
        ("staff.csv", 4, "role", "field.choice"),
        ("availability.csv", 2, "end", "time.hhmm"),
        ("availability.csv", 3, "weekday", "field.choice"),
    ]
    assert dump(db)["coop"] == []
    eng.dispose()


def test_format_problems_in_both_languages(engine, db, tmp_path):
    text = STAFF_HEADER + "\nrecep.x,X,nowhere,receptionist,\n"
    with pytest.raises(ImportErrors) as info:
        csvio.import_path(engine, write_csv(tmp_path / "in", "staff.csv", text))
    assert csvio.format_problems(info.value.problems, "en") == ["staff.csv:2:coop: unknown co-op: 'nowhere'"]
    assert csvio.format_problems(info.value.problems, "fr") == ["staff.csv:2:coop: coopérative inconnue : « nowhere »"]
    assert info.value.exit_code == 2


def test_paths(engine, tmp_path):
    with pytest.raises(NotFound):
        csvio.import_path(engine, tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(BadInput) as info:
        csvio.import_path(engine, tmp_path / "empty")
    assert info.value.key == "notfound.no_csv"
    with pytest.raises(BadInput) as info:
        csvio.import_path(engine, write_csv(tmp_path / "x", "people.csv", "a\n"))
    assert info.value.key == "import.unknown_file"


@pytest.mark.parametrize("text", ["", "\ufeff", "\n\n"])
def test_empty_file(engine, db, tmp_path, text):
    assert refused(engine, db, write_csv(tmp_path / "in", "coops.csv", text)) == [("coops.csv", 1, "", "import.empty")]

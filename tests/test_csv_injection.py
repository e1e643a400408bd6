"""No CSV cell TeleCoop writes can run as a spreadsheet formula (OWASP "CSV injection"),
and the neutralising prefix is undone by import so export -> import -> export is identical."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlmodel import select

from telecoop.cli import main
from telecoop.io import csvio
from telecoop.io.csvcell import TRIGGERS, from_cell, to_cell
from telecoop.store import tables as tb
from telecoop.store.engine import make_engine, write_session

UTC = dt.timezone.utc
NASTY = [
    "=HYPERLINK(\"http://x\",\"y\")", "+1 418 555 0101", "-AB", "@SUM(A1)", "'quoted", "''twice", "'=1+1",
    "-2+3+cmd|' /C calc'!A0", "=1", "@", "-", "+",
]


@pytest.mark.parametrize("value", NASTY + ["AB-1", "plain", "", "-5", "+2.5", "12"])
def test_cell_rule_round_trips_and_never_starts_a_formula(value):
    cell = to_cell(value)
    assert from_cell(cell) == value
    if not (value.lstrip("+-").replace(".", "", 1).isdigit()):
        assert not cell.startswith(TRIGGERS)
    if value.startswith(("'",) + TRIGGERS) and not value.lstrip("+-").replace(".", "", 1).isdigit():
        assert cell == "'" + value
    assert to_cell(None) == ""


@pytest.mark.parametrize("value", ["\tAB", "\rAB"])
def test_tab_and_carriage_return_are_prefixed(value):
    assert to_cell(value) == "'" + value and from_cell(to_cell(value)) == value


def _cells(path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [c for row in csv.reader(fh) for c in row]


def test_export_neutralises_every_cell_and_round_trips(tmp_path, db_path):
    engine = make_engine(db_path)
    with write_session(engine) as s:
        s.add(tb.StaffRow(login="odd.one", name="=cmd|' /C calc'!A0", coop="gaspesie", role="receptionist"))
        for i, patient in enumerate(NASTY):
            start = dt.datetime(2020, 1, 6, 14, tzinfo=UTC) + dt.timedelta(days=i)
            s.add(tb.BookingRow(
                id=9000 + i, clinician_id=1, room_id=None, coop="gaspesie", booked_by="recep.gaspesie",
                start=start, end=start + dt.timedelta(minutes=30), patient=patient, reason=patient,
                mode="video", status="cancelled", cancel_reason="@reason",
                created_at=start, updated_at=start,
            ))
    d1, d2 = tmp_path / "D1", tmp_path / "D2"
    csvio.export_dir(engine, d1, include_bookings=True)
    engine.dispose()
    for path in d1.iterdir():
        for cell in _cells(path):
            assert not cell.startswith(TRIGGERS), (path.name, cell)
    patients = [r["patient"] for r in csv.DictReader(open(d1 / "bookings.csv", encoding="utf-8", newline=""))]
    assert "'=1" in patients and "'''twice" in patients
    eng2 = make_engine(tmp_path / "second.db")
    csvio.import_path(eng2, d1)
    with write_session(eng2) as s:
        assert s.get(tb.BookingRow, 9000 + NASTY.index("''twice")).patient == "''twice"
        assert s.get(tb.StaffRow, "odd.one").name == "=cmd|' /C calc'!A0"
    csvio.export_dir(eng2, d2, include_bookings=True)
    eng2.dispose()
    for path in d1.iterdir():
        assert path.read_bytes() == (d2 / path.name).read_bytes(), path.name


def test_report_csv_neutralises_names(db_path, capsys):
    engine = make_engine(db_path)
    with write_session(engine) as s:
        s.execute(tb.CoopRow.__table__.update().where(tb.CoopRow.slug == "iles").values(name="=EVIL()"))
        for r in s.exec(select(tb.ResourceRow).where(tb.ResourceRow.coop == "iles")):
            r.name = "@" + r.name
            s.add(r)
    engine.dispose()
    code = main(["--db", str(db_path), "--as", "fed.admin", "report", "utilisation", "--month", "2026-12", "--csv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert any(c.startswith("'@") for c in cells)
    assert not [c for c in cells if c.startswith(TRIGGERS)]

"""Spreadsheets: Excel-CSV files and .xlsx workbooks out, and all three read back in.

A co-op admin in Gaspésie opens the export in a French-locale spreadsheet:
the files must open at once (BOM, ``;``, CRLF), a workbook must hold text
where a person typed text (never a formula), and what comes back in must be
what went out.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import engines
import openpyxl
import pytest

from telecoop.cli import main
from telecoop.io import csvio
from telecoop.store.engine import make_engine

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
TRICKY = "=HYPERLINK(\"http://x.invalid\";\"clic\")"


@pytest.fixture
def demo_db(tmp_path, demo_template) -> Path:
    return engines.copy_db(demo_template, tmp_path / "demo.db")


def _export(db: Path, *args: str) -> None:
    # The database file's owner: the full export (the federation admin's masks other co-ops' patients).
    assert main(["--db", str(db), "export", *args]) == 0


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_excel_csv_is_bom_semicolon_crlf_and_imports_back(tmp_path, demo_db):
    _export(demo_db, str(tmp_path / "plain"), "--excel", str(tmp_path / "excel"))
    for name, data in _files(tmp_path / "excel").items():
        assert data.startswith(b"\xef\xbb\xbf"), name
        header = data[3:].split(b"\r\n", 1)[0]
        assert b";" in header and b"," not in header and b"\n" not in header
        assert data.count(b"\r\n") == data.count(b"\n")
    fresh = tmp_path / "fresh.db"
    assert main(["--db", str(fresh), "import", str(tmp_path / "excel")]) == 0
    assert main(["--db", str(fresh), "export", str(tmp_path / "again")]) == 0
    assert _files(tmp_path / "again") == _files(tmp_path / "plain")


def test_workbook_cells_are_text_and_import_back(tmp_path, demo_db):
    book = tmp_path / "federation.xlsx"  # (a missing folder is refused, as for backup and ics -o)
    _export(demo_db, str(tmp_path / "plain"), "--xlsx", str(book))
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["coops", "resources", "staff", "availability", "closures", "series", "bookings",
                             "sharing_terms", "sharing_quotas", "sharing_overbooks", "coop_capacity", "waitlist"]
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        assert tuple(header) == csvio.COLUMNS[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type == "s" or cell.value is None, (ws.title, cell.coordinate, cell.data_type)
    assert wb["coops"]["B2"].value == "Coopérative de santé de l'Harricana"
    fresh = tmp_path / "fresh.db"
    assert main(["--db", str(fresh), "import", str(book)]) == 0
    assert main(["--db", str(fresh), "export", str(tmp_path / "again")]) == 0
    assert _files(tmp_path / "again") == _files(tmp_path / "plain")


def test_a_name_that_looks_like_a_formula_stays_text(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(SAMPLE, folder)
    staff = folder / "staff.csv"
    staff.write_text(staff.read_text(encoding="utf-8").replace("Nicole Langlois", f'"{TRICKY.replace(chr(34), chr(34) * 2)}"'),
                     encoding="utf-8")
    db = tmp_path / "a.db"
    engine = make_engine(db)
    csvio.import_path(engine, folder)
    book = tmp_path / "a.xlsx"
    csvio.export_xlsx(engine, book, include_bookings=False)
    engine.dispose()
    ws = openpyxl.load_workbook(book)["staff"]
    (cell,) = [c for row in ws.iter_rows() for c in row if c.value == TRICKY]
    assert cell.data_type == "s"
    # The XML holds it as a string, not as a <f> formula element.
    import zipfile

    with zipfile.ZipFile(book) as z:
        sheet_xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in sheet_xml
    again = tmp_path / "b.db"
    engine = make_engine(again)
    csvio.import_path(engine, book)
    with engine.connect() as conn:
        names = set(conn.exec_driver_sql("SELECT name FROM staff").scalars())
    engine.dispose()
    assert TRICKY in names


def test_a_workbook_retyped_in_a_spreadsheet_still_imports(tmp_path):
    """Numbers and times a spreadsheet made of typed text read back as their CSV text."""
    import datetime as dt

    book = tmp_path / "hand.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Coops"
    ws.append(["slug", "name", "region", "tz", "lang"])
    ws.append(["x1", "Coop X", "Nord", "America/Toronto", "fr"])
    av = wb.create_sheet("resources")
    av.append(["id", "kind", "name", "coop", "sharing", "buffer_minutes"])
    av.append([1.0, "room", "Salle", "x1", "all", 5])
    hours = wb.create_sheet("availability")
    hours.append(["resource_id", "weekday", "start", "end"])
    hours.append([1, "mon", dt.time(9, 0), dt.time(12, 0)])
    wb.save(book)
    db = tmp_path / "a.db"
    engine = make_engine(db)
    assert csvio.import_path(engine, book) == {"coops": 1, "resources": 1, "availability": 1}
    engine.dispose()


def test_a_broken_workbook_is_one_clear_line(tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    assert main(["--db", str(tmp_path / "x.db"), "--lang", "en", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unreadable workbook" in err and not (tmp_path / "x.db").exists()


def test_report_as_workbook(tmp_path, demo_db, capsys):
    book = tmp_path / "usage.xlsx"
    assert main(["--db", str(demo_db), "--as", "fed.admin", "report", "usage", "--xlsx", str(book)]) == 0
    ws = openpyxl.load_workbook(book)["usage"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("month", "provider", "consumer", "bookings", "minutes")
    assert len(rows) > 1 and all(isinstance(r[3], int) for r in rows[1:])
    assert all(c.data_type == "s" for row in ws.iter_rows() for c in row[:3])
    assert main(["--db", str(demo_db), "--as", "fed.admin", "report", "usage", "--xlsx", str(book), "--csv"]) == 2


def test_export_needs_a_target(tmp_path, demo_db, capsys):
    assert main(["--db", str(demo_db), "--as", "fed.admin", "--lang", "en", "export"]) == 2
    assert "--excel" in capsys.readouterr().err


@pytest.mark.slow
def test_libreoffice_opens_the_workbook_and_the_excel_csv(tmp_path, demo_db):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    _export(demo_db, "--excel", str(tmp_path / "excel"), "--xlsx", str(tmp_path / "fed.xlsx"))
    out = tmp_path / "lo"
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    # The workbook's first sheet (coops) back to CSV; the Excel-CSV of coops to a workbook.
    for args in (["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", str(tmp_path / "fed.xlsx")],
                 ["--infilter=CSV:59,34,76", "--convert-to", "xlsx", str(tmp_path / "excel" / "coops.csv")]):
        done = subprocess.run([soffice, "--headless", "--norestore", *args, "--outdir", str(out)],
                              capture_output=True, text=True, env=env, timeout=240)
        assert done.returncode == 0, done.stderr
    text = (out / "fed.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(csvio.COLUMNS["coops"])
    assert "abitibi,Coopérative de santé de l'Harricana" in text
    ws = openpyxl.load_workbook(out / "coops.xlsx").active
    assert [c.value for c in ws[1]] == list(csvio.COLUMNS["coops"])
    assert ws["B2"].value == "Coopérative de santé de l'Harricana"

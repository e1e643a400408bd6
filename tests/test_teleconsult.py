"""issue 14: modality, where the patient is, consent, the private link, Law 25."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import engines
import pytest
from hypothesis import given
from hypothesis import strategies as st

from telecoop.domain import model as m
from telecoop.domain import teleconsult as tc
from telecoop.domain import validate as v
from telecoop.domain.errors import BadInput, NotPermitted
from telecoop.i18n import t
from telecoop.services import booking as bk
from telecoop.services import teleconsult as tcs
from telecoop.services.audit import list_audit

PSYCHOLOGIST_ILES = 8  # Étienne Boudreau, Îles, licensed in QC only
OREILLY_PONTIAC = 28  # licensed in QC and ON
TUESDAY_10_ILES = "2026-12-08T10:00"
TUESDAY_10_PONTIAC = "2026-12-08T10:00"
ROOM_GASPE = 40


@pytest.fixture
def run(db_path, capsys, monkeypatch):
    """The CLI on the suite's fixed clock (as tests/test_conflicts.py does)."""
    from telecoop.cli import main
    from telecoop.services import context as context_module
    from tests.conftest import NOW

    real = context_module.open_context
    monkeypatch.setattr(context_module, "open_context", lambda *a, **k: real(*a, **k, clock=lambda: NOW))

    def call(*argv: str, login: str = "recep.gaspesie", lang: str = "en"):
        code = main(["--db", str(db_path), "--lang", lang, "--as", login, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return call


def _bookings(db_path) -> int:
    conn = engines.Direct(db_path)  # SQLite or PostgreSQL, as the suite runs
    try:
        return conn.execute("SELECT count(*) FROM booking").fetchone()[0]
    finally:
        conn.close()


# --------------------------------------------------------------------------- #
# Domain rules
# --------------------------------------------------------------------------- #


def test_modes_are_video_phone_in_person_and_room_reads_as_in_person():
    assert [x.value for x in m.Mode] == ["video", "phone", "in-person"]
    assert tc.parse_mode("room") is m.Mode.IN_PERSON is m.Mode("room")
    assert tc.parse_mode(" In-Person ") is m.Mode.IN_PERSON
    with pytest.raises(BadInput):
        tc.parse_mode("carrier-pigeon")


def test_a_switch_to_remote_needs_consent_unless_it_stays_remote_with_consent_on_file():
    V, P, IP = m.Mode.VIDEO, m.Mode.PHONE, m.Mode.IN_PERSON
    assert not tc.switch_needs_consent(V, P, True) and not tc.switch_needs_consent(P, V, True)
    assert tc.switch_needs_consent(V, P, False)
    assert tc.switch_needs_consent(IP, V, True) and tc.switch_needs_consent(IP, P, False)
    assert not tc.switch_needs_consent(V, IP, False) and not tc.switch_needs_consent(IP, IP, False)


def test_province_defaults_to_quebec_and_refuses_unknown_codes():
    assert tc.province(None) == tc.province("") == "QC"
    assert tc.province("on") == "ON"
    with pytest.raises(BadInput):
        tc.province("XX")
    assert tc.licences("") == ("QC",)
    assert tc.licences("qc, on ON") == ("QC", "ON")


def test_location_is_checked_for_remote_visits_only():
    tc.check_location(m.Mode.IN_PERSON, "ON", "Dr X", ("QC",))  # the patient comes to the clinician
    tc.check_location(m.Mode.VIDEO, "ON", "Dr X", ("QC", "ON"))
    with pytest.raises(NotPermitted) as refused:
        tc.check_location(m.Mode.PHONE, "ON", "Dr X", ("QC",))
    text = refused.value.message("en")
    assert "Dr X holds no licence" in text and "ON" in text and "in-person" in text


@pytest.mark.parametrize("lang, ask", [("en", "ask the patient whether they agree"), ("fr", "demandez au patient")])
def test_remote_visit_without_consent_says_what_to_ask(lang, ask):
    tc.check_consent(m.Mode.IN_PERSON, False)
    with pytest.raises(NotPermitted) as refused:
        tc.check_consent(m.Mode.VIDEO, False)
    assert ask in refused.value.message(lang)


@pytest.mark.parametrize("ref", ["TREM12345678", "trem 1234 5678", "AB TREM-1234-5678", "x.abcd.12345678"])
def test_a_health_insurance_number_is_never_a_patient_reference(ref):
    with pytest.raises(BadInput) as refused:
        v.patient(ref)
    assert refused.value.key == "tc.health_number"


@given(letters=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4),
       digits=st.text("0123456789", min_size=8, max_size=8),
       before=st.text("ab-1 ", max_size=6), after=st.text("-9 z", max_size=6))
def test_any_ramq_shaped_string_is_refused_wherever_it_sits(letters, digits, before, after):
    with pytest.raises(BadInput):
        v.patient(f"{before}{letters}{digits}{after}")


@pytest.mark.parametrize("ref", ["AB-1234", "TRE1234567", "DOSS-1234567", "ABCD1234567"])
def test_ordinary_references_still_pass(ref):
    assert v.patient(ref) == ref


def test_the_platform_is_https_only_and_each_link_carries_at_least_128_random_bits():
    for bad in ("http://visio.example.org/", "https://", "https://visio.example.org/?room=1", "ftp://x.org",
                "https://visio.example.org/#a", "javascript:alert(1)"):
        with pytest.raises(BadInput):
            tc.platform_address(bad)
    base = tc.platform_address("https://visio.example.org/coop")
    assert base == "https://visio.example.org/coop/"
    links = {tc.new_visit_link(base) for _ in range(200)}
    assert len(links) == 200
    token = next(iter(links))[len(base):]
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token) and len(token) * 6 >= 128
    with pytest.raises(NotPermitted):
        tc.new_visit_link("")


# --------------------------------------------------------------------------- #
# Booking: refusals change nothing; what is recorded
# --------------------------------------------------------------------------- #


def test_video_without_consent_is_refused_and_nothing_is_written(as_user, db_path):
    ctx = as_user("recep.gaspesie")
    before = _bookings(db_path)
    with pytest.raises(NotPermitted) as refused:
        bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, patient="AB-1")
    assert refused.value.key == "tc.consent_missing" and refused.value.exit_code == 1
    assert _bookings(db_path) == before


def test_a_patient_outside_the_clinicians_provinces_is_refused_with_the_reason(as_user, db_path):
    ctx = as_user("recep.gaspesie")
    before = _bookings(db_path)
    with pytest.raises(NotPermitted) as refused:
        bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, patient="AB-1",
                mode="phone", consent=True, patient_location="ON")
    assert "Étienne Boudreau holds no licence for a patient located in ON" in refused.value.message("en")
    assert _bookings(db_path) == before
    # A clinician licensed in Ontario may see them; in person, nobody asks.
    b = bk.book(ctx, clinician_id=OREILLY_PONTIAC, start=TUESDAY_10_PONTIAC, duration=30, patient="AB-2",
                mode="phone", consent=True, patient_location="on")
    assert b.patient_location == "ON" and b.mode is m.Mode.PHONE
    b2 = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, patient="AB-3",
                 mode="in-person", patient_location="ON")
    assert b2.mode is m.Mode.IN_PERSON and b2.consent_by is None


def test_consent_records_who_and_when_and_a_video_visit_gets_its_own_link(as_user):
    ctx = as_user("recep.gaspesie")
    b = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, patient="AB-1",
                consent=True, patient_site="Gaspé")
    assert (b.consent_by, b.consent_at, b.patient_location, b.patient_site) == ("recep.gaspesie", ctx.now(), "QC", "Gaspé")
    assert b.video_link.startswith("https://visio.example.org/gaspesie/")
    assert b.video_link != "https://visio.example.org/iles-boudreau"
    # The clinician sees it too; the clinician's co-op's receptionist does not.
    assert bk.get_booking(as_user("clin2.iles"), b.id).video_link == b.video_link
    theirs = bk.get_booking(as_user("recep.iles"), b.id)
    assert theirs.masked and theirs.video_link is None and theirs.consent_by is None and theirs.patient_location is None


def test_regenerating_the_link_replaces_it_and_logs_no_link(as_user):
    ctx = as_user("recep.gaspesie")
    b = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, patient="AB-1", consent=True)
    again = tcs.regenerate_link(ctx, b.id)
    assert again.video_link != b.video_link and again.video_link.startswith("https://visio.example.org/gaspesie/")
    with pytest.raises(NotPermitted):
        tcs.regenerate_link(as_user("recep.iles"), b.id)  # sees the busy booking, may not touch it
    events = json.dumps([e.__dict__ for e in list_audit(as_user("fed.admin"))], default=str)
    assert "booking.link" in events and b.video_link not in events and again.video_link not in events


def test_switching_to_in_person_keeps_the_id_is_audited_and_may_take_a_room(as_user):
    ctx = as_user("recep.gaspesie")
    b = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, patient="AB-1", consent=True)
    moved = tcs.switch_mode(ctx, b.id, "in-person", room_id=ROOM_GASPE)
    assert moved.id == b.id and moved.mode is m.Mode.IN_PERSON and moved.room_id == ROOM_GASPE
    assert moved.video_link is None
    event = list_audit(ctx)[0]
    assert event.action == "booking.mode" and event.before["mode"] == "video" and event.after["mode"] == "in-person"
    # Back to video: the patient withdrew from the remote visit, so consent is asked afresh
    # (video <-> phone keeps the one on file); a fresh link is made.
    with pytest.raises(NotPermitted):
        tcs.switch_mode(ctx, b.id, "video")
    assert bk.get_booking(ctx, b.id).mode is m.Mode.IN_PERSON
    back = tcs.switch_mode(ctx, b.id, "video", consent=True)
    assert back.mode is m.Mode.VIDEO and back.video_link and back.video_link != b.video_link


def test_switching_an_in_person_visit_to_phone_needs_consent(as_user):
    ctx = as_user("recep.gaspesie")
    b = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, patient="AB-1", mode="room")
    assert b.mode is m.Mode.IN_PERSON
    with pytest.raises(NotPermitted):
        tcs.switch_mode(ctx, b.id, "phone")
    assert tcs.switch_mode(ctx, b.id, "phone", consent=True).consent_by == "recep.gaspesie"
    # Between phone and video the consent on file stands.
    assert tcs.switch_mode(ctx, b.id, "video").mode is m.Mode.VIDEO


def test_platform_and_licences_are_their_coops_admins_to_set(as_user):
    admin = as_user("admin.iles")
    with pytest.raises(NotPermitted):
        tcs.set_platform(admin, "gaspesie", "https://x.example.org/")
    with pytest.raises(BadInput):
        tcs.set_platform(admin, "iles", "http://x.example.org/")
    assert tcs.set_platform(admin, "iles", "https://meet.iles.example.org").video_platform == (
        "https://meet.iles.example.org/")
    assert tcs.set_licences(admin, PSYCHOLOGIST_ILES, "QC NB").licences == ("QC", "NB")
    with pytest.raises(NotPermitted):
        tcs.set_licences(as_user("recep.iles"), PSYCHOLOGIST_ILES, "QC")
    ctx = as_user("recep.gaspesie")
    b = bk.book(ctx, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, patient="AB-1",
                consent=True, patient_location="NB")
    assert b.patient_location == "NB"


# --------------------------------------------------------------------------- #
# Law 25: patient references, consent and links never leave the booking co-op
# --------------------------------------------------------------------------- #


def test_patient_data_consent_and_links_never_appear_in_another_coops_output(as_user, run, tmp_path):
    mine = as_user("recep.gaspesie")
    b = bk.book(mine, clinician_id=PSYCHOLOGIST_ILES, start=TUESDAY_10_ILES, duration=30, patient="SECRET-REF",
                reason="secret reason", consent=True, patient_site="Site-Secret")
    secrets_ = ("SECRET-REF", "secret reason", "Site-Secret", b.video_link, b.video_link.rsplit("/", 1)[1])
    outputs = []
    for login in ("recep.iles", "admin.iles", "fed.admin"):  # fed.admin is of Gaspésie: checked below
        for argv in (["bookings", "--json", "--from", "2026-12-08", "--to", "2026-12-08"],
                     ["bookings", "--from", "2026-12-08", "--to", "2026-12-08"],
                     ["audit", "--json"], ["report", "usage", "--month", "2026-12", "--json"],
                     ["ics", "--resource", str(PSYCHOLOGIST_ILES), "--from", "2026-12-08", "--to", "2026-12-08"],
                     ["link", str(b.id)]):
            code, out, err = run(*argv, login=login)
            outputs.append((login, argv[0], code, out + err))
    code, out, err = run("export", str(tmp_path / "out"), login="recep.iles")
    exported = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").glob("*.csv"))
    outputs.append(("recep.iles", "export", code, out + err + exported))
    for login, what, _code, text in outputs:
        if login == "fed.admin":  # the booking co-op's own federation admin sees its own patient
            continue
        for secret in secrets_:
            assert secret not in text, (login, what, secret)
        assert "recep.gaspesie" not in text or what == "audit", (login, what)  # who recorded consent
    # The booking co-op itself does see them (the test could not pass by showing nothing).
    code, out, _ = run("bookings", "--json", "--from", "2026-12-08", "--to", "2026-12-08")
    own = [x for x in json.loads(out) if x["id"] == b.id][0]
    assert own["patient"] == "SECRET-REF" and own["video_link"] == b.video_link
    assert own["consent"] == {"by": "recep.gaspesie", "at": "2026-12-07T12:00:00Z"}
    theirs = json.loads(run("bookings", "--json", "--from", "2026-12-08", "--to", "2026-12-08", login="recep.iles")[1])
    theirs = [x for x in theirs if x["id"] == b.id][0]
    assert "video_link" not in theirs and theirs["consent"] is None and theirs["patient_location"] is None


# --------------------------------------------------------------------------- #
# CLI
# --------------------------------------------------------------------------- #


def test_cli_book_refusals_and_json_keys(run, db_path):
    before = _bookings(db_path)
    code, out, err = run("book", "--clinician", "8", "--start", TUESDAY_10_ILES, "--patient", "AB")
    assert code == 1 and out == "" and err.count("\n") == 1 and "--consent" in err
    code, _, err = run("book", "--clinician", "8", "--start", TUESDAY_10_ILES, "--patient", "AB", "--consent",
                       "--patient-location", "ON")
    assert code == 1 and "no licence" in err
    code, _, err = run("book", "--clinician", "8", "--start", TUESDAY_10_ILES, "--patient", "AB", "--consent",
                       "--patient-location", "XX")
    assert code == 2 and "patient location" in err
    code, _, err = run("book", "--clinician", "8", "--start", TUESDAY_10_ILES, "--patient", "TREM12345678",
                       "--consent", lang="fr")
    assert code == 2 and "RAMQ" in err and "loi 25" in err
    assert _bookings(db_path) == before
    code, out, _ = run("book", "--clinician", "8", "--start", TUESDAY_10_ILES, "--patient", "AB", "--mode", "room",
                       "--json")
    made = json.loads(out)
    assert code == 0 and made["mode"] == "in-person" and made["consent"] is None
    assert {"mode", "patient_location", "consent", "interpreter_id", "series_id"} <= made.keys()
    code, out, _ = run("switch", str(made["id"]), "video", "--consent", "--json")
    switched = json.loads(out)
    assert code == 0 and switched["id"] == made["id"] and switched["video_link"].startswith("https://")
    code, out, err = run("link", str(made["id"]), "--new")
    assert code == 0 and out.strip().startswith("https://") and out.strip() != switched["video_link"]


def test_cli_platform_and_licences(run):
    code, out, _ = run("platform", "iles", "https://meet.iles.example.org", login="admin.iles")
    assert code == 0 and "https://meet.iles.example.org/" in out
    code, _, err = run("platform", "iles", "http://meet.iles.example.org", login="admin.iles")
    assert code == 2 and "https" in err
    code, out, _ = run("licences", "8", "QC", "NB", "--json", login="admin.iles")
    assert code == 0 and json.loads(out)["licences"] == ["QC", "NB"]
    code, out, err = run("licences", "8", "XX", login="admin.iles")
    assert code == 2


def test_refusal_texts_exist_in_both_languages():
    for key in ("tc.not_licensed", "tc.consent_missing", "tc.health_number", "tc.platform_https"):
        fr, en = t(key, "fr", clinician="X", where="ON", licences="QC", mode="video", value="v"), t(
            key, "en", clinician="X", where="ON", licences="QC", mode="video", value="v")
        assert fr != en and fr and en


# --------------------------------------------------------------------------- #
# An existing (schema 3) file: store/upgrades/issue14.py
# --------------------------------------------------------------------------- #

SCHEMA3 = Path(__file__).parent / "data" / "schema3.db"  # a file from before migrations (issue 12)


@pytest.mark.skipif(engines.ON_PG, reason="a schema-3 SQLite file (tests/data/schema3.db); PostgreSQL runs the same revision 0004")
def test_a_schema_3_file_is_upgraded_rooms_become_in_person_and_the_guard_covers_interpreters(tmp_path):
    from telecoop.domain.errors import StoreError
    from telecoop.store.engine import SCHEMA_VERSION, make_engine, schema_version

    path = tmp_path / "old.db"
    shutil.copy(SCHEMA3, path)
    with pytest.raises(StoreError):  # an ordinary command leaves an older file alone
        make_engine(path, create=False)
    engine = make_engine(path, create=False, migrate=True)
    assert schema_version(engine) == SCHEMA_VERSION >= 4
    engine.dispose()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM booking WHERE mode = 'room'").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM booking WHERE mode = 'in-person'").fetchone() == (2,)
    assert set(conn.execute("SELECT patient_location, consent_by, video_link FROM booking").fetchall()) == {
        ("QC", "", "")}
    assert conn.execute("SELECT DISTINCT licences FROM resource").fetchall() == [("QC",)]
    insert = ("INSERT INTO booking (clinician_id, interpreter_id, coop, booked_by, start, \"end\", patient, reason, "
              "mode, status, cancel_reason, created_at, updated_at) VALUES (?, 41, 'gaspesie', 'recep.gaspesie', "
              "?, ?, 'AB', '', 'video', 'booked', '', '2026-12-01 00:00:00', '2026-12-01 00:00:00')")
    conn.execute(insert, (1, "2026-12-09 14:00:00", "2026-12-09 14:30:00"))
    with pytest.raises(sqlite3.IntegrityError, match="overlaps an active booking"):
        conn.execute(insert, (2, "2026-12-09 14:15:00", "2026-12-09 14:45:00"))  # another clinician, same interpreter
    conn.close()


def test_the_admin_form_saves_licences_by_the_same_rule_and_keeps_them_when_not_given(as_user):
    """issue 14: the Admin form's licences go through save_resource (one write with the rest), rule tc.licences."""
    from telecoop.services import admin as admin_service
    from telecoop.services.directory import get_resource

    admin = as_user("admin.iles")
    r = get_resource(admin, PSYCHOLOGIST_ILES)
    common = dict(resource_id=r.id, kind="clinician", name=r.name, specialty=r.specialty,
                  languages=" ".join(r.languages), video_link=r.video_link or "", sharing=r.sharing.value,
                  shared_with=" ".join(r.shared_with), buffer_minutes=r.buffer_minutes)
    with pytest.raises(BadInput) as refused:
        admin_service.save_resource(admin, **common, licences="QC XX")
    assert refused.value.params["field"] == "licences"
    assert get_resource(admin, r.id).licences == ("QC",)
    assert admin_service.save_resource(admin, **common, licences="nb, qc nb").licences == ("NB", "QC")
    assert admin_service.save_resource(admin, **common).licences == ("NB", "QC")  # not given: kept
    event = list_audit(admin)[0]
    assert event.action == "resource.update"

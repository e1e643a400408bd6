"""issue 14: interpreters, a third kind of shared resource, booked with the clinician, all or nothing."""

from __future__ import annotations

import contextlib
import io
import multiprocessing as mp

import engines
import pendulum
import pytest

from telecoop.domain import model as m
from telecoop.domain.errors import BadInput, SlotTaken
from telecoop.services import admin
from telecoop.services import booking as bk
from telecoop.services.search import search_slots

TUESDAY = "2026-12-08"
T10_TORONTO = f"{TUESDAY}T15:00Z"  # 10:00 in Gaspésie (Toronto), 11:00 in the Îles (Halifax)
T10 = pendulum.parse(T10_TORONTO)


def _interpreter(ctx, name: str, languages: str) -> m.Resource:
    r = admin.save_resource(ctx, kind="interpreter", name=name, languages=languages, sharing="all")
    admin.add_hours(ctx, r.id, weekday="tue", start="08:00", end="18:00")
    return r


@pytest.fixture
def spanish(as_user):
    ctx = as_user("admin.gaspesie")
    return _interpreter(ctx, "Ana Interprète", "es fr"), _interpreter(ctx, "Luis Interpreter", "es en")


def test_an_interpreter_has_two_languages_at_least(as_user):
    with pytest.raises(BadInput):
        admin.save_resource(as_user("admin.gaspesie"), kind="interpreter", name="Solo", languages="es")
    with pytest.raises(BadInput):
        admin.save_resource(as_user("admin.gaspesie"), kind="interpreter", name="Nope", languages="es xx")


def test_search_pairs_a_clinician_who_lacks_the_language_with_a_free_interpreter(as_user, spanish):
    ana, luis = spanish
    ctx = as_user("recep.gaspesie")
    slots = search_slots(ctx, clinician_id=1, start=T10, days=1, limit=3, interpreter_language="es")
    assert slots and all(s.interpreter_id == ana.id for s in slots)  # Dre Arsenault speaks French: Ana
    none = search_slots(ctx, clinician_id=1, start=T10, days=1, limit=3, interpreter_language="iu")
    assert none == []  # nobody interprets Inuktitut
    french = search_slots(ctx, clinician_id=1, start=T10, days=1, limit=3, interpreter_language="fr")
    assert french and all(s.interpreter_id is None for s in french)  # she speaks it: no interpreter needed


def test_clinician_and_interpreter_are_booked_together_or_not_at_all(as_user, spanish):
    ana, luis = spanish
    ctx = as_user("recep.gaspesie")
    first = bk.book(ctx, clinician_id=1, start=T10_TORONTO, duration=30, patient="ES-1", consent=True,
                    any_interpreter=True, interpreter_language="es")
    assert first.interpreter_id == ana.id and first.interpreter == "Ana Interprète"
    # Clinician 8 speaks French and English: Luis (es-en) or Ana (busy) -> Luis.
    second = bk.book(ctx, clinician_id=8, start=T10_TORONTO, duration=30, patient="ES-2", consent=True,
                     any_interpreter=True, interpreter_language="es")
    assert second.interpreter_id == luis.id
    # Ana is taken: a third booking naming her is refused, and clinician 4 stays free (all or nothing).
    with pytest.raises(SlotTaken):
        bk.book(ctx, clinician_id=4, start=T10_TORONTO, duration=30, patient="ES-3", consent=True,
                interpreter_id=ana.id)
    assert bk.book(ctx, clinician_id=4, start=T10_TORONTO, duration=30, patient="ES-4", consent=True).interpreter_id is None
    with pytest.raises(BadInput):  # Luis does not bridge Spanish and French
        bk.book(ctx, clinician_id=3, start=T10_TORONTO, duration=30, patient="ES-5", consent=True,
                interpreter_id=luis.id, interpreter_language="es")
    with pytest.raises(BadInput):  # an interpreter named where a clinician is expected, and vice versa
        bk.book(ctx, clinician_id=3, start=T10_TORONTO, duration=30, patient="ES-6", consent=True, interpreter_id=1)
    # The interpreter's co-op sees the busy time on its interpreter's agenda, without the patient.
    busy = bk.list_bookings(as_user("recep.gaspesie"), resource_id=ana.id)
    assert [b.id for b in busy] == [first.id]


def _racer(db: str, argv: list[str], barrier, out) -> None:
    from telecoop.cli import main

    err = io.StringIO()
    barrier.wait()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["--db", db, "--lang", "en", "--as", "recep.gaspesie", *argv])
    out.put((argv, code, err.getvalue()))


@pytest.mark.slow
def test_sixteen_processes_racing_for_one_interpreter_get_one_booking(as_user, db_path, spanish):
    """Sixteen clinicians, one interpreter, the same time: exactly one visit gets her; every loser
    is told the slot was taken and leaves no clinician booked (clinician + interpreter atomically)."""
    ana, _ = spanish
    ctx = as_user("recep.gaspesie")
    free = []  # clinicians this co-op may book, free at that very time
    for c in range(1, 40):
        slots = _maybe_slots(ctx, c)
        if slots and slots[0].start.isoformat().startswith(f"{TUESDAY}T15:00"):
            free.append(c)
    assert len(free) >= 4, free
    attempts = [["book", "--consent", "--clinician", str(free[i % len(free)]), "--start", T10_TORONTO,
                 "--duration", "30", "--patient", f"RACE-{i}", "--interpreter", str(ana.id)] for i in range(16)]
    mpc = mp.get_context("fork")
    barrier, out = mpc.Barrier(len(attempts)), mpc.Queue()
    procs = [mpc.Process(target=_racer, args=(str(db_path), argv, barrier, out)) for argv in attempts]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    codes = sorted(code for _argv, code, _err in results)
    assert codes == [0] + [1] * 15, results
    for _argv, code, err in results:
        if code == 1:
            assert "this slot was just taken" in err and "Traceback" not in err, err
    conn = engines.Direct(db_path)
    rows = conn.execute("SELECT clinician_id, interpreter_id, patient FROM booking "
                        "WHERE status IN ('booked','checked_in') AND patient LIKE 'RACE-%'").fetchall()
    conn.close()
    assert len(rows) == 1 and rows[0][1] == ana.id  # no clinician was booked without her


def _maybe_slots(ctx, clinician_id: int):
    try:
        return search_slots(ctx, clinician_id=clinician_id, start=T10, days=1, limit=1)
    except Exception:  # noqa: BLE001 - not a clinician this co-op may book
        return []


def test_the_database_itself_refuses_an_interpreter_twice_at_once(as_user, db_path, spanish):
    """The last guard, under the service: SQLite's trigger, or PostgreSQL's booking_interpreter_no_overlap."""
    ana, _ = spanish
    bk.book(as_user("recep.gaspesie"), clinician_id=1, start=T10_TORONTO, duration=30, patient="ES-1", consent=True,
            interpreter_id=ana.id)
    conn = engines.Direct(db_path)
    with pytest.raises(conn.integrity_error) as refused:
        conn.execute(
            "INSERT INTO booking (clinician_id, interpreter_id, coop, booked_by, start, \"end\", patient, reason, mode,"
            " status, cancel_reason, conflict, created_at, updated_at) VALUES (4, %d, 'gaspesie', 'x',"
            " '2026-12-08 15:15:00.000000', '2026-12-08 15:45:00.000000', 'P', '', 'video', 'booked', '', '',"
            " '2026-12-01 00:00:00', '2026-12-01 00:00:00')" % ana.id
        )
    assert conn.is_overlap(refused.value), refused.value
    conn.close()


def test_a_move_takes_the_interpreter_along_and_checks_her_time(as_user, spanish):
    ana, _ = spanish
    ctx = as_user("recep.gaspesie")
    a = bk.book(ctx, clinician_id=1, start=T10_TORONTO, duration=30, patient="ES-1", consent=True, interpreter_id=ana.id)
    bk.book(ctx, clinician_id=4, start=f"{TUESDAY}T16:00Z", duration=30, patient="ES-2", consent=True,
            interpreter_id=ana.id)
    with pytest.raises(SlotTaken):  # Ana is with another patient then
        bk.reschedule(ctx, a.id, start=f"{TUESDAY}T16:00Z")
    with pytest.raises(BadInput):  # outside Ana's hours (she works 08:00-18:00 on Tuesdays)
        bk.reschedule(ctx, a.id, start=f"{TUESDAY}T18:30:00-05:00")
    moved = bk.reschedule(ctx, a.id, start=f"{TUESDAY}T15:30Z")
    assert moved.interpreter_id == ana.id and moved.start.isoformat().startswith(f"{TUESDAY}T15:30")


def test_the_ics_names_the_interpreter_and_keeps_the_private_link_in_telecoop(as_user, spanish):
    """issue 14: the .ics of a visit names its interpreter (as its room) for whoever sees the visit;
    the visit's private link is never in a calendar file (synced, shared): it says where it is."""
    from telecoop import i18n
    from telecoop.services.calendar import export_ics
    from telecoop.services.teleconsult import set_platform

    ana, _luis = spanish
    set_platform(as_user("admin.gaspesie"), "gaspesie", "https://visio.example.org/gaspesie/")
    made = bk.book(as_user("recep.gaspesie"), clinician_id=1, start=T10_TORONTO, duration=30, patient="ES-9",
                   consent=True, interpreter_id=ana.id, interpreter_language="es")
    token = made.video_link.rsplit("/", 1)[-1]
    i18n.set_lang("fr")
    own = export_ics(as_user("recep.gaspesie"), booking_id=made.id).decode().replace("\r\n ", "")
    assert "Interprète : Ana Interprète" in own and f"privé\\, dans TeleCoop (rendez-vous n° {made.id})" in own
    clinician = export_ics(as_user("clin.gaspesie"), booking_id=made.id, lang="en").decode().replace("\r\n ", "")
    assert "Interpreter: Ana Interprète" in clinician and "Video link: private\\, in TeleCoop" in clinician
    # Another co-op that sees the clinician: busy, the interpreter named as the room would be, no link.
    other = export_ics(as_user("recep.iles"), resource_id=1, lang="en").decode().replace("\r\n ", "")
    assert "Interpreter: Ana Interprète" in other and "Video link" not in other and "ES-9" not in other
    assert all(token not in data for data in (own, clinician, other))

"""Command-line interface (DESIGN section 8): argparse subcommands over the services.

Textual reads its environment when imported, so the TUI is imported only
after ``configure_terminal`` has set it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from telecoop import cli_capacity, cli_help, i18n, locations
from telecoop.domain import model as m
from telecoop.domain.errors import BadInput, TeleCoopError, WouldStrand
from telecoop.domain.teleconsult import MODE_WORDS
from telecoop.domain.text import shown
from telecoop.i18n import t

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


# --------------------------------------------------------------------------- #
# JSON shapes (the contract's keys, and a few more)
# --------------------------------------------------------------------------- #


def iso_z(instant: dt.datetime) -> str:
    return instant.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def coop_json(c: m.Coop) -> dict:
    return {"slug": c.slug, "name": c.name, "region": c.region, "tz": c.tz, "lang": c.lang}


def resource_json(r: m.Resource) -> dict:
    return {
        "id": r.id,
        "kind": r.kind.value,
        "name": r.name,
        "coop": r.coop,
        "tz": r.tz,
        "specialty": r.specialty or None,
        "languages": list(r.languages),
        "equipment": r.equipment or None,
        "video_link": r.video_link or None,
        "sharing": r.sharing.value,
        "shared_with": list(r.shared_with),
        "buffer_minutes": r.buffer_minutes,
        "active": r.active,
        "licences": list(r.licences),  # issue 14
    }


def staff_json(s: m.Staff) -> dict:
    return {"login": s.login, "name": s.name, "coop": s.coop, "role": s.role.value, "clinician_id": s.clinician_id}


def booking_json(b: m.Booking) -> dict:
    return {
        "id": b.id,
        "clinician_id": b.clinician_id,
        "clinician": b.clinician,
        "room_id": b.room_id,
        "room": b.room,
        "coop": b.coop,
        "start": iso_z(b.start),
        "end": iso_z(b.end),
        "status": b.status.value,
        "mode": b.mode.value,
        "masked": b.masked,
        "patient": b.patient,
        "reason": b.reason,
        "cancel_reason": b.cancel_reason,
        "conflict": b.conflict or None,
        # issue 14: the teleconsultation record; patient data (location, consent,
        # series) is null and the link absent for those who may not see the patient.
        "patient_location": b.patient_location,
        "patient_site": b.patient_site,
        "consent": {"by": b.consent_by, "at": iso_z(b.consent_at)} if b.consent_by and b.consent_at else None,
        "interpreter_id": b.interpreter_id,
        "series_id": b.series_id,
        "series_index": b.series_index,
        **({"video_link": b.video_link} if b.video_link is not None else {}),
    }


def closure_json(c: m.Closure) -> dict:
    return {
        "id": c.id,
        "resource_id": c.resource_id,
        "coop": c.coop,
        "start": iso_z(c.start),
        "end": iso_z(c.end),
        "reason": c.reason,
    }


def slot_json(s: m.Slot) -> dict:
    from telecoop.domain.timeutil import local

    return {
        "clinician_id": s.clinician_id,
        "clinician": s.clinician,
        "coop": s.coop,
        "specialty": s.specialty,
        "languages": list(s.languages),
        "room_id": s.room_id,
        "room": s.room,
        "room_coop": s.room_coop,
        "interpreter_id": s.interpreter_id,  # issue 14
        "interpreter": s.interpreter,
        "start": iso_z(s.start),
        "end": iso_z(s.end),
        "local_start": local(s.start, s.tz).isoformat(),
        "tz": s.tz,
    }


def audit_json(e: m.AuditEvent) -> dict:
    return {
        "id": e.id,
        "at": iso_z(e.at),
        "actor": e.actor,
        "coop": e.coop,
        "action": e.action,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "before": e.before,
        "after": e.after,
    }


def emit_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def safe(text: object) -> str:
    """Text from the database, made harmless for a terminal (no escape sequences)."""
    return shown(str(text), None)


def print_table(rows: list[list[object]], headers: list[str]) -> None:
    if not rows:
        print(t("cli.no_results"))
        return
    cells = [[safe(i18n.column_label(h)) for h in headers]] + [[safe("" if c is None else c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for r in cells:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


# --------------------------------------------------------------------------- #
# Parser
# --------------------------------------------------------------------------- #


def package_version() -> str:
    """The installed distribution's version (one home: pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("telecoop")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


_ARGPARSE_ERRORS = (
    # argparse's own (English) messages, said again in the user's language.
    (re.compile(r"argument (?P<arg>\S+): invalid int value: '(?P<value>.*)'", re.S), "cli.bad_int"),
    (re.compile(r"argument (?P<arg>\S+): invalid choice: '(?P<value>.*)' \(choose from (?P<choices>.*)\)", re.S),
     "cli.bad_choice"),
    (re.compile(r"the following arguments are required: (?P<args>.*)", re.S), "cli.required"),
    (re.compile(r"unrecognized arguments: (?P<args>.*)", re.S), "cli.unrecognized"),
    (re.compile(r"argument (?P<arg>\S+): not allowed with argument (?P<other>\S+)", re.S), "cli.exclusive"),
    (re.compile(r"argument (?P<arg>\S+): expected one argument", re.S), "cli.expects_value"),
    # our own type functions' messages, already in the user's language
    (re.compile(r"argument (?P<arg>\S+): (?P<detail>.*)", re.S), "cli.argument"),
)


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are one line in the user's language (exit 2)."""

    def error(self, message: str):  # type: ignore[override]
        text = None
        for pattern, key in _ARGPARSE_ERRORS:
            found = pattern.fullmatch(message)
            if found:
                # ``detail`` is one of our own messages, whose value is already cut to size.
                params = {k: shown(v.replace("'", "")) if k in ("value", "args") else v if k == "detail" else shown(v)
                          for k, v in found.groupdict().items()}
                if "choices" in params:
                    params["choices"] = found["choices"].replace("'", "")[:200]
                text = t(key, **params)
                break
        if text is None:
            text = t("cli.usage", detail=shown(message))
        print(f"telecoop: {safe(text)} {t('cli.help_hint', prog=self.prog)}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _id_arg(text: str) -> int:
    """An id typed on the command line: a whole number from 1 (argparse says which option)."""
    if re.fullmatch(r"[0-9]{1,19}", text.strip()) and 1 <= int(text) <= INT64_MAX:
        return int(text)
    raise argparse.ArgumentTypeError(t("field.id", value=shown(text)))


def _out_arg(text: str) -> str:
    """A file or folder to write, typed on the command line: "" is bad input (not "not given", not ".")."""
    if not text.strip():
        raise argparse.ArgumentTypeError(t("output.empty"))
    return text


def _lang_in(argv: Sequence[str]) -> str | None:
    """``--lang`` from the raw arguments, so that even a usage error speaks the user's language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in i18n.LANGS:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in i18n.LANGS:
            return arg[7:]
    return None


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="telecoop", description="TeleCoop: shared teleconsultation slots between health co-ops.")
    p.add_argument("--db", help="database file, or a postgresql:// address without password "
                                "(default: $TELECOOP_DB, else the user data dir)")
    p.add_argument("--as", dest="as_login", metavar="LOGIN", help="act as another staff member (database owner only)")
    p.add_argument("--lang", choices=i18n.LANGS, help="fr or en (default: from the locale)")
    bw = p.add_mutually_exclusive_group()
    bw.add_argument("--low-bandwidth", dest="low_bandwidth", action="store_true", default=None)
    bw.add_argument("--no-low-bandwidth", dest="low_bandwidth", action="store_false")
    p.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    co = sub.add_parser("completion", help="print a shell completion script (bash)")
    co.add_argument("shell", choices=["bash"])

    d = sub.add_parser("demo", help="build a demo database from the sample data and open the app")
    d.add_argument("--fresh", action="store_true", help="rebuild the demo database")

    i = sub.add_parser("init", help="new empty database with its first co-op and federation admin")
    i.add_argument("--coop", required=True)
    i.add_argument("--coop-name", required=True)
    i.add_argument("--tz", required=True)
    i.add_argument("--admin", required=True)
    i.add_argument("--region", default="")
    i.add_argument("--coop-lang", default="fr", choices=i18n.LANGS)

    im = sub.add_parser("import", help="load CSV files (all-or-nothing)")
    im.add_argument("path")
    im.add_argument("--force", action="store_true", help="closures over active bookings: keep them, flagged")
    ex = sub.add_parser("export", help="write CSV files (or Excel-CSV files, or one .xlsx workbook)")
    ex.add_argument("dir", nargs="?", type=_out_arg)
    ex.add_argument("--excel", metavar="DIR", type=_out_arg, help="CSV files for a French-locale spreadsheet (BOM, ';', CRLF)")
    ex.add_argument("--xlsx", metavar="FILE", type=_out_arg, help="one workbook, a sheet per file")

    for name in ("coops", "resources", "audit"):
        sp = sub.add_parser(name)
        sp.add_argument("--json", action="store_true")
    st = sub.add_parser("staff", help="staff directory")
    stsub = st.add_subparsers(dest="staff_command", metavar="add|set|list|remove", required=True)
    sr = stsub.add_parser("remove", help="take away a staff member's access (history is kept)")
    sr.add_argument("login")
    sa_ = stsub.add_parser("add")
    sa_.add_argument("login")
    sa_.add_argument("--coop", required=True)
    sa_.add_argument("--role", required=True, choices=[r.value for r in m.Role])
    sa_.add_argument("--name")
    sa_.add_argument("--clinician-id", type=_id_arg)
    ss = stsub.add_parser("set", help="change a staff member's role or co-op, or give back their access")
    ss.add_argument("login")
    ss.add_argument("--role", choices=[r.value for r in m.Role])
    ss.add_argument("--coop")
    ss.add_argument("--restore", action="store_true", help="give back the access that 'staff remove' took away")
    sl = stsub.add_parser("list")
    sl.add_argument("--json", action="store_true")

    sub.add_parser("check", help="integrity check and schema version")
    sub.add_parser("upgrade", help="bring an older database up to this version's schema, in place")
    mg = sub.add_parser("migrate", help="copy this SQLite federation into an empty PostgreSQL database, verified")
    mg.add_argument("--to", metavar="URL", required=True, help="postgresql:// address of the empty database")
    b = sub.add_parser("backup", help="consistent online copy")
    b.add_argument("file", type=_out_arg)

    s = sub.add_parser("slots", help="free slots, earliest first")
    s.add_argument("--specialty", choices=m.SPECIALTIES)
    s.add_argument("--language", choices=m.LANGUAGES)
    s.add_argument("--with-room", action="store_true")
    s.add_argument("--partner-rooms", action="store_true")
    s.add_argument("--room", type=_id_arg)
    s.add_argument("--coop")
    s.add_argument("--clinician", type=_id_arg)
    s.add_argument("--from", dest="from_date")
    s.add_argument("--days", type=int, default=14)
    s.add_argument("--duration", type=int, default=30)
    s.add_argument("--limit", type=int, default=20)
    s.add_argument("--interpreter-language", metavar="L")  # issue 14
    s.add_argument("--json", action="store_true")

    bk = sub.add_parser("book", help="book a slot")
    # issue 13: --clinician, --start and --patient are checked by cmd_book (--hold replaces the first two)
    bk.add_argument("--hold", type=_id_arg)
    bk.add_argument("--clinician", type=_id_arg)
    rg = bk.add_mutually_exclusive_group()
    rg.add_argument("--room", type=_id_arg)
    rg.add_argument("--any-room", action="store_true")
    bk.add_argument("--start")
    bk.add_argument("--duration", type=int, default=30)
    bk.add_argument("--patient")
    bk.add_argument("--reason", default="")
    # issue 14: in-person (``room``, its old name, still accepted), where the patient is, consent
    bk.add_argument("--mode", default="video", choices=list(MODE_WORDS))
    bk.add_argument("--patient-location", metavar="PROV")
    bk.add_argument("--patient-site", default="")
    bk.add_argument("--consent", action="store_true")
    ig = bk.add_mutually_exclusive_group()  # issue 14: an interpreter for the patient's language
    ig.add_argument("--interpreter", type=_id_arg)
    ig.add_argument("--any-interpreter", action="store_true")
    bk.add_argument("--interpreter-language", metavar="L")
    # issue 14: a follow-up series
    bk.add_argument("--repeat", choices=["weekly", "every-2-weeks", "monthly"])
    bk.add_argument("--count", type=int)
    bk.add_argument("--skip", type=int, action="append", default=[], metavar="N")
    bk.add_argument("--move", action="append", default=[], metavar="N=DATETIME")
    bk.add_argument("--preview", action="store_true")
    bk.add_argument("--json", action="store_true")

    se = sub.add_parser("series").add_subparsers(dest="series_command", required=True)
    ses = se.add_parser("show")
    ses.add_argument("id", type=_id_arg)
    ses.add_argument("--json", action="store_true")
    sec = se.add_parser("cancel")
    sec.add_argument("id", type=_id_arg)
    sec.add_argument("--from-occurrence", type=int, required=True, metavar="N")
    sec.add_argument("--only", action="store_true")
    sec.add_argument("--reason", required=True)
    sec.add_argument("--json", action="store_true")
    sem = se.add_parser("move")
    sem.add_argument("id", type=_id_arg)
    sem.add_argument("--from-occurrence", type=int, required=True, metavar="N")
    sem.add_argument("--only", action="store_true")
    sem.add_argument("--start", required=True)
    sem.add_argument("--json", action="store_true")

    # issue 14: switch modality (same booking), a new private link, settings
    sw = sub.add_parser("switch")
    sw.add_argument("id", type=_id_arg)
    sw.add_argument("mode", choices=list(MODE_WORDS))
    srg = sw.add_mutually_exclusive_group()
    srg.add_argument("--room", type=_id_arg)
    srg.add_argument("--any-room", action="store_true")
    sw.add_argument("--consent", action="store_true")
    sw.add_argument("--patient-location", metavar="PROV")
    sw.add_argument("--json", action="store_true")
    lk = sub.add_parser("link")
    lk.add_argument("id", type=_id_arg)
    lk.add_argument("--new", action="store_true")
    lk.add_argument("--json", action="store_true")
    pf = sub.add_parser("platform")
    pf.add_argument("coop")
    pf.add_argument("url", nargs="?")
    pf.add_argument("--clear", action="store_true")
    lc = sub.add_parser("licences")
    lc.add_argument("id", type=_id_arg)
    lc.add_argument("provinces", nargs="+")
    lc.add_argument("--json", action="store_true")

    c = sub.add_parser("cancel")
    c.add_argument("id", type=_id_arg)
    c.add_argument("--reason", required=True)
    c.add_argument("--json", action="store_true")
    r = sub.add_parser("reschedule")
    r.add_argument("id", type=_id_arg)
    r.add_argument("--start", required=True)
    r.add_argument("--clinician", type=int)
    r.add_argument("--room", type=int)
    r.add_argument("--json", action="store_true")
    stt = sub.add_parser("status")
    stt.add_argument("id", type=_id_arg)
    stt.add_argument("status", choices=["checked-in", "completed", "no-show"])
    stt.add_argument("--json", action="store_true")

    bl = sub.add_parser("bookings")
    bl.add_argument("--from", dest="from_date")
    bl.add_argument("--to", dest="to_date")
    bl.add_argument("--conflicts", action="store_true", help="active bookings left standing by a forced closure")
    bl.add_argument("--patient", metavar="REF")
    bl.add_argument("--json", action="store_true")

    ic = sub.add_parser("ics", help="iCalendar export of a booking or of a resource's agenda")
    ic.add_argument("booking_id", nargs="?", type=_id_arg)
    ic.add_argument("--resource", type=_id_arg)
    ic.add_argument("--from", dest="from_date")
    ic.add_argument("--to", dest="to_date")
    ic.add_argument("-o", "--output", type=_out_arg)

    rp = sub.add_parser("report", help="usage between co-ops, utilisation, no-show rates")
    rp.add_argument("kind", choices=["usage", "utilisation", "no-shows", *cli_capacity.REPORTS])  # issue 13
    rp.add_argument("--month")
    fmt = rp.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")
    rp.add_argument("--xlsx", metavar="FILE", type=_out_arg, help="write the report as a workbook")

    fh = sub.add_parser("fhir", help="FHIR publication of shared clinicians' free and busy time")
    fhsub = fh.add_subparsers(dest="fhir_command", metavar="publish", required=True)
    fp = fhsub.add_parser("publish", help="write a $bulk-publish manifest and NDJSON Location/Schedule/Slot files")
    fp.add_argument("--out", required=True, metavar="DIR", type=_out_arg)
    fp.add_argument("--days", type=int, default=14)
    fp.add_argument("--base-url", default="", help="where the files will be hosted (default: relative URLs)")

    cl = sub.add_parser("closures")
    clsub = cl.add_subparsers(dest="closures_command", metavar="add|list|holidays", required=True)
    h = clsub.add_parser("holidays")
    h.add_argument("--year", type=int, required=True)
    h.add_argument("--coop")
    h.add_argument("--force", action="store_true")
    ca = clsub.add_parser("add", help="close a resource or a whole co-op")
    scope = ca.add_mutually_exclusive_group(required=True)
    scope.add_argument("--resource", type=_id_arg)
    scope.add_argument("--coop")
    ca.add_argument("--from", dest="from_date", required=True, help="YYYY-MM-DD or YYYY-MM-DD HH:MM, local time")
    ca.add_argument("--to", dest="to_date", required=True, help="YYYY-MM-DD (inclusive) or YYYY-MM-DD HH:MM")
    ca.add_argument("--reason", required=True)
    ca.add_argument("--force", action="store_true", help="over active bookings: keep them, flagged as conflicts")
    ca.add_argument("--json", action="store_true")
    cls = clsub.add_parser("list")
    cls.add_argument("--resource", type=_id_arg)
    cls.add_argument("--json", action="store_true")
    cli_capacity.add_parsers(sub, _id_arg)  # issue 13
    return p


# --------------------------------------------------------------------------- #
# Commands
# --------------------------------------------------------------------------- #


def db_path(args: argparse.Namespace) -> Path:
    return locations.db_file(args.db) if args.db else locations.default_db_path()


_OPENED: list = []  # engines a command opened: closed when main() returns (issue 12: server connections)


def context(args: argparse.Namespace):
    from telecoop.services.context import open_context

    ctx = open_context(db_path(args), args.as_login)
    _OPENED.append(ctx.engine)
    return ctx


def _close_opened() -> None:
    while _OPENED:
        _OPENED.pop().dispose()


def _date(text: str | None) -> dt.date | None:
    from telecoop.domain.timeutil import parse_date

    return None if text is None else parse_date(text)


def _fmt_local(instant: dt.datetime, tz: str) -> str:
    from telecoop.domain.timeutil import format_local

    return format_local(instant, tz)


def cmd_init(args) -> int:
    from telecoop.services.admin import init_database

    path = db_path(args)
    init_database(path, coop=args.coop, coop_name=args.coop_name, tz=args.tz, admin=args.admin,
                  region=args.region, lang=args.coop_lang)
    print(t("init.done", path=path))
    return EXIT_OK


def cmd_import(args) -> int:
    from telecoop.services import dataio

    path = Path(args.path)
    counts = dataio.import_data(db_path(args), path, args.as_login, force=args.force)
    print(t("import.done", summary=", ".join(f"{k} {v}" for k, v in counts.items())))
    return EXIT_OK


def cmd_export(args) -> int:
    from telecoop.services import dataio

    targets = [(fmt, value) for fmt, value in (("csv", args.dir), ("excel", args.excel), ("xlsx", args.xlsx)) if value]
    if not targets:
        raise BadInput("export.needs_target")
    for fmt, value in targets:
        counts = dataio.export_data(db_path(args), Path(value), args.as_login, fmt=fmt)
        print(t("export.done", path=value, summary=", ".join(f"{k} {v}" for k, v in counts.items())))
    return EXIT_OK


def cmd_coops(args) -> int:
    from telecoop.services.directory import list_coops

    coops = list_coops(context(args))
    if args.json:
        emit_json([coop_json(c) for c in coops])
    else:
        print_table([[c.slug, c.name, c.region, c.tz] for c in coops], ["slug", "name", "region", "tz"])
    return EXIT_OK


def cmd_resources(args) -> int:
    from telecoop.services.directory import list_resources

    res = list_resources(context(args))
    if args.json:
        emit_json([resource_json(r) for r in res])
    else:
        print_table(
            [[r.id, r.kind.value, r.name, r.coop, r.specialty, " ".join(r.languages), r.sharing.value] for r in res],
            ["id", "kind", "name", "coop", "specialty", "lang", "sharing"],
        )
    return EXIT_OK


def cmd_staff(args) -> int:
    from telecoop.services.directory import add_staff, deactivate_staff, list_staff

    ctx = context(args)
    if args.staff_command == "remove":
        deactivate_staff(ctx, args.login)
        print(t("staff.removed", login=args.login))
        return EXIT_OK
    if args.staff_command == "set":
        from telecoop.services.directory import set_staff

        set_staff(ctx, args.login, role=args.role, coop=args.coop, active=True if args.restore else None)
        print(t("staff.updated", login=args.login))
        return EXIT_OK
    if args.staff_command == "add":
        st = add_staff(ctx, login=args.login, coop=args.coop, role=args.role, name=args.name,
                       clinician_id=args.clinician_id)
        print(t("staff.added", login=st.login))
        return EXIT_OK
    staff = list_staff(ctx)
    if args.json:
        emit_json([staff_json(s) for s in staff])
    else:
        print_table([[s.login, s.name, s.coop, s.role.value] for s in staff], ["login", "name", "coop", "role"])
    return EXIT_OK


def cmd_check(args) -> int:
    from telecoop.services.admin import check
    from telecoop.store.engine import make_engine

    engine = make_engine(db_path(args), create=False)
    try:
        report = check(engine)
    finally:
        engine.dispose()
    print(t("check.ok", version=report.schema_version, integrity=report.integrity))
    for name, count in report.counts.items():
        print(f"  {name}: {count}")
    path = db_path(args)
    if not locations.is_db_url(path) and locations.exposed_to_others(path):
        print(t("check.exposed", path=path, mode=oct(path.stat().st_mode & 0o777)[2:]), file=sys.stderr)
    return EXIT_OK if report.integrity == "ok" else EXIT_REFUSED


def cmd_upgrade(args) -> int:
    """Migrate an older schema in place (the only command that may; init and import only create)."""
    from telecoop.store.engine import inspect_schema, make_engine
    from telecoop.store.schema import version

    path = db_path(args)
    found = inspect_schema(path)  # refuses a newer, foreign or damaged database without writing
    if found is not None and found.current and found.stamped:
        print(t("upgrade.current", path=path, version=found.number))
        return EXIT_OK
    make_engine(path, create=False, migrate=True).dispose()
    if found is not None and found.current:
        print(t("upgrade.stamped", path=path, version=version()))
    else:
        print(t("upgrade.done", path=path, found=found.number if found else 0, version=version()))
    return EXIT_OK


def cmd_migrate(args) -> int:
    """Copy the federation into an empty PostgreSQL database, verified (issue 12)."""
    from telecoop.services.move import migrate_to

    path = db_path(args)
    moved = migrate_to(path, args.to, args.as_login)
    summary = ", ".join(f"{name} {count}" for name, count in moved.counts.items())
    print(t("migrate.done", path=path, url=moved.url, summary=summary))
    return EXIT_OK


def cmd_backup(args) -> int:
    from telecoop.services.admin import backup_to

    backup_to(context(args), Path(args.file))
    print(t("backup.done", path=args.file))
    return EXIT_OK


def cmd_slots(args) -> int:
    from telecoop.services.search import search_slots

    ctx = context(args)
    slots = search_slots(
        ctx, specialty=args.specialty, language=args.language, with_room=args.with_room, room_id=args.room,
        coop=args.coop, clinician_id=args.clinician, from_date=_date(args.from_date), days=args.days,
        duration=args.duration, limit=args.limit, partner_rooms=args.partner_rooms,
        interpreter_language=args.interpreter_language,
    )
    if args.json:
        emit_json([slot_json(s) for s in slots])
    else:
        print_slots(slots, ctx.actor_tz)
    return EXIT_OK


def print_slots(slots: list[m.Slot], viewer_tz: str) -> None:
    rows = []
    for s in slots:
        here = _fmt_local(s.start, viewer_tz)
        there = _fmt_local(s.start, s.tz)
        # The clinician's local time only where it reads differently from mine.
        rows.append([here, there[11:] if there != here else "", s.clinician_id, s.clinician, s.coop, s.specialty,
                     s.room or "", s.room_coop or ""])
    headers = ["start", "local", "id", "clinician", "coop", "specialty", "room", "room_coop"]
    if any(s.interpreter_id is not None for s in slots):  # issue 14
        for row, s in zip(rows, slots):
            row.append(f"{s.interpreter_id} {s.interpreter}" if s.interpreter_id is not None else "")
        headers.append("interpreter")
    print_table(rows, headers)


def _status_word(status: m.BookingStatus) -> str:
    """A booking status in the user's language, for tables (JSON keeps the code)."""
    return i18n.status_label(m.BookingStatus(status))


def print_booking(b: m.Booking, viewer_tz: str) -> None:
    who = b.patient if not b.masked else t("busy.coop", coop=b.coop)
    print_table(
        [[b.id, _fmt_local(b.start, viewer_tz), _fmt_local(b.end, viewer_tz)[11:], b.clinician, b.room or "",
          b.coop, _status_word(b.status), who]],
        ["id", "start", "end", "clinician", "room", "coop", "status", "patient"],
    )


def cmd_book(args) -> int:
    from telecoop.services.booking import book

    from_hold = cli_capacity.book_from_hold(args)  # issue 13: book --hold ID
    if from_hold is not None:
        return from_hold
    ctx = context(args)
    if args.repeat or args.count is not None or args.preview:
        return _book_series(args, ctx)
    b = book(ctx, clinician_id=args.clinician, start=args.start, duration=args.duration, patient=args.patient,
             reason=args.reason, mode=args.mode, room_id=args.room, any_room=args.any_room,
             patient_location=args.patient_location, patient_site=args.patient_site, consent=args.consent,
             interpreter_id=args.interpreter, any_interpreter=args.any_interpreter,
             interpreter_language=args.interpreter_language)
    return _report_booking(args, ctx, b, "booking.made")


# issue 14 --------------------------------------------------------------------


def _moves(items: list[str]) -> dict[int, str]:
    out = {}
    for item in items:
        n, sep, when = item.partition("=")
        if not sep or not n.strip().isdigit() or not when.strip():
            raise BadInput("series.move_arg", value=item)
        out[int(n)] = when.strip()
    return out


def occurrence_json(o) -> dict:
    return {"index": o.index, "wall": o.wall.strftime("%Y-%m-%dT%H:%M"),
            "start": iso_z(o.start) if o.start else None, "end": iso_z(o.end) if o.end else None,
            "problem": o.problem or None, "skipped": o.skipped, "moved": o.moved}


def _book_series(args, ctx) -> int:
    from telecoop.messages_teleconsult import occurrence_flag
    from telecoop.services import series as sv

    if not args.repeat or args.count is None:
        raise BadInput("field.empty", field="repeat" if not args.repeat else "count")
    common = dict(clinician_id=args.clinician, start=args.start, duration=args.duration, repeat=args.repeat,
                  count=args.count, room_id=args.room, skip=args.skip, moves=_moves(args.move),
                  any_room=args.any_room, interpreter_id=args.interpreter, any_interpreter=args.any_interpreter,
                  interpreter_language=args.interpreter_language)
    if args.preview:
        occs = sv.preview(ctx, **common)
        if args.json:
            emit_json([occurrence_json(o) for o in occs])
            return EXIT_OK
        tz = ctx.actor_tz
        print_table([[o.index, _fmt_local(o.start, tz) if o.start else o.wall.strftime("%Y-%m-%d %H:%M"),
                      occurrence_flag(o.problem, o.skipped, o.moved)] for o in occs], ["#", "start", "status"])
        return EXIT_OK
    series_id, made = sv.book_series(
        ctx, **common, patient=args.patient, reason=args.reason, mode=args.mode,
        patient_location=args.patient_location, patient_site=args.patient_site, consent=args.consent)
    if args.json:
        emit_json({"series_id": series_id, "bookings": [booking_json(b) for b in made]})
        return EXIT_OK
    print(t("series.booked", id=series_id, count=len(made)))
    for b in made:
        print_booking(b, ctx.actor_tz)
    return EXIT_OK


def cmd_series(args) -> int:
    from telecoop.services import series as sv

    ctx = context(args)
    if args.series_command == "show":
        items = sv.series_bookings(ctx, args.id)
        key = None
    elif args.series_command == "cancel":
        items = sv.cancel_series(ctx, args.id, from_occurrence=args.from_occurrence, reason=args.reason,
                                 only=args.only)
        key = "series.cancelled"
    else:
        items = sv.move_series(ctx, args.id, from_occurrence=args.from_occurrence, start=args.start,
                               only=args.only)
        key = "series.moved"
    if args.json:
        emit_json([booking_json(b) for b in items])
        return EXIT_OK
    if key:
        print(t(key, count=len(items)))
    print_table([[b.series_index, b.id, _fmt_local(b.start, ctx.actor_tz), b.clinician, _status_word(b.status)]
                 for b in items], ["#", "id", "start", "clinician", "status"])
    return EXIT_OK


def _print_visit(b: m.Booking, viewer_tz: str) -> None:
    """The visit record's line, for those who see the patient (nothing for others)."""
    if b.masked or b.patient_location is None:
        return
    consent = (t("tc.consent_by", login=b.consent_by, at=_fmt_local(b.consent_at, viewer_tz))
               if b.consent_by and b.consent_at else t("tc.consent_none"))
    print(shown(t("tc.detail", where=b.patient_location, consent=consent)))
    if b.video_link:
        print(b.video_link)


def cmd_switch(args) -> int:
    from telecoop.services.teleconsult import switch_mode

    ctx = context(args)
    b = switch_mode(ctx, args.id, args.mode, room_id=args.room, any_room=args.any_room, consent=args.consent,
                    patient_location=args.patient_location)
    if args.json:
        emit_json(booking_json(b))
        return EXIT_OK
    print(t("tc.switched", id=b.id, mode=t(TC_MODE_KEYS[b.mode.value])))
    print_booking(b, ctx.actor_tz)
    _print_visit(b, ctx.actor_tz)
    return EXIT_OK


TC_MODE_KEYS = {"video": "tc.mode.video", "phone": "tc.mode.phone", "in-person": "tc.mode.in_person"}


def cmd_link(args) -> int:
    from telecoop.domain.errors import NotFound
    from telecoop.services.booking import get_booking
    from telecoop.services.teleconsult import regenerate_link

    ctx = context(args)
    b = regenerate_link(ctx, args.id) if args.new else get_booking(ctx, args.id)
    if b.video_link is None:  # not a video visit, or not theirs to see: said as not found
        raise NotFound("notfound.booking", id=args.id)
    if args.json:
        emit_json({"id": b.id, "video_link": b.video_link})
    else:
        if args.new:
            print(t("tc.link_new", id=b.id), file=sys.stderr)
        print(b.video_link)
    return EXIT_OK


def cmd_platform(args) -> int:
    from telecoop.services.teleconsult import set_platform

    ctx = context(args)
    if args.url is None and not args.clear:
        from telecoop.services.directory import list_coops

        found = [c for c in list_coops(ctx) if c.slug == args.coop]
        if not found:
            raise BadInput("field.unknown_coop", value=args.coop)
        value = found[0].video_platform if (ctx.is_federation_admin or ctx.coop == args.coop) else ""
    else:
        value = set_platform(ctx, args.coop, "" if args.clear else args.url).video_platform
    # The address in full (a message would cut a long value): it is the co-op's own setting.
    print(t("tc.platform_set", coop=shown(args.coop)), shown(value) if value else t("tc.platform_none"))
    return EXIT_OK


def cmd_licences(args) -> int:
    from telecoop.services.teleconsult import set_licences

    ctx = context(args)
    r = set_licences(ctx, args.id, args.provinces)
    if args.json:
        emit_json(resource_json(r))
    else:
        print(shown(t("tc.licences_set", name=r.name, licences=" ".join(r.licences))))
    return EXIT_OK


def _report_booking(args, ctx, b: m.Booking, key: str) -> int:
    if args.json:
        emit_json(booking_json(b))
    else:
        print(t(key, id=b.id, status=_status_word(b.status)))
        print_booking(b, ctx.actor_tz)
        _print_visit(b, ctx.actor_tz)  # issue 14
    return EXIT_OK


def cmd_cancel(args) -> int:
    from telecoop.services.booking import cancel

    ctx = context(args)
    return _report_booking(args, ctx, cancel(ctx, args.id, reason=args.reason), "booking.cancelled")


def cmd_reschedule(args) -> int:
    from telecoop.services.booking import reschedule

    ctx = context(args)
    return _report_booking(args, ctx, reschedule(ctx, args.id, start=args.start, clinician_id=args.clinician,
                                                 room_id=args.room), "booking.moved")


def cmd_status(args) -> int:
    from telecoop.services.booking import set_status

    ctx = context(args)
    return _report_booking(args, ctx, set_status(ctx, args.id, args.status), "booking.status_set")


def cmd_bookings(args) -> int:
    from telecoop.services.booking import list_bookings

    ctx = context(args)
    items = list_bookings(ctx, from_date=_date(args.from_date), to_date=_date(args.to_date),
                          conflicts_only=args.conflicts, patient=args.patient)
    if args.json:
        emit_json([booking_json(b) for b in items])
    else:
        rows = [[b.id, _fmt_local(b.start, ctx.actor_tz), b.clinician, b.room or "", b.coop, _status_word(b.status),
                 t("busy.coop", coop=b.coop) if b.masked else b.patient] for b in items]
        headers = ["id", "start", "clinician", "room", "coop", "status", "patient"]
        if args.conflicts:
            for row, b in zip(rows, items):
                row.append(i18n.conflict_label(b.conflict))
            headers.append("conflict")
        print_table(rows, headers)
    return EXIT_OK


def cmd_audit(args) -> int:
    from telecoop.services.audit import list_audit

    ctx = context(args)
    events = list_audit(ctx)
    if args.json:
        emit_json([audit_json(e) for e in events])
    else:
        print_table([[e.id, _fmt_local(e.at, ctx.actor_tz), e.actor, e.coop or "", e.action, e.entity_id]
                     for e in events],
                    ["id", "at", "actor", "coop", "action", "entity"])
    return EXIT_OK


def cmd_closures(args) -> int:
    from telecoop.services import admin

    ctx = context(args)
    if args.closures_command == "holidays":
        count = admin.add_holidays(ctx, year=args.year, coop=args.coop, force=args.force)
        print(t("holidays.done", count=count))
        return EXIT_OK
    if args.closures_command == "list":
        items = admin.list_closures(ctx, resource_id=args.resource)
        if args.json:
            emit_json([closure_json(c) for c in items])
        else:
            print_table([[c.id, c.resource_id or "", c.coop or "", iso_z(c.start), iso_z(c.end), c.reason] for c in items],
                        ["id", "resource_id", "coop", "start", "end", "reason"])
        return EXIT_OK
    def add(force: bool) -> m.Closure:
        return admin.add_closure(ctx, start=args.from_date, end=args.to_date, reason=args.reason,
                                 resource_id=args.resource, coop=args.coop, force=force)

    flagged = []
    try:
        c = add(False)
    except WouldStrand as exc:
        if not args.force:
            raise
        flagged = exc.bookings
        c = add(True)
    if args.json:
        emit_json(closure_json(c))
    else:
        print(t("closure.added", id=c.id))
        if flagged:
            print(t("conflict.flagged", count=len(flagged)))
    return EXIT_OK


def cmd_ics(args) -> int:
    from telecoop.services.calendar import export_ics

    ctx = context(args)
    data = export_ics(ctx, booking_id=args.booking_id, resource_id=args.resource,
                      from_date=_date(args.from_date), to_date=_date(args.to_date))
    if args.output:
        locations.write_private_bytes(Path(args.output), data)
    else:
        sys.stdout.buffer.write(data)
    return EXIT_OK


def cmd_report(args) -> int:
    from telecoop.services import reports

    ctx = context(args)
    if args.kind in cli_capacity.REPORTS:  # issue 13: quotas, waitlist, rebooking
        headers, table = cli_capacity.report_table(ctx, args)
    elif args.kind == "usage":
        rows = reports.usage(ctx, args.month)
        headers = ["month", "provider", "consumer", "bookings", "minutes"]
        table = [[r.month, r.provider, r.consumer, r.bookings, r.minutes] for r in rows]
    elif args.kind == "utilisation":
        rows = reports.utilisation(ctx, args.month)
        headers = ["month", "resource_id", "resource", "coop", "available_minutes", "booked_minutes", "rate"]
        table = [[r.month, r.resource_id, r.resource, r.coop, r.available_minutes, r.booked_minutes,
                  round(r.rate, 4)] for r in rows]
    else:
        rows = reports.no_shows(ctx, args.month)
        headers = ["month", "coop", "attended", "no_shows", "rate"]
        table = [[r.month, r.coop, r.attended, r.no_shows, round(r.rate, 4)] for r in rows]
    if args.xlsx:
        if args.json or args.csv:
            raise BadInput("report.xlsx_csv")
        from telecoop.io.xlsxio import write_workbook

        write_workbook(Path(args.xlsx), {args.kind: (headers, table)})
        print(t("xlsx.written", path=args.xlsx, summary=f"{args.kind} {len(table)}"))
    elif args.json:
        emit_json([dict(zip(headers, row)) for row in table])
    elif args.csv:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        from telecoop.io.csvcell import row_out

        writer.writerow(headers)
        writer.writerows(row_out(r) for r in table)
    else:
        print_table(table, headers)
    return EXIT_OK


def cmd_completion(args) -> int:
    from telecoop.completion import bash_script

    sys.stdout.write(bash_script(build_parser()))
    return EXIT_OK


def cmd_fhir(args) -> int:
    from telecoop.services.publish import publish

    counts = publish(context(args), Path(args.out), days=args.days, base_url=args.base_url)
    print(t("fhir.done", path=args.out, summary=", ".join(f"{k} {v}" for k, v in counts.items())))
    return EXIT_OK


def configure_terminal(low_bandwidth: bool | None, environ: dict | None = None) -> bool:
    """Set Textual's environment before it is imported; returns whether low bandwidth is on.

    The low-bandwidth profile (DESIGN section 10) is on with ``--low-bandwidth``,
    or over SSH (``SSH_CONNECTION``) unless ``--no-low-bandwidth``. It turns off
    animations and smooth scrolling, caps the frame rate and keeps to 16
    colours; the app itself (``tui/app.py``) also turns off the mouse and the
    cursor blink, and sends only the cells that changed (``tui/terminal.py``).
    Whatever the user set in the environment stays as set.
    """
    env = os.environ if environ is None else environ
    low = bool(env.get("SSH_CONNECTION")) if low_bandwidth is None else low_bandwidth
    if low:
        env.setdefault("TEXTUAL_ANIMATIONS", "none")
        env.setdefault("TEXTUAL_SMOOTH_SCROLL", "0")
        # Half Textual's 60: changes closer together than 33 ms go out as one
        # frame, and the first screen still shows without waiting on a slow tick.
        env.setdefault("TEXTUAL_FPS", "30")
        # 16 colours: the shortest SGR sequences, and what rural terminals show
        # well. A user who asks for more sets TEXTUAL_COLOR_SYSTEM; COLORTERM
        # alone is not asking: many terminal emulators set it for everyone.
        env.setdefault("TEXTUAL_COLOR_SYSTEM", "standard")
    return low


def cmd_app(args, *, demo: bool = False) -> int:
    low = configure_terminal(args.low_bandwidth)
    if demo:
        from telecoop.services import dataio

        path = locations.db_file(args.db) if args.db else locations.demo_db_path()
        if dataio.build_demo(path, fresh=args.fresh):
            print(t("demo.built", path=path), file=sys.stderr)
        args.db = str(path)
        if not args.as_login:
            args.as_login = dataio.DEMO_LOGIN
        if not sys.stdout.isatty() or not sys.stdin.isatty():
            print(t("demo.no_tty", path=path), file=sys.stderr)
            return EXIT_OK
    elif not sys.stdout.isatty() or not sys.stdin.isatty():
        # Without a terminal (ssh -T, scp, a script) nobody can use or quit
        # the app: it would linger as the service account.
        raise BadInput("app.no_tty")
    ctx = context(args)
    from telecoop.runtime import tune_gc
    from telecoop.tui.app import run_app

    tune_gc()  # again, now that Textual and the store are loaded
    run_app(ctx, low_bandwidth=low)
    return EXIT_OK


COMMANDS = {
    "init": cmd_init,
    "import": cmd_import,
    "export": cmd_export,
    "coops": cmd_coops,
    "resources": cmd_resources,
    "staff": cmd_staff,
    "check": cmd_check,
    "upgrade": cmd_upgrade,
    "migrate": cmd_migrate,
    "backup": cmd_backup,
    "slots": cmd_slots,
    "book": cmd_book,
    "switch": cmd_switch,  # issue 14
    "series": cmd_series,
    "link": cmd_link,
    "platform": cmd_platform,
    "licences": cmd_licences,
    "cancel": cmd_cancel,
    "reschedule": cmd_reschedule,
    "status": cmd_status,
    "bookings": cmd_bookings,
    "audit": cmd_audit,
    "closures": cmd_closures,
    "ics": cmd_ics,
    "report": cmd_report,
    "fhir": cmd_fhir,
    "completion": cmd_completion,
    **cli_capacity.COMMANDS,  # issue 13
}


def main(argv: Sequence[str] | None = None) -> int:
    # issue 9: whatever umask the session has, what TeleCoop creates is the user's alone;
    # arguments with undecodable bytes are refused first, in the user's language.
    locations.private_umask()
    raw = sys.argv[1:] if argv is None else list(argv)
    # The help and argparse's own words in the user's language (issue 10).
    lang = _lang_in(raw) or i18n.detect_lang()
    i18n.set_lang(lang)
    bad = next((a for a in raw if _not_utf8(a)), None)
    if bad is not None:
        print(f"telecoop: {t('args.not_utf8', value=shown(bad))}", file=sys.stderr)
        return EXIT_USAGE
    cli_help.install(lang)
    parser = cli_help.localize(build_parser(), lang)
    try:
        args = parser.parse_args(raw)
    except SystemExit as exc:  # --help, --version, or a usage error already said in one line
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    from telecoop.runtime import tune_gc

    tune_gc()
    i18n.set_lang(args.lang or i18n.detect_lang())
    try:
        return _run(args)
    finally:
        _close_opened()


def _run(args: argparse.Namespace) -> int:
    try:
        try:
            _check_ints(args)
            if args.command is None:
                return cmd_app(args)
            if args.command == "demo":
                return cmd_app(args, demo=True)
            return COMMANDS[args.command](args)
        except (TeleCoopError, KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as exc:  # a full disk, a folder given as a file, a locked database...
            known = _known_failure(exc, args)
            if known is None or os.environ.get("TELECOOP_DEBUG"):
                raise
            raise known from exc
    except TeleCoopError as exc:
        print(f"telecoop: {safe(exc.message())}", file=sys.stderr)
        problems = getattr(exc, "problems", None)
        if problems:
            from telecoop.io.csvio import format_problems

            for line in format_problems(problems, i18n.get_lang()):
                print(safe(line), file=sys.stderr)
        stranded = getattr(exc, "bookings", None)
        if stranded:
            for b in stranded:
                room = f"  {safe(b.room)}" if b.room else ""
                print(f"  #{b.id}  {iso_z(b.start)}  {_fmt_local(b.start, b.clinician_tz or 'UTC')} {b.clinician_tz}  "
                      f"#{b.clinician_id} {safe(b.clinician)}{room}  {b.coop}  {b.status.value}", file=sys.stderr)
            print(t("conflict.force_hint"), file=sys.stderr)
        alternatives = getattr(exc, "alternatives", None)
        if alternatives:
            print(t("booking.alternatives"), file=sys.stderr)
            for s in alternatives:
                room = f"  {safe(s.room)} (#{s.room_id})" if s.room else ""
                print(f"  {iso_z(s.start)}  {_fmt_local(s.start, s.tz)} {s.tz}  #{s.clinician_id} {safe(s.clinician)}{room}",
                      file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the contract: one line, never a traceback
        if os.environ.get("TELECOOP_DEBUG"):
            raise
        return _report_unexpected(exc)  # issue 9: the traceback to the user's log folder


# --------------------------------------------------------------------------- #
# issue 9: things a user can do get their own line; the rest goes to a log file
# --------------------------------------------------------------------------- #

INT64_MAX = 2**63 - 1


def _not_utf8(arg: str) -> bool:
    # Python hands undecodable argument bytes over as lone surrogates (PEP 383).
    return any("\udc80" <= ch <= "\udcff" for ch in arg)


def _check_ints(args: argparse.Namespace) -> None:
    """Ids and counts beyond what the store holds (64-bit) are bad input, not an overflow deep inside."""
    for value in vars(args).values():
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT64_MAX:
            raise BadInput("field.id", value=shown(str(value)))


def _output_arg(args: argparse.Namespace | None) -> str:
    for name in ("output", "file", "dir", "path"):
        value = getattr(args, name, None)
        if value:
            return str(value)
    return "?"


def _known_failure(exc: BaseException, args: argparse.Namespace) -> TeleCoopError | None:
    """A failure a person can cause (a full disk, a folder given as a file, a locked database), as a TeleCoopError."""
    import errno

    if isinstance(exc, OSError) and not _is_db_error(exc):
        path = safe(str(exc.filename) if exc.filename else _output_arg(args))
        key = {
            errno.EISDIR: "output.is_dir",
            errno.ENOENT: "output.no_parent",
            errno.ENOSPC: "output.full",
            errno.EDQUOT: "output.full",
            errno.EACCES: "output.denied",
            errno.EPERM: "output.denied",
            errno.EROFS: "output.denied",
            errno.ENOTDIR: "output.not_dir",
        }.get(exc.errno)
        if key in ("output.is_dir", "output.no_parent", "output.not_dir"):
            return BadInput(key, path=path)  # the path given was wrong: exit 2
        if key is not None:
            return TeleCoopError(key, path=path)
        return TeleCoopError("output.failed", path=path, reason=safe(exc.strerror or type(exc).__name__))
    if _is_db_error(exc):
        from telecoop.errorlog import known_database_error

        try:
            path = db_path(args)
        except TeleCoopError:
            path = None
        return known_database_error(exc, path)
    return None


def _is_db_error(exc: BaseException) -> bool:
    from telecoop.errorlog import known_database_error

    return known_database_error(exc) is not None or type(exc).__module__.startswith(
        ("sqlite3", "sqlalchemy", "psycopg")
    )


def _report_unexpected(exc: BaseException) -> int:
    """A bug: the traceback to a private log file in the user's log folder, one line to the user."""
    from telecoop import errorlog

    detail = safe(type(exc).__name__)
    log = errorlog.write(exc)
    if log is None:
        print(f"telecoop: {t('error.unexpected', detail=detail)}", file=sys.stderr)
    else:
        print(f"telecoop: {t('error.logged', detail=detail, log=safe(str(log)))}", file=sys.stderr)
    return EXIT_REFUSED


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

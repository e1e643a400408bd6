"""issue 13: the CLI of holds, sharing terms and the waitlist (DESIGN section 8).

``hold``, ``release``, ``book --hold``, ``sharing set|show|overbook|settings``,
``waitlist add|list|offers|accept|remove`` and ``report quotas|waitlist``;
:func:`add_parsers` adds them to the main parser, :data:`COMMANDS` runs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telecoop.domain.errors import BadInput
from telecoop.i18n import t

if TYPE_CHECKING:
    from telecoop.domain import capacity as cap


def _cli():
    from telecoop import cli

    return cli


def hold_json(h: cap.Hold) -> dict:
    iso_z = _cli().iso_z
    return {
        "id": h.id, "clinician_id": h.clinician_id, "room_id": h.room_id, "coop": h.coop,
        "start": iso_z(h.start), "end": iso_z(h.end), "expires": iso_z(h.expires), "status": h.status.value,
        "booking_id": h.booking_id, "entry_id": h.entry_id,
    }


def terms_json(terms: cap.SharingTerms) -> dict:
    return {
        "resource_id": terms.resource_id, "window_days": terms.window_days,
        "min_notice_hours": terms.min_notice_hours, "release_hours": terms.release_hours,
        "quotas": [{"coop": coop, "hours_per_week": minutes / 60} for coop, minutes in terms.quotas],
    }


def add_parsers(sub, id_arg) -> None:
    h = sub.add_parser("hold", help="keep a slot for a few minutes")
    h.add_argument("--clinician", type=id_arg, required=True)
    rg = h.add_mutually_exclusive_group()
    rg.add_argument("--room", type=id_arg)
    rg.add_argument("--any-room", action="store_true")
    h.add_argument("--start", required=True)
    h.add_argument("--duration", type=int, default=30)
    h.add_argument("--minutes", type=int)
    h.add_argument("--json", action="store_true")
    rl = sub.add_parser("release", help="give a held slot back")
    rl.add_argument("hold_id", type=id_arg)
    rl.add_argument("--json", action="store_true")

    sh = sub.add_parser("sharing", help="sharing terms of a shared resource")
    shsub = sh.add_subparsers(dest="sharing_command", metavar="set|show|overbook|settings", required=True)
    ss = shsub.add_parser("set")
    ss.add_argument("resource_id", type=id_arg)
    ss.add_argument("--window-days", type=int)
    ss.add_argument("--min-notice-hours", type=int)
    ss.add_argument("--quota", action="append", metavar="COOP=HOURS")
    ss.add_argument("--release-hours", type=int)
    ss.add_argument("--json", action="store_true")
    sw = shsub.add_parser("show")
    sw.add_argument("resource_id", type=id_arg)
    sw.add_argument("--json", action="store_true")
    so = shsub.add_parser("overbook")
    so.add_argument("resource_id", type=id_arg)
    so.add_argument("--coop", required=True)
    so.add_argument("--week", required=True)
    so.add_argument("--hours", required=True)
    so.add_argument("--reason", required=True)
    wl = sub.add_parser("waitlist", help="patients waiting for a cancellation")
    wlsub = wl.add_subparsers(dest="waitlist_command", metavar="add|list|offers|accept|remove", required=True)
    wa = wlsub.add_parser("add")
    wa.add_argument("--specialty", required=True)
    wa.add_argument("--language")
    wa.add_argument("--mode", choices=["video", "phone"])
    wa.add_argument("--coop", action="append", dest="coops", metavar="SLUG")
    wa.add_argument("--from", dest="from_date", required=True)
    wa.add_argument("--to", dest="to_date", required=True)
    wa.add_argument("--patient", required=True)
    wa.add_argument("--priority", type=int, default=0)
    wa.add_argument("--duration", type=int, default=30)
    wa.add_argument("--json", action="store_true")
    for name in ("list", "offers"):
        wlsub.add_parser(name).add_argument("--json", action="store_true")
    wc = wlsub.add_parser("accept")
    wc.add_argument("offer_id", type=id_arg)
    wc.add_argument("--mode", choices=["video", "phone"])
    wc.add_argument("--consent", action="store_true")  # issue 14: the patient's consent to a teleconsultation
    wc.add_argument("--patient-location", metavar="PROV")
    wc.add_argument("--json", action="store_true")
    wr = wlsub.add_parser("remove")
    wr.add_argument("entry_id", type=id_arg)

    sg = shsub.add_parser("settings")
    sg.add_argument("--hold-minutes", type=int)
    sg.add_argument("--offer-minutes", type=int)


def cmd_hold(args) -> int:
    from telecoop.services import holds

    cli = _cli()
    ctx = cli.context(args)
    h = holds.place(ctx, clinician_id=args.clinician, start=args.start, duration=args.duration, room_id=args.room,
                    any_room=args.any_room, minutes=args.minutes)
    if args.json:
        cli.emit_json(hold_json(h))
    else:
        print(t("hold.placed", id=h.id, until=cli._fmt_local(h.expires, ctx.actor_tz)))
    return cli.EXIT_OK


def cmd_release(args) -> int:
    from telecoop.services import holds

    cli = _cli()
    h = holds.release(cli.context(args), args.hold_id)
    if args.json:
        cli.emit_json(hold_json(h))
    else:
        print(t("hold.released_done", id=h.id))
    return cli.EXIT_OK


def book_from_hold(args) -> int | None:
    """``book --hold ID --patient REF``: confirm the hold; None when no --hold was given (a plain book)."""
    cli = _cli()
    if args.hold is None:
        missing = [o for o, value in (("--clinician", args.clinician), ("--start", args.start),
                                      ("--patient", args.patient)) if value is None]
        if missing:
            raise BadInput("cli.required", args=", ".join(missing))
        return None
    if args.clinician is not None or args.room is not None or args.any_room or args.start is not None:
        raise BadInput("hold.with_slot")
    if args.patient is None:
        raise BadInput("cli.required", args="--patient")
    from telecoop.services import holds

    ctx = cli.context(args)
    b = holds.confirm(ctx, args.hold, patient=args.patient, reason=args.reason, mode=args.mode,
                      patient_location=args.patient_location, patient_site=args.patient_site, consent=args.consent)
    return cli._report_booking(args, ctx, b, "booking.made")


def cmd_sharing(args) -> int:
    from telecoop.services import sharing_terms as st

    cli = _cli()
    ctx = cli.context(args)
    if args.sharing_command == "settings":
        from telecoop.services import holds

        holds.set_settings(ctx, hold_minutes=args.hold_minutes, offer_minutes=args.offer_minutes)
        print(t("sharing.settings_saved", coop=ctx.coop))
        return cli.EXIT_OK
    if args.sharing_command == "overbook":
        new_id = st.overbook(ctx, args.resource_id, coop=args.coop, week=args.week, hours=args.hours,
                             reason=args.reason)
        print(t("sharing.overbooked", id=new_id, coop=args.coop, week=args.week, hours=args.hours))
        return cli.EXIT_OK
    if args.sharing_command == "set":
        terms = st.set_terms(ctx, args.resource_id, window_days=args.window_days,
                             min_notice_hours=args.min_notice_hours, release_hours=args.release_hours,
                             quotas=args.quota)
        if not args.json:
            print(t("sharing.saved", id=args.resource_id))
    else:
        terms = st.show_terms(ctx, args.resource_id)
    if args.json:
        cli.emit_json(terms_json(terms))
    else:
        print_terms(terms)
    return cli.EXIT_OK


def print_terms(terms: cap.SharingTerms) -> None:
    none = t("sharing.none")
    print(t("sharing.summary",
            window=t("sharing.days", n=terms.window_days) if terms.window_days else none,
            notice=t("sharing.hours", n=terms.min_notice_hours) if terms.min_notice_hours else none,
            release=t("sharing.hours", n=terms.release_hours) if terms.release_hours else none))
    if not terms.quotas:
        print(t("sharing.no_quota"))
        return
    _cli().print_table([[coop, f"{minutes / 60:g}"] for coop, minutes in terms.quotas], ["coop", "quota_hours"])


def entry_json(e: cap.WaitlistEntry) -> dict:
    iso_z = _cli().iso_z
    return {
        "id": e.id, "coop": e.coop, "specialty": e.specialty, "language": e.language or None,
        "mode": e.mode or None, "coops": list(e.coops), "from": str(e.from_date), "to": str(e.to_date),
        "patient": e.patient, "priority": e.priority, "duration": e.duration, "status": e.status.value,
        "created_at": iso_z(e.created_at), "booking_id": e.booking_id,
    }


def offer_json(h: cap.Hold, e: cap.WaitlistEntry) -> dict:
    return {**hold_json(h), "entry_id": e.id, "patient": e.patient, "specialty": e.specialty}


def cmd_waitlist(args) -> int:
    from telecoop.services import waitlist

    cli = _cli()
    ctx = cli.context(args)
    command = args.waitlist_command
    if command == "add":
        e = waitlist.add(ctx, specialty=args.specialty, language=args.language, mode=args.mode, coops=args.coops,
                         from_date=args.from_date, to_date=args.to_date, patient=args.patient,
                         priority=args.priority, duration=args.duration)
        if args.json:
            cli.emit_json(entry_json(e))
        else:
            print(t("waitlist.added", id=e.id))
        return cli.EXIT_OK
    if command == "remove":
        waitlist.remove(ctx, args.entry_id)
        print(t("waitlist.removed", id=args.entry_id))
        return cli.EXIT_OK
    if command == "accept":
        b = waitlist.accept(ctx, args.offer_id, mode=args.mode, consent=args.consent,
                            patient_location=args.patient_location)
        return cli._report_booking(args, ctx, b, "booking.made")
    if command == "offers":
        found = waitlist.offers(ctx)
        if args.json:
            cli.emit_json([offer_json(h, e) for h, e in found])
        else:
            cli.print_table([[h.id, e.id, cli._fmt_local(h.start, ctx.actor_tz), h.clinician_id, e.patient or "",
                              cli._fmt_local(h.expires, ctx.actor_tz)[11:]] for h, e in found],
                            ["id", "entry", "start", "clinician", "patient", "expires"])
        return cli.EXIT_OK
    entries = waitlist.list_entries(ctx)
    if args.json:
        cli.emit_json([entry_json(e) for e in entries])
    else:
        cli.print_table([[e.id, e.coop, e.specialty, e.language, " ".join(e.coops), str(e.from_date), str(e.to_date),
                          e.priority, _entry_status(e), e.patient if e.patient is not None else "—"]
                         for e in entries],
                        ["id", "coop", "specialty", "lang", "coops", "from", "to", "priority", "status", "patient"])
    return cli.EXIT_OK


ENTRY_STATUS_KEYS = {
    "waiting": "waitlist.status.waiting",
    "offered": "waitlist.status.offered",
    "booked": "waitlist.status.booked",
    "removed": "waitlist.status.removed",
}


def _entry_status(e: cap.WaitlistEntry) -> str:
    return t(ENTRY_STATUS_KEYS[e.status.value])


REPORTS = ("quotas", "waitlist", "rebooking")


def report_table(ctx, args) -> tuple[list[str], list[list]]:
    """Headers and rows of ``report quotas|waitlist|rebooking`` (printed by ``cli.cmd_report``)."""
    from telecoop.services import capacity_reports as cr

    if args.kind == "quotas":
        quotas = cr.quota_use(ctx, args.month)
        return (["week", "resource_id", "resource", "coop", "quota_hours", "used_hours", "overbook_hours", "reasons"],
                [[r.week, r.resource_id, r.resource, r.coop, r.quota_hours, r.used_hours, r.overbook_hours, r.reasons]
                 for r in quotas])
    if args.kind == "waitlist":
        fill = cr.waitlist_fill(ctx, args.month)
        return (["month", "coop", "offers", "accepted", "declined", "lapsed", "fill_rate"],
                [[r.month, r.coop, r.offers, r.accepted, r.declined, r.lapsed, round(r.fill_rate, 4)] for r in fill])
    rebook = cr.rebooking(ctx, args.month)
    return (["month", "coop", "cancelled", "rebooked", "median_minutes"],
            [[r.month, r.coop, r.cancelled, r.rebooked, r.median_minutes] for r in rebook])


COMMANDS = {"hold": cmd_hold, "release": cmd_release, "sharing": cmd_sharing, "waitlist": cmd_waitlist}


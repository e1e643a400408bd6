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
    b = holds.confirm(ctx, args.hold, patient=args.patient, reason=args.reason, mode=args.mode)
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


COMMANDS = {"hold": cmd_hold, "release": cmd_release, "sharing": cmd_sharing}


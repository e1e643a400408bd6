"""Administration: the database itself, co-ops, resources, hours, closures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlmodel import Session

from telecoop.domain import access
from telecoop.domain import model as m
from telecoop.domain import rules
from telecoop.domain import teleconsult as tc
from telecoop.domain import validate as v
from telecoop.domain.errors import BadInput, NotFound, NotPermitted, StoreError, WouldStrand
from telecoop.domain.timeutil import day_bounds_utc
from telecoop.services import audit
from telecoop.services.context import ADMIN_ROLES, Context, os_login
from telecoop.store import bulk, conflicts, convert
from telecoop.store import directory as store_directory
from telecoop.store import schedule as store_schedule
from telecoop.store import tables as tb
from telecoop.store.directory import resources_from_rows
from telecoop.store.engine import (
    backup,
    integrity_check,
    is_postgres,
    make_engine,
    read_session,
    schema_version,
    write_session,
)

COUNTED: dict[str, bulk.Model] = {
    "coops": tb.CoopRow,
    "staff": tb.StaffRow,
    "resources": tb.ResourceRow,
    "availability": tb.AvailabilityRow,
    "closures": tb.ClosureRow,
    "bookings": tb.BookingRow,
    "audit": tb.AuditRow,
}


def init_database(path: Path, *, coop: str, coop_name: str, tz: str, admin: str, region: str = "", lang: str = "fr") -> None:
    """A new database holding its first co-op and federation admin."""
    slug = v.slug(coop, "coop")
    name = v.name(coop_name, "coop-name")
    zone = v.tz(tz, "tz")
    login = v.login(admin, "admin")
    region = v.optional_text(region, "region", 80) or "-"
    lang = v.choice(lang, "lang", m.LANGUAGES)
    actor = os_login(db_path=path)  # from the password database, never $USER
    engine = make_engine(path, migrate=False)
    try:
        with write_session(engine) as s:
            if store_directory.coop_zones(s):
                raise StoreError("store.exists", path=str(path))
            s.add(tb.CoopRow(slug=slug, name=name, region=region, tz=zone, lang=lang))
            s.flush()
            s.add(tb.StaffRow(login=login, name=login, coop=slug, role=m.Role.FEDERATION_ADMIN.value))
            audit.record_by(
                s, at=dt.datetime.now(dt.timezone.utc), actor=actor, coop=slug,
                action="init", entity="coop", entity_id=slug, after={"admin": login},
            )
    finally:
        engine.dispose()


def is_empty(engine) -> bool:
    with read_session(engine) as s:
        return store_directory.staff_count(s) == 0


def check(engine) -> m.CheckReport:
    with read_session(engine) as s:
        counts = bulk.row_counts(s, COUNTED)
    return m.CheckReport(schema_version=schema_version(engine), integrity=integrity_check(engine), counts=counts)


def backup_to(ctx: Context, target: Path) -> None:
    ctx.require(*ADMIN_ROLES)
    if is_postgres(ctx.engine):
        backup(ctx.engine, target)  # refuses first: pg_dump's job (issue 12)
    if target.is_dir():
        raise BadInput("output.is_dir", path=str(target))
    if target.exists():
        raise BadInput("field.duplicate", value=str(target))
    backup(ctx.engine, target)


# --------------------------------------------------------------------------- #
# Co-ops
# --------------------------------------------------------------------------- #


def add_coop(ctx: Context, *, slug: str, name: str, region: str, tz: str, lang: str = "fr") -> m.Coop:
    """Federation admin adds a partner co-op."""
    ctx.require(m.Role.FEDERATION_ADMIN)
    row = tb.CoopRow(
        slug=v.slug(slug, "slug"),
        name=v.name(name, "name"),
        region=v.name(region, "region"),
        tz=v.tz(tz),
        lang=v.choice(lang, "lang", m.LANGUAGES),
    )
    with write_session(ctx.engine) as s:
        if s.get(tb.CoopRow, row.slug) is not None:
            raise BadInput("field.duplicate", value=row.slug)
        s.add(row)
        audit.record(s, ctx, "coop.add", "coop", row.slug, coop=row.slug, after=row.model_dump())
        s.flush()
        return convert.coop(row)


def update_coop(ctx: Context, slug: str, *, name: str, region: str, tz: str, lang: str = "fr") -> m.Coop:
    """Federation admin corrects a co-op's name, region, zone or language (the slug stays: it is the key).

    A zone change moves the co-op's weekly hours with it: they are wall-clock
    times in the co-op's zone (DESIGN section 3); bookings keep their instants.
    """
    ctx.require(m.Role.FEDERATION_ADMIN)
    values = dict(name=v.name(name, "name"), region=v.name(region, "region"), tz=v.tz(tz),
                  lang=v.choice(lang, "lang", m.LANGUAGES))
    with write_session(ctx.engine) as s:
        row = s.get(tb.CoopRow, slug)
        if row is None:
            raise BadInput("field.unknown_coop", value=slug)
        before = row.model_dump()
        for key, value in values.items():
            setattr(row, key, value)
        s.add(row)
        audit.record(s, ctx, "coop.update", "coop", row.slug, coop=row.slug, before=before, after=row.model_dump())
        s.flush()
        return convert.coop(row)


# --------------------------------------------------------------------------- #
# Resources
# --------------------------------------------------------------------------- #


def _own_resource(session: Session, ctx: Context, resource_id: int) -> tb.ResourceRow:
    ctx.require(*ADMIN_ROLES)
    row = session.get(tb.ResourceRow, resource_id)
    if row is None:
        raise NotFound("notfound.resource", id=resource_id)
    if not access.may_manage(ctx.actor, row.coop):
        raise NotPermitted("perm.other_coop")
    return row


def _resource_dict(row: tb.ResourceRow, shares: list[str]) -> dict:
    data = row.model_dump()
    data["shared_with"] = sorted(shares)
    return data


def save_resource(
    ctx: Context,
    *,
    resource_id: int | None = None,
    kind: str,
    name: str,
    coop: str | None = None,
    specialty: str = "",
    languages: str = "",
    equipment: str = "",
    video_link: str = "",
    sharing: str = "all",
    shared_with: str = "",
    buffer_minutes: int | str = 0,
    force: bool = False,
    licences: str | None = None,
) -> m.Resource:
    """Create (``resource_id`` None) or update a resource of the admin's co-op.

    ``licences`` (issue 14, clinicians): the provinces it is licensed in, the
    rule of ``tc.licences`` (the CLI's ``licences``); None keeps them (QC for
    a new clinician).

    Withdrawing sharing from co-ops that hold active bookings on it is refused
    (WouldStrand) unless ``force``; forced, those bookings are flagged.
    """
    ctx.require(*ADMIN_ROLES)
    kind_v = m.ResourceKind(v.choice(kind, "kind", [k.value for k in m.ResourceKind]))
    fields: dict[str, Any] = {
        "kind": kind_v.value,
        "name": v.name(name, "name"),
        "coop": v.slug(coop or ctx.coop, "coop"),
        "specialty": v.choice(specialty, "specialty", m.SPECIALTIES) if kind_v == m.ResourceKind.CLINICIAN else "",
        "languages": " ".join(v.words(languages, "languages", m.LANGUAGES, required=kind_v == m.ResourceKind.CLINICIAN))
        if kind_v == m.ResourceKind.CLINICIAN
        # issue 14: an interpreter's languages, two at least
        else " ".join(tc.interpreter_languages(v.words(languages, "languages", m.PATIENT_LANGUAGES, required=True)))
        if kind_v == m.ResourceKind.INTERPRETER
        else "",
        "equipment": rules.equipment(equipment),
        "video_link": v.url(video_link),
        "sharing": v.choice(sharing, "sharing", [x.value for x in m.Sharing]),
        "buffer_minutes": rules.buffer_minutes(buffer_minutes),
    }
    if licences is not None and kind_v == m.ResourceKind.CLINICIAN:  # issue 14
        fields["licences"] = " ".join(tc.licences(licences))
    share_list = [v.slug(x, "shared_with") for x in (shared_with or "").split()]
    if fields["sharing"] != m.Sharing.LISTED.value:
        share_list = []
    elif not share_list:
        raise BadInput("field.empty", field="shared_with")
    if not access.may_manage(ctx.actor, fields["coop"]):
        raise NotPermitted("perm.other_coop")
    with write_session(ctx.engine) as s:
        known = set(store_directory.coop_zones(s))
        for slug in [fields["coop"], *share_list]:
            if slug not in known:
                raise BadInput("field.unknown_coop", value=slug)
        if resource_id is None:
            row = tb.ResourceRow(**fields)
            before = None
        else:
            row = _own_resource(s, ctx, resource_id)
            before = _resource_dict(row, store_directory.shares_of(s, resource_id))
            for key, value in fields.items():
                setattr(row, key, value)
            _withdrawn_sharing(s, ctx, row, before, share_list, force)
        s.add(row)
        s.flush()
        assert row.id is not None
        store_directory.replace_shares(s, row.id, share_list)
        audit.record(
            s, ctx, "resource.add" if before is None else "resource.update", "resource", row.id,
            coop=row.coop, before=before, after=_resource_dict(row, share_list),
        )
        s.flush()
        return resources_from_rows(s, [row])[0]


def _strand_or_flag(s: Session, ctx: Context, rows: list[tb.BookingRow], code: str, force: bool) -> None:
    """Refuse a change over active bookings unless forced; forced, flag them (issue 8)."""
    if not rows:
        return
    if not force:
        raise WouldStrand(conflicts.described(s, rows))
    conflicts.flag(s, rows, code, ctx.now(), actor=ctx.actor.login)


def set_active(ctx: Context, resource_id: int, active: bool, *, force: bool = False) -> None:
    """Activate or deactivate a resource; deactivating one with active bookings needs ``force``."""
    with write_session(ctx.engine) as s:
        row = _own_resource(s, ctx, resource_id)
        before = {"active": row.active}
        if not active and row.active:
            _strand_or_flag(s, ctx, conflicts.stranded(s, now=ctx.now(), resource_id=row.id), f"inactive:{row.id}", force)
        elif active:
            conflicts.clear(s, f"inactive:{row.id}")
        row.active = active
        s.add(row)
        audit.record(s, ctx, "resource.active", "resource", row.id, coop=row.coop, before=before, after={"active": active})


def _withdrawn_sharing(s: Session, ctx: Context, row: tb.ResourceRow, before: dict, shares: list[str], force: bool) -> None:
    """Co-ops that lose sight of ``row``: their active bookings on it are stranded; those who regain it, cleared."""
    every = set(store_directory.coop_zones(s))
    was = access.audience(before["coop"], before["sharing"], before["shared_with"], every)
    now = access.audience(row.coop, row.sharing, shares, every)
    code = f"unshared:{row.id}"
    if was - now:
        stranded = conflicts.stranded(s, now=ctx.now(), resource_id=row.id, booking_coops=was - now)
        _strand_or_flag(s, ctx, stranded, code, force)
    conflicts.clear(s, code, booking_coops=now)


# --------------------------------------------------------------------------- #
# Weekly hours
# --------------------------------------------------------------------------- #


def list_hours(ctx: Context, resource_id: int) -> list[m.Availability]:
    with read_session(ctx.engine) as s:
        return [convert.availability(r) for r in store_schedule.hours_rows(s, resource_id)]


def add_hours(
    ctx: Context,
    resource_id: int,
    *,
    weekday: str,
    start: str,
    end: str,
    valid_from: str = "",
    valid_to: str = "",
) -> m.Availability:
    """Add weekly hours (wall time in the owner co-op's zone); refuses overlaps."""
    day = v.weekday(weekday)
    t0, t1 = v.hhmm(start), v.hhmm(end)
    rules.hours_in_order(t0, t1)
    d0 = v.date(valid_from, required=False, field="valid_from")
    d1 = v.date(valid_to, required=False, field="valid_to")
    rules.dates_in_order(d0, d1)
    new = rules.Hours(day, t0, t1, d0, d1)
    with write_session(ctx.engine) as s:
        res = _own_resource(s, ctx, resource_id)
        if any(rules.hours_overlap(new, other) for other in store_schedule.hours_of(s, resource_id, day)):
            raise BadInput("import.overlap", value=resource_id)
        row = tb.AvailabilityRow(resource_id=resource_id, weekday=day, start=t0, end=t1, valid_from=d0, valid_to=d1)
        s.add(row)
        s.flush()
        audit.record(s, ctx, "hours.add", "availability", row.id, coop=res.coop, after=row.model_dump())
        return convert.availability(row)


def remove_hours(ctx: Context, availability_id: int) -> None:
    with write_session(ctx.engine) as s:
        row = s.get(tb.AvailabilityRow, availability_id)
        if row is None:
            raise NotFound("notfound.hours", id=availability_id)
        res = _own_resource(s, ctx, row.resource_id)
        audit.record(s, ctx, "hours.remove", "availability", row.id, coop=res.coop, before=row.model_dump())
        s.delete(row)


# --------------------------------------------------------------------------- #
# Closures
# --------------------------------------------------------------------------- #


def _closure_instant(text: str, tz: str, *, is_end: bool) -> dt.datetime:
    instant = rules.closure_bound(text, tz, end=is_end)
    assert instant is not None  # a zone was given
    return instant


def list_closures(ctx: Context, *, resource_id: int | None = None) -> list[m.Closure]:
    with read_session(ctx.engine) as s:
        if resource_id is not None:  # a resource no one has, or one this co-op may not see: not found (as book says)
            res = store_directory.resource(s, resource_id)
            if res is None or not access.sees_resource(ctx.actor, res):
                raise NotFound("notfound.resource", id=resource_id)
            rows = store_schedule.closure_rows(s, resource_id=resource_id)
        else:
            rows = store_schedule.closure_rows(s, of_coop=None if ctx.is_federation_admin else ctx.coop)
        return [convert.closure(r) for r in rows]


def add_closure(
    ctx: Context,
    *,
    start: str,
    end: str,
    reason: str,
    resource_id: int | None = None,
    coop: str | None = None,
    force: bool = False,
) -> m.Closure:
    """Close a resource, or a whole co-op, from ``start`` to ``end`` (local wall times or dates, end inclusive for dates).

    Over active bookings it is refused (WouldStrand, listing them) unless
    ``force``; forced, they keep their time and are flagged ``closure:ID``.
    """
    ctx.require(*ADMIN_ROLES)
    reason = rules.closure_reason(reason)
    with write_session(ctx.engine) as s:
        if resource_id is not None:
            res = _own_resource(s, ctx, resource_id)
            owner = res.coop
            coop = None
        else:  # as add_holidays: a co-op given (even "") is checked, then known, then permitted
            owner = ctx.coop if coop is None else v.slug(coop, "coop")
        coop_row = s.get(tb.CoopRow, owner)
        if coop_row is None:
            raise BadInput("field.unknown_coop", value=owner)
        if resource_id is None and not access.may_manage(ctx.actor, owner):
            raise NotPermitted("perm.other_coop")
        t0 = _closure_instant(start, coop_row.tz, is_end=False)
        t1 = _closure_instant(end, coop_row.tz, is_end=True)
        rules.closure_span(t0, t1)
        row = tb.ClosureRow(resource_id=resource_id, coop=None if resource_id else owner, start=t0, end=t1, reason=reason)
        hit = conflicts.stranded(
            s, now=ctx.now(), resource_id=resource_id, coop=None if resource_id else owner, start=t0, end=t1
        )
        if hit and not force:
            raise WouldStrand(conflicts.described(s, hit))
        s.add(row)
        s.flush()
        audit.record(s, ctx, "closure.add", "closure", row.id, coop=owner, after=row.model_dump())
        _strand_or_flag(s, ctx, hit, f"closure:{row.id}", force)
        return convert.closure(row)


def remove_closure(ctx: Context, closure_id: int) -> None:
    ctx.require(*ADMIN_ROLES)
    with write_session(ctx.engine) as s:
        row = s.get(tb.ClosureRow, closure_id)
        if row is None:
            raise NotFound("notfound.closure", id=closure_id)
        assert row.coop is not None or row.resource_id is not None  # a closure is of a co-op or of a resource
        owner = row.coop or _own_resource(s, ctx, row.resource_id or 0).coop
        if not access.may_manage(ctx.actor, owner):
            raise NotPermitted("perm.other_coop")
        audit.record(s, ctx, "closure.remove", "closure", row.id, coop=owner, before=row.model_dump())
        conflicts.clear(s, f"closure:{row.id}")  # the bookings it stranded are open again
        s.delete(row)
        _closure_lifted(s, ctx, row)


def _closure_lifted(s: Session, ctx: Context, row: tb.ClosureRow) -> None:
    """issue 13: time a lifted closure gives back is offered to the waitlist, as a cancellation's is,
    in the same transaction."""
    from telecoop.services import waitlist

    s.flush()
    if row.resource_id is not None:
        ids = [row.resource_id]
    else:
        ids = [r.id for r in store_directory.active_resource_rows(s, coop=row.coop)
               if r.kind == m.ResourceKind.CLINICIAN.value and r.id is not None]
    waitlist.closure_lifted(s, ctx, ids, row.start, row.end)


def add_holidays(ctx: Context, *, year: int, coop: str | None = None, force: bool = False) -> int:
    """Whole-day closures for Quebec's statutory holidays (python-holidays, subdivision QC).

    Idempotent: a holiday already closed for that co-op is skipped. Over
    active bookings, refused unless ``force`` (then flagged), as any closure.
    """
    from telecoop.domain.holidays import statutory_holidays

    ctx.require(*ADMIN_ROLES)
    year = v.integer(year, "year", 2000, 2100)
    targets: list[str]
    with read_session(ctx.engine) as s:
        all_coops = store_directory.coop_zones(s)
    if coop is not None:
        coop = v.slug(coop, "coop")
        if coop not in all_coops:
            raise BadInput("field.unknown_coop", value=coop)
        targets = [coop]
    elif ctx.is_federation_admin:
        targets = sorted(all_coops)
    else:
        targets = [ctx.coop]
    if not all(access.may_manage(ctx.actor, t) for t in targets):
        raise NotPermitted("perm.other_coop")
    days = statutory_holidays(year)
    added = 0
    stranded: list[tb.BookingRow] = []
    with write_session(ctx.engine) as s:
        for slug in targets:
            tz = all_coops[slug]
            for day, label in days:
                t0, t1 = day_bounds_utc(day, tz)
                if store_schedule.coop_closed_exactly(s, slug, t0, t1):
                    continue
                row = tb.ClosureRow(coop=slug, start=t0, end=t1, reason=str(label)[: rules.CLOSURE_REASON_MAX])
                hit = conflicts.stranded(s, now=ctx.now(), coop=slug, start=t0, end=t1)
                stranded.extend(hit)
                s.add(row)
                s.flush()
                audit.record(s, ctx, "closure.add", "closure", row.id, coop=slug, after=row.model_dump())
                if force:
                    _strand_or_flag(s, ctx, hit, f"closure:{row.id}", force)
                added += 1
        if stranded and not force:
            raise WouldStrand(conflicts.described(s, stranded))  # rolls every holiday back
    return added

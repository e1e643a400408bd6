"""CSV import and export (docs/csv-format.md).

Import is all-or-nothing: every file is parsed and every row validated first,
collecting every problem as ``(file, line, column, i18n key, params)``; only
when there is none is anything written, in one ``BEGIN IMMEDIATE``
transaction with one audit event. Validation (against the other files and the
rows already in the database) reads a snapshot *outside* the writers' turn,
in time linear in the rows after a sort, so a big or broken import never
holds a receptionist's ``book`` up; if another connection committed between
that snapshot and the write, validation runs again inside the write
transaction, so no conflicting row can slip in between. Bookings follow
``book``'s own rules (``validate.booking_span``).

Export writes the same files so that export -> import -> export gives
byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from telecoop import locations
from telecoop.domain import model as m
from telecoop.domain import rules, validate
from telecoop.domain import series as ds
from telecoop.domain import teleconsult as tc
from telecoop.domain import capacity as cap  # issue 13
from telecoop.domain.errors import BadInput, ImportErrors, NotFound, WouldStrand
from telecoop.domain.text import shown
from telecoop.io.csvcell import from_cell, row_out
from telecoop.domain.timeutil import parse_instant
from telecoop.services import audit
from telecoop.services import holds as svc_holds  # issue 13: the services' own value rules
from telecoop.services import sharing_terms as svc_terms
from telecoop.services import waitlist as svc_waitlist
from telecoop.store import bookings as store_bookings
from telecoop.store import bulk, conflicts
from telecoop.store import directory as store_directory
from telecoop.store import schedule as store_schedule
from telecoop.store import tables as tb
from telecoop.store.engine import ReadBind, directory_version, read_session, read_then_write, sync_id_sequences

__all__ = ["FILES", "COLUMNS", "Problem", "import_path", "export_dir", "export_xlsx", "export_rows", "format_problems"]

Problem = tuple[str, int, str, str, dict]

# Dependency order: every file only refers to files before it.
FILES: dict[str, str] = {
    "coops": "coops.csv",
    "resources": "resources.csv",
    "staff": "staff.csv",
    "availability": "availability.csv",
    "closures": "closures.csv",
    # issue 14: follow-up series, before the bookings that are their occurrences
    "series": "series.csv",
    "bookings": "bookings.csv",
    # issue 13: sharing terms, partner quotas and overbookings, co-op hold/offer
    # minutes, the waitlist (after bookings: an entry may name its booking).
    # Live holds and offers are transient: never exported.
    "sharing_terms": "sharing_terms.csv",
    "sharing_quotas": "sharing_quotas.csv",
    "sharing_overbooks": "sharing_overbooks.csv",
    "coop_capacity": "coop_capacity.csv",
    "waitlist": "waitlist.csv",
}
_KIND_BY_FILE = {name: kind for kind, name in FILES.items()}
_ORDER = {name: i for i, name in enumerate(FILES.values())}

# Column order of docs/csv-format.md (the export header).
COLUMNS: dict[str, tuple[str, ...]] = {
    "coops": ("slug", "name", "region", "tz", "lang", "video_platform"),
    "staff": ("login", "name", "coop", "role", "clinician_id"),
    "resources": (
        "id", "kind", "name", "coop", "specialty", "languages", "equipment",
        "video_link", "sharing", "shared_with", "buffer_minutes", "licences",
    ),
    "availability": ("resource_id", "weekday", "start", "end", "valid_from", "valid_to"),
    "closures": ("resource_id", "coop", "start", "end", "reason"),
    # issue 14: a follow-up series (exported with the bookings)
    "series": ("id", "coop", "clinician_id", "repeat", "count", "tz", "created_by", "created_at"),
    "bookings": (
        "id", "clinician_id", "room_id", "coop", "booked_by", "start", "end",
        "patient", "reason", "mode", "status", "cancel_reason",
        # issue 14: the teleconsultation record (never the private link: it is made anew)
        "patient_location", "patient_site", "consent_by", "consent_at",
        "interpreter_id", "series_id", "series_index",
    ),
    # issue 13
    "sharing_terms": ("resource_id", "window_days", "min_notice_hours", "release_hours"),
    "sharing_quotas": ("resource_id", "coop", "minutes_per_week"),
    "sharing_overbooks": ("id", "resource_id", "coop", "week", "extra_minutes", "reason", "granted_by", "created_at"),
    "coop_capacity": ("coop", "hold_minutes", "offer_minutes"),
    "waitlist": (
        "id", "coop", "added_by", "specialty", "language", "mode", "coops", "from_date", "to_date",
        "patient", "priority", "duration", "status", "booking_id", "created_at", "updated_at",
    ),
}
# Columns whose values may all be empty may also be left out of the header.
_OPTIONAL: dict[str, frozenset[str]] = {
    "coops": frozenset({"video_platform"}),
    "staff": frozenset({"clinician_id"}),
    "resources": frozenset({"specialty", "languages", "equipment", "video_link", "shared_with", "licences"}),
    "availability": frozenset({"valid_from", "valid_to"}),
    "closures": frozenset({"resource_id", "coop", "reason"}),
    "series": frozenset(),  # issue 14
    "bookings": frozenset({"room_id", "reason", "cancel_reason",
                           "patient_location", "patient_site", "consent_by", "consent_at",
                           "interpreter_id", "series_id", "series_index"}),
    # issue 13
    "sharing_terms": frozenset(),
    "sharing_quotas": frozenset(),
    "sharing_overbooks": frozenset(),
    "coop_capacity": frozenset(),
    "waitlist": frozenset({"language", "mode", "coops", "booking_id"}),
}

MAX_ID = 999_999_999
TEXT_MAX = rules.REASON_MAX
_ROLES = tuple(r.value for r in m.Role)
_KINDS = tuple(k.value for k in m.ResourceKind)
_SHARING = tuple(s.value for s in m.Sharing)
_MODES = tc.MODE_WORDS  # issue 14: "room", the old word for in-person, still reads
_STATUSES = tuple(x.value for x in m.BookingStatus)
_ACTIVE = frozenset(x.value for x in m.ACTIVE_STATUSES)

_UTC_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?Z", re.ASCII)


class _Bad:
    """Marks a cell that failed validation (its problem is already recorded)."""

    def __repr__(self) -> str:  # pragma: no cover
        return "BAD"


BAD: Any = _Bad()


# --------------------------------------------------------------------------- #
# Reading files
# --------------------------------------------------------------------------- #


@dataclass
class _Row:
    file: str
    line: int
    cells: dict[str, str]
    problems: list[Problem]
    ok: bool = True

    def get(self, column: str) -> str:
        return self.cells.get(column, "") or ""

    def blank(self, column: str) -> bool:
        return not self.get(column).strip()

    def problem(self, column: str, key: str, /, **params: object) -> Any:
        self.problems.append((self.file, self.line, column, key, dict(params)))
        self.ok = False
        return BAD

    def check(self, column: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(cell, *args, **kwargs)``, or BAD with the BadInput recorded at this cell."""
        try:
            return fn(self.get(column), *args, **kwargs)
        except BadInput as exc:
            return self.problem(column, exc.key, **exc.params)


@dataclass
class _Table:
    kind: str
    file: str
    rows: list[_Row] = field(default_factory=list)
    complete: bool = True  # False: the header or the CSV syntax failed, rows are missing


def _read_table(path: Path, kind: str, problems: list[Problem]) -> _Table:
    fname = path.name
    table = _Table(kind, fname)

    def fail(line: int, column: str, key: str, /, **params: object) -> _Table:
        problems.append((fname, line, column, key, dict(params)))
        table.complete = False
        return table

    try:
        data = path.read_bytes()
    except OSError as exc:
        return fail(1, "", "import.unreadable", detail=exc.strerror or type(exc).__name__)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return fail(1, "", "import.encoding")
    return _parse_text(table, text, problems)


def _parse_text(table: _Table, text: str, problems: list[Problem]) -> _Table:
    """Rows of one file's text: the delimiter (``,`` or an Excel ``;``) read from the header."""
    fname, kind = table.file, table.kind

    def fail(line: int, column: str, key: str, /, **params: object) -> _Table:
        problems.append((fname, line, column, key, dict(params)))
        table.complete = False
        return table

    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error:
        return fail(1, "", "import.csv")
    if header is None or not any(h.strip() for h in header):
        return fail(1, "", "import.empty")
    header = [h.strip().lower() for h in header]
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            fail(1, name, "field.duplicate", value=name)
        seen.add(name)
    for column in COLUMNS[kind]:
        if column not in seen and column not in _OPTIONAL[kind]:
            fail(1, column, "import.header", column=column)
    if not table.complete:
        return table
    previous = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            return fail(previous + 1, "", "import.csv")
        line, previous = previous + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue  # blank line, or a spreadsheet's row of empty cells
        if len(cells) != len(header):
            column = header[len(cells)] if len(cells) < len(header) else f"#{len(header) + 1}"
            problems.append((fname, line, column, "import.columns", {"found": len(cells), "expected": len(header)}))
            table.complete = False
            continue
        table.rows.append(_Row(fname, line, dict(zip(header, map(from_cell, cells))), problems))
    return table


# --------------------------------------------------------------------------- #
# Cell parsers not covered by telecoop.domain.validate
# --------------------------------------------------------------------------- #


def _local_moment(text: str, tz: str | None, *, end: bool) -> dt.datetime | None:
    """A closure bound (``rules.closure_bound``); None when ``tz`` is unknown (format checked only)."""
    try:
        instant = rules.closure_bound(text, tz, end=end)
    except BadInput as exc:
        if exc.key == "time.invalid":
            raise BadInput("import.closure_time", text=shown((text or "").strip())) from None
        raise
    return None if instant is None else _plain(instant)


def _utc_instant(text: str, field: str) -> dt.datetime:
    raw = (text or "").strip()
    if not raw:
        raise BadInput("field.empty", field=field)
    if not _UTC_RE.fullmatch(raw):
        raise BadInput("import.utc_time", text=shown(raw))
    try:
        return _plain(parse_instant(raw, "UTC"))
    except BadInput:
        raise BadInput("import.utc_time", text=shown(raw)) from None


def _plain(instant: dt.datetime) -> dt.datetime:
    """A stdlib aware UTC datetime (no pendulum subclass in the store)."""
    u = instant.astimezone(dt.timezone.utc)
    return dt.datetime(u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond, tzinfo=dt.timezone.utc)


def _ident(text: str, field: str) -> int:
    return validate.integer(text, field, 1, MAX_ID)


def _optional_ident(text: str, field: str) -> int | None:
    return None if not (text or "").strip() else _ident(text, field)


# --------------------------------------------------------------------------- #
# Validation against the files and the database
# --------------------------------------------------------------------------- #


class _Check:
    """What is known so far (database + rows already read) and the rows to write."""

    def __init__(self, session: Session, kinds: set[str], problems: list[Problem], now: dt.datetime) -> None:
        self.problems = problems
        self.now = now
        self.unchecked: set[str] = set()  # kinds whose file could not be read whole
        self.coops: dict[str, str | None] = dict(store_directory.coop_zones(session))
        self.resources: dict[int, tuple[str | None, str | None]] = dict(store_directory.resource_kinds(session))
        self.logins: set[str] = store_directory.logins(session)
        self.booking_ids: set[int] = (
            store_bookings.booking_ids(session) if kinds & {"bookings", "waitlist"} else set()  # issue 13: waitlist
        )
        # issue 13: the keys already in the database, per file kind
        self.keys13: dict[str, set[Any]] = bulk.capacity_keys(session, kinds)
        # issue 14: series known so far (database + series.csv), for bookings' series_id
        self.series_ids: set[int] = store_bookings.series_ids(session) if kinds & {"series", "bookings"} else set()
        self.rows: dict[str, list] = defaultdict(list)
        self.shares: list[tb.ShareRow] = []
        # resource_id -> [(weekly hours, row or None)]
        self.hours: dict[int, list[tuple[rules.Hours, _Row | None]]] = defaultdict(list)
        if "availability" in kinds:
            for rid, hours in store_schedule.every_hours(session).items():
                self.hours[rid].extend((h, None) for h in hours)
        # resource_id -> [(start, end, row or None)] of active bookings
        self.busy: dict[int, list] = defaultdict(list)
        if "bookings" in kinds:
            for clinician_id, room_id, start, end in store_bookings.active_intervals(session):
                self.busy[clinician_id].append((start, end, None))
                if room_id is not None:
                    self.busy[room_id].append((start, end, None))
            # issue 14: an interpreter is held by a booking too (book's check_free)
            for interpreter_id, start, end in store_bookings.active_interpreter_intervals(session):
                self.busy[interpreter_id].append((start, end, None))

    # references ---------------------------------------------------------

    def coop_ref(self, row: _Row, column: str, slug: Any) -> Any:
        """The zone of co-op ``slug`` (None if unknown but unverifiable), or BAD."""
        if slug is BAD:
            return BAD
        if slug in self.coops:
            return self.coops[slug]
        if "coops" in self.unchecked:
            return None
        return row.problem(column, "field.unknown_coop", value=slug)

    def resource_ref(self, row: _Row, column: str, rid: Any) -> Any:
        """``(kind, coop)`` of resource ``rid`` (Nones if unverifiable), or BAD."""
        if rid is BAD:
            return BAD
        if rid in self.resources:
            return self.resources[rid]
        if "resources" in self.unchecked:
            return (None, None)
        return row.problem(column, "field.unknown_resource", value=rid)

    # one checker per file kind -------------------------------------------

    def coops_(self, row: _Row) -> None:
        slug = row.check("slug", validate.slug)
        if slug is not BAD and slug in self.coops:
            slug = row.problem("slug", "field.duplicate", value=slug)
        name = row.check("name", validate.name)
        region = row.check("region", validate.name, "region")
        tz = row.check("tz", validate.tz)
        lang = row.check("lang", validate.choice, "lang", ("fr", "en"))
        platform = row.check("video_platform", tc.platform_address)  # issue 14
        if slug is not BAD:
            self.coops[slug] = None if tz is BAD else tz
        if row.ok:
            self.rows["coops"].append(
                tb.CoopRow(slug=slug, name=name, region=region, tz=tz, lang=lang, video_platform=platform)
            )

    def resources_(self, row: _Row) -> None:
        rid = row.check("id", _ident, "id")
        if rid is not BAD and rid in self.resources:
            rid = row.problem("id", "field.duplicate", value=rid)
        kind = row.check("kind", validate.choice, "kind", _KINDS)
        name = row.check("name", validate.name)
        coop = row.check("coop", validate.slug, "coop")
        self.coop_ref(row, "coop", coop)
        specialty = languages = ""
        if kind == m.ResourceKind.CLINICIAN:
            specialty = row.check("specialty", validate.choice, "specialty", m.SPECIALTIES)
            languages = row.check("languages", validate.words, "languages", m.LANGUAGES, required=True)
        elif kind == m.ResourceKind.INTERPRETER:  # issue 14: the languages they interpret between
            languages = row.check("languages", lambda cell: tc.interpreter_languages(
                validate.words(cell, "languages", m.PATIENT_LANGUAGES, required=True)))
            if not row.blank("specialty"):
                row.problem("specialty", "field.must_be_empty", field="specialty", other="kind", value=kind)
        elif kind == m.ResourceKind.ROOM:
            for column in ("specialty", "languages"):
                if not row.blank(column):
                    row.problem(column, "field.must_be_empty", field=column, other="kind", value=kind)
        equipment = row.check("equipment", rules.equipment)
        video_link = row.check("video_link", validate.url)
        sharing = row.check("sharing", validate.choice, "sharing", _SHARING)
        shared_with: list[str] = []
        if sharing == m.Sharing.LISTED:
            shared_with = self._shared_with(row)
        elif sharing is not BAD and not row.blank("shared_with"):
            row.problem("shared_with", "field.must_be_empty", field="shared_with", other="sharing", value=sharing)
        buffer = row.check("buffer_minutes", rules.buffer_minutes)
        licences = row.check("licences", tc.licences)  # issue 14 (empty: QC)
        if rid is not BAD:
            self.resources[rid] = (None if kind is BAD else kind, None if coop is BAD else coop)
        if row.ok:
            self.rows["resources"].append(
                tb.ResourceRow(
                    id=rid, kind=kind, name=name, coop=coop, specialty=specialty,
                    languages=" ".join(languages), equipment=equipment, video_link=video_link,
                    sharing=sharing, buffer_minutes=buffer, licences=" ".join(licences),
                )
            )
            self.shares.extend(tb.ShareRow(resource_id=rid, coop=c) for c in shared_with)

    def _shared_with(self, row: _Row) -> list[str]:
        items = row.get("shared_with").split()
        if not items:
            row.problem("shared_with", "field.empty", field="shared_with")
        slugs: list[str] = []
        for item in items:
            try:
                slug = validate.slug(item, "shared_with")
            except BadInput as exc:
                row.problem("shared_with", exc.key, **exc.params)
                continue
            if slug in slugs:
                row.problem("shared_with", "field.duplicate", value=slug)
            elif self.coop_ref(row, "shared_with", slug) is not BAD:
                slugs.append(slug)
        return slugs

    def staff_(self, row: _Row) -> None:
        login = row.check("login", validate.login)
        if login is not BAD and login in self.logins:
            login = row.problem("login", "field.duplicate", value=login)
        name = row.check("name", validate.name)
        coop = row.check("coop", validate.slug, "coop")
        self.coop_ref(row, "coop", coop)
        role = row.check("role", validate.choice, "role", _ROLES)
        clinician_id = row.check("clinician_id", _optional_ident, "clinician_id")
        if clinician_id not in (None, BAD):
            found = self.resource_ref(row, "clinician_id", clinician_id)
            if found is not BAD:
                kind, owner = found
                if kind is not None and kind != m.ResourceKind.CLINICIAN:
                    row.problem("clinician_id", "field.not_clinician", value=clinician_id)
                elif owner is not None and coop is not BAD and owner != coop:
                    row.problem("clinician_id", "field.clinician_other_coop", value=clinician_id, coop=owner)
        if login is not BAD:
            self.logins.add(login)
        if row.ok:
            self.rows["staff"].append(tb.StaffRow(login=login, name=name, coop=coop, role=role, clinician_id=clinician_id))

    def availability_(self, row: _Row) -> None:
        rid = row.check("resource_id", _ident, "resource_id")
        self.resource_ref(row, "resource_id", rid)
        weekday = row.check("weekday", validate.weekday)
        start = row.check("start", validate.hhmm)
        end = row.check("end", validate.hhmm)
        if start is not BAD and end is not BAD:
            row.check("end", lambda _cell: rules.hours_in_order(start, end))
        valid_from = row.check("valid_from", validate.date, required=False, field="valid_from")
        valid_to = row.check("valid_to", validate.date, required=False, field="valid_to")
        if valid_from is not BAD and valid_to is not BAD:
            row.check("valid_to", lambda _cell: rules.dates_in_order(valid_from, valid_to))
        if row.ok:
            self.hours[rid].append((rules.Hours(weekday, start, end, valid_from, valid_to), row))
            self.rows["availability"].append(
                tb.AvailabilityRow(
                    resource_id=rid, weekday=weekday, start=start, end=end, valid_from=valid_from, valid_to=valid_to
                )
            )

    def closures_(self, row: _Row) -> None:
        rid = row.check("resource_id", _optional_ident, "resource_id")
        coop = None if row.blank("coop") else row.check("coop", validate.slug, "coop")
        tz: Any = None
        if (rid is None) == (coop is None):
            row.problem("resource_id", "field.coop_or_resource")
        elif rid is not None:
            found = self.resource_ref(row, "resource_id", rid)
            if found is not BAD and found[1] is not None:
                tz = self.coops.get(found[1])
        else:
            tz = self.coop_ref(row, "coop", coop)
        tz = None if tz is BAD else tz
        start = row.check("start", _local_moment, tz, end=False)
        end = row.check("end", _local_moment, tz, end=True)
        if start not in (None, BAD) and end not in (None, BAD):
            row.check("end", lambda _cell: rules.closure_span(start, end))
        reason = row.check("reason", rules.closure_reason)
        if row.ok and tz is not None:
            self.rows["closures"].append(tb.ClosureRow(resource_id=rid, coop=coop, start=start, end=end, reason=reason))

    # issue 14: a follow-up series (the rules of series.book_series's record)
    def series_(self, row: _Row) -> None:
        sid = row.check("id", _ident, "id")
        if sid is not BAD and sid in self.series_ids:
            sid = row.problem("id", "field.duplicate", value=sid)
        coop = row.check("coop", validate.slug, "coop")
        self.coop_ref(row, "coop", coop)
        clinician_id = row.check("clinician_id", _ident, "clinician_id")
        found = self.resource_ref(row, "clinician_id", clinician_id)
        if found is not BAD and found[0] not in (None, m.ResourceKind.CLINICIAN):
            row.problem("clinician_id", "field.not_clinician", value=clinician_id)
        repeat = row.check("repeat", ds.repeat_word)
        count = row.check("count", validate.integer, "count", 2, ds.MAX_COUNT)
        tz = row.check("tz", validate.tz)
        created_by = self._login_ref(row, "created_by")
        created_at = row.check("created_at", _utc_instant, "created_at")
        if sid is not BAD:
            self.series_ids.add(sid)
        if row.ok:
            self.rows["series"].append(tb.SeriesRow(
                id=sid, coop=coop, clinician_id=clinician_id, repeat=repeat, count=count, tz=tz,
                created_by=created_by, created_at=created_at,
            ))

    def _login_ref(self, row: _Row, column: str) -> Any:
        """A staff login of the files or the database (issue 14: a series' maker, a consent's recorder)."""
        login = row.check(column, validate.login, column)
        if login is not BAD and login not in self.logins and "staff" not in self.unchecked:
            return row.problem(column, "field.unknown_login", value=login)
        return login

    def _visit_record(self, row: _Row) -> dict[str, Any]:
        """issue 14: a booking's interpreter, series and consent columns, by the app's rules."""
        interpreter_id = row.check("interpreter_id", _optional_ident, "interpreter_id")
        if interpreter_id not in (None, BAD):
            found = self.resource_ref(row, "interpreter_id", interpreter_id)
            if found is not BAD and found[0] not in (None, m.ResourceKind.INTERPRETER):
                row.problem("interpreter_id", "tc.not_interpreter", value=interpreter_id)
        series_id = row.check("series_id", _optional_ident, "series_id")
        if series_id not in (None, BAD) and series_id not in self.series_ids and "series" not in self.unchecked:
            series_id = row.problem("series_id", "import.unknown_series", value=series_id)
        series_index: Any = None
        if series_id is None:
            if not row.blank("series_index"):
                row.problem("series_index", "field.must_be_empty", field="series_index", other="series_id", value="")
        else:
            series_index = row.check("series_index", validate.integer, "series_index", 1, ds.MAX_COUNT)
        # The consent: its recorder a known login, with its instant (it stays when a visit turns in person).
        consent_by = "" if row.blank("consent_by") else self._login_ref(row, "consent_by")
        consent_at = None if row.blank("consent_at") else row.check("consent_at", _utc_instant, "consent_at")
        if consent_by == "" and consent_at is not None:
            row.problem("consent_by", "field.empty", field="consent_by")
        elif consent_at is None and consent_by != "":
            row.problem("consent_at", "field.empty", field="consent_at")
        return dict(interpreter_id=interpreter_id, series_id=series_id, series_index=series_index,
                    consent_by=consent_by, consent_at=consent_at)

    def bookings_(self, row: _Row) -> None:
        bid = row.check("id", _ident, "id")
        if bid is not BAD and bid in self.booking_ids:
            bid = row.problem("id", "field.duplicate", value=bid)
        clinician_id = row.check("clinician_id", _ident, "clinician_id")
        found = self.resource_ref(row, "clinician_id", clinician_id)
        if found is not BAD and found[0] not in (None, m.ResourceKind.CLINICIAN):
            row.problem("clinician_id", "field.not_clinician", value=clinician_id)
        room_id = row.check("room_id", _optional_ident, "room_id")
        if room_id is not None:
            found = self.resource_ref(row, "room_id", room_id)
            if found is not BAD and found[0] not in (None, m.ResourceKind.ROOM):
                row.problem("room_id", "field.not_room", value=room_id)
        coop = row.check("coop", validate.slug, "coop")
        self.coop_ref(row, "coop", coop)
        booked_by = self._login_ref(row, "booked_by")
        start = row.check("start", _utc_instant, "start")
        end = row.check("end", _utc_instant, "end")
        if start is not BAD and end is not BAD:
            # book's own rule: after the start, 5 min to 8 h
            row.check("end", lambda _cell: validate.booking_span(start, end))
        patient = row.check("patient", validate.patient)
        reason = row.check("reason", validate.optional_text, "reason", TEXT_MAX)
        mode = row.check("mode", validate.choice, "mode", _MODES)
        if mode is not BAD:
            mode = m.Mode(mode).value  # "room" -> "in-person"
        status = row.check("status", validate.choice, "status", _STATUSES)
        # issue 14: where the patient is (empty: QC) and the consent recorded, if any
        where = row.check("patient_location", tc.province)
        site = row.check("patient_site", validate.optional_text, "patient_site", 80)
        record = self._visit_record(row)
        cancel_reason = row.check("cancel_reason", validate.optional_text, "cancel_reason", TEXT_MAX)
        if status == m.BookingStatus.CANCELLED and cancel_reason == "":
            row.problem("cancel_reason", "field.empty", field="cancel_reason")
        elif status not in (BAD, m.BookingStatus.CANCELLED) and cancel_reason not in ("", BAD):
            row.problem("cancel_reason", "field.must_be_empty", field="cancel_reason", other="status", value=status)
        if bid is not BAD:
            self.booking_ids.add(bid)
        if row.ok:
            if status in _ACTIVE:
                self.busy[clinician_id].append((start, end, row))
                if room_id is not None:
                    self.busy[room_id].append((start, end, row))
                if record["interpreter_id"] is not None:  # issue 14
                    self.busy[record["interpreter_id"]].append((start, end, row))
            # A plain dict, not a BookingRow: building 100,000 ORM objects took 60 % of a big import.
            now = self.now
            self.rows["bookings"].append(
                dict(
                    id=bid, clinician_id=clinician_id, room_id=room_id, coop=coop, booked_by=booked_by,
                    start=start, end=end, patient=patient, reason=reason, mode=mode, status=status,
                    cancel_reason=cancel_reason, created_at=now, updated_at=now,
                    patient_location=where, patient_site=site, **record,
                )
            )

    # issue 13: sharing terms, quotas, overbookings, co-op capacity, waitlist --
    # Each value goes through the service's own rule (services/sharing_terms.py,
    # holds.py, waitlist.py); keys already in the database are duplicates.

    def _key(self, row: _Row, column: str, kind: str, key: Any, existing: set) -> Any:
        if key is BAD or any(k is BAD for k in (key if isinstance(key, tuple) else (key,))):
            return BAD
        if key in existing:
            return row.problem(column, "field.duplicate", value=key[-1] if isinstance(key, tuple) else key)
        existing.add(key)
        return key

    def _owner(self, row: _Row, column: str, rid: Any) -> Any:
        found = self.resource_ref(row, column, rid)
        return None if found is BAD else found[1]

    def _partner(self, row: _Row, rid: Any, coop: Any) -> None:
        owner = self._owner(row, "resource_id", rid)
        self.coop_ref(row, "coop", coop)
        if owner is not None and coop is not BAD:
            row.check("coop", lambda _cell: svc_terms.partner(owner, coop))

    def sharing_terms_(self, row: _Row) -> None:
        rid = row.check("resource_id", _ident, "resource_id")
        self._owner(row, "resource_id", rid)
        self._key(row, "resource_id", "sharing_terms", rid, self.keys13["sharing_terms"])
        window = row.check("window_days", svc_terms.window_days_value)
        notice = row.check("min_notice_hours", svc_terms.min_notice_value)
        release = row.check("release_hours", svc_terms.release_hours_value)
        if row.ok:
            self.rows["sharing_terms"].append(tb.SharingTermsRow(
                resource_id=rid, window_days=window, min_notice_hours=notice, release_hours=release))

    def sharing_quotas_(self, row: _Row) -> None:
        rid = row.check("resource_id", _ident, "resource_id")
        coop = row.check("coop", validate.slug, "coop")
        self._partner(row, rid, coop)
        self._key(row, "coop", "sharing_quotas", (rid, coop), self.keys13["sharing_quotas"])
        minutes = row.check("minutes_per_week", svc_terms.quota_minutes)
        if row.ok:
            self.rows["sharing_quotas"].append(tb.QuotaRow(resource_id=rid, coop=coop, minutes_per_week=minutes))

    def sharing_overbooks_(self, row: _Row) -> None:
        oid = row.check("id", _ident, "id")
        self._key(row, "id", "sharing_overbooks", oid, self.keys13["sharing_overbooks"])
        rid = row.check("resource_id", _ident, "resource_id")
        coop = row.check("coop", validate.slug, "coop")
        self._partner(row, rid, coop)
        week = row.check("week", svc_terms.parse_week)
        extra = row.check("extra_minutes", svc_terms.extra_minutes)
        reason = row.check("reason", svc_terms.overbook_reason)
        granted_by = row.check("granted_by", validate.login, "granted_by")
        if granted_by is not BAD and granted_by not in self.logins and "staff" not in self.unchecked:
            row.problem("granted_by", "field.unknown_login", value=granted_by)
        created_at = row.check("created_at", _utc_instant, "created_at")
        if row.ok:
            self.rows["sharing_overbooks"].append(tb.OverbookRow(
                id=oid, resource_id=rid, coop=coop, week=week, extra_minutes=extra, reason=reason,
                granted_by=granted_by, created_at=created_at))

    def coop_capacity_(self, row: _Row) -> None:
        coop = row.check("coop", validate.slug, "coop")
        self.coop_ref(row, "coop", coop)
        self._key(row, "coop", "coop_capacity", coop, self.keys13["coop_capacity"])
        hold = row.check("hold_minutes", svc_holds.hold_minutes_value)
        offer = row.check("offer_minutes", svc_holds.offer_minutes_value)
        if row.ok:
            self.rows["coop_capacity"].append(tb.CoopCapacityRow(coop=coop, hold_minutes=hold, offer_minutes=offer))

    def waitlist_(self, row: _Row) -> None:
        eid = row.check("id", _ident, "id")
        self._key(row, "id", "waitlist", eid, self.keys13["waitlist"])
        coop = row.check("coop", validate.slug, "coop")
        self.coop_ref(row, "coop", coop)
        added_by = row.check("added_by", validate.login, "added_by")
        if added_by is not BAD and added_by not in self.logins and "staff" not in self.unchecked:
            row.problem("added_by", "field.unknown_login", value=added_by)
        specialty = row.check("specialty", svc_waitlist.entry_specialty)
        language = row.check("language", svc_waitlist.entry_language)
        mode = row.check("mode", svc_waitlist.entry_mode)
        coops: list[str] = []
        for item in row.get("coops").split():
            slug = row.check("coops", lambda _cell, item=item: validate.slug(item, "coops"))
            if slug is not BAD and self.coop_ref(row, "coops", slug) is not BAD and slug not in coops:
                coops.append(slug)
        first = row.check("from_date", validate.date, field="from_date")
        last = row.check("to_date", validate.date, field="to_date")
        if first is not BAD and last is not BAD:
            row.check("to_date", lambda _cell: svc_waitlist.entry_dates(first, last))
        patient = row.check("patient", validate.patient)
        priority = row.check("priority", svc_waitlist.entry_priority)
        duration = row.check("duration", lambda cell: validate.duration(  # whole minutes, as the service takes them
            int(cell) if cell.strip().isascii() and cell.strip().isdigit() else cell))
        # "offered" is not read: an offer is a live hold, never exported (the entry waits again)
        status = row.check("status", validate.choice, "status",
                           tuple(s.value for s in cap.EntryStatus if s != cap.EntryStatus.OFFERED))
        booking_id = row.check("booking_id", _optional_ident, "booking_id")
        if booking_id not in (None, BAD) and booking_id not in self.booking_ids and "bookings" not in self.unchecked:
            row.problem("booking_id", "notfound.booking", id=booking_id)
        created_at = row.check("created_at", _utc_instant, "created_at")
        updated_at = row.check("updated_at", _utc_instant, "updated_at")
        if row.ok:
            self.rows["waitlist"].append(tb.WaitlistEntryRow(
                id=eid, coop=coop, added_by=added_by, specialty=specialty, language=language, mode=mode,
                coops=" ".join(sorted(coops)), from_date=first, to_date=last, patient=patient, priority=priority,
                duration=duration, status=status, booking_id=booking_id, created_at=created_at,
                updated_at=updated_at))

    # overlaps -----------------------------------------------------------

    def overlaps(self) -> None:
        """Overlapping weekly hours and overlapping active bookings, files and database together."""
        reported: set[int] = set()

        def report(row: _Row, column: str, key: str, **params: object) -> None:
            if row.line not in reported:
                reported.add(row.line)
                row.problem(column, key, **params)

        # The admin service's rule (rules.hours_overlap), validity dates included;
        # only the hours still open at each start are compared, so 10,000 rows
        # at one start cost 10,000 steps, not 50 million.
        for rid, hours in sorted(self.hours.items()):
            for a, b in rules.first_overlaps(hours, lambda x: x[0], lambda a, b: bool(a[1] or b[1])):
                later = max((x for x in (a[1], b[1]) if x), key=lambda r: r.line)
                report(later, "start", "import.overlap", value=rid)
        reported.clear()
        for rid, items in sorted(self.busy.items()):
            items = sorted(items, key=lambda x: (x[0], x[1]))
            for a, b in _sweep(items, lambda x: x[0], lambda x: x[1]):
                if a[2] or b[2]:
                    later = max((x for x in (a[2], b[2]) if x), key=lambda r: r.line)
                    report(later, "start", "import.booking_overlap", value=rid)


def _sweep(items: list, start: Callable[[Any], Any], end: Callable[[Any], Any]):
    """Pairs ``(earlier, item)`` of ``items`` (sorted by start) that overlap, one per overlapping item.

    ``earlier`` is, of the items before, the one that ends last; an item that
    overlaps anything before it overlaps that one.
    """
    reach = None
    for item in items:
        if reach is not None and start(item) < end(reach):
            yield reach, item
        if reach is None or end(item) > end(reach):
            reach = item


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# --------------------------------------------------------------------------- #
# Import
# --------------------------------------------------------------------------- #


def _files_of(path: Path) -> list[tuple[str, Path]]:
    if not path.exists():
        raise NotFound("notfound.path", path=str(path))
    if path.is_file() and path.suffix.lower() == ".xlsx":
        return [(kind, path) for kind in _workbook_sheets(path)]
    if path.is_dir():
        found = [(kind, path / name) for kind, name in FILES.items() if (path / name).is_file()]
        if not found:
            raise BadInput("notfound.no_csv", path=str(path))
        return found
    kind = _KIND_BY_FILE.get(path.name.lower())
    if kind is None:
        raise BadInput("import.unknown_file", name=path.name)
    return [(kind, path)]


def import_path(
    engine: Engine,
    path: Path,
    *,
    actor: str = "import",
    force: bool = False,
    clock: Callable[[], dt.datetime] | None = None,
) -> dict[str, int]:
    """Load the CSV files of folder ``path`` (or the one file ``path``), all-or-nothing.

    Every file is parsed and every row validated, against the other files and
    the rows already in the database, before anything is written. Problems are
    collected as ``(file, line, column, key, params)`` (line 1 is the header)
    and raised together as ``ImportErrors``; nothing is written then.
    Otherwise all rows and one audit event go in one ``BEGIN IMMEDIATE``
    transaction. Returns the number of rows per file kind read
    (``{"coops": 7, ...}``).

    Raises NotFound when ``path`` does not exist, BadInput when it is a folder
    with no known file or a file with an unknown name, WouldStrand when a
    closure covers active bookings already in the database, unless ``force``:
    then they stay, flagged as conflicts (``store/conflicts.py``).

    ``clock``: the time of the audit events and of the bookings' creation
    (the services' clock; now by default).
    """
    now = clock or _now
    path = Path(path)
    files = _files_of(path)
    problems: list[Problem] = []
    tables = [
        _read_sheet(p, kind, problems) if p.suffix.lower() == ".xlsx" else _read_table(p, kind, problems)
        for kind, p in files
    ]
    kinds = {t.kind for t in tables}
    read_problems = list(problems)

    def validate_all(s: Session) -> _Check:
        problems[:] = read_problems
        for table in tables:
            for row in table.rows:
                row.ok = True
        check = _Check(s, kinds, problems, now())
        for table in tables:
            if not table.complete:
                check.unchecked.add(table.kind)
            checker = getattr(check, table.kind + "_")
            for row in table.rows:
                checker(row)
        check.overlaps()
        if problems:
            problems.sort(key=lambda p: (_ORDER.get(p[0], 99), p[1]))
            raise ImportErrors(problems)
        return check

    with read_then_write(engine) as rw:
        # Validation (all the time an import takes) reads a snapshot outside
        # the writers' turn; only the insert holds everyone else up.
        # If someone committed in between:
        # - only bookings (receptionists at work): the rows go in as they are;
        #   the database's own overlap trigger and keys refuse a conflict, and
        #   then validation runs again under the turn to name the lines;
        # - the directory or staff: validate again outside the turn (twice at
        #   most), then under it, so a busy federation cannot starve an import.
        locked = False
        for attempt in range(_OUTSIDE_TRIES + 2):
            if not locked:
                with rw.read() as s:
                    check = validate_all(s)
                    seen = _fingerprint(s)
            try:
                with rw.write() as (s, changed):
                    if locked:
                        check = validate_all(s)
                    elif changed and _fingerprint(s) != seen:
                        if attempt < _OUTSIDE_TRIES:
                            raise _Retry
                        check = validate_all(s)
                    counts = _write_rows(s, check, tables, actor, path, force=force, now=now())
                    sync_id_sequences(s)  # the files' ids went in as they are (issue 12: PostgreSQL)
                break
            except _Retry:
                continue
            except IntegrityError:
                if locked:
                    raise
                locked = True
    return counts


_OUTSIDE_TRIES = 2


def _fingerprint(s: Session) -> tuple[str, int]:
    """What, besides bookings, the validation read from the database: changes when any of it does."""
    return directory_version(s), store_directory.staff_count(s)


class _Retry(Exception):
    """Someone wrote between validation and the write turn: give the turn back, validate again."""


def _write_rows(
    s: Session, check: _Check, tables: list[_Table], actor: str, path: Path, *, force: bool, now: dt.datetime
) -> dict[str, int]:
    """Insert the checked rows in the writers' turn.

    Closures are weighed against the active bookings already in the database
    here, under the turn: refused (WouldStrand) unless ``force``, then the
    bookings stay, flagged, with one audit event each (``store/conflicts.py``).
    """
    counts = {t.kind: len(check.rows[t.kind]) for t in tables}
    closures = check.rows.get("closures") or []
    stranded = {
        id(c): conflicts.stranded(s, now=now, resource_id=c.resource_id, coop=c.coop, start=c.start, end=c.end)
        for c in closures
    }
    hit = {b.id: b for rows in stranded.values() for b in rows}
    if hit and not force:
        raise WouldStrand(conflicts.described(s, sorted(hit.values(), key=lambda b: (b.start, b.id))))
    for kind in FILES:
        if kind == "closures" and closures:
            s.add_all(closures)  # few rows; the ORM gives their ids for the flags
            s.flush()
            for c in closures:
                conflicts.flag(s, stranded[id(c)], f"closure:{c.id}", now, actor=actor)
        else:
            bulk.insert_many(s, kind, check.rows.get(kind))
        if kind == "resources":
            bulk.insert_many(s, "shares", check.shares)
    audit.record_by(
        s, at=now, actor=actor, action="import", entity="import",
        entity_id=path.name or str(path.resolve().name), coop=None, after=counts,
    )
    return counts


def format_problems(problems: list[Problem], lang: str | None) -> list[str]:
    """``file:line:column: message`` lines, the message in ``lang``."""
    from telecoop.i18n import error_text

    return [f"{f}:{line}:{column}: {error_text(key, lang=lang, **params)}" for f, line, column, key, params in problems]


# --------------------------------------------------------------------------- #
# Export
# --------------------------------------------------------------------------- #


def _utc_text(instant: dt.datetime) -> str:
    return instant.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _opt(value: object) -> str:
    return "" if value is None else str(value)


def _write_csv(path: Path, header: tuple[str, ...], rows: list[list[str]], *, excel: bool = False) -> None:
    """One CSV file, written whole then moved into place.

    ``excel``: what a French-locale Excel or LibreOffice opens at once: UTF-8
    with a BOM (else Excel guesses a legacy code page), ``;`` (the list
    separator where the decimal mark is a comma) and CRLF line endings.
    """
    # 0600 (patient data), and no half-written file left on a full disk
    with locations.replacing(path, "w", encoding="utf-8-sig" if excel else "utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
        writer.writerow(header)
        writer.writerows(row_out(r) for r in rows)


def export_dir(
    engine: ReadBind,
    directory: Path,
    *,
    include_bookings: bool,
    hide_patient: Callable[[Any], bool] | None = None,
    excel: bool = False,
) -> dict[str, int]:
    """Write the CSV files of docs/csv-format.md into ``directory`` (created if missing).

    Comma-separated, UTF-8 without BOM, ``\\n`` line endings, header in the
    documented column order, rows sorted by key (``excel``: see ``_write_csv``).
    Closures are written as local wall times of their co-op. ``bookings.csv``
    (patient data) only when ``include_bookings``; a booking for which
    ``hide_patient`` is true is written without its patient reference, reason,
    cancel reason and booker. Folders created 0700, files 0600. Returns the
    number of rows written per file kind.
    """
    directory = Path(directory)
    locations.make_private_dir(directory)
    out = export_rows(engine, include_bookings=include_bookings, hide_patient=hide_patient)
    for kind, rows in out.items():
        _write_csv(directory / FILES[kind], COLUMNS[kind], rows, excel=excel)
    return {kind: len(rows) for kind, rows in out.items()}


def export_xlsx(
    engine: Engine, path: Path, *, include_bookings: bool, hide_patient: Callable[[Any], bool] | None = None
) -> dict[str, int]:
    """The same tables as ``export_dir``, one sheet per file kind of one workbook (0600)."""
    from telecoop.io import xlsxio

    out = export_rows(engine, include_bookings=include_bookings, hide_patient=hide_patient)
    xlsxio.write_workbook(Path(path), {kind: (COLUMNS[kind], rows) for kind, rows in out.items()})
    return {kind: len(rows) for kind, rows in out.items()}


def _workbook_sheets(path: Path) -> list[str]:
    from telecoop.io import xlsxio

    kinds = [kind for kind in FILES if kind in xlsxio.sheet_names(path)]
    if not kinds:
        raise BadInput("notfound.no_csv", path=str(path))
    return kinds


def _read_sheet(path: Path, kind: str, problems: list[Problem]) -> _Table:
    """A workbook's sheet named like a file kind, read as the CSV text it stands for."""
    from telecoop.io import xlsxio

    table = _Table(kind, f"{path.name}[{kind}]")
    try:
        rows = xlsxio.read_sheet(path, kind)
    except BadInput as exc:
        problems.append((table.file, 1, "", exc.key, dict(exc.params)))
        table.complete = False
        return table
    buf = io.StringIO()
    # A workbook's cells are literal text (no formula can arise): encode them as
    # CSV cells so that the reader's one rule (csvcell.from_cell) gives them back.
    csv.writer(buf, lineterminator="\n").writerows(row_out(r) for r in rows)
    return _parse_text(table, buf.getvalue(), problems)


def export_rows(
    engine: ReadBind, *, include_bookings: bool, hide_patient: Callable[[Any], bool] | None = None
) -> dict[str, list[list[str]]]:
    """Every exported table's rows as text cells, in the documented column order."""
    with read_session(engine) as s:
        everything = bulk.every_row(s, include_bookings=include_bookings)
    coops, staff, resources = everything.coops, everything.staff, everything.resources
    shares, hours, closures, bookings = everything.shares, everything.hours, everything.closures, everything.bookings
    series = everything.series  # issue 14
    if hide_patient is not None:  # issue 9: detached rows; nothing is written back
        for b in bookings:
            if hide_patient(b):
                b.patient, b.reason, b.cancel_reason, b.booked_by = "", "", "", ""
                # issue 14: where the patient is and their consent are theirs too
                b.patient_location, b.patient_site, b.consent_by, b.consent_at = "", "", "", None
    tz_of = {c.slug: c.tz for c in coops}
    owner = {r.id: r.coop for r in resources}
    shared: dict[int, list[str]] = defaultdict(list)
    for sh in shares:
        shared[sh.resource_id].append(sh.coop)

    out: dict[str, list[list[str]]] = {}
    out["coops"] = [[c.slug, c.name, c.region, c.tz, c.lang, c.video_platform or ""]
                    for c in sorted(coops, key=lambda c: c.slug)]
    out["resources"] = [
        [
            str(r.id), r.kind, r.name, r.coop, r.specialty or "", r.languages or "", r.equipment or "",
            r.video_link or "", r.sharing, " ".join(sorted(shared[r.id or 0])), str(r.buffer_minutes),
            (r.licences or "QC") if r.kind == m.ResourceKind.CLINICIAN.value else "",
        ]
        for r in sorted(resources, key=lambda r: r.id or 0)
    ]
    out["staff"] = [
        [st.login, st.name, st.coop, st.role, _opt(st.clinician_id)] for st in sorted(staff, key=lambda st: st.login)
    ]
    out["availability"] = sorted(
        (
            [str(a.resource_id), m.WEEKDAYS[a.weekday], a.start.strftime("%H:%M"), a.end.strftime("%H:%M"),
             _opt(a.valid_from and a.valid_from.isoformat()), _opt(a.valid_to and a.valid_to.isoformat())]
            for a in hours
        ),
        key=lambda r: (int(r[0]), m.WEEKDAYS.index(r[1]), r[2], r[3], r[4], r[5]),
    )
    closure_rows = []
    for c in sorted(closures, key=lambda c: (c.start, c.end, c.resource_id or 0, c.coop or "", c.reason)):
        tz = tz_of[owner[c.resource_id]] if c.resource_id is not None else tz_of[c.coop or ""]
        start, end = rules.closure_text(c.start, c.end, tz)
        closure_rows.append([_opt(c.resource_id), _opt(c.coop), start, end, c.reason or ""])
    out["closures"] = closure_rows
    if include_bookings:
        # issue 14: the follow-up series, with the bookings that are their occurrences
        out["series"] = [
            [str(x.id), x.coop, str(x.clinician_id), x.repeat, str(x.count), x.tz, x.created_by,
             _utc_text(x.created_at)]
            for x in sorted(series, key=lambda x: x.id or 0)
        ]
        out["bookings"] = [
            [
                str(b.id), str(b.clinician_id), _opt(b.room_id), b.coop, b.booked_by, _utc_text(b.start),
                _utc_text(b.end), b.patient, b.reason or "", b.mode, b.status, b.cancel_reason or "",
                b.patient_location or "", b.patient_site or "", b.consent_by or "",
                _utc_text(b.consent_at) if b.consent_at is not None else "",
                _opt(b.interpreter_id), _opt(b.series_id), _opt(b.series_index),
            ]
            for b in sorted(bookings, key=lambda b: b.id or 0)
        ]
    _export_capacity(engine, out, include_bookings=include_bookings, hide_patient=hide_patient)  # issue 13
    return out


# issue 13: sharing terms, quotas, overbookings, co-op capacity, waitlist entries.
def _export_capacity(
    engine: ReadBind, out: dict[str, list[list[str]]], *, include_bookings: bool,
    hide_patient: Callable[[Any], bool] | None,
) -> None:
    """The capacity tables; the waitlist (patient data) only with the bookings, masked as they are."""
    with read_session(engine) as s:
        rows = bulk.capacity_rows(s, include_waitlist=include_bookings)
    out["sharing_terms"] = [
        [str(t.resource_id), str(t.window_days), str(t.min_notice_hours), str(t.release_hours)]
        for t in sorted(rows.terms, key=lambda t: t.resource_id)
    ]
    out["sharing_quotas"] = [
        [str(q.resource_id), q.coop, str(q.minutes_per_week)]
        for q in sorted(rows.quotas, key=lambda q: (q.resource_id, q.coop))
    ]
    out["sharing_overbooks"] = [
        [str(o.id), str(o.resource_id), o.coop, o.week, str(o.extra_minutes), o.reason, o.granted_by,
         _utc_text(o.created_at)]
        for o in sorted(rows.overbooks, key=lambda o: o.id or 0)
    ]
    out["coop_capacity"] = [
        [c.coop, str(c.hold_minutes), str(c.offer_minutes)] for c in sorted(rows.capacity, key=lambda c: c.coop)
    ]
    if not include_bookings:
        return
    entries = []
    for e in sorted(rows.waitlist, key=lambda e: e.id or 0):
        # The one rule for whose patient reference a masked export keeps (domain.access, via hide_patient)
        patient = "" if hide_patient is not None and hide_patient(_EntryAsBooking(e.coop)) else e.patient
        status = cap.EntryStatus.WAITING.value if e.status == cap.EntryStatus.OFFERED else e.status
        entries.append([
            str(e.id), e.coop, e.added_by, e.specialty, e.language, e.mode, " ".join(sorted(e.coops.split())),
            e.from_date.isoformat(), e.to_date.isoformat(), patient, str(e.priority), str(e.duration), status,
            _opt(e.booking_id), _utc_text(e.created_at), _utc_text(e.updated_at),
        ])
    out["waitlist"] = entries


@dataclass(frozen=True)
class _EntryAsBooking:
    """A waitlist entry as ``hide_patient`` weighs a booking: its co-op's patient, no clinician yet."""

    coop: str
    clinician_id: int | None = None

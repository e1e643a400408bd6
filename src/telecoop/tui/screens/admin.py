"""Admin (co-op and federation admins): resources and their sharing, hours, closures, staff, co-ops.

Four sections (co-ops for the federation admin only), one table each. The
keys act on the section shown: ``n`` adds there, the others only where they
make sense (the footer shows just those). Everything is read in one worker
and written through the admin dialogs, each a single service call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Select, Static, TabbedContent, TabPane

from telecoop.domain import access
from telecoop.domain import model as m
from telecoop.domain import rules
from telecoop.domain.errors import WouldStrand
from telecoop.domain.timeutil import local
from telecoop.i18n import t, tn
from telecoop.services import admin as admin_service
from telecoop.services import audit as audit_service
from telecoop.services import directory as directory_service
from telecoop.services.context import Context
from telecoop.tui import strings_admin  # noqa: F401  (registers the catalogue)
from telecoop.tui import strings_day  # noqa: F401  (registers the catalogue)
from telecoop.tui.dialogs.admin_closure import ClosureDialog, HolidaysDialog, scope_value
from telecoop.tui.dialogs.admin_coop import CoopDialog
from telecoop.tui.dialogs.admin_platform import PlatformDialog  # issue 14
from telecoop.tui.dialogs.admin_hours import HoursDialog
from telecoop.tui.dialogs.admin_resource import ResourceDialog
from telecoop.tui.dialogs.admin_staff import StaffDialog
from telecoop.tui.dialogs.admin_form import reset_select
from telecoop.tui.dialogs.confirm import ConfirmDialog
from telecoop.tui.format import (
    KIND_KEYS,
    KIND_SHORT_KEYS,
    SHARING_SHORT_KEYS,
    clean,
    languages_label,
    literal,
    role_label,
    specialty_label,
    stranded_list,
)
from telecoop.tui.messages import UNSET, failure_in, guarded
from telecoop.tui.screens.base import ModeScreen
from telecoop.tui.widgets.result_table import ResultTable

SECTIONS = ("resources", "closures", "staff", "coops", "audit")
ALL = "all"
WHOLE_COOP = "coop"
#: the audit section shows this many latest events (the CLI's 'audit --json' has more)
AUDIT_SHOWN = 300

#: Which keys work in which section (``n`` works in all).
SECTION_ACTIONS = {
    "edit": ("resources", "staff", "coops"),
    "toggle_active": ("resources", "staff"),
    "hours": ("resources",),
    "sharing_terms": ("resources",),  # issue 13
    "closures": ("resources",),
    "delete": ("closures",),
    "holidays": ("closures",),
    "new": ("resources", "closures", "staff", "coops"),  # the audit trail is read-only
}


@dataclass(frozen=True)
class AdminData:
    """What the admin screen shows, read in one go."""

    resources: list[m.Resource] = field(default_factory=list)
    coops: list[m.Coop] = field(default_factory=list)
    closures: list[m.Closure] = field(default_factory=list)
    staff: list[m.Staff] = field(default_factory=list)
    audit: list[m.AuditEvent] = field(default_factory=list)


def load_admin_data(ctx: Context) -> AdminData:
    """Read everything the admin screen shows (call from a worker thread).

    A co-op admin manages their own co-op's resources only, though the
    directory also lists those other co-ops share with them.
    """
    resources = directory_service.list_resources(ctx, include_inactive=True)
    resources = [r for r in resources if access.covers(ctx.actor, r.coop)]
    return AdminData(
        resources=resources,
        coops=directory_service.list_coops(ctx),
        closures=admin_service.list_closures(ctx),
        staff=directory_service.list_staff(ctx),
        # issue 10: the audit trail, scoped by the service as the CLI's 'audit' is
        audit=audit_service.list_audit(ctx, limit=AUDIT_SHOWN),
    )


def closure_span(closure: m.Closure, tz: str) -> tuple[str, str]:
    """Start and end as typed in the form: whole local days as dates (end included), else date and time.

    The one rule of ``domain.rules.closure_text`` (the export's too): whole days
    are days of the zone, 23 or 25 hours across a DST change.
    """
    return rules.closure_text(closure.start, closure.end, tz)


# issue 10: written-out catalogue keys (none built at run time; tests/test_i18n_keys.py).
TAB_KEYS = {
    "resources": "tui.adm.tab.resources",
    "closures": "tui.adm.tab.closures",
    "staff": "tui.adm.tab.staff",
    "coops": "tui.adm.tab.coops",
    "audit": "tui.adm.tab.audit",
}
COUNT_KEYS = {  # plural: tn() picks ``.one`` / ``.other``
    "resources": "tui.adm.count.resources",
    "closures": "tui.adm.count.closures",
    "staff": "tui.adm.count.staff",
    "coops": "tui.adm.count.coops",
    "audit": "tui.adm.count.audit",
}
AUDIT_ACTION_KEYS = {
    "booking.book": "tui.audit.action.booking.book",
    "booking.reschedule": "tui.audit.action.booking.reschedule",
    "booking.cancel": "tui.audit.action.booking.cancel",
    "booking.checked_in": "tui.audit.action.booking.checked_in",
    "booking.completed": "tui.audit.action.booking.completed",
    "booking.no_show": "tui.audit.action.booking.no_show",
    "import": "tui.audit.action.import",
    "closure.add": "tui.audit.action.closure.add",
    "closure.remove": "tui.audit.action.closure.remove",
    "coop.add": "tui.audit.action.coop.add",
    "coop.update": "tui.audit.action.coop.update",
    "hours.add": "tui.audit.action.hours.add",
    "hours.remove": "tui.audit.action.hours.remove",
    "resource.add": "tui.audit.action.resource.add",
    "resource.update": "tui.audit.action.resource.update",
    "resource.active": "tui.audit.action.resource.active",
    "staff.add": "tui.audit.action.staff.add",
    "staff.deactivate": "tui.audit.action.staff.deactivate",
}
AUDIT_ENTITY_KEYS = {
    "booking": "tui.audit.entity.booking",
    "resource": "tui.audit.entity.resource",
    "closure": "tui.audit.entity.closure",
    "staff": "tui.audit.entity.staff",
    "coop": "tui.audit.entity.coop",
    "availability": "tui.audit.entity.availability",
}


def audit_action_label(action: str) -> str:
    """``booking.cancel`` -> "booking cancelled" in the user's language (the code when unknown)."""
    key = AUDIT_ACTION_KEYS.get(action)
    return t(key) if key else action


def audit_entity_label(entity: str) -> str:
    key = AUDIT_ENTITY_KEYS.get(entity)
    return t(key) if key else entity


def audit_change_text(event: m.AuditEvent) -> str:
    """What changed, field by field (before → after), on two lines at most; patient data
    is already left out by the service for anyone outside the booking co-op."""
    before, after = event.before or {}, event.after or {}
    changes = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if event.before is None:
            changes.append(f"{name}={clean(new)}")
        else:
            changes.append(f"{name}: {clean(old)} → {clean(new)}")
    head = t("tui.audit.detail", actor=clean(event.actor), id=event.id)
    return head + "\n" + (" · ".join(changes) if changes else t("tui.audit.no_change"))


class AdminScreen(ModeScreen):
    """Resources, closures, staff and (federation admin) co-ops, one section at a time."""

    MODE_TITLE = "tui.mode.admin"
    AUTO_FOCUS = "#resources"
    BINDINGS = [
        Binding("n", "new", "tui.key.adm.new"),
        Binding("e", "edit", "tui.key.adm.edit"),
        Binding("a", "toggle_active", "tui.key.adm.toggle"),
        Binding("h", "hours", "tui.key.adm.hours"),
        Binding("t", "sharing_terms", "tui.key.adm.terms", show=False),  # issue 13: in F1 and the palette
        Binding("c", "closures", "tui.key.adm.closures"),
        Binding("d,delete", "delete", "tui.key.adm.delete"),
        Binding("y", "holidays", "tui.key.adm.holidays"),
        Binding("s", "next_section", "tui.key.adm.section"),
        Binding("v", "platform", "tui.key.adm.platform", show=False),  # issue 14: in F1 and the palette
    ]

    class DataLoaded(Message):
        def __init__(self, data: AdminData) -> None:
            super().__init__()
            self.data = data

    class Done(Message):
        """A change went through: say so (i18n key and parameters) and read again."""

        def __init__(self, key: str, **params: object) -> None:
            super().__init__()
            self.key = key
            self.params = params

    def __init__(self) -> None:
        super().__init__()
        self.data = AdminData()
        self.loaded = False

    # ------------------------------------------------------------------ #
    # Layout
    # ------------------------------------------------------------------ #

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="admin-sections", initial="sec-resources"):
            with TabPane(t("tui.adm.tab.resources"), id="sec-resources"):
                yield ResultTable(id="resources")
                yield Static("", id="resource-detail", classes="detail", markup=False)
            with TabPane(t("tui.adm.tab.closures"), id="sec-closures"):
                yield Select(self._filter_options(), value=ALL, allow_blank=False, compact=True, id="closure-filter")
                yield ResultTable(id="closures")
            with TabPane(t("tui.adm.tab.staff"), id="sec-staff"):
                yield ResultTable(id="staff")
            if self.ctx.is_federation_admin:
                with TabPane(t("tui.adm.tab.coops"), id="sec-coops"):
                    yield ResultTable(id="coops")
                    yield Static("", id="coop-detail", classes="detail", markup=False)
            with TabPane(t("tui.adm.tab.audit"), id="sec-audit"):
                yield ResultTable(id="audit")
                yield Static("", id="audit-detail", classes="detail", markup=False)
        yield Static("", id="admin-status", classes="notice", markup=False)

    def on_mount(self) -> None:
        # Textual calls the base class's on_mount itself (no super() call).
        self.reload()

    @property
    def section(self) -> str:
        active = self.query_one(TabbedContent).active or "sec-resources"
        return active.removeprefix("sec-")

    def _sections(self) -> list[str]:
        return [s for s in SECTIONS if s != "coops" or self.ctx.is_federation_admin]

    # ------------------------------------------------------------------ #
    # Reading
    # ------------------------------------------------------------------ #

    def reload(self) -> None:
        """Read resources, co-ops, closures and staff again (in a worker)."""
        self._load()

    @work(thread=True, exclusive=True, group="admin-load")
    def _load(self) -> None:
        ctx = self.ctx
        data = guarded(self, lambda: load_admin_data(ctx))
        if data is not UNSET:
            self.post_message(self.DataLoaded(data))

    @on(DataLoaded)
    def _data_loaded(self, message: DataLoaded) -> None:
        message.stop()
        self.data = message.data
        self.loaded = True
        self._show_all()

    def _show_all(self) -> None:
        self._show_resources()
        filters = self.query_one("#closure-filter", Select)
        reset_select(filters, self._filter_options())
        self._show_closures()
        self._show_staff()
        if self.ctx.is_federation_admin:
            self._show_coops()
        self._show_audit()
        self._show_status()
        self.refresh_bindings()

    # ------------------------------------------------------------------ #
    # Showing
    # ------------------------------------------------------------------ #

    def _coop_tz(self, slug: str | None) -> str:
        return next((c.tz for c in self.data.coops if c.slug == slug), self.ctx.actor_tz)

    def _coop_name(self, slug: str) -> str:
        return next((c.name for c in self.data.coops if c.slug == slug), slug)

    def _resource(self, resource_id: int | None) -> m.Resource | None:
        return next((r for r in self.data.resources if r.id == resource_id), None)

    @staticmethod
    def _sharing_text(r: m.Resource) -> str:
        if r.sharing == m.Sharing.LISTED:
            return " ".join(r.shared_with) or t("tui.adm.sharing.listed")
        return t(SHARING_SHORT_KEYS[r.sharing.value])

    def _show_resources(self) -> None:
        fed = self.ctx.is_federation_admin
        columns: list[tuple[str, int | None]] = [(t("tui.adm.col.id"), 3)]
        if fed:
            columns.append((t("tui.adm.col.coop"), 9))
        columns += [(t("tui.adm.col.kind"), 5), (t("tui.adm.col.name"), 0), (t("tui.adm.col.specialty"), 11)]
        if not fed:
            columns.append((t("tui.adm.col.languages"), 5))
        columns.append((t("tui.adm.col.sharing"), 10))
        if not fed:
            columns.append((t("tui.adm.col.buffer"), 5))
        columns.append((t("tui.adm.col.active"), 6))
        rows = []
        for r in self.data.resources:
            dim = "" if r.active else "dim"
            cells = [literal(r.id, dim)]
            if fed:
                cells.append(literal(self.directory.coop_short(r.coop), dim))
            cells += [
                literal(t(KIND_SHORT_KEYS[r.kind.value]), dim),
                literal(r.name, dim),
                literal(specialty_label(r.specialty) if r.specialty else "", dim),
            ]
            if not fed:
                cells.append(literal(" ".join(r.languages), dim))
            cells.append(literal(self._sharing_text(r), dim))
            if not fed:
                cells.append(literal(r.buffer_minutes, dim))
            cells.append(literal(t("tui.adm.yes") if r.active else t("tui.adm.no"), dim))
            rows.append((str(r.id), cells))
        self.query_one("#resources", ResultTable).fill(columns, rows)
        self._show_resource_detail()

    def selected_resource(self) -> m.Resource | None:
        key = self.query_one("#resources", ResultTable).current_key()
        return self._resource(int(key)) if key else None

    def _show_resource_detail(self) -> None:
        detail = self.query_one("#resource-detail", Static)
        r = self.selected_resource()
        if r is None:
            detail.update("")
            return
        first = t(
            "tui.adm.detail.resource",
            name=clean(r.name),
            coop=clean(self._coop_name(r.coop)),
            kind=t(KIND_KEYS[r.kind.value]),
        )
        if r.languages:
            first += f" · {languages_label(r.languages)}"
        second = []
        if r.sharing == m.Sharing.LISTED:
            names = ", ".join(clean(self._coop_name(s)) for s in r.shared_with)
            second.append(t("tui.adm.detail.shared", coops=names))
        if r.equipment:
            second.append(t("tui.adm.detail.equipment", equipment=clean(r.equipment)))
        if r.video_link:
            second.append(t("tui.adm.detail.video", link=clean(r.video_link)))
        text = Text(first, no_wrap=True, overflow="ellipsis", end="")
        text.append("\n" + " · ".join(second))
        detail.update(text)

    @on(DataTable.RowHighlighted, "#resources")
    def _resource_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_resource_detail()

    def _filter_options(self) -> list[tuple[Text, str]]:
        options = [(Text(t("tui.adm.filter.all")), ALL), (Text(t("tui.adm.filter.coop")), WHOLE_COOP)]
        options += [(literal(f"{r.id} · {r.name}"), str(r.id)) for r in self.data.resources]
        return options

    def visible_closures(self) -> list[m.Closure]:
        """The closures the filter lets through."""
        chosen = self.query_one("#closure-filter", Select).value
        if chosen == WHOLE_COOP:
            return [c for c in self.data.closures if c.resource_id is None]
        if chosen not in (ALL, Select.NULL):
            return [c for c in self.data.closures if str(c.resource_id) == chosen]
        return list(self.data.closures)

    def _closure_owner(self, c: m.Closure) -> tuple[str, str]:
        """(what is closed, its zone)."""
        if c.resource_id is None:
            return f"{t('tui.adm.whole_coop')} {c.coop}", self._coop_tz(c.coop)
        r = self._resource(c.resource_id)
        return (r.name, r.tz) if r else (str(c.resource_id), self.ctx.actor_tz)

    def _show_closures(self) -> None:
        columns: list[tuple[str, int | None]] = [
            (t("tui.adm.col.id"), 3),
            (t("tui.adm.col.for"), 20),
            (t("tui.adm.col.start"), 16),
            (t("tui.adm.col.end"), 16),
            (t("tui.adm.col.reason"), 0),
        ]
        rows = []
        for c in self.visible_closures():
            owner, tz = self._closure_owner(c)
            start, end = closure_span(c, tz)
            rows.append((str(c.id), [literal(c.id), literal(owner), literal(start), literal(end), literal(c.reason)]))
        self.query_one("#closures", ResultTable).fill(columns, rows)

    @on(Select.Changed, "#closure-filter")
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._show_closures()
        self._show_status()

    def selected_closure(self) -> m.Closure | None:
        key = self.query_one("#closures", ResultTable).current_key()
        return next((c for c in self.data.closures if str(c.id) == key), None)

    def _show_staff(self) -> None:
        fed = self.ctx.is_federation_admin
        columns: list[tuple[str, int | None]] = [(t("tui.adm.col.login"), 15), (t("tui.adm.col.name"), 0)]
        if fed:
            columns.append((t("tui.adm.col.coop"), 10))
        columns += [(t("tui.adm.col.role"), 16), (t("tui.adm.col.clinician"), 5), (t("tui.adm.col.active"), 6)]
        rows = []
        for s in self.data.staff:
            dim = "" if s.active else "dim"
            cells = [literal(s.login, dim), literal(s.name, dim)]
            if fed:
                cells.append(literal(self.directory.coop_short(s.coop), dim))
            cells += [
                literal(role_label(s.role), dim),
                literal(s.clinician_id if s.clinician_id is not None else "", dim),
                literal(t("tui.adm.yes") if s.active else t("tui.adm.no"), dim),
            ]
            rows.append((s.login, cells))
        self.query_one("#staff", ResultTable).fill(columns, rows)

    def _show_coops(self) -> None:
        columns: list[tuple[str, int | None]] = [
            (t("tui.adm.col.slug"), 15),
            (t("tui.adm.col.name"), 0),
            (t("tui.adm.col.tz"), 20),
            (t("tui.adm.col.lang"), 6),
        ]
        rows = [(c.slug, [literal(c.slug), literal(c.name), literal(c.tz), literal(c.lang)]) for c in self.data.coops]
        self.query_one("#coops", ResultTable).fill(columns, rows)
        self._show_coop_detail()

    def _show_coop_detail(self) -> None:
        key = self.query_one("#coops", ResultTable).current_key()
        coop = next((c for c in self.data.coops if c.slug == key), None)
        text = "" if coop is None else f"{clean(coop.name)}\n{clean(coop.region)} · {coop.tz}"
        self.query_one("#coop-detail", Static).update(Text(text, end=""))

    @on(DataTable.RowHighlighted, "#coops")
    def _coop_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_coop_detail()

    def _show_audit(self) -> None:
        """Newest first: when (my zone), who, which co-op, what happened, to what."""
        tz = self.ctx.actor_tz
        columns: list[tuple[str, int | None]] = [
            (t("tui.adm.col.at"), 16),
            (t("tui.adm.col.actor"), 14),
            (t("tui.adm.col.coop"), 9),
            (t("tui.adm.col.action"), 0),
            (t("tui.adm.col.entity"), 12),
        ]
        rows = []
        for e in self.data.audit:
            rows.append((str(e.id), [
                literal(local(e.at, tz).strftime("%Y-%m-%d %H:%M")),
                literal(e.actor),
                literal(e.coop or ""),
                literal(audit_action_label(e.action)),
                literal(f"{audit_entity_label(e.entity)} {e.entity_id}"),
            ]))
        self.query_one("#audit", ResultTable).fill(columns, rows)
        self._show_audit_detail()

    def _show_audit_detail(self) -> None:
        key = self.query_one("#audit", ResultTable).current_key()
        event = next((e for e in self.data.audit if str(e.id) == key), None)
        detail = self.query_one("#audit-detail", Static)
        if event is None:
            detail.update("")
            return
        detail.update(Text(audit_change_text(event), no_wrap=True, overflow="ellipsis", end=""))

    @on(DataTable.RowHighlighted, "#audit")
    def _audit_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_audit_detail()

    def _show_status(self) -> None:
        if not self.loaded:
            text = t("tui.loading")
        else:
            counts = {
                "resources": len(self.data.resources),
                "closures": len(self.visible_closures()),
                "staff": len(self.data.staff),
                "coops": len(self.data.coops),
                "audit": len(self.data.audit),
            }
            text = tn(COUNT_KEYS[self.section], counts[self.section], None, n=counts[self.section])
        self.query_one("#admin-status", Static).update(literal(text))

    # ------------------------------------------------------------------ #
    # Sections and keys
    # ------------------------------------------------------------------ #

    @on(TabbedContent.TabActivated)
    def _section_changed(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        self._show_status()
        self.refresh_bindings()

    def _go_to(self, section: str) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = f"sec-{section}"
        self.query_one(f"#{section}", ResultTable).focus()
        self._show_status()
        self.refresh_bindings()

    def action_next_section(self) -> None:
        """Resources → closures → staff (→ co-ops) → resources."""
        sections = self._sections()
        self._go_to(sections[(sections.index(self.section) + 1) % len(sections)])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = SECTION_ACTIONS.get(action)
        if allowed is None:
            return True
        if self.section not in allowed:
            return False  # not shown at all in this section
        if action in ("edit", "toggle_active") and self.section == "staff":
            return self.selected_staff() is not None or None
        if action == "edit" and self.section == "coops":
            return self.selected_coop() is not None or None
        if action in ("edit", "toggle_active", "hours", "closures", "sharing_terms"):
            return self.selected_resource() is not None or None
        if action == "delete":
            return self.selected_closure() is not None or None
        return True

    @on(DataTable.RowSelected, "#resources")
    def _resource_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    @on(DataTable.RowHighlighted)
    def _row_moved(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    # ------------------------------------------------------------------ #
    # Actions
    # ------------------------------------------------------------------ #

    def _notice(self, key: str, **params: object) -> None:
        self.notify(t(key, **params), markup=False, timeout=5)

    def action_new(self) -> None:
        """Add a thing to the section shown."""
        ctx, data = self.ctx, self.data
        section = self.section
        if section == "resources":
            self.app.push_screen(ResourceDialog(ctx, data.coops), self._resource_saved)
        elif section == "closures":
            chosen = self.query_one("#closure-filter", Select).value
            scope = scope_value(resource_id=int(chosen)) if str(chosen).isdigit() else None
            self.app.push_screen(ClosureDialog(ctx, data.coops, data.resources, scope), self._closure_saved)
        elif section == "staff":
            self.app.push_screen(StaffDialog(ctx, data.coops, data.resources), self._staff_saved)
        elif section == "coops":
            self.app.push_screen(CoopDialog(ctx), self._coop_saved)

    def selected_coop(self) -> m.Coop | None:
        if not self.ctx.is_federation_admin:
            return None
        key = self.query_one("#coops", ResultTable).current_key()
        return next((c for c in self.data.coops if c.slug == key), None)

    @on(DataTable.RowSelected, "#coops")
    def _coop_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        """Edit the selected resource, co-op (co-ops section), or staff member's role and co-op."""
        if self.section == "coops":
            coop = self.selected_coop()
            if coop is not None:
                self.app.push_screen(CoopDialog(self.ctx, coop), self._coop_edited)
            return
        if self.section == "staff":
            member = self.selected_staff()
            if member is not None:
                self.app.push_screen(
                    StaffDialog(self.ctx, self.data.coops, self.data.resources, member), self._staff_edited
                )
            return
        r = self.selected_resource()
        if r is not None:
            self.app.push_screen(ResourceDialog(self.ctx, self.data.coops, r), self._resource_saved)

    def _resource_saved(self, r: m.Resource | None) -> None:
        if r is not None:
            self._notice("tui.adm.saved", id=r.id, name=clean(r.name))
            self.reload()

    def _closure_saved(self, c: m.Closure | None) -> None:
        if c is not None:
            self._notice("tui.adm.closure_added", id=c.id)
            self.reload()

    def _staff_saved(self, s: m.Staff | None) -> None:
        if s is not None:
            self._notice("staff.added", login=s.login)
            self.reload()

    def _staff_edited(self, s: m.Staff | None) -> None:
        if s is not None:
            self._notice("staff.updated", login=s.login)
            self.reload()

    def action_platform(self) -> None:
        """issue 14: the co-op's approved video platform (the highlighted co-op in Co-ops, else one's own)."""
        coop = self.selected_coop() if self.section == "coops" else None
        if coop is None:
            coop = next((c for c in self.data.coops if c.slug == self.ctx.coop), None)
        if coop is not None:
            self.app.push_screen(PlatformDialog(self.ctx, coop), self._platform_saved)

    def _platform_saved(self, c: m.Coop | None) -> None:
        if c is not None:
            self._notice("tui.adm.platform_saved", slug=c.slug,
                         value=c.video_platform or t("tui.adm.platform_none"))
            self.reload()

    def _coop_saved(self, c: m.Coop | None) -> None:
        if c is not None:
            self._notice("tui.adm.coop_added", slug=c.slug)
            self.reload()

    def _coop_edited(self, c: m.Coop | None) -> None:
        if c is not None:
            self._notice("tui.adm.coop_saved", slug=c.slug)
            self.reload()

    def action_toggle_active(self) -> None:
        """Deactivate (once confirmed) or reactivate the selected resource or staff member."""
        if self.section == "staff":
            self._toggle_staff()
            return
        r = self.selected_resource()
        if r is None:
            return
        if r.active:
            self.app.push_screen(
                ConfirmDialog("tui.adm.confirm.deactivate", name=clean(r.name)),
                lambda yes: self._set_active(r.id, False) if yes else None,
            )
        else:
            self._set_active(r.id, True)

    @work(thread=True, exclusive=True, group="admin-write")
    def _set_active(self, resource_id: int, active: bool, force: bool = False) -> None:
        ctx = self.ctx
        try:
            admin_service.set_active(ctx, resource_id, active, force=force)
        except WouldStrand as exc:
            self.post_message(self.WouldStrandBookings(resource_id, exc.bookings))
            return
        except Exception as exc:  # noqa: BLE001 - said in the app, never a traceback
            self.post_message(failure_in(self, exc))
            return
        self.post_message(self.Done("tui.adm.activated" if active else "tui.adm.deactivated", id=resource_id))

    @dataclass
    class WouldStrandBookings(Message):
        """Deactivating ``resource_id`` would strand these active bookings: ask before forcing."""

        resource_id: int
        bookings: list

    @on(WouldStrandBookings)
    def _confirm_stranding(self, message: WouldStrandBookings) -> None:
        bookings = message.bookings
        self.app.push_screen(
            ConfirmDialog("tui.confirm.stranded", count=len(bookings), list=stranded_list(bookings, self.ctx.actor_tz)),
            lambda yes: self._set_active(message.resource_id, False, force=True) if yes else None,
        )

    def selected_staff(self) -> m.Staff | None:
        key = self.query_one("#staff", ResultTable).current_key()
        return next((x for x in self.data.staff if x.login == key), None)

    def _toggle_staff(self) -> None:
        """Take away a staff member's access (once confirmed), or give it back."""
        member = self.selected_staff()
        if member is None:
            return
        if member.active:
            self.app.push_screen(
                ConfirmDialog("tui.adm.confirm.staff_off", login=clean(member.login), name=clean(member.name)),
                lambda yes: self._set_staff_active(member, False) if yes else None,
            )
        else:
            self._set_staff_active(member, True)

    @work(thread=True, exclusive=True, group="admin-write")
    def _set_staff_active(self, member: m.Staff, active: bool) -> None:
        ctx = self.ctx
        if active:
            call = lambda: directory_service.set_staff(ctx, member.login, active=True)  # noqa: E731
        else:
            call = lambda: directory_service.deactivate_staff(ctx, member.login)  # noqa: E731
        if guarded(self, call) is not UNSET:
            self.post_message(self.Done("tui.adm.staff_on" if active else "tui.adm.staff_off", login=member.login))

    def action_hours(self) -> None:
        """Open the weekly hours of the selected resource."""
        r = self.selected_resource()
        if r is not None:
            self.app.push_screen(HoursDialog(self.ctx, r), lambda changed: self.reload() if changed else None)

    def action_sharing_terms(self) -> None:
        """issue 13: the selected resource's terms for partners (window, notice, quotas)."""
        from telecoop.tui.dialogs.sharing_terms import SharingTermsDialog

        r = self.selected_resource()
        if r is not None:
            self.app.push_screen(SharingTermsDialog(self.ctx, r), lambda saved: self.post_message(
                self.Done("tui.adm.terms_saved", name=r.name)) if saved else None)

    def action_closures(self) -> None:
        """Show the closures of the selected resource."""
        r = self.selected_resource()
        if r is None:
            return
        self.query_one("#closure-filter", Select).value = str(r.id)
        self._go_to("closures")
        self._show_closures()

    def action_delete(self) -> None:
        """Delete the selected closure, once confirmed."""
        c = self.selected_closure()
        if c is None:
            return
        owner, tz = self._closure_owner(c)
        start, end = closure_span(c, tz)
        self.app.push_screen(
            ConfirmDialog("tui.adm.confirm.closure", id=c.id, start=start, end=end, reason=clean(c.reason)),
            lambda yes: self._remove_closure(c.id) if yes else None,
        )

    @work(thread=True, exclusive=True, group="admin-write")
    def _remove_closure(self, closure_id: int) -> None:
        ctx = self.ctx
        if guarded(self, lambda: admin_service.remove_closure(ctx, closure_id)) is not UNSET:
            self.post_message(self.Done("tui.adm.closure_removed", id=closure_id))

    def action_holidays(self) -> None:
        """Add the statutory holidays of a year as closures."""
        self.app.push_screen(HolidaysDialog(self.ctx, self.data.coops), self._holidays_added)

    def _holidays_added(self, count: int | None) -> None:
        if count is not None:
            self._notice("holidays.done", count=count)
            self.reload()

    @on(Done)
    def _done(self, message: Done) -> None:
        message.stop()
        self._notice(message.key, **message.params)
        self.reload()

    # ------------------------------------------------------------------ #
    # Language
    # ------------------------------------------------------------------ #

    def directory_changed(self) -> None:
        super().directory_changed()
        if self.loaded:
            self._show_all()  # co-op names (issue 10) come with the directory

    def relabel(self) -> None:
        super().relabel()
        tabs = self.query_one(TabbedContent)
        for section in self._sections():
            tabs.get_tab(f"sec-{section}").label = t(TAB_KEYS[section])
        self._show_all()

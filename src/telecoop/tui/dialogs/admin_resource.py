"""The resource form: a clinician or a room of the admin's co-op, and with whom it is shared."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select

from telecoop.domain import model as m
from telecoop.domain import teleconsult as tc
from telecoop.i18n import t
from telecoop.services import admin as admin_service
from telecoop.services.context import Context
from telecoop.tui.dialogs.admin_form import AdminFormDialog, ChoiceList, FormField, reset_select
from telecoop.tui.format import KIND_KEYS, SHARING_KEYS, languages_label, literal, specialty_label
from telecoop.tui.strings_day import sort_key

#: Fields only a clinician has (issue 14: the provinces it is licensed in).
CLINICIAN_FIELDS = ("specialty", "languages", "licences")


class ResourceDialog(AdminFormDialog["m.Resource | None"]):
    """New (``resource`` None) or edited resource; dismissed with the saved ``Resource``, or None."""

    AUTO_FOCUS = "#name"
    KEY_FIELDS = {
        "field.url": "video_link",
        "field.unknown_coop": "shared_with",
        "field.slug": "shared_with",
        "field.duplicate": "languages",
    }

    def __init__(self, ctx: Context, coops: list[m.Coop], resource: m.Resource | None = None) -> None:
        super().__init__(ctx)
        self.coops = coops
        self.resource = resource

    # layout --------------------------------------------------------------

    def _owner(self) -> str:
        if self.resource is not None:
            return self.resource.coop
        return self.ctx.coop

    def _kind_options(self) -> list[tuple[Text, str]]:
        return [(Text(t(KIND_KEYS[k.value])), k.value) for k in m.ResourceKind]

    def _specialty_options(self) -> list[tuple[Text, str]]:
        return [(Text(specialty_label(s)), s) for s in sorted(m.SPECIALTIES, key=lambda s: sort_key(specialty_label(s)))]

    def _sharing_options(self) -> list[tuple[Text, str]]:
        return [(Text(t(SHARING_KEYS[s.value])), s.value) for s in m.Sharing]

    def _coop_options(self) -> list[tuple[Text, str]]:
        return [(literal(c.name), c.slug) for c in self.coops]

    def _partner_choices(self, owner: str) -> list[tuple[str, str]]:
        return [(c.name, c.slug) for c in self.coops if c.slug != owner]

    def compose_fields(self) -> ComposeResult:
        r = self.resource
        kind = r.kind.value if r else m.ResourceKind.CLINICIAN.value
        if self.ctx.is_federation_admin and r is None:
            yield FormField(
                "coop",
                "tui.adm.f.coop",
                Select(self._coop_options(), value=self._owner(), allow_blank=False, compact=True, id="coop"),
            )
        yield FormField(
            "kind", "tui.adm.f.kind", Select(self._kind_options(), value=kind, allow_blank=False, compact=True, id="kind")
        )
        yield FormField("name", "tui.adm.f.name", Input(r.name if r else "", compact=True, id="name"))
        specialty = r.specialty if r and r.specialty in m.SPECIALTIES else Select.NULL
        yield FormField(
            "specialty",
            "tui.adm.f.specialty",
            Select(self._specialty_options(), value=specialty, prompt="—", compact=True, id="specialty"),
        )
        yield FormField(
            "languages",
            "tui.adm.f.languages",
            ChoiceList(
                [(languages_label([code]), code) for code in self._language_codes(kind)],
                selected=r.languages if r else ("fr",),
                id="languages",
            ),
        )
        # issue 14: where a clinician may see a remote patient (video/phone)
        yield FormField("licences", "tui.adm.f.licences", Input(
            " ".join(r.licences) if r else tc.DEFAULT_PROVINCE, placeholder=t("tui.adm.f.licences.hint"),
            max_length=60, compact=True, id="licences"))
        yield FormField("equipment", "tui.adm.f.equipment", Input(r.equipment if r else "", compact=True, id="equipment"))
        yield FormField(
            "video_link", "tui.adm.f.video_link", Input(r.video_link if r else "", compact=True, id="video_link")
        )
        sharing = r.sharing.value if r else m.Sharing.ALL.value
        yield FormField(
            "sharing",
            "tui.adm.f.sharing",
            Select(self._sharing_options(), value=sharing, allow_blank=False, compact=True, id="sharing"),
        )
        yield FormField(
            "shared_with",
            "tui.adm.f.shared_with",
            ChoiceList(self._partner_choices(self._owner()), selected=r.shared_with if r else (), id="shared_with"),
        )
        yield FormField(
            "buffer_minutes",
            "tui.adm.f.buffer_minutes",
            Input(str(r.buffer_minutes if r else 0), restrict=r"[0-9]*", max_length=3, compact=True, id="buffer_minutes"),
        )

    def on_mount(self) -> None:
        # Textual calls the base class's on_mount itself (no super() call).
        self._show_fields()

    def title_text(self) -> str:
        if self.resource is None:
            return t("tui.adm.resource.new")
        return t("tui.adm.resource.edit", id=self.resource.id)

    def relabel(self) -> None:
        super().relabel()
        self.query_one("#licences", Input).placeholder = t("tui.adm.f.licences.hint")
        reset_select(self.query_one("#kind", Select), self._kind_options())
        reset_select(self.query_one("#specialty", Select), self._specialty_options())
        reset_select(self.query_one("#sharing", Select), self._sharing_options())
        kind = str(self.query_one("#kind", Select).value)
        self.query_one("#languages", ChoiceList).set_choices(
            [(languages_label([c]), c) for c in self._language_codes(kind)])

    @staticmethod
    def _language_codes(kind: str) -> tuple[str, ...]:
        """issue 14: an interpreter's languages go beyond the clinicians' French and English."""
        return m.PATIENT_LANGUAGES if kind == m.ResourceKind.INTERPRETER.value else m.LANGUAGES

    def _show_fields(self) -> None:
        """Specialty and languages for clinicians only; the partner list only when sharing with listed co-ops."""
        fields = self.fields
        kind = str(self.query_one("#kind", Select).value)
        clinician = kind == m.ResourceKind.CLINICIAN.value
        for name in CLINICIAN_FIELDS:
            fields[name].display = clinician
        if kind == m.ResourceKind.INTERPRETER.value:  # issue 14: an interpreter has languages, no specialty
            fields["languages"].display = True
        self.query_one("#languages", ChoiceList).set_choices(
            [(languages_label([c]), c) for c in self._language_codes(kind)])
        fields["shared_with"].display = self.query_one("#sharing", Select).value == m.Sharing.LISTED.value

    @on(Select.Changed, "#kind, #sharing")
    def _kind_or_sharing_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._show_fields()

    @on(Select.Changed, "#coop")
    def _coop_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.query_one("#shared_with", ChoiceList).set_choices(self._partner_choices(str(event.value)))

    # saving --------------------------------------------------------------

    def submit(self, values: dict[str, str]) -> m.Resource:
        return admin_service.save_resource(
            self.ctx,
            resource_id=self.resource.id if self.resource else None,
            kind=values["kind"],
            name=values["name"],
            coop=values.get("coop") or self._owner(),
            specialty=values.get("specialty", ""),
            languages=values.get("languages", ""),
            equipment=values["equipment"],
            video_link=values["video_link"],
            sharing=values["sharing"],
            shared_with=values.get("shared_with", ""),
            buffer_minutes=values["buffer_minutes"],
            force=self.force,
            licences=values["licences"] if values.get("kind") == m.ResourceKind.CLINICIAN.value else None,
        )

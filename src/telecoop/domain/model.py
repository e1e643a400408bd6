"""Pure domain types: what the services hand to the CLI and the TUI.

These are plain frozen dataclasses, detached from any database session, so a
screen can keep them while no session is open.
"""

from __future__ import annotations

import typing

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    RECEPTIONIST = "receptionist"
    COOP_ADMIN = "coop_admin"
    FEDERATION_ADMIN = "federation_admin"
    CLINICIAN = "clinician"


class ResourceKind(StrEnum):
    CLINICIAN = "clinician"
    ROOM = "room"
    INTERPRETER = "interpreter"  # issue 14: booked with a clinician, for a patient's language


class Sharing(StrEnum):
    PRIVATE = "private"
    ALL = "all"
    LISTED = "listed"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @property
    def active(self) -> bool:
        return self in ACTIVE_STATUSES


ACTIVE_STATUSES = frozenset({BookingStatus.BOOKED, BookingStatus.CHECKED_IN})

class Mode(StrEnum):
    """How the visit happens (issue 14). ``room`` is the old word for in person."""

    VIDEO = "video"
    PHONE = "phone"
    IN_PERSON = "in-person"
    ROOM = "in-person"  # an alias member: Mode.ROOM is Mode.IN_PERSON (iteration skips it)

    @classmethod
    def _missing_(cls, value: object) -> "Mode | None":
        # issue 14: "room" (the word before in-person) still reads, from files and scripts.
        if value == "room":
            return cls.IN_PERSON
        return None


# DESIGN section 2: booked -> checked_in -> completed; booked -> no_show;
# booked -> cancelled. Nothing else.
TRANSITIONS: dict[BookingStatus, frozenset[BookingStatus]] = {
    BookingStatus.BOOKED: frozenset(
        {BookingStatus.CHECKED_IN, BookingStatus.NO_SHOW, BookingStatus.CANCELLED}
    ),
    BookingStatus.CHECKED_IN: frozenset({BookingStatus.COMPLETED}),
    BookingStatus.COMPLETED: frozenset(),
    BookingStatus.NO_SHOW: frozenset(),
    BookingStatus.CANCELLED: frozenset(),
}

# issue 8: the clock rules the life cycle. Nobody walks in to a video or phone
# visit, so it may go booked -> completed without a check-in.
REMOTE_MODES = frozenset({Mode.VIDEO, Mode.PHONE})
#: How long before the start a patient may be checked in.
CHECK_IN_LEAD = dt.timedelta(minutes=60)


def next_statuses(old: BookingStatus, mode: Mode) -> frozenset[BookingStatus]:
    """The statuses a booking of this ``mode`` may take from ``old``, whatever the time."""
    steps = TRANSITIONS[old]
    if old == BookingStatus.BOOKED and mode in REMOTE_MODES:
        steps = steps | {BookingStatus.COMPLETED}
    return steps


def status_window(new: BookingStatus, start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``[opens, closes)``: when a booking ``[start, end)`` may take status ``new`` (None: no bound).

    Check-in from 60 minutes before the start until the end; completed and
    no-show only once the start has passed; a cancellation any time.
    """
    if new == BookingStatus.CHECKED_IN:
        return start - CHECK_IN_LEAD, end
    if new in (BookingStatus.COMPLETED, BookingStatus.NO_SHOW):
        return start, None
    return None, None


class StatusRefusal(StrEnum):
    """Why a status change is refused (None from :func:`status_refusal`: it is allowed)."""

    TRANSITION = "transition"  # the life cycle has no such step
    TOO_EARLY = "too_early"  # possible from status_window()'s opening
    TOO_LATE = "too_late"  # it was possible until the window closed


def status_refusal(
    old: BookingStatus, new: BookingStatus, mode: Mode, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> StatusRefusal | None:
    """The one rule the CLI, the app and the services follow for a status change at ``now``."""
    if new not in next_statuses(old, mode):
        return StatusRefusal.TRANSITION
    opens, closes = status_window(new, start, end)
    if opens is not None and now < opens:
        return StatusRefusal.TOO_EARLY
    if closes is not None and now >= closes:
        return StatusRefusal.TOO_LATE
    return None




SPECIALTIES = (
    "family_medicine",
    "psychology",
    "nutrition",
    "physiotherapy",
    "nursing",
    "pediatrics",
    "social_work",
    "occupational_therapy",
    "speech_therapy",
    "pharmacy",
    "psychiatry",
    "kinesiology",
)
LANGUAGES = ("fr", "en")
#: issue 14: languages an interpreter may interpret between (ISO 639 codes): French and English,
#: Indigenous languages of Quebec, Quebec and American sign languages, and the most spoken others.
PATIENT_LANGUAGES = LANGUAGES + (
    "iu", "cr", "moe", "atj", "nsk", "lsq", "ase",
    "es", "ar", "zh", "ht", "pt", "fa", "vi", "ru", "uk", "tl", "ta",
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SUPPORTED_TZ_HINT = ("America/Toronto", "America/Halifax", "America/Blanc-Sablon")
#: issue 10: the zones a co-op's form offers (Quebec's three first, then the rest of Canada's)
COOP_ZONES = SUPPORTED_TZ_HINT + (
    "America/Moncton",
    "America/St_Johns",
    "America/Winnipeg",
    "America/Regina",
    "America/Edmonton",
    "America/Vancouver",
)

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")
LOGIN_RE = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}$")
PATIENT_MAX = 40


@dataclass(frozen=True)
class Coop:
    slug: str
    name: str
    region: str
    tz: str
    lang: str = "fr"
    video_platform: str = ""  # issue 14: approved https address, base of each visit's link


@dataclass(frozen=True)
class Staff:
    login: str
    name: str
    coop: str
    role: Role
    clinician_id: int | None = None
    active: bool = True


@dataclass(frozen=True)
class Resource:
    id: int
    kind: ResourceKind
    name: str
    coop: str
    tz: str
    specialty: str = ""
    languages: tuple[str, ...] = ()
    equipment: str = ""
    video_link: str = ""
    sharing: Sharing = Sharing.ALL
    shared_with: tuple[str, ...] = ()
    buffer_minutes: int = 0
    active: bool = True
    licences: tuple[str, ...] = ("QC",)  # issue 14: provinces a clinician may practise in
    # Who may see and book it: ``domain.access.shared_to``.


@dataclass(frozen=True)
class Availability:
    id: int
    resource_id: int
    weekday: int  # 0 = Monday
    start: dt.time
    end: dt.time
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass(frozen=True)
class Closure:
    id: int
    resource_id: int | None
    coop: str | None
    start: dt.datetime  # aware UTC
    end: dt.datetime
    reason: str = ""


@dataclass(frozen=True)
class Booking:
    """A booking as one user may see it.

    For a user of another co-op, ``patient`` and ``reason`` are None and
    ``masked`` is True: they see "busy — co-op X" only.
    """

    id: int
    clinician_id: int
    room_id: int | None
    coop: str
    start: dt.datetime  # aware UTC
    end: dt.datetime
    status: BookingStatus
    mode: Mode
    clinician: str = ""
    room: str | None = None
    clinician_coop: str = ""
    clinician_tz: str = ""
    booked_by: str | None = None
    patient: str | None = None
    reason: str | None = None
    cancel_reason: str | None = None
    masked: bool = False
    conflict: str = ""
    """Why a forced closure or withdrawal left it standing ("closure:12"...); "" none."""
    video_link: str | None = None
    """A video visit's link, for the booking co-op and the clinician only; None for anyone else."""
    # issue 14: the teleconsultation record. Patient data (location, consent,
    # link) is None for those who may not see the patient.
    patient_location: str | None = None
    patient_site: str | None = None
    consent_by: str | None = None
    consent_at: dt.datetime | None = None
    interpreter_id: int | None = None
    interpreter: str | None = None
    series_id: int | None = None
    series_index: int | None = None


@dataclass(frozen=True)
class Slot:
    """A free interval of a clinician (and a room, when asked)."""

    clinician_id: int
    clinician: str
    coop: str
    tz: str
    start: dt.datetime  # aware UTC
    end: dt.datetime
    specialty: str = ""
    languages: tuple[str, ...] = ()
    room_id: int | None = None
    room: str | None = None
    room_coop: str | None = None  # issue 10: where the patient will sit
    interpreter_id: int | None = None  # issue 14: for a patient language the clinician lacks
    interpreter: str | None = None


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: dt.datetime
    actor: str
    coop: str | None
    action: str
    entity: str
    entity_id: str
    before: dict[str, typing.Any] | None = None
    after: dict[str, typing.Any] | None = None


@dataclass(frozen=True)
class UsageRow:
    month: str
    provider: str  # co-op owning the resource
    consumer: str  # booking co-op
    bookings: int
    minutes: int


@dataclass
class CheckReport:
    schema_version: int
    integrity: str
    counts: dict[str, int] = field(default_factory=dict)


# issue 10: one booking in full, for the details panel and the patient's confirmation


@dataclass(frozen=True)
class BookingEvent:
    """One step of a booking's history, from the audit trail."""

    at: dt.datetime  # aware UTC
    actor: str
    action: str  # the audit action: booking.book, booking.reschedule, booking.cancel, booking.<status>
    start: dt.datetime | None = None  # the start after the step (a move says where to)


@dataclass(frozen=True)
class BookingDetails:
    """A booking with what a receptionist tells the patient: who, where, when, how.

    ``video_link`` and ``history`` are only filled for those who see the
    patient data (the booking co-op and the clinician).
    """

    booking: Booking
    clinician: Resource
    clinician_coop: Coop
    booking_coop: Coop
    room: Resource | None = None
    room_coop: Coop | None = None
    video_link: str | None = None
    history: tuple[BookingEvent, ...] = ()

    @property
    def minutes(self) -> int:
        return int((self.booking.end - self.booking.start).total_seconds() // 60)

    @property
    def patient_tz(self) -> str:
        """Where the patient sits: the room's zone, else the booking co-op's."""
        return self.room.tz if self.room is not None else self.booking_coop.tz

"""SQLModel tables. Instants are naive UTC on SQLite, ``timestamptz`` on PostgreSQL (see ``UTCDateTime``)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Column, Field, Index, SQLModel


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table of a SQLModel table class (for Core inserts)."""
    table: sa.Table = getattr(model, "__table__")  # noqa: B009 - set by SQLModel's metaclass, unknown to type checkers
    return table


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out.

    On SQLite the column holds naive UTC: SQLite has no zone type, and text
    comparison then equals time order. On PostgreSQL it is ``timestamp with
    time zone`` (issue 12), so ``tstzrange`` in the overlap constraints and
    any other client read instants, not wall times. A naive value handed in
    is a bug, so it is refused on both.
    """

    impl = sa.DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[dt.datetime]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(sa.DateTime(timezone=True))
        return dialect.type_descriptor(sa.DateTime())

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime given to the store")
        value = value.astimezone(dt.timezone.utc)
        if dialect.name == "postgresql":
            # A plain datetime.timezone.utc: psycopg adapts pendulum's zone too,
            # but one type for every bound instant keeps statements cacheable.
            return dt.datetime(*value.timetuple()[:6], value.microsecond, tzinfo=dt.timezone.utc)
        return value.replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            return value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=dt.timezone.utc)


class Meta(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class CoopRow(SQLModel, table=True):
    __tablename__ = "coop"
    slug: str = Field(primary_key=True)
    name: str
    region: str
    tz: str
    lang: str = "fr"
    # --- issue 14: the co-op's approved video platform (https), the base of each visit's private link
    video_platform: str = Field(default="", sa_column=Column(sa.String, nullable=False, server_default=""))


class StaffRow(SQLModel, table=True):
    __tablename__ = "staff"
    login: str = Field(primary_key=True)
    name: str
    coop: str = Field(foreign_key="coop.slug", index=True)
    role: str
    clinician_id: Optional[int] = Field(default=None, foreign_key="resource.id")
    active: bool = True


class ResourceRow(SQLModel, table=True):
    __tablename__ = "resource"
    __table_args__ = (Index("ix_resource_kind_specialty", "kind", "specialty"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str
    name: str
    coop: str = Field(foreign_key="coop.slug", index=True)
    specialty: str = ""
    languages: str = ""  # space-separated codes
    equipment: str = ""
    video_link: str = ""
    sharing: str = "all"
    buffer_minutes: int = 0
    active: bool = True
    # --- issue 14: provinces/territories a clinician is licensed in (space-separated codes)
    licences: str = Field(default="QC", sa_column=Column(sa.String, nullable=False, server_default="QC"))


class ShareRow(SQLModel, table=True):
    """One co-op a ``listed`` resource is shared with."""

    __tablename__ = "resource_share"
    resource_id: int = Field(foreign_key="resource.id", primary_key=True)
    coop: str = Field(foreign_key="coop.slug", primary_key=True)


class AvailabilityRow(SQLModel, table=True):
    __tablename__ = "availability"
    id: Optional[int] = Field(default=None, primary_key=True)
    resource_id: int = Field(foreign_key="resource.id", index=True)
    weekday: int
    start: dt.time
    end: dt.time
    valid_from: Optional[dt.date] = None
    valid_to: Optional[dt.date] = None


class ClosureRow(SQLModel, table=True):
    __tablename__ = "closure"
    id: Optional[int] = Field(default=None, primary_key=True)
    resource_id: Optional[int] = Field(default=None, foreign_key="resource.id", index=True)
    coop: Optional[str] = Field(default=None, foreign_key="coop.slug", index=True)
    start: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    end: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    reason: str = ""


class BookingRow(SQLModel, table=True):
    __tablename__ = "booking"
    __table_args__ = (
        # Search reads a time window of bookings; the overlap trigger reads one
        # clinician's or one room's bookings around an instant.
        Index("ix_booking_clinician_start", "clinician_id", "start"),
        Index("ix_booking_room_start", "room_id", "start"),
        Index("ix_booking_start", "start"),
        Index("ix_booking_coop_start", "coop", "start"),
        Index("ix_booking_interpreter_start", "interpreter_id", "start"),  # issue 14
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    clinician_id: int = Field(foreign_key="resource.id")
    room_id: Optional[int] = Field(default=None, foreign_key="resource.id")
    coop: str = Field(foreign_key="coop.slug")
    booked_by: str
    start: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    end: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    patient: str
    reason: str = ""
    mode: str = "video"
    status: str = "booked"
    cancel_reason: str = ""
    # issue 8: why a forced closure, deactivation or sharing withdrawal left this
    # booking standing over it ("closure:12", "inactive:5", "unshared:5"); "" none.
    conflict: str = Field(default="", sa_column=Column(sa.String, nullable=False, server_default=""))
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # --- issue 14: the teleconsultation record (revision 0004 adds these to older files)
    # Where the patient is during the visit: a province or territory code, and optionally a site.
    patient_location: str = Field(default="QC", sa_column=Column(sa.String, nullable=False, server_default="QC"))
    patient_site: str = Field(default="", sa_column=Column(sa.String, nullable=False, server_default=""))
    # Consent to a video or phone visit: who recorded it, when ("" / NULL: none, in person).
    consent_by: str = Field(default="", sa_column=Column(sa.String, nullable=False, server_default=""))
    consent_at: Optional[dt.datetime] = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    interpreter_id: Optional[int] = Field(default=None, foreign_key="resource.id")
    series_id: Optional[int] = Field(default=None, foreign_key="series.id")
    series_index: Optional[int] = None  # 1-based occurrence number in its series
    # The visit's private link (the co-op's platform + random token); "" none.
    video_link: str = Field(default="", sa_column=Column(sa.String, nullable=False, server_default=""))


# --- issue 14: a follow-up series (its occurrences are bookings carrying series_id)
class SeriesRow(SQLModel, table=True):
    __tablename__ = "series"
    id: Optional[int] = Field(default=None, primary_key=True)
    coop: str = Field(foreign_key="coop.slug", index=True)
    clinician_id: int = Field(foreign_key="resource.id")
    repeat: str  # weekly | every-2-weeks | monthly
    count: int
    tz: str  # the zone whose wall time every occurrence keeps
    created_by: str
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class AuditRow(SQLModel, table=True):
    __tablename__ = "audit"
    id: Optional[int] = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    actor: str
    coop: Optional[str] = Field(default=None, index=True)
    action: str
    entity: str
    entity_id: str
    before: Optional[str] = None  # JSON
    after: Optional[str] = None  # JSON


# --------------------------------------------------------------------------- #
# issue 13: holds and offers, sharing terms and quotas, the waitlist,
# co-op capacity settings. Existing files get these through
# migration 0004.
# --------------------------------------------------------------------------- #


class HoldRow(SQLModel, table=True):
    """A slot kept for one co-op for a few minutes: a receptionist's form, or a waitlist offer.

    Busy for everyone else while ``status == 'held'`` and ``expires`` is in
    the future; nothing has to run when it expires (expiry is a time). Its
    life: held -> booked (``booking_id``) | released | lapsed.
    """

    __tablename__ = "hold"
    __table_args__ = (
        Index("ix_hold_clinician_start", "clinician_id", "start"),
        Index("ix_hold_room_start", "room_id", "start"),
        Index("ix_hold_coop_status", "coop", "status"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    clinician_id: int = Field(foreign_key="resource.id")
    room_id: Optional[int] = Field(default=None, foreign_key="resource.id")
    coop: str = Field(foreign_key="coop.slug")
    held_by: str
    start: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    end: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    expires: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    status: str = "held"
    booking_id: Optional[int] = Field(default=None, foreign_key="booking.id")
    entry_id: Optional[int] = Field(default=None, foreign_key="waitlist_entry.id", index=True)
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class SharingTermsRow(SQLModel, table=True):
    """The owner's terms for partners booking one shared resource (0 = no limit)."""

    __tablename__ = "sharing_terms"
    resource_id: int = Field(foreign_key="resource.id", primary_key=True)
    window_days: int = 0
    min_notice_hours: int = 0
    release_hours: int = 0


class QuotaRow(SQLModel, table=True):
    """One partner's hours per ISO week (the resource's zone) on one shared resource."""

    __tablename__ = "sharing_quota"
    resource_id: int = Field(foreign_key="resource.id", primary_key=True)
    coop: str = Field(foreign_key="coop.slug", primary_key=True)
    minutes_per_week: int


class OverbookRow(SQLModel, table=True):
    """The owner's admin let a partner past its quota for one ISO week, with a reason."""

    __tablename__ = "sharing_overbook"
    id: Optional[int] = Field(default=None, primary_key=True)
    resource_id: int = Field(foreign_key="resource.id", index=True)
    coop: str = Field(foreign_key="coop.slug")
    week: str  # ISO week, "2026-W50"
    extra_minutes: int
    reason: str
    granted_by: str
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class CoopCapacityRow(SQLModel, table=True):
    """A co-op's own settings for holds and offers (minutes)."""

    __tablename__ = "coop_capacity"
    coop: str = Field(foreign_key="coop.slug", primary_key=True)
    hold_minutes: int = 10
    offer_minutes: int = 30


class WaitlistEntryRow(SQLModel, table=True):
    """A patient of ``coop`` waiting for a slot that fits; ``coops``: space-separated providers ("" any)."""

    __tablename__ = "waitlist_entry"
    __table_args__ = (Index("ix_waitlist_status_specialty", "status", "specialty"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    coop: str = Field(foreign_key="coop.slug", index=True)
    added_by: str
    specialty: str
    language: str = ""
    mode: str = ""
    coops: str = ""
    from_date: dt.date
    to_date: dt.date
    patient: str
    priority: int = 0
    duration: int = 30
    status: str = "waiting"  # waiting -> offered -> booked | removed
    booking_id: Optional[int] = Field(default=None, foreign_key="booking.id")
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))

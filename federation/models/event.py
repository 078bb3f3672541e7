"""Joint events co-hosted by several groups: hosts, speakers, registrations
(RSVPs with a waitlist) and the personal calendar feeds."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from federation.models import limits
from federation.models.asset import AssetRequest
from federation.models.base import Base, CheckInMixin, SeatMixin, TimestampMixin, utcnow
from federation.models.group import AlumniGroup
from federation.models.user import User, enum_column


class EventFormat(str, enum.Enum):
    in_person = "in_person"  # 会場開催
    online = "online"  # オンライン
    hybrid = "hybrid"  # ハイブリッド


class EventStatus(str, enum.Enum):
    draft = "draft"
    proposed = "proposed"
    published = "published"
    completed = "completed"
    cancelled = "cancelled"


class EventAudience(str, enum.Enum):
    hosts = "hosts"  # host groups' members only
    members = "members"  # all federation members
    public = "public"


class HostStatus(str, enum.Enum):
    invited = "invited"
    confirmed = "confirmed"
    declined = "declined"


class RegistrationStatus(str, enum.Enum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class JointEvent(TimestampMixin, Base):
    __tablename__ = "joint_event"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="time_order"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        Index("ix_joint_event_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[EventStatus] = mapped_column(
        enum_column(EventStatus, "event_status"), default=EventStatus.draft
    )
    title_ja: Mapped[str] = mapped_column(String(limits.TITLE), default="")
    title_en: Mapped[str] = mapped_column(String(limits.TITLE), default="")
    description_ja: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[EventFormat] = mapped_column(enum_column(EventFormat, "event_format"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # A place not in the registry (or details such as the floor); a venue of
    # the registry is booked through a venue-asset request.
    place: Mapped[str] = mapped_column(String(limits.PLACE), default="")
    venue_request_id: Mapped[int | None] = mapped_column(ForeignKey("asset_request.id", ondelete="SET NULL"))
    online_url: Mapped[str] = mapped_column(String(limits.URL), default="")
    capacity: Mapped[int]
    # Confirmed registrations, kept by services/seats.py in the registering
    # transaction (a page reads it instead of a COUNT).
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    registration_deadline: Mapped[datetime | None]
    audience: Mapped[EventAudience] = mapped_column(
        enum_column(EventAudience, "event_audience"), default=EventAudience.members
    )
    tags: Mapped[list] = mapped_column(JSON, default=list)  # NeedPair values
    # iCalendar SEQUENCE: raised on every change that matters to a calendar.
    sequence: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # A coordinator who returns a proposal to its hosts says why; shown on the
    # event until it is proposed again.
    return_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    returned_at: Mapped[datetime | None]

    lead_group: Mapped[AlumniGroup] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    venue_request: Mapped[AssetRequest | None] = relationship()
    hosts: Mapped[list[EventHost]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True, order_by="EventHost.id"
    )
    speakers: Mapped[list[EventSpeaker]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True, order_by="EventSpeaker.id"
    )

    def title_for(self, locale: str) -> str:
        if locale == "en":
            return self.title_en or self.title_ja
        return self.title_ja or self.title_en

    def description_for(self, locale: str) -> str:
        if locale == "en":
            return self.description_en or self.description_ja
        return self.description_ja or self.description_en

    @property
    def confirmed_hosts(self) -> list[EventHost]:
        return [h for h in self.hosts if h.status == HostStatus.confirmed]


class EventHost(Base):
    """A group hosting the event. The lead group is confirmed at once; a
    co-host is confirmed by one of its operators."""

    __tablename__ = "event_host"
    __table_args__ = (
        UniqueConstraint("event_id", "group_id"),
        CheckConstraint("seat_quota IS NULL OR seat_quota >= 0", name="quota_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("joint_event.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"), index=True)
    status: Mapped[HostStatus] = mapped_column(
        enum_column(HostStatus, "host_status"), default=HostStatus.invited
    )
    seat_quota: Mapped[int | None]
    # Confirmed registrations of this group's members (services/seats.py).
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None]

    event: Mapped[JointEvent] = relationship(back_populates="hosts")
    group: Mapped[AlumniGroup] = relationship()


class EventSpeaker(Base):
    """A speaker asked for through a speaker-asset request."""

    __tablename__ = "event_speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("joint_event.id", ondelete="CASCADE"), index=True)
    asset_request_id: Mapped[int] = mapped_column(
        ForeignKey("asset_request.id", ondelete="CASCADE"), unique=True
    )

    event: Mapped[JointEvent] = relationship(back_populates="speakers")
    asset_request: Mapped[AssetRequest] = relationship()


class EventRegistration(SeatMixin, CheckInMixin, Base):
    """One person's RSVP. Cancelled rows stay (a new registration reuses the
    row); an erased account's rows stay anonymised, so statistics stay right."""

    __tablename__ = "event_registration"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_event_registration_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("joint_event.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Who an erased person was, as an opaque key (so repeat attendance still counts).
    anonymous_key: Mapped[str | None] = mapped_column(String(40), index=True)
    # The attendee's group (counted against that host group's seat quota).
    group_id: Mapped[int | None] = mapped_column(ForeignKey("alumni_group.id", ondelete="SET NULL"))
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus, "registration_status"))
    listed: Mapped[bool] = mapped_column(default=False)  # agreed to be shown to attendees
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    # After the seat columns (a mixin's come last), where the table has it.
    reminded_at: Mapped[datetime | None] = mapped_column(sort_order=1)

    event: Mapped[JointEvent] = relationship()
    user: Mapped[User | None] = relationship()
    group: Mapped[AlumniGroup | None] = relationship()


class CalendarFeed(Base):
    """A personal feed's generation. The secret in the URL is derived from it
    (HMAC with SECRET_KEY), so no secret is stored and resetting invalidates
    the old URL."""

    __tablename__ = "calendar_feed"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    generation: Mapped[int] = mapped_column(default=1)
    reset_at: Mapped[datetime | None]

"""The annual conference: one edition a year, its call for proposals, review,
schedule, attendee registration and, afterwards, the content of its sessions."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from federation.models import limits
from federation.models.asset import AssetRequest, SharedAsset
from federation.models.base import Base, CheckInMixin, SeatMixin, TimestampMixin, utcnow
from federation.models.event import RegistrationStatus
from federation.models.group import AlumniGroup
from federation.models.user import User, enum_column


class ProposalFormat(str, enum.Enum):
    talk = "talk"  # 講演
    panel = "panel"  # パネル
    workshop = "workshop"  # ワークショップ


class ProposalStatus(str, enum.Enum):
    submitted = "submitted"
    accepted = "accepted"
    rejected = "rejected"
    withdrawn = "withdrawn"


class ConferenceEdition(TimestampMixin, Base):
    """The year's conference. Windows are UTC instants; an action outside its
    window is refused (409)."""

    __tablename__ = "conference_edition"
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="date_order"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("nomination_quota >= 0", name="quota_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    theme_ja: Mapped[str] = mapped_column(String(limits.TITLE), default="")
    theme_en: Mapped[str] = mapped_column(String(limits.TITLE), default="")
    description_ja: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(limits.PLACE), default="")
    # The venue of the registry, booked through a venue-asset request.
    venue_request_id: Mapped[int | None] = mapped_column(ForeignKey("asset_request.id", ondelete="SET NULL"))
    rooms: Mapped[list] = mapped_column(JSON, default=list)  # ["Hall A", ...]
    tracks: Mapped[list] = mapped_column(JSON, default=list)  # ["キャリア", ...]
    # [{"key": "relevance", "label_ja": "...", "label_en": "...", "weight": 2}]
    score_categories: Mapped[list] = mapped_column(JSON, default=list)
    proposals_open_at: Mapped[datetime]
    proposals_close_at: Mapped[datetime]
    review_open_at: Mapped[datetime]
    review_close_at: Mapped[datetime]
    registration_open_at: Mapped[datetime]
    registration_close_at: Mapped[datetime]
    capacity: Mapped[int]
    # Confirmed attendees, kept by services/seats.py in the same transaction.
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    nomination_quota: Mapped[int] = mapped_column(default=1)  # per member group
    blind_review: Mapped[bool] = mapped_column(default=True)
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    venue_request: Mapped[AssetRequest | None] = relationship()

    def theme_for(self, locale: str) -> str:
        if locale == "en":
            return self.theme_en or self.theme_ja
        return self.theme_ja or self.theme_en

    def description_for(self, locale: str) -> str:
        if locale == "en":
            return self.description_en or self.description_ja
        return self.description_ja or self.description_en


class ConferenceReviewer(Base):
    """Someone a coordinator invited to review this edition's proposals."""

    __tablename__ = "conference_reviewer"
    __table_args__ = (UniqueConstraint("edition_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("conference_edition.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Proposal(TimestampMixin, Base):
    __tablename__ = "conference_proposal"
    __table_args__ = (
        CheckConstraint("length_minutes > 0", name="length_positive"),
        Index("ix_conference_proposal_edition_status", "edition_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("conference_edition.id", ondelete="CASCADE"))
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(limits.TITLE))
    abstract: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[ProposalFormat] = mapped_column(enum_column(ProposalFormat, "proposal_format"))
    length_minutes: Mapped[int]
    language: Mapped[str] = mapped_column(String(8), default="ja")  # ja | en
    track: Mapped[str] = mapped_column(String(limits.TRACK), default="")
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus, "proposal_status"), default=ProposalStatus.submitted
    )
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decision_message: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[datetime | None]  # the speakers confirmed an acceptance

    edition: Mapped[ConferenceEdition] = relationship()
    submitter: Mapped[User | None] = relationship(foreign_keys=[submitter_id])
    speakers: Mapped[list[ProposalSpeaker]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ProposalSpeaker.id",
    )
    nominations: Mapped[list[Nomination]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Nomination.id",
    )


class ProposalSpeaker(Base):
    """A speaker: a member of the platform or a group's speaker asset."""

    __tablename__ = "conference_proposal_speaker"
    __table_args__ = (CheckConstraint("(user_id IS NULL) <> (asset_id IS NULL)", name="one_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("conference_proposal.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("shared_asset.id", ondelete="CASCADE"), index=True
    )

    proposal: Mapped[Proposal] = relationship(back_populates="speakers")
    user: Mapped[User | None] = relationship()
    asset: Mapped[SharedAsset | None] = relationship()

    @property
    def key(self) -> str:
        return f"user:{self.user_id}" if self.user_id else f"asset:{self.asset_id}"

    @property
    def name(self) -> str:
        if self.user is not None:
            return self.user.display_name
        return self.asset.speaker_name if self.asset is not None else ""


class Nomination(Base):
    """A member group backs a proposal (counted against the group's quota)."""

    __tablename__ = "conference_nomination"
    __table_args__ = (
        UniqueConstraint("proposal_id", "group_id"),
        Index("ix_conference_nomination_edition_group", "edition_id", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("conference_edition.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("conference_proposal.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"))
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="nominations")
    group: Mapped[AlumniGroup] = relationship()


class Review(TimestampMixin, Base):
    __tablename__ = "conference_review"
    __table_args__ = (UniqueConstraint("proposal_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("conference_proposal.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # {category key: 1..5}
    comment: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship()
    reviewer: Mapped[User | None] = relationship()


class ConferenceSession(Base):
    """An accepted proposal placed in a room and a time slot."""

    __tablename__ = "conference_session"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="time_order"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        Index("ix_conference_session_edition_starts_at", "edition_id", "starts_at"),
        # Two sessions in one room never overlap, even when two schedulers race.
        # PostgreSQL only; SQLite serialises writers instead.
        ExcludeConstraint(
            (literal_column("edition_id"), "="),
            (literal_column("room"), "="),
            (func.tstzrange(literal_column("starts_at"), literal_column("ends_at")), "&&"),
            name="ex_conference_session_room_overlap",
            using="gist",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("conference_edition.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("conference_proposal.id", ondelete="CASCADE"), unique=True
    )
    room: Mapped[str] = mapped_column(String(limits.ROOM))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int | None]  # a limited session takes sign-ups
    # Confirmed sign-ups, kept by services/seats.py in the same transaction.
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    video_url: Mapped[str] = mapped_column(String(limits.URL), default="")
    article_url: Mapped[str] = mapped_column(String(limits.URL), default="")
    graphic_recording_url: Mapped[str] = mapped_column(String(limits.URL), default="")
    sequence: Mapped[int] = mapped_column(default=0)

    edition: Mapped[ConferenceEdition] = relationship()
    proposal: Mapped[Proposal] = relationship()


class ConferenceRegistration(SeatMixin, CheckInMixin, Base):
    """An attendee of the edition (the rules of joint-event registrations)."""

    __tablename__ = "conference_registration"
    __table_args__ = (
        UniqueConstraint("edition_id", "user_id"),
        Index("ix_conference_registration_edition_status", "edition_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("conference_edition.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_column(RegistrationStatus, "conference_registration_status")
    )

    edition: Mapped[ConferenceEdition] = relationship()
    user: Mapped[User | None] = relationship()


class SessionSignup(SeatMixin, Base):
    """A registered attendee's seat in a limited session."""

    __tablename__ = "conference_session_signup"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        Index("ix_conference_session_signup_session_status", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("conference_session.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_column(RegistrationStatus, "conference_signup_status")
    )

    session: Mapped[ConferenceSession] = relationship()
    user: Mapped[User | None] = relationship()

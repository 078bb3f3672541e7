"""The co-creation directory: alumni memberships and invitations, profiles
with per-field visibility and consent, offers and asks, the search tokens,
introductions, blocks and abuse reports."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from federation.models import limits
from federation.models.base import Base, TimestampMixin
from federation.models.group import AlumniGroup, NeedPair
from federation.models.user import User, enum_column


class Visibility(str, enum.Enum):
    """Who may see a profile field. Beyond "groups" needs recorded consent."""

    groups = "groups"  # members of my alumni groups only
    federation = "federation"  # every member of the federation
    public = "public"  # anyone, signed in or not


class Side(str, enum.Enum):
    offer = "offer"
    ask = "ask"


class IntroductionStatus(str, enum.Enum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"


class GroupMembership(Base):
    """A person verified as an alumnus/alumna of a group. One person may belong
    to several groups (alumni of several companies)."""

    __tablename__ = "group_membership"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    year_left: Mapped[int | None]
    verified_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # How it was accepted: invitation (or import), join_request, or cli.
    source: Mapped[str] = mapped_column(String(20), default="invitation", server_default="invitation")
    # Shown on the group's member page to the group's members.
    self_introduction: Mapped[str] = mapped_column(Text, default="", server_default="")

    group: Mapped[AlumniGroup] = relationship()
    user: Mapped[User] = relationship()


class AlumniInvitation(Base):
    """An operator's invitation of one alumnus/alumna; the link's token is
    stored hashed, expires and works once."""

    __tablename__ = "alumni_invitation"
    __table_args__ = (UniqueConstraint("group_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(limits.EMAIL), index=True)
    family_name: Mapped[str] = mapped_column(String(limits.PERSON_NAME))
    given_name: Mapped[str] = mapped_column(String(limits.PERSON_NAME))
    family_name_kana: Mapped[str] = mapped_column(String(limits.PERSON_NAME), default="")
    given_name_kana: Mapped[str] = mapped_column(String(limits.PERSON_NAME), default="")
    year_left: Mapped[int | None]
    organisation: Mapped[str] = mapped_column(String(limits.ORGANISATION), default="")
    token_hash: Mapped[str] = mapped_column(String(limits.TOKEN_HASH), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    group: Mapped[AlumniGroup] = relationship()


class DirectoryProfile(TimestampMixin, Base):
    """A person's directory profile. `visibility` maps each field of
    VISIBILITY_FIELDS to a Visibility value."""

    __tablename__ = "directory_profile"
    # "Recently updated" order walks this index (a search stops at a page).
    __table_args__ = (
        Index("ix_directory_profile_updated_at", "updated_at", "id"),
        Index("ix_directory_profile_sort_key_id", "sort_key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    organisation: Mapped[str] = mapped_column(String(limits.ORGANISATION), default="")
    title: Mapped[str] = mapped_column(String(limits.PROFILE_TITLE), default="")
    industries: Mapped[list] = mapped_column(JSON, default=list)
    skills: Mapped[str] = mapped_column(String(limits.TOPICS), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[dict] = mapped_column(JSON, default=dict)
    # Consent to share beyond my groups: when, and which version of the text.
    consented_at: Mapped[datetime | None]
    consent_version: Mapped[str | None] = mapped_column(String(20))
    digest_opt_in: Mapped[bool] = mapped_column(default=False)
    # Copied from the user for あいうえお order without a join.
    sort_key: Mapped[str] = mapped_column(String(limits.SORT_KEY), default="")
    # The normalised text of every field (NFKC, lower-case, hiragana).
    search_document: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship()
    needs: Mapped[list[ProfileNeed]] = relationship(
        back_populates="profile",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(ProfileNeed.side, ProfileNeed.need)",
    )
    # The person's alumni groups, read-only (memberships are written as
    # GroupMembership rows).
    alumni_groups: Mapped[list[AlumniGroup]] = relationship(
        secondary="group_membership",
        primaryjoin="DirectoryProfile.user_id == foreign(GroupMembership.user_id)",
        secondaryjoin="foreign(GroupMembership.group_id) == AlumniGroup.id",
        order_by="AlumniGroup.sort_key",
        viewonly=True,
    )

    # A page of profiles reads its needs and groups as plain rows
    # (services/directory/searching.load_card_parts), in the relationships'
    # order; None when not read, and the relationships are used instead.
    loaded_needs = None  # a list of CardNeed
    loaded_groups = None  # a list of ProfileGroup


class ProfileNeed(Base):
    """An offer or an ask, typed by a need pair, with a line of detail. `wide`
    says whether people outside the owner's groups may see it."""

    __tablename__ = "profile_need"
    __table_args__ = (
        UniqueConstraint("profile_id", "need", "side"),
        Index("ix_profile_need_need_side", "need", "side", "profile_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("directory_profile.id", ondelete="CASCADE"))
    need: Mapped[NeedPair] = mapped_column(enum_column(NeedPair, "need_pair"))
    side: Mapped[Side] = mapped_column(enum_column(Side, "need_side"))
    detail: Mapped[str] = mapped_column(String(limits.NEED_DETAIL), default="")
    wide: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    profile: Mapped[DirectoryProfile] = relationship(back_populates="needs")


class SearchToken(Base):
    """One search token of a profile: a CJK bigram, a Latin word, or a facet
    (g:<group id>, i:<industry>, o:<need>, a:<need>). `wide` tokens come from
    fields people outside the owner's groups may see."""

    __tablename__ = "directory_token"
    # (token, profile_id): a token's rows in profile order, so the bigrams of a
    # word intersect by merge joins (migration 0018).
    __table_args__ = (Index("ix_directory_token_token_profile", "token", "profile_id", "wide"),)

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("directory_profile.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(String(limits.SEARCH_TOKEN), primary_key=True)
    wide: Mapped[bool] = mapped_column(Boolean, primary_key=True)


class Introduction(Base):
    """A double opt-in introduction. Kept (anonymised) when a person deletes
    their account."""

    __tablename__ = "introduction"
    __table_args__ = (Index("ix_introduction_sender_created", "sender_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[IntroductionStatus] = mapped_column(
        enum_column(IntroductionStatus, "introduction_status"), default=IntroductionStatus.pending
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    decided_at: Mapped[datetime | None]

    sender: Mapped[User] = relationship(foreign_keys=[sender_id])
    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])


class DirectoryBlock(Base):
    """A recipient blocks a sender: their requests get a neutral refusal."""

    __tablename__ = "directory_block"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class AbuseReport(Base):
    """A report of abuse to the coordinators."""

    __tablename__ = "abuse_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    reported_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    introduction_id: Mapped[int | None] = mapped_column(ForeignKey("introduction.id", ondelete="SET NULL"))
    # Reports from the knowledge hub [壁打ち] point at the consultation.
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultation.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    reported: Mapped[User] = relationship(foreign_keys=[reported_id])


class DigestLog(Base):
    """One weekly digest sent to one person (the week makes it idempotent)."""

    __tablename__ = "directory_digest"
    __table_args__ = (UniqueConstraint("user_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(server_default=func.now())
    match_count: Mapped[int] = mapped_column(default=0)

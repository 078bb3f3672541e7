"""Shared assets that groups lend each other, and the requests to use them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    DDL,
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    event,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from federation.models import limits
from federation.models.base import Base, TimestampMixin
from federation.models.group import AlumniGroup
from federation.models.user import User, enum_column
from federation.text import search_key

# What the free-text search of the asset list looks in (the group's names are
# matched separately, against the 300 groups, not per asset).
SEARCHED_FIELDS = ("title", "description", "area", "topics", "speaker_name", "speaker_name_kana", "audience")


def asset_search_text(values) -> str:
    """The searched fields folded into one string (text.search_key), so a search
    is one LIKE per asset instead of ten lower() calls (5x faster at 2,000
    assets). `values` is an asset or a mapping of its columns."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name, "")
    return "\n".join(search_key(get(name) or "") for name in SEARCHED_FIELDS)


class AssetKind(str, enum.Enum):
    venue = "venue"  # 会場
    pr_channel = "pr_channel"  # PR
    content = "content"  # コンテンツ化
    speaker = "speaker"  # 登壇者


class AssetStatus(str, enum.Enum):
    active = "active"
    paused = "paused"
    removed = "removed"  # kept for the history of requests and the give-first balance


class ChannelType(str, enum.Enum):
    website = "website"
    sns = "sns"
    mailing_list = "mailing_list"
    newsletter = "newsletter"


class ContentType(str, enum.Enum):
    video = "video"
    article = "article"
    graphic_recording = "graphic_recording"


class SharedAsset(TimestampMixin, Base):
    """One thing a group offers. Common fields first, then the fields that
    matter for each kind (empty for the other kinds)."""

    __tablename__ = "shared_asset"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        Index("ix_shared_asset_kind_status", "kind", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AssetKind] = mapped_column(enum_column(AssetKind, "asset_kind"))
    status: Mapped[AssetStatus] = mapped_column(
        enum_column(AssetStatus, "asset_status"), default=AssetStatus.active
    )
    title: Mapped[str] = mapped_column(String(limits.ASSET_TITLE))
    description: Mapped[str] = mapped_column(Text, default="")
    # Venue.
    area: Mapped[str] = mapped_column(String(limits.AREA), default="")
    address: Mapped[str] = mapped_column(String(limits.ADDRESS), default="")
    capacity: Mapped[int | None]
    equipment: Mapped[str] = mapped_column(Text, default="")
    is_free: Mapped[bool] = mapped_column(default=True)
    fee_note: Mapped[str] = mapped_column(String(limits.FEE_NOTE), default="")
    house_rules: Mapped[str] = mapped_column(Text, default="")
    # [{"weekday": 0-6 (Monday 0), "start": "HH:MM", "end": "HH:MM"}], Tokyo time.
    availability: Mapped[list] = mapped_column(JSON, default=list)
    blocked_dates: Mapped[list] = mapped_column(JSON, default=list)  # ["YYYY-MM-DD"]
    # PR channel.
    channel_type: Mapped[ChannelType | None] = mapped_column(enum_column(ChannelType, "channel_type"))
    url: Mapped[str] = mapped_column(String(limits.URL), default="")
    reach: Mapped[int | None]
    audience: Mapped[str] = mapped_column(String(limits.ASSET_AUDIENCE), default="")
    lead_time_days: Mapped[int | None]
    # Content production.
    content_type: Mapped[ContentType | None] = mapped_column(enum_column(ContentType, "content_type"))
    turnaround_days: Mapped[int | None]
    # Speaker.
    speaker_name: Mapped[str] = mapped_column(String(limits.PERSON_FULL_NAME), default="")
    speaker_name_kana: Mapped[str] = mapped_column(String(limits.PERSON_FULL_NAME_KANA), default="")
    speaker_title: Mapped[str] = mapped_column(String(limits.SPEAKER_TITLE), default="")
    topics: Mapped[str] = mapped_column(String(limits.TOPICS), default="")
    languages: Mapped[str] = mapped_column(String(limits.LANGUAGES), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    consent_confirmed_at: Mapped[datetime | None]

    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    group: Mapped[AlumniGroup] = relationship()
    photos: Mapped[list[AssetPhoto]] = relationship(
        back_populates="asset",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="AssetPhoto.id",
    )

    @property
    def is_active(self) -> bool:
        return self.status == AssetStatus.active


@event.listens_for(SharedAsset, "before_insert")
@event.listens_for(SharedAsset, "before_update")
def _keep_search_text(_mapper, _connection, asset: SharedAsset) -> None:
    asset.search_text = asset_search_text(asset)


class AssetPhoto(Base):
    """A venue photo, stored under instance/uploads with a random name."""

    __tablename__ = "asset_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("shared_asset.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    asset: Mapped[SharedAsset] = relationship(back_populates="photos")


class RequestStatus(str, enum.Enum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    cancelled = "cancelled"


class AssetRequest(TimestampMixin, Base):
    """Another group's operator asks to use an asset (a venue: for a slot)."""

    __tablename__ = "asset_request"
    __table_args__ = (
        CheckConstraint("(starts_at IS NULL AND ends_at IS NULL) OR starts_at < ends_at", name="slot_order"),
        Index("ix_asset_request_asset_status", "asset_id", "status"),
        # Two accepted bookings of one venue never overlap, even when two
        # acceptances race. PostgreSQL only; SQLite serialises writers instead.
        ExcludeConstraint(
            (literal_column("asset_id"), "="),
            (func.tstzrange(literal_column("starts_at"), literal_column("ends_at")), "&&"),
            name="ex_asset_request_no_overlap",
            using="gist",
            where=text("status = 'accepted' AND starts_at IS NOT NULL"),
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("shared_asset.id", ondelete="CASCADE"))
    requester_group_id: Mapped[int] = mapped_column(
        ForeignKey("alumni_group.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, "request_status"), default=RequestStatus.pending
    )
    message: Mapped[str] = mapped_column(Text, default="")
    joint_event: Mapped[str] = mapped_column(String(limits.TITLE), default="")
    response_message: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]

    asset: Mapped[SharedAsset] = relationship()
    requester_group: Mapped[AlumniGroup] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


# The exclusion constraint needs btree_gist for the "=" on an integer column.
event.listen(
    AssetRequest.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)

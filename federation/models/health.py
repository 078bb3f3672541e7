"""Federation health: monthly indicator snapshots per group, the outcomes
people report for their introductions, and each group's consent to the
research export. Flag thresholds are screening settings (key "health.*") so
they share the application thresholds' change log."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from federation.models.base import Base
from federation.models.directory import Introduction
from federation.models.group import AlumniGroup
from federation.models.user import User, enum_column


class HealthSnapshot(Base):
    """One group's indicators for one calendar month (Tokyo time), computed by
    the scheduled job. The headline numbers are columns (the coordinators'
    table sorts and charts them); every indicator with its parts is in
    `indicators`, the fired flags with their numbers in `flags`."""

    __tablename__ = "health_snapshot"
    __table_args__ = (
        UniqueConstraint("group_id", "month"),
        Index("ix_health_snapshot_month", "month", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"))
    month: Mapped[date]  # the first day of the month
    computed_at: Mapped[datetime]
    members: Mapped[int] = mapped_column(default=0)
    events_held: Mapped[int] = mapped_column(default=0)
    attended: Mapped[int] = mapped_column(default=0)
    # Per mille (0-1000) so the column stays an integer on every database; None = no data.
    repeat_rate: Mapped[int | None]
    newcomer_share: Mapped[int | None]
    flag_count: Mapped[int] = mapped_column(default=0)
    indicators: Mapped[dict] = mapped_column(JSON, default=dict)
    flags: Mapped[list] = mapped_column(JSON, default=list)

    group: Mapped[AlumniGroup] = relationship()


class OutcomeKind(str, enum.Enum):
    deal = "deal"  # 取引
    hire = "hire"  # 採用
    collaboration = "collaboration"  # 協業
    investment = "investment"  # 出資
    talk = "talk"  # 情報交換
    nothing_yet = "nothing_yet"  # まだ特になし


class IntroductionOutcome(Base):
    """What one person of an accepted introduction says came of it. The row is
    made when they are asked (once); `outcome` stays empty until they answer.
    Private to aggregates unless `named` (they agreed to be named)."""

    __tablename__ = "introduction_outcome"
    __table_args__ = (UniqueConstraint("introduction_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(ForeignKey("introduction.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    asked_at: Mapped[datetime]
    outcome: Mapped[OutcomeKind | None] = mapped_column(enum_column(OutcomeKind, "outcome_kind"))
    note: Mapped[str] = mapped_column(Text, default="")
    named: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime | None]

    introduction: Mapped[Introduction] = relationship()
    user: Mapped[User] = relationship()


class GroupHealthProfile(Base):
    """A group's choices about its health data: consent to the anonymised
    research export, and the highlights its operators write for the report."""

    __tablename__ = "group_health_profile"

    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"), primary_key=True)
    research_consent: Mapped[bool] = mapped_column(default=False)
    consent_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    consent_changed_at: Mapped[datetime | None]
    highlights: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())

"""Alumni groups of the federation's registry and their operators."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from federation.models.base import Base, TimestampMixin
from federation.models.user import User, enum_column


class GovernanceType(str, enum.Enum):
    company_hosted = "company_hosted"  # 会社主催型
    delegated = "delegated"  # 運営委任型
    company_backed = "company_backed"  # 会社後援型
    independent = "independent"  # 野良型


class AlumniGroup(TimestampMixin, Base):
    __tablename__ = "alumni_group"
    __table_args__ = (
        CheckConstraint("maturity_level BETWEEN 1 AND 5", name="maturity_level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name_ja: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    name_kana: Mapped[str] = mapped_column(String(160), default="")
    company_name: Mapped[str] = mapped_column(String(120))
    founded_on: Mapped[date | None]
    governance_type: Mapped[GovernanceType] = mapped_column(
        enum_column(GovernanceType, "governance_type")
    )
    maturity_level: Mapped[int] = mapped_column(default=1)
    registered_members: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(default=False)

    operators: Mapped[list[GroupOperator]] = relationship(
        back_populates="group", cascade="all, delete-orphan", passive_deletes=True
    )

    def name_for(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_ja


class GroupOperator(Base):
    """A person who runs a group. One person may run several groups."""

    __tablename__ = "group_operator"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    group: Mapped[AlumniGroup] = relationship(back_populates="operators")
    user: Mapped[User] = relationship()

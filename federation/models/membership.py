"""Joining a member group: each group's join settings (questions, approvers,
decision templates) and the alumni's join requests."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from federation.models import limits
from federation.models.base import Base
from federation.models.group import AlumniGroup
from federation.models.user import User, enum_column


class JoinRequestStatus(str, enum.Enum):
    pending = "pending"
    approved = "approved"
    declined = "declined"
    withdrawn = "withdrawn"


class JoinSettings(Base):
    """A group's join process. No row means the defaults (the questions of
    DEFAULT_QUESTIONS, every operator an approver, the default templates)."""

    __tablename__ = "group_join_settings"

    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"), primary_key=True)
    is_open: Mapped[bool] = mapped_column(default=True)
    # [{"key": ..., "label": ..., "kind": "text"|"textarea"|"date", "required": bool}]
    questions: Mapped[list] = mapped_column(JSON, default=list)
    founding_statement_url: Mapped[str] = mapped_column(String(limits.URL), default="")
    approve_template: Mapped[str] = mapped_column(Text, default="")
    decline_template: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())

    group: Mapped[AlumniGroup] = relationship()


class JoinApprover(Base):
    """An operator of the group who decides its join requests, and the
    weekdays (0 = Monday, Japan time) their digest mail goes out."""

    __tablename__ = "group_join_approver"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    digest_weekdays: Mapped[list] = mapped_column(JSON, default=list)

    user: Mapped[User] = relationship()


class JoinRequest(Base):
    """An alumnus/alumna asking to join a member group, with the answers to
    its questions. The birth date is kept apart and erased on decision."""

    __tablename__ = "join_request"
    __table_args__ = (
        # One open request per person and group (duplicates answer 409).
        Index(
            "uq_join_request_pending",
            "group_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_join_request_group_status", "group_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[JoinRequestStatus] = mapped_column(
        enum_column(JoinRequestStatus, "join_request_status"), default=JoinRequestStatus.pending
    )
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    birth_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decision_message: Mapped[str] = mapped_column(Text, default="")

    group: Mapped[AlumniGroup] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class JoinDigestLog(Base):
    """One approvers' digest sent to one person on one day (idempotent)."""

    __tablename__ = "join_digest_log"
    __table_args__ = (UniqueConstraint("user_id", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    sent_on: Mapped[date]
    request_count: Mapped[int] = mapped_column(default=0)

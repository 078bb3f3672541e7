"""Operator applications, screened against the five entry criteria; the
company endorsement of a group; coordinators' screening settings."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from federation.models import limits
from federation.models.base import Base, TimestampMixin, name_in, utcnow
from federation.models.group import AlumniGroup, GovernanceType
from federation.models.user import User, enum_column


class ApplicationStatus(str, enum.Enum):
    pending = "pending"  # waiting for a coordinator
    info_requested = "info_requested"  # the applicant edits and resubmits
    approved = "approved"
    rejected = "rejected"


class Verdict(str, enum.Enum):
    passed = "pass"
    failed = "fail"
    review = "review"


class MembershipScope(str, enum.Enum):
    company = "company"  # alumni of the company
    group_companies = "group_companies"  # of the company and its group companies
    government = "government"  # of a government body
    school = "school"  # graduates of a school or training programme


class Audience(str, enum.Enum):
    working = "working"  # people active in business
    mixed = "mixed"
    retirees = "retirees"


class Purpose(str, enum.Enum):
    co_creation = "co_creation"  # co-creating value
    mixed = "mixed"
    reminiscing = "reminiscing"


class Involvement(str, enum.Enum):
    weekly = "weekly"
    monthly = "monthly"
    few_times_a_year = "few_times_a_year"
    single_event = "single_event"


class EventKind(str, enum.Enum):
    submitted = "submitted"
    resubmitted = "resubmitted"
    override = "override"
    approved = "approved"
    rejected = "rejected"
    info_requested = "info_requested"
    endorsed = "endorsed"


CRITERIA = ("track_record", "officialness", "alumni_membership", "active_professionals", "operating_member")


class OperatorApplication(TimestampMixin, Base):
    """One person's application to join the federation as an operator of a
    group: the evidence for each criterion and the assessment of it."""

    __tablename__ = "operator_application"
    __table_args__ = (Index("ix_operator_application_status_submitted", "status", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # A second operator of a member group picks it; otherwise the group is new.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("alumni_group.id", ondelete="SET NULL"))
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, "application_status"), default=ApplicationStatus.pending
    )
    submitted_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    # The group (new) --------------------------------------------------------
    name_ja: Mapped[str] = mapped_column(String(limits.GROUP_NAME), default="")
    name_en: Mapped[str] = mapped_column(String(limits.GROUP_NAME), default="")
    name_kana: Mapped[str] = mapped_column(String(limits.GROUP_NAME_KANA), default="")
    company_name: Mapped[str] = mapped_column(String(limits.COMPANY_NAME), default="")
    founded_on: Mapped[date | None]
    platforms: Mapped[str] = mapped_column(Text, default="")
    # 1. track record
    registered_members: Mapped[int] = mapped_column(default=0)
    members_counted_on: Mapped[date | None]
    events_last_12_months: Mapped[int] = mapped_column(default=0)
    event_examples: Mapped[list] = mapped_column(JSON, default=list)
    # 2. officialness
    governance_type: Mapped[GovernanceType | None] = mapped_column(
        enum_column(GovernanceType, "governance_type")
    )
    liaison_department: Mapped[str] = mapped_column(String(limits.APPLICATION_LIAISON_DEPARTMENT), default="")
    liaison_email: Mapped[str] = mapped_column(String(limits.EMAIL), default="")
    # 3. membership
    membership_scope: Mapped[MembershipScope | None] = mapped_column(
        enum_column(MembershipScope, "membership_scope")
    )
    admits_outsiders: Mapped[bool] = mapped_column(default=False)
    # 4. audience and purpose
    audience: Mapped[Audience | None] = mapped_column(enum_column(Audience, "audience"))
    purpose: Mapped[Purpose | None] = mapped_column(enum_column(Purpose, "purpose"))
    # 5. the applicant's role
    operating_since: Mapped[date]
    involvement: Mapped[Involvement] = mapped_column(enum_column(Involvement, "involvement"))
    role_description: Mapped[str] = mapped_column(Text, default="")

    # The assessment: [{"key", "verdict", "code", "params"}] in CRITERIA order;
    # reasons are rendered in the viewer's language at display time.
    assessment: Mapped[list] = mapped_column(JSON, default=list)

    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    group: Mapped[AlumniGroup | None] = relationship()
    overrides: Mapped[list[CriterionOverride]] = relationship(
        back_populates="application", cascade="all, delete-orphan", passive_deletes=True
    )
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ApplicationEvent.id",
    )
    endorsements: Mapped[list[GroupEndorsement]] = relationship(
        back_populates="application", order_by="GroupEndorsement.id"
    )

    @property
    def group_name_ja(self) -> str:
        return self.group.name_ja if self.group else self.name_ja

    def group_name_for(self, locale: str) -> str:
        if self.group is not None:
            return self.group.name_for(locale)
        return name_in(locale, self.name_ja, self.name_en)


class CriterionOverride(Base):
    """A coordinator's verdict on one criterion, replacing the automatic one."""

    __tablename__ = "criterion_override"
    __table_args__ = (UniqueConstraint("application_id", "criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("operator_application.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(limits.CRITERION))
    verdict: Mapped[Verdict] = mapped_column(enum_column(Verdict, "verdict"))
    note: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    application: Mapped[OperatorApplication] = relationship(back_populates="overrides")
    actor: Mapped[User | None] = relationship()


class ApplicationEvent(Base):
    """The history of an application; decisions and overrides with their notes
    are also the precedent log."""

    __tablename__ = "application_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("operator_application.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, "application_event_kind"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    criterion: Mapped[str | None] = mapped_column(String(limits.CRITERION))
    verdict: Mapped[Verdict | None] = mapped_column(enum_column(Verdict, "verdict"))
    message: Mapped[str] = mapped_column(Text, default="")  # to the applicant
    note: Mapped[str] = mapped_column(Text, default="")  # coordinators' reasoning
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    application: Mapped[OperatorApplication] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class GroupEndorsement(Base):
    """A company liaison's confirmation that the company recognises the group.
    The link mailed to the liaison is stored hashed, expires and works once."""

    __tablename__ = "group_endorsement"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("operator_application.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("alumni_group.id", ondelete="SET NULL"), index=True
    )
    liaison_email: Mapped[str] = mapped_column(String(limits.EMAIL))
    token_hash: Mapped[str] = mapped_column(String(limits.TOKEN_HASH), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    # The liaison may also say the company does not recognise the group.
    declined_at: Mapped[datetime | None]
    confirmer_name: Mapped[str] = mapped_column(String(limits.CONFIRMER_NAME), default="")

    application: Mapped[OperatorApplication] = relationship(back_populates="endorsements")
    group: Mapped[AlumniGroup | None] = relationship()


class ScreeningSetting(Base):
    """A threshold coordinators change in the UI (minimum members, ...)."""

    __tablename__ = "screening_setting"

    key: Mapped[str] = mapped_column(String(limits.KEY), primary_key=True)
    value: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class SettingChange(Base):
    """Every change of a screening setting: who, when, from what to what."""

    __tablename__ = "setting_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(limits.KEY), index=True)
    old_value: Mapped[int | None]
    new_value: Mapped[int]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    actor: Mapped[User | None] = relationship()

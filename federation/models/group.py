"""Alumni groups of the federation's registry: the survey profile, its
operators and the dated history of registered members."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from federation.models import limits
from federation.models.base import Base, BilingualName, TimestampMixin
from federation.models.user import User, enum_column
from federation.text import group_sort_key, search_key


class GovernanceType(str, enum.Enum):
    company_hosted = "company_hosted"  # 会社主催型
    delegated = "delegated"  # 運営委任型
    company_backed = "company_backed"  # 会社後援型
    independent = "independent"  # 野良型


class RevenueModel(str, enum.Enum):
    company_paid = "company_paid"  # 会社負担
    fixed_income = "fixed_income"  # 自主財源（年会費などの固定収入）
    per_activity = "per_activity"  # 自主財源（活動ごと、固定収入なし）


class NeedPair(str, enum.Enum):
    """The members' needs a group serves [参加者ニーズ]."""

    sales_procurement = "sales_procurement"  # 販売↔調達
    learning_speaking = "learning_speaking"  # 学び↔登壇
    investment_fundraising = "investment_fundraising"  # 出資↔投資
    job_hiring = "job_hiring"  # 転職↔採用
    entrepreneur_cofounder = "entrepreneur_cofounder"  # 起業家↔共同創業
    startup_supporter = "startup_supporter"  # スタートアップ↔支援者
    pr = "pr"  # PR
    networking = "networking"  # 交流


class Platform(str, enum.Enum):
    facebook = "facebook"
    slack = "slack"
    website = "website"
    note = "note"
    youtube = "youtube"
    zoom = "zoom"
    peatix = "peatix"
    google_drive = "google_drive"
    other = "other"


class CompanyHope(str, enum.Enum):
    """What the company hopes the alumni group brings."""

    rehiring = "rehiring"  # 再雇用・リファラル採用
    role_models = "role_models"  # シニアのロールモデル
    co_creation = "co_creation"  # 共創
    investment = "investment"  # 出資
    business_deals = "business_deals"  # 取引
    pr_brand = "pr_brand"  # PR・ブランド
    information = "information"  # 情報収集


class AlumniGroup(BilingualName, TimestampMixin, Base):
    __tablename__ = "alumni_group"
    __table_args__ = (
        CheckConstraint("maturity_level BETWEEN 1 AND 5", name="maturity_level_range"),
        Index("ix_alumni_group_sort_key_id", "sort_key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(limits.GROUP_SLUG), unique=True)
    name_ja: Mapped[str] = mapped_column(String(limits.GROUP_NAME))
    name_en: Mapped[str] = mapped_column(String(limits.GROUP_NAME), default="")
    name_kana: Mapped[str] = mapped_column(String(limits.GROUP_NAME_KANA), default="")
    # Derived on every flush (federation.text): あいうえお order and the
    # folded text the registry search compares with.
    sort_key: Mapped[str] = mapped_column(String(limits.SORT_KEY), default="", server_default="")
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    company_name: Mapped[str] = mapped_column(String(limits.COMPANY_NAME))
    founded_on: Mapped[date | None]
    governance_type: Mapped[GovernanceType] = mapped_column(enum_column(GovernanceType, "governance_type"))
    maturity_level: Mapped[int] = mapped_column(default=1)
    # The latest count; the dated history is in GroupMemberCount.
    registered_members: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(default=False)
    # The survey profile.
    founder_name: Mapped[str] = mapped_column(String(limits.PERSON_FULL_NAME), default="", server_default="")
    representative_name: Mapped[str] = mapped_column(
        String(limits.PERSON_FULL_NAME), default="", server_default=""
    )
    eligibility_rule: Mapped[str] = mapped_column(Text, default="", server_default="")
    revenue_model: Mapped[RevenueModel | None] = mapped_column(enum_column(RevenueModel, "revenue_model"))
    liaison_department: Mapped[str] = mapped_column(
        String(limits.GROUP_LIAISON_DEPARTMENT), default="", server_default=""
    )
    company_endorsement: Mapped[str] = mapped_column(Text, default="", server_default="")
    retiree_club: Mapped[str] = mapped_column(String(limits.RETIREE_CLUB), default="", server_default="")
    # Lists of enum values (Platform, NeedPair, CompanyHope). Need pairs are
    # also kept in GroupNeed so that the registry can filter on them.
    platforms: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    company_hopes: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    operators: Mapped[list[GroupOperator]] = relationship(
        back_populates="group", cascade="all, delete-orphan", passive_deletes=True
    )
    needs: Mapped[list[GroupNeed]] = relationship(
        back_populates="group",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="GroupNeed.need",
    )
    member_counts: Mapped[list[GroupMemberCount]] = relationship(
        back_populates="group",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="GroupMemberCount.counted_on",
    )

    # Read with the operators (services/groups/operators.group_operators), so
    # that the join-approver rule asks no query of its own; None when not read.
    loaded_named_approver_ids = None  # a frozenset of user ids

    @property
    def need_pairs(self) -> list[NeedPair]:
        return [n.need for n in self.needs]


GROUP_SEARCHED_FIELDS = ("name_ja", "name_en", "name_kana", "company_name", "description")


def group_search_text(values) -> str:
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    return "\n".join(search_key(get(name) or "") for name in GROUP_SEARCHED_FIELDS)


@event.listens_for(AlumniGroup, "before_insert")
@event.listens_for(AlumniGroup, "before_update")
def _keep_derived_keys(_mapper, _connection, group: AlumniGroup) -> None:
    group.sort_key = group_sort_key(group)
    group.search_text = group_search_text(group)


class GroupOperator(Base):
    """A person who runs a group. One person may run several groups."""

    __tablename__ = "group_operator"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    group: Mapped[AlumniGroup] = relationship(back_populates="operators")
    user: Mapped[User] = relationship()


class GroupNeed(Base):
    """One need pair a group serves."""

    __tablename__ = "group_need"

    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"), primary_key=True)
    need: Mapped[NeedPair] = mapped_column(enum_column(NeedPair, "need_pair"), primary_key=True, index=True)

    group: Mapped[AlumniGroup] = relationship(back_populates="needs")


class GroupMemberCount(Base):
    """Registered members on a date, so that growth can be charted."""

    __tablename__ = "group_member_count"
    __table_args__ = (
        UniqueConstraint("group_id", "counted_on"),
        CheckConstraint("members >= 0", name="members_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"))
    counted_on: Mapped[date]
    members: Mapped[int]

    group: Mapped[AlumniGroup] = relationship(back_populates="member_counts")

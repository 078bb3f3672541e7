"""The knowledge hub [実践知]: articles with versions and attached templates,
the textbook [教科書], consultations [壁打ち] with replies and 1:1 sessions,
helpers' topics, the practice community [実践コミュニティ] and the search
documents of articles and consultations."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from federation.models import limits
from federation.models.base import Base, TimestampMixin
from federation.models.group import AlumniGroup, GovernanceType
from federation.models.user import User, enum_column


class KnowledgeCategory(str, enum.Enum):
    """The founding statement's five areas of practical knowledge."""

    mindset = "mindset"  # 思考
    governance = "governance"  # 運営
    operations = "operations"  # オペレーション
    activation = "activation"  # 集客や活性化
    promotion = "promotion"  # プロモーション


class ArticleVisibility(str, enum.Enum):
    members = "members"  # members of the federation
    practice = "practice"  # also the practice community
    public = "public"  # anyone


class ConsultationSpace(str, enum.Enum):
    federation = "federation"  # federation operators only
    practice = "practice"  # the practice community's beginners' space


class ConsultationStatus(str, enum.Enum):
    open = "open"
    solved = "solved"


class SessionStatus(str, enum.Enum):
    proposed = "proposed"
    accepted = "accepted"
    cancelled = "cancelled"


class Article(TimestampMixin, Base):
    """The current state of a knowledge article; every edit is also an ArticleVersion."""

    __tablename__ = "knowledge_article"
    __table_args__ = (Index("ix_knowledge_article_updated", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title_ja: Mapped[str] = mapped_column(String(limits.TITLE), default="")
    title_en: Mapped[str] = mapped_column(String(limits.TITLE), default="")
    body_ja: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[KnowledgeCategory] = mapped_column(enum_column(KnowledgeCategory, "knowledge_category"))
    topic: Mapped[str] = mapped_column(String(limits.TOPIC), default="")
    governance_types: Mapped[list] = mapped_column(JSON, default=list)
    maturity_levels: Mapped[list] = mapped_column(JSON, default=list)
    visibility: Mapped[ArticleVisibility] = mapped_column(
        enum_column(ArticleVisibility, "article_visibility"), default=ArticleVisibility.members
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    author: Mapped[User | None] = relationship()
    attachments: Mapped[list[ArticleAttachment]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ArticleAttachment.id",
    )

    def title_for(self, locale: str) -> str:
        if locale == "en" and self.title_en:
            return self.title_en
        return self.title_ja or self.title_en

    def body_for(self, locale: str) -> str:
        if locale == "en" and self.body_en:
            return self.body_en
        return self.body_ja or self.body_en


class ArticleVersion(Base):
    """One saved state of an article: who saved it and when."""

    __tablename__ = "knowledge_article_version"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_article.id", ondelete="CASCADE"))
    number: Mapped[int]
    title_ja: Mapped[str] = mapped_column(String(limits.TITLE), default="")
    title_en: Mapped[str] = mapped_column(String(limits.TITLE), default="")
    body_ja: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[KnowledgeCategory] = mapped_column(enum_column(KnowledgeCategory, "knowledge_category"))
    topic: Mapped[str] = mapped_column(String(limits.TOPIC), default="")
    governance_types: Mapped[list] = mapped_column(JSON, default=list)
    maturity_levels: Mapped[list] = mapped_column(JSON, default=list)
    visibility: Mapped[ArticleVisibility] = mapped_column(
        enum_column(ArticleVisibility, "article_visibility")
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(limits.VERSION_NOTE), default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    author: Mapped[User | None] = relationship()


class ArticleAttachment(Base):
    """A template attached to an article, stored under UPLOAD_DIR with a random name."""

    __tablename__ = "knowledge_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_article.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    article: Mapped[Article] = relationship(back_populates="attachments")


class TextbookChapter(Base):
    """A chapter of the textbook, in coordinators' order."""

    __tablename__ = "textbook_chapter"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    title_ja: Mapped[str] = mapped_column(String(limits.TITLE))
    title_en: Mapped[str] = mapped_column(String(limits.TITLE), default="")
    entries: Mapped[list[TextbookEntry]] = relationship(
        back_populates="chapter",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(TextbookEntry.position, TextbookEntry.id)",
    )

    def title_for(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_ja


class TextbookEntry(Base):
    __tablename__ = "textbook_entry"
    __table_args__ = (UniqueConstraint("chapter_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("textbook_chapter.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_article.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    chapter: Mapped[TextbookChapter] = relationship(back_populates="entries")
    article: Mapped[Article] = relationship()


class PracticeMembership(TimestampMixin, Base):
    """A person in the practice community: a beginners' group that does not
    meet entry criterion 1 yet. Separate from membership of the federation."""

    __tablename__ = "practice_membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("operator_application.id", ondelete="SET NULL")
    )
    group_name: Mapped[str] = mapped_column(String(limits.GROUP_NAME), default="")
    company_name: Mapped[str] = mapped_column(String(limits.COMPANY_NAME), default="")
    governance_type: Mapped[GovernanceType | None] = mapped_column(
        enum_column(GovernanceType, "governance_type")
    )
    registered_members: Mapped[int] = mapped_column(default=0)
    events_last_12_months: Mapped[int] = mapped_column(default=0)
    left_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class Consultation(TimestampMixin, Base):
    """A problem an operator (or a practice member) brings [壁打ち]. `context`
    is copied from the asker's group when posted: governance type, maturity
    level, size."""

    __tablename__ = "consultation"
    __table_args__ = (Index("ix_consultation_created", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asker_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("alumni_group.id", ondelete="SET NULL"))
    space: Mapped[ConsultationSpace] = mapped_column(
        enum_column(ConsultationSpace, "consultation_space"), default=ConsultationSpace.federation
    )
    category: Mapped[KnowledgeCategory] = mapped_column(enum_column(KnowledgeCategory, "knowledge_category"))
    title: Mapped[str] = mapped_column(String(limits.TITLE))
    body: Mapped[str] = mapped_column(Text, default="")
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[ConsultationStatus] = mapped_column(
        enum_column(ConsultationStatus, "consultation_status"), default=ConsultationStatus.open
    )
    solved_at: Mapped[datetime | None]
    article_id: Mapped[int | None] = mapped_column(ForeignKey("knowledge_article.id", ondelete="SET NULL"))

    asker: Mapped[User | None] = relationship()
    group: Mapped[AlumniGroup | None] = relationship()
    replies: Mapped[list[ConsultationReply]] = relationship(
        back_populates="consultation",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ConsultationReply.id",
    )


class ConsultationReply(Base):
    __tablename__ = "consultation_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    helpful: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    consultation: Mapped[Consultation] = relationship(back_populates="replies")
    author: Mapped[User | None] = relationship()


class KnowledgeHelper(Base):
    """The topics an operator can help with, and their daily digest of new
    consultations on those topics."""

    __tablename__ = "knowledge_helper"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    digest_enabled: Mapped[bool] = mapped_column(default=True)
    # The Tokyo day of the last digest (idempotence) and what it covered up to.
    digest_day: Mapped[str | None] = mapped_column(String(10))
    digest_until: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ConsultationSession(Base):
    """A 1:1 session: the asker proposes up to three times, the helper accepts one."""

    __tablename__ = "consultation_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    asker_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    helper_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    proposed_times: Mapped[list] = mapped_column(JSON, default=list)  # ISO 8601, UTC
    starts_at: Mapped[datetime | None]
    minutes: Mapped[int] = mapped_column(default=60)
    status: Mapped[SessionStatus] = mapped_column(
        enum_column(SessionStatus, "consultation_session_status"), default=SessionStatus.proposed
    )
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    consultation: Mapped[Consultation] = relationship()
    asker: Mapped[User] = relationship(foreign_keys=[asker_id])
    helper: Mapped[User] = relationship(foreign_keys=[helper_id])


class KnowledgeDocument(Base):
    """What the knowledge search finds: an article or a consultation, with
    its audience (who may see it) and dates for the recency sort."""

    __tablename__ = "knowledge_document"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id"),
        Index("ix_knowledge_document_updated", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # article | consultation
    ref_id: Mapped[int]
    audience: Mapped[str] = mapped_column(String(limits.SEARCH_AUDIENCE))
    updated_at: Mapped[datetime]


class KnowledgeToken(Base):
    """One token of a knowledge document (see federation.search); `audience`
    repeats the document's so the planner checks visibility on the index;
    `weight` is 3 for title tokens, 1 otherwise (the relevance sort, which
    then reads the index alone)."""

    __tablename__ = "knowledge_token"
    __table_args__ = (Index("ix_knowledge_token_token_weight", "token", "audience", "document_id", "weight"),)

    document_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_document.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(String(limits.SEARCH_TOKEN), primary_key=True)
    audience: Mapped[str] = mapped_column(String(limits.SEARCH_AUDIENCE))
    weight: Mapped[int] = mapped_column(default=1)

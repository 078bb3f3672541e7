"""People, their login sessions, API tokens and one-time mail tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, event, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from federation.models import limits
from federation.models.base import Base, TimestampMixin
from federation.text import person_sort_key


class Role(str, enum.Enum):
    """Federation-wide role. Being an operator *of a group* is a separate
    membership (GroupOperator); `operator` here says the person runs a group."""

    member = "member"
    operator = "operator"
    coordinator = "coordinator"
    admin = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


def enum_column(enum_cls, name: str):
    # Stored as plain strings with a CHECK, so adding a value is a small migration.
    return Enum(
        enum_cls, name=name, native_enum=False, create_constraint=True, validate_strings=True, length=32
    )


class User(TimestampMixin, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(limits.EMAIL), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    family_name: Mapped[str] = mapped_column(String(limits.PERSON_NAME))
    given_name: Mapped[str] = mapped_column(String(limits.PERSON_NAME))
    family_name_kana: Mapped[str] = mapped_column(String(limits.PERSON_NAME), default="")
    given_name_kana: Mapped[str] = mapped_column(String(limits.PERSON_NAME), default="")
    # あいうえお order: federation.text.person_sort_key, kept on every flush.
    sort_key: Mapped[str] = mapped_column(String(limits.SORT_KEY), default="", index=True)
    # How the name is written: Japanese family first, Western given first.
    name_order: Mapped[str] = mapped_column(String(16), default="family_first", server_default="family_first")
    locale: Mapped[str] = mapped_column(String(limits.LOCALE), default="ja")
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), default=Role.member)
    email_verified_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]
    # Written after approval as an operator; shown on the group's page.
    self_introduction: Mapped[str | None] = mapped_column(Text)

    login_sessions: Mapped[list[LoginSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    api_tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ApiToken.created_at.desc()",
    )

    # Flask-Login: the identifier kept in the cookie is the login session's
    # random key, not the user id, so ending that session ends the cookie.
    current_session_key = None
    current_session_id = None
    # Read together with the login session (services/accounts/sessions.py), so
    # that a page asks no query of its own for them; None when not read.
    loaded_unread = None  # unread notifications
    loaded_group_ids = None  # the alumni groups (a tuple of ids)
    loaded_in_practice = None  # in the practice community (a bool)

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.current_session_key

    @property
    def display_name(self) -> str:
        return ordered_name(self.family_name, self.given_name, self.name_order)

    @property
    def display_name_kana(self) -> str:
        return ordered_name(self.family_name_kana, self.given_name_kana, self.name_order)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def has_role(self, role: Role) -> bool:
        return self.role.rank >= role.rank

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


NAME_ORDERS = ("family_first", "given_first")


def ordered_name(family: str, given: str, order: str | None) -> str:
    """山田 花子 (family first) or John Smith (given first)."""
    parts = (given, family) if order == "given_first" else (family, given)
    return " ".join(p for p in parts if p)


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _keep_sort_key(_mapper, _connection, user: User) -> None:
    user.sort_key = person_sort_key(user)


class LoginSession(Base):
    """One signed-in browser. Deleting the row signs that browser out for good."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(limits.TOKEN_HASH), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime | None]
    user_agent: Mapped[str] = mapped_column(String(255), default="")

    user: Mapped[User] = relationship(back_populates="login_sessions")


class ApiToken(Base):
    """A personal API token. Only its SHA-256 is stored; the prefix helps people
    recognise a token in the list without revealing it."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(limits.TOKEN_NAME))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(limits.TOKEN_HASH), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="api_tokens")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class TokenPurpose(str, enum.Enum):
    verify_email = "verify_email"
    reset_password = "reset_password"


class OneTimeToken(Base):
    """A token sent by mail (email verification, password reset): stored hashed,
    expires, and works once."""

    __tablename__ = "one_time_token"
    __table_args__ = (Index("ix_one_time_token_user_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(limits.TOKEN_HASH), unique=True)
    # For email verification: the address being verified (new address on change).
    email: Mapped[str | None] = mapped_column(String(limits.EMAIL))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

"""Declarative base: naming convention, UTC timestamps, shared column types."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, MetaData, TypeDecorator, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Stored in UTC; shown, typed and scheduled in Japan time: the one Tokyo zone.
TOKYO_TZID = "Asia/Tokyo"
TOKYO = ZoneInfo(TOKYO_TZID)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes stored in UTC on every database.

    SQLite has no time zones; values come back naive and are marked UTC here,
    so Python code only ever sees aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def name_in(locale: str, name_ja: str, name_en: str | None) -> str:
    """The English name for English readers when there is one, else the
    Japanese name: how every two-language name in the federation reads."""
    return name_en if locale == "en" and name_en else name_ja


class BilingualName:
    """name_for(locale) of anything with name_ja and name_en (models, and
    the plain rows lists read)."""

    if TYPE_CHECKING:  # declared by each class (a mapped column or a field)
        name_ja: str
        name_en: str

    def name_for(self, locale: str) -> str:
        return name_in(locale, self.name_ja, self.name_en)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, server_default=func.now())


class SeatMixin:
    """The columns of a seat with a waitlist, the rows services/seats.py
    takes, releases and promotes (event RSVPs, conference attendees and
    limited-session sign-ups): waitlist order and when it was given up."""

    queued_at: Mapped[datetime]  # waitlist order
    cancelled_at: Mapped[datetime | None]


class CheckInMixin:
    """A seat whose holder is checked in at the door (services/seats.py
    check_in): event RSVPs and conference attendees, declared after
    SeatMixin (`class Row(SeatMixin, CheckInMixin, Base)`) so the columns
    keep the tables' order."""

    checked_in_at: Mapped[datetime | None]

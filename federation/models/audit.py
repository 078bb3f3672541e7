"""Records of who read whose personal data (the APPI leak report needs them)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from federation.models.base import Base, utcnow
from federation.models.user import enum_column


class ReadKind(str, enum.Enum):
    directory_profile = "directory_profile"
    attendee_list = "attendee_list"
    application = "application"


class PersonalDataRead(Base):
    """One person's record seen by one account at one time. Reader and
    subject are plain user ids with foreign keys: accounts are anonymised,
    never deleted, so the trail survives a removal."""

    __tablename__ = "personal_data_read"
    __table_args__ = (Index("ix_personal_data_read_reader_time", "reader_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reader_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[ReadKind] = mapped_column(enum_column(ReadKind, "read_kind"))
    # The page's object: profile, event or application id.
    object_id: Mapped[int]
    read_at: Mapped[datetime] = mapped_column(default=utcnow)

"""The in-app inbox: one row per message a person should get, whether or not
it is also mailed, and each person's choice per kind of message."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from federation.models import limits
from federation.models.base import Base
from federation.models.user import enum_column


class Delivery(str, enum.Enum):
    immediately = "immediately"  # a mail per notification
    daily = "daily"  # one digest mail a day
    off = "off"  # inbox only


class MailState(str, enum.Enum):
    none = "none"  # not mailed (preference off, or no address)
    queued = "queued"  # its own mail is in the outbox
    digest = "digest"  # waits for the next daily digest
    digested = "digested"  # went out in a digest


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (
        # The inbox page and the unread count in the navigation.
        Index("ix_notification_user_read", "user_id", "read_at", "id"),
        Index("ix_notification_mail_state", "mail_state", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(limits.NOTIFICATION_KIND))
    # Rendered once, in the recipient's language, from the kind's mail
    # template: the inbox says exactly what the mail says.
    subject: Mapped[str] = mapped_column(String(limits.MAIL_SUBJECT))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(limits.URL), default="")
    mail_state: Mapped[MailState] = mapped_column(
        enum_column(MailState, "notification_mail_state"), default=MailState.none
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    read_at: Mapped[datetime | None]

    @classmethod
    def unread_counted(cls, user_id, correlate=None):
        """A select of how many unread notifications `user_id` (a value, or a
        column of `correlate`, the enclosing statement's table) has, counted
        up to limits.UNREAD_COUNTED + 1: whatever the inbox holds, a bounded
        range of ix_notification_user_read (the badge says "99+" beyond)."""
        unread = (
            select(cls.id)
            .where(cls.user_id == user_id, cls.read_at.is_(None))
            .limit(limits.UNREAD_COUNTED + 1)
        )
        if correlate is not None:
            unread = unread.correlate(correlate)
        return select(func.count()).select_from(unread.subquery())


class NotificationPreference(Base):
    """A person's choice for one kind; no row means the kind's default."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(limits.NOTIFICATION_KIND), primary_key=True)
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery, "notification_delivery"))


class OutboxAttachment(Base):
    """A file sent with an outbox mail (e.g. the .ics of a registration)."""

    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    mail_id: Mapped[int] = mapped_column(ForeignKey("outbox_mail.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)

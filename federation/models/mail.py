"""The mail outbox: every mail is a row written in the same transaction as the
action that causes it, and delivered afterwards."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from federation.models import limits
from federation.models.base import Base
from federation.models.user import enum_column


class MailStatus(str, enum.Enum):
    pending = "pending"  # waiting for (re)delivery
    sending = "sending"  # claimed by a deliverer
    sent = "sent"
    failed = "failed"  # gave up after MAIL_MAX_ATTEMPTS; an admin may retry


class OutboxMail(Base):
    __tablename__ = "outbox_mail"
    __table_args__ = (Index("ix_outbox_mail_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable Message-ID: a retry after a crash mid-send carries the same one,
    # so receiving servers can drop the duplicate.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    # One row per (kind, object, recipient): "<template>:<key>:<recipient>". A
    # retried or duplicated job that queues the same mail again finds the row
    # and adds nothing, so the recipient gets it once.
    dedup_key: Mapped[str] = mapped_column(String(400), unique=True)
    template: Mapped[str] = mapped_column(String(80))
    locale: Mapped[str] = mapped_column(String(limits.LOCALE))
    recipient: Mapped[str] = mapped_column(String(limits.EMAIL), index=True)
    subject: Mapped[str] = mapped_column(String(limits.MAIL_SUBJECT))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[MailStatus] = mapped_column(
        enum_column(MailStatus, "mail_status"), default=MailStatus.pending
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now())
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

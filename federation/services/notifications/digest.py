"""The daily digest: one mail per person listing what they chose to get once a day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from federation.extensions import db
from federation.models import (
    MailState,
    Notification,
    User,
    utcnow,
)
from federation.services.mail import queue_mail
from federation.services.notifications.sending import link_to

DIGEST_BATCH = 200  # people per digest batch


DIGEST_ITEMS = 50  # notifications listed in one digest mail


def send_daily_digests(now: datetime | None = None) -> int:
    """One mail per person listing the notifications they chose to get as a
    daily digest since the last run; returns the number of digests queued.
    Running it twice sends nothing twice. Batched: bounded memory and queries
    per batch whatever the number of people."""
    now = now or utcnow()
    sent, last_user = 0, 0
    while True:
        user_ids = list(
            db.session.scalars(
                select(Notification.user_id)
                .where(
                    Notification.mail_state == MailState.digest,
                    Notification.created_at <= now,
                    Notification.user_id > last_user,
                )
                .group_by(Notification.user_id)
                .order_by(Notification.user_id)
                .limit(DIGEST_BATCH)
            )
        )
        if not user_ids:
            return sent
        last_user = user_ids[-1]
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
        pending = db.session.scalars(
            select(Notification)
            .where(
                Notification.user_id.in_(user_ids),
                Notification.mail_state == MailState.digest,
                Notification.created_at <= now,
            )
            .order_by(Notification.user_id, Notification.id)
        ).all()
        by_user: dict[int, list[Notification]] = {}
        for row in pending:
            by_user.setdefault(row.user_id, []).append(row)
        inbox = link_to("notifications.inbox")
        for user_id, rows in by_user.items():
            user = users.get(user_id)
            if user is not None and user.is_active and user.email:
                queue_mail(
                    user.email,
                    "notification_digest",
                    user.locale,
                    user=user,
                    items=rows[:DIGEST_ITEMS],
                    more=max(len(rows) - DIGEST_ITEMS, 0),
                    link=inbox,
                )
                sent += 1
            for row in rows:
                row.mail_state = MailState.digested
        db.session.flush()

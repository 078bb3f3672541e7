"""A person's notifications in their data export, and their erasure."""

from __future__ import annotations

from sqlalchemy import select

from federation.extensions import db
from federation.models import (
    Notification,
    NotificationPreference,
    User,
)
from federation.services.notifications.preferences import preferences
from federation.services.privacy import eraser, exporter


@exporter("notifications")
def export_notifications(user: User) -> dict:
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return {
        "preferences": {k: v.value for k, v in preferences(user).items()},
        "inbox": [
            {
                "kind": r.kind,
                "subject": r.subject,
                "link": r.link,
                "created_at": r.created_at.isoformat(),
                "read_at": r.read_at.isoformat() if r.read_at else None,
            }
            for r in rows
        ],
    }


@eraser
def erase_notifications(user: User) -> None:
    from sqlalchemy import delete

    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id))

"""The in-app inbox: listing, counting and marking notifications read."""

from __future__ import annotations

from sqlalchemy import select, update

from federation import listcache
from federation.errors import NotFound
from federation.extensions import db
from federation.models import (
    Notification,
    User,
    utcnow,
)

# The inbox (the API's list) reads this table, and is cached by it.
INBOX_LIST = listcache.register("inbox", ("notification",))


def inbox_scope(user: User) -> tuple:
    """An inbox is its owner's alone."""
    return (user.id,)


def inbox_query(user: User, unread_only: bool = False):
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query.order_by(Notification.id.desc())


def unread_count(user: User | None) -> int:
    """Unread notifications, up to limits.UNREAD_COUNTED + 1 (shown as "99+")."""
    if user is None or not user.is_authenticated:
        return 0
    if user.loaded_unread is not None:  # read with the login session
        return user.loaded_unread
    return db.session.scalar(Notification.unread_counted(user.id)) or 0


def get_notification(user: User, notification_id: int) -> Notification:
    """One's own notification, or NotFound (never someone else's)."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound()
    return row


def mark_read(user: User, notification_id: int) -> Notification:
    row = get_notification(user, notification_id)
    if row.read_at is None:
        row.read_at = utcnow()
        user.loaded_unread = None
        db.session.flush()
    return row


def mark_all_read(user: User) -> int:
    count = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    user.loaded_unread = None
    db.session.expire_all()
    return count

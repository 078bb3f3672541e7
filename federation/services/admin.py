"""What admins see: people and the mail outbox."""

from __future__ import annotations

from sqlalchemy import or_, select

from federation.errors import Forbidden
from federation.models import MailStatus, OutboxMail, User
from federation.permissions import is_admin


def require_admin(actor: User | None) -> None:
    if not is_admin(actor):
        raise Forbidden()


def users_query(q: str = ""):
    query = select(User).order_by(User.sort_key, User.id)
    q = (q or "").strip()
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        query = query.where(
            or_(
                User.email.ilike(like),
                User.family_name.like(like),
                User.given_name.like(like),
                User.family_name_kana.like(like),
                User.given_name_kana.like(like),
            )
        )
    return query


def outbox_query(status: str | None = None):
    query = select(OutboxMail).order_by(OutboxMail.id.desc())
    if status in MailStatus.__members__:
        query = query.where(OutboxMail.status == MailStatus(status))
    return query

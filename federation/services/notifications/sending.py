"""Sending one notification: to the inbox, and by mail as the person chose."""

from __future__ import annotations

from sqlalchemy import select

from federation.extensions import db
from federation.links import external_url
from federation.models import (
    Delivery,
    MailState,
    Notification,
    NotificationPreference,
    OutboxAttachment,
    Role,
    User,
    limits,
    utcnow,
)
from federation.services.mail import queue_mail, render_mail
from federation.services.notifications.kinds import Kind


def delivery_for(user: User, kind: Kind) -> Delivery:
    chosen = db.session.scalar(
        select(NotificationPreference.delivery).where(
            NotificationPreference.user_id == user.id, NotificationPreference.kind == kind.name
        )
    )
    return chosen or kind.default


def notify(
    user: User | None,
    kind: Kind,
    *,
    link: str = "",
    template: str | None = None,
    key: str | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
    **context,
) -> Notification | None:
    """Put one message in the person's inbox and mail it as they chose.

    `attachments` are (filename, content type, bytes); they go with an
    immediate mail only (a digest lists the message and links to it).
    `key` names the object the message is about, so that a repeated call
    (a retried task) mails nothing more (see `services.mail.queue_mail`).
    Returns None for nobody to tell (no user, or a deactivated account)."""
    if user is None or not user.is_active or user.id is None:
        return None
    template = template or kind.template
    delivery = delivery_for(user, kind)
    context = {"user": user, "link": link, **context}
    if delivery == Delivery.immediately and user.email:
        mail = queue_mail(user.email, template, user.locale, key=key, **context)
        subject, body, state = mail.subject, mail.body_text, MailState.queued
        for filename, content_type, data in attachments:
            db.session.add(
                OutboxAttachment(mail_id=mail.id, filename=filename, content_type=content_type, data=data)
            )
    else:
        subject, body, _html = render_mail(template, user.locale, **context)
        state = MailState.digest if delivery == Delivery.daily else MailState.none
    row = Notification(
        user_id=user.id,
        kind=kind.name,
        subject=subject[: limits.MAIL_SUBJECT],
        body=body,
        link=link[: limits.URL],
        mail_state=state,
        created_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def link_to(endpoint: str, **values) -> str:
    """An absolute link for a notification (links.external_url)."""
    return external_url(endpoint, **values)


def coordinators() -> list[User]:
    """The people who receive what is for "the coordinators"."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_([Role.coordinator, Role.admin]), User.deactivated_at.is_(None))
            .order_by(User.id)
        )
    )

"""Notifications: every message a person should get, in one place.

Each message lands in the person's in-app inbox and, by their preference for
its kind, is mailed at once through the outbox, gathered into a daily digest,
or not mailed at all. The inbox shows the same subject and text as the mail:
both are rendered once from the kind's mail template, in the recipient's
language.

Adding a kind of message (join requests, consultations, ...) takes two steps:

1. Declare it once, at import time of your service module::

       from federation.services.notifications import define_kind
       JOIN_REQUESTED = define_kind(
           "join_requested", _l("A join request for your group"),
           section=_l("Membership"), template="join_requested")

   and write `templates/email/join_requested.txt` (first line the subject).

2. Where it happens, inside the service's transaction::

       notifications.notify(operator, JOIN_REQUESTED, link=link_to(...), request=row)

   `notify` takes the recipient (a User), the kind, the link to the object,
   optional .ics or other attachments (immediate mails only) and the
   template's context; it never commits. A kind may send several templates
   (approve / reject): pass `template=` to override the kind's default.

Mails a person must get whatever they chose (verification, password reset,
mails to addresses without an account) do not go through here: they are
queued with `services.mail.queue_mail` directly.

The daily digest is `send_daily_digests()` (CLI: `flask notifications digest`),
meant to run once a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from federation.errors import Invalid, NotFound
from federation.extensions import db
from federation.models import (
    Delivery,
    MailState,
    Notification,
    NotificationPreference,
    OutboxAttachment,
    Role,
    User,
    utcnow,
)
from federation.services.mail import queue_mail, render_mail
from federation.services.privacy import eraser, exporter

DIGEST_BATCH = 200  # people per digest batch
DIGEST_ITEMS = 50  # notifications listed in one digest mail


@dataclass(frozen=True)
class Kind:
    name: str
    label: object
    section: object
    template: str
    default: Delivery = Delivery.immediately


KINDS: dict[str, Kind] = {}


def define_kind(
    name: str, label, *, section, template: str | None = None, default: Delivery = Delivery.immediately
) -> Kind:
    """Declare a kind of notification (idempotent, so re-imports are harmless)."""
    kind = Kind(name, label, section, template or name, default)
    KINDS[name] = kind
    return kind


_APPLICATIONS, _EVENTS = _l("Operator applications"), _l("Joint events")
_ASSETS, _CONFERENCE, _DIRECTORY = _l("Shared assets"), _l("Conference"), _l("Directory")

APPLICATION_SUBMITTED = define_kind(
    "application_submitted", _l("A new application to review (coordinators)"), section=_APPLICATIONS
)
APPLICATION_RESUBMITTED = define_kind(
    "application_resubmitted",
    _l("An application resubmitted with more information (coordinators)"),
    section=_APPLICATIONS,
)
APPLICATION_INFO_REQUESTED = define_kind(
    "application_info_requested",
    _l("More information is asked of my application"),
    section=_APPLICATIONS,
    template="application_request_info",
)
APPLICATION_DECIDED = define_kind(
    "application_decided",
    _l("My application is decided"),
    section=_APPLICATIONS,
    template="application_approve",
)

EVENT_PROPOSED = define_kind(
    "event_proposed", _l("An event is proposed for approval (coordinators)"), section=_EVENTS
)
EVENT_COHOST_INVITED = define_kind(
    "event_cohost_invited", _l("My group is invited to co-host an event"), section=_EVENTS
)
EVENT_PROPOSAL_DECIDED = define_kind(
    "event_proposal_decided",
    _l("My proposed event is approved or returned"),
    section=_EVENTS,
    template="event_approved",
)
EVENT_PUBLISHED = define_kind("event_published", _l("An event my group hosts is published"), section=_EVENTS)
EVENT_CHANGED = define_kind("event_changed", _l("An event I registered for changes"), section=_EVENTS)
EVENT_CANCELLED = define_kind(
    "event_cancelled", _l("An event I registered for is cancelled"), section=_EVENTS
)
EVENT_MESSAGE = define_kind(
    "event_message", _l("A message from the hosts of an event I registered for"), section=_EVENTS
)
EVENT_REGISTERED = define_kind(
    "event_registered", _l("My registration is confirmed or waitlisted"), section=_EVENTS
)
EVENT_PROMOTED = define_kind("event_promoted", _l("I moved up from the waitlist"), section=_EVENTS)
EVENT_REMINDER = define_kind("event_reminder", _l("Reminder the day before an event"), section=_EVENTS)

ASSET_REQUEST_NEW = define_kind("asset_request_new", _l("A request for my group's asset"), section=_ASSETS)
ASSET_REQUEST_ANSWERED = define_kind(
    "asset_request_answered",
    _l("My request for an asset is answered"),
    section=_ASSETS,
    template="asset_request_accepted",
)
ASSET_REQUEST_CANCELLED = define_kind(
    "asset_request_cancelled", _l("A request for my group's asset is cancelled"), section=_ASSETS
)

CONFERENCE_PROPOSAL_RECEIVED = define_kind(
    "conference_proposal_received", _l("My conference proposal is received"), section=_CONFERENCE
)
CONFERENCE_PROPOSAL_DECIDED = define_kind(
    "conference_proposal_decided",
    _l("My conference proposal is decided"),
    section=_CONFERENCE,
    template="conference_accepted",
)
CONFERENCE_PROMOTED = define_kind(
    "conference_promoted", _l("My conference seat came free from the waitlist"), section=_CONFERENCE
)
CONFERENCE_REVIEWER = define_kind(
    "conference_reviewer", _l("I am invited to review conference proposals"), section=_CONFERENCE
)

INTRODUCTION_REQUESTED = define_kind(
    "introduction_request", _l("Someone asks to be introduced to me"), section=_DIRECTORY
)
INTRODUCTION_ANSWERED = define_kind(
    "introduction_answered",
    _l("My introduction request is answered"),
    section=_DIRECTORY,
    template="introduction_accepted",
)
INTRODUCTION_OUTCOME = define_kind(
    "introduction_outcome", _l("What came of an introduction (asked once, 30 days later)"), section=_DIRECTORY
)

_MEMBERSHIP, _CONSULTATIONS = _l("Joining a member group"), _l("Consultations")
JOIN_REQUEST_DECIDED = define_kind(
    "join_request_decided",
    _l("My request to join a group is decided"),
    section=_MEMBERSHIP,
    template="join_request_approved",
)
CONSULTATION_REPLY = define_kind(
    "consultation_reply", _l("A reply to my consultation"), section=_CONSULTATIONS
)
CONSULTATION_SESSION = define_kind(
    "consultation_session",
    _l("A 1:1 session asked of me, accepted or cancelled"),
    section=_CONSULTATIONS,
    template="consultation_session_request",
)


# --- sending --------------------------------------------------------------------


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
        subject=subject[:255],
        body=body,
        link=link[:500],
        mail_state=state,
        created_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def link_to(endpoint: str, **values) -> str:
    """An absolute link for a notification, from the configured external URL
    (never from the request), with or without a request context."""
    from flask import current_app

    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["EXTERNAL_URL"].rstrip("/") + path


def coordinators() -> list[User]:
    """The people who receive what is for "the coordinators"."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_([Role.coordinator, Role.admin]), User.deactivated_at.is_(None))
            .order_by(User.id)
        )
    )


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


# --- the inbox ----------------------------------------------------------------------


def inbox_query(user: User, unread_only: bool = False):
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query.order_by(Notification.id.desc())


def unread_count(user: User | None) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


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
        db.session.flush()
    return row


def mark_all_read(user: User) -> int:
    count = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire_all()
    return count


# --- preferences -----------------------------------------------------------------------


def preferences(user: User) -> dict[str, Delivery]:
    """Every kind with the person's choice (or its default), in declared order."""
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.delivery).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {name: chosen.get(name, kind.default) for name, kind in KINDS.items()}


def set_preferences(user: User, values: dict[str, str]) -> dict[str, Delivery]:
    """Change any subset of the choices; unknown kinds or values are refused
    with every error at once."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Delivery] = {}
    for name, value in values.items():
        value = getattr(value, "value", value)
        if name not in KINDS:
            errors[name] = [str(_l("Unknown kind of notification."))]
        elif value not in Delivery.__members__:
            errors[name] = [str(_l("Choose from the list."))]
        else:
            clean[name] = Delivery(value)
    if errors:
        raise Invalid(fields=errors)
    existing = {
        p.kind: p
        for p in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for name, delivery in clean.items():
        if name in existing:
            existing[name].delivery = delivery
        else:
            db.session.add(NotificationPreference(user_id=user.id, kind=name, delivery=delivery))
    db.session.flush()
    return preferences(user)


# --- personal data -------------------------------------------------------------------------


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

"""Host tools around the attendees: who is registered and who may see whom,
check-in, the attendee CSV, mails to registrants, reminders and statistics."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from federation.csvfiles import csv_text
from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    AlumniGroup,
    EventRegistration,
    EventStatus,
    HostStatus,
    JointEvent,
    RegistrationStatus,
    User,
    utcnow,
)
from federation.models.base import TOKYO
from federation.permissions import (
    can_manage_event,
    can_manage_group,
)
from federation.services import notifications, seats
from federation.services.events.board import place_text
from federation.text import as_typed


def my_registration(actor: User | None, event: JointEvent) -> EventRegistration | None:
    if actor is None or not actor.is_authenticated:
        return None
    return db.session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id, EventRegistration.user_id == actor.id
        )
    )


def registrations_of(event: JointEvent) -> list[EventRegistration]:
    return list(
        db.session.scalars(
            select(EventRegistration)
            .where(
                EventRegistration.event_id == event.id,
                EventRegistration.status != RegistrationStatus.cancelled,
            )
            .options(selectinload(EventRegistration.user), selectinload(EventRegistration.group))
            .order_by(EventRegistration.status, EventRegistration.queued_at, EventRegistration.id)
        )
    )


def visible_attendees(viewer: User | None, event: JointEvent) -> list[EventRegistration]:
    """Hosts see everyone; a confirmed attendee sees those who agreed to be
    listed; others see nobody."""
    if can_manage_event(viewer, event):
        return registrations_of(event)
    mine = my_registration(viewer, event)
    if mine is None or mine.status != RegistrationStatus.confirmed:
        return []
    return sorted(
        (
            r
            for r in registrations_of(event)
            if r.listed and r.status == RegistrationStatus.confirmed and r.user is not None
        ),
        key=lambda r: (r.user.sort_key, r.id),
    )  # あいうえお order


def check_in(actor: User, event: JointEvent, registration_id: int, present: bool = True) -> EventRegistration:
    if not can_manage_event(actor, event):
        raise Forbidden()
    registration = db.session.get(EventRegistration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound()
    if event.status not in (EventStatus.published, EventStatus.completed):
        raise Conflict(_("This change is not allowed in the event's current state."))
    return seats.check_in(registration, present)


def _csv_headers() -> list[str]:
    return [
        _("Family name"),
        _("Given name"),
        _("Family name (kana)"),
        _("Given name (kana)"),
        _("Email"),
        _("Group"),
        _("Status"),
        _("Registered at"),
        _("Checked in at"),
    ]


def export_attendees_csv(actor: User, event: JointEvent, group: AlumniGroup) -> str:
    """The lead host's operators get every attendee; a co-host's operators
    their own group's attendees. Headers and statuses in the reader's
    language; UTF-8 with a BOM so that Excel (Japanese too) opens it as
    UTF-8; formula-safe cells."""
    from federation.labels import REGISTRATION_STATUS_LABELS

    if not can_manage_group(actor, group) or not any(
        h.group_id == group.id and h.status == HostStatus.confirmed for h in event.hosts
    ):
        raise Forbidden()
    everyone = group.id == event.lead_group_id
    from federation.i18n import current_locale

    locale = current_locale()
    # By status, then あいうえお order (the stored collation key).
    rows = (
        (
            r.user.family_name,
            r.user.given_name,
            r.user.family_name_kana,
            r.user.given_name_kana,
            r.user.email,
            r.group.name_for(locale) if r.group is not None else "",
            str(REGISTRATION_STATUS_LABELS[r.status]),
            r.queued_at.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M"),
            r.checked_in_at.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M") if r.checked_in_at else "",
        )
        for r in sorted(
            registrations_of(event), key=lambda r: (r.status.value, r.user.sort_key if r.user else "", r.id)
        )
        if r.user is not None and (everyone or r.group_id == group.id)
    )
    return csv_text(_csv_headers(), rows)


def mail_registrants(actor: User, event: JointEvent, subject: str, body: str) -> int:
    if not can_manage_event(actor, event):
        raise Forbidden()
    subject, body = as_typed(subject or ""), (body or "").strip()
    errors = {}
    if not subject or len(subject) > 150:
        errors["subject"] = [_("Use %(low)s to %(high)s characters.", low=1, high=150)]
    if not body or len(body) > 5000:
        errors["body"] = [_("Use %(low)s to %(high)s characters.", low=1, high=5000)]
    if errors:
        raise Invalid(fields=errors)
    return notify_registrants(event, notifications.EVENT_MESSAGE, subject=subject, body=body, sender=actor)


def notify_registrants(event: JointEvent, kind: notifications.Kind, **context) -> int:
    count = 0
    for registration in registrations_of(event):
        user = registration.user
        if user is None or not user.is_active:
            continue
        notifications.notify(
            user,
            kind,
            event=event,
            registration=registration,
            place=place_text(event),
            link=external_url("events.detail", event_id=event.id),
            **context,
        )
        count += 1
    return count


def send_reminders(now: datetime | None = None) -> int:
    """Mail confirmed attendees of events starting tomorrow (Japan time).
    Each registration is reminded once: running it twice sends nothing more."""
    now = now or utcnow()
    tomorrow = (now.astimezone(TOKYO) + timedelta(days=1)).date()
    start = datetime.combine(tomorrow, datetime.min.time(), TOKYO)
    due = db.session.scalars(
        select(EventRegistration)
        .join(EventRegistration.event)
        .where(
            JointEvent.status == EventStatus.published,
            JointEvent.starts_at >= start,
            JointEvent.starts_at < start + timedelta(days=1),
            EventRegistration.status == RegistrationStatus.confirmed,
            EventRegistration.reminded_at.is_(None),
        )
        .options(selectinload(EventRegistration.user), selectinload(EventRegistration.event))
        .with_for_update(of=EventRegistration)
    ).all()
    count = 0
    for registration in due:
        registration.reminded_at = now
        user = registration.user
        if user is None or not user.is_active:
            continue
        event = registration.event
        notifications.notify(
            user,
            notifications.EVENT_REMINDER,
            key=f"registration:{registration.id}",
            event=event,
            place=place_text(event),
            link=external_url("events.detail", event_id=event.id),
        )
        count += 1
    db.session.flush()
    return count


# Built once: an alias's column collection costs more to make than the query.
_EARLIER_REGISTRATION = EventRegistration.__table__.alias("earlier")
_EVENT = JointEvent.__table__


def event_stats(actor: User, event: JointEvent) -> dict:
    """Attendance, no-shows, first-time and repeat attendees of joint events,
    and how many groups the attendees came from: a fixed number of queries."""
    if not can_manage_event(actor, event):
        raise Forbidden()
    reg = EventRegistration
    confirmed = reg.status == RegistrationStatus.confirmed
    came = and_(confirmed, reg.checked_in_at.is_not(None))

    # Attendees of this event who had attended an earlier joint event: by
    # account, or by the opaque key an erased account left. Two EXISTS, each
    # on its own index (one OR across both columns scanned every registration
    # per attendee).
    def attended_earlier(column):
        other = _EARLIER_REGISTRATION
        return (
            select(other.c.id)
            .select_from(other.join(_EVENT, _EVENT.c.id == other.c.event_id))
            .where(
                other.c[column.key] == column,
                other.c.checked_in_at.is_not(None),
                _EVENT.c.starts_at < event.starts_at,
            )
            .exists()
        )

    earlier_exists = or_(
        and_(reg.user_id.is_not(None), attended_earlier(reg.user_id)),
        and_(reg.anonymous_key.is_not(None), attended_earlier(reg.anonymous_key)),
    )
    # Every figure in one pass over the event's registrations.
    registered, attended, groups, checked_in_groups, repeat, waitlisted = db.session.execute(
        select(
            func.count(case((confirmed, reg.id))),
            func.count(case((came, reg.id))),
            func.count(func.distinct(case((confirmed, reg.group_id)))),
            func.count(func.distinct(case((came, reg.group_id)))),
            func.count(case((and_(came, earlier_exists), reg.id))),
            func.count(case((reg.status == RegistrationStatus.waitlisted, reg.id))),
        ).where(reg.event_id == event.id)
    ).one()
    return {
        "registered": registered,
        "attended": attended,
        "no_shows": registered - attended if event.starts_at <= utcnow() else 0,
        "first_time": attended - repeat,
        "repeat": repeat,
        "groups": checked_in_groups if attended else groups,
        "waitlisted": waitlisted,
    }

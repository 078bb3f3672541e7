"""Registering for a joint event, with a waitlist and host-group seat quotas
(the seat rules of services/seats.py); cancelling promotes the waitlist."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from federation.errors import Conflict, Forbidden, NotFound
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    EventRegistration,
    EventStatus,
    HostStatus,
    JointEvent,
    RegistrationStatus,
    User,
    utcnow,
)
from federation.permissions import is_member, member_group_ids
from federation.services import notifications, seats
from federation.services.events.attendees import my_registration
from federation.services.events.base import lock_event
from federation.services.events.board import place_text, seats_left
from federation.services.events.calendars import event_ics


def _attendee_group_id(actor: User, event: JointEvent) -> int | None:
    """The attendee's group: a host group of theirs first (for its quota)."""
    mine = list(db.session.scalars(member_group_ids(actor)))
    for host in event.hosts:
        if host.group_id in mine and host.status == HostStatus.confirmed:
            return host.group_id
    return min(mine) if mine else None


def _has_seat(event: JointEvent, group_id: int | None) -> bool:
    """Inside the locked transaction: a seat remains (and one of the quota of
    the attendee's host group, when that group has a quota)."""
    if event.seats_taken >= event.capacity:
        return False
    host = next(
        (h for h in event.hosts if h.group_id == group_id and h.status == HostStatus.confirmed),
        None,
    )
    return host is None or host.seat_quota is None or host.seats_taken < host.seat_quota


def registration_open(event: JointEvent) -> bool:
    now = utcnow()
    return (
        event.status == EventStatus.published
        and event.starts_at > now
        and (event.registration_deadline is None or event.registration_deadline > now)
    )


def register(actor: User, event: JointEvent, listed: bool = False) -> tuple[EventRegistration, bool]:
    """One click: confirmed while seats (and the quota) remain, else waitlisted.
    Returns (registration, created); registering twice returns the first one."""
    if not is_member(actor):
        raise Forbidden()
    event = lock_event(event)
    existing = my_registration(actor, event)
    if seats.is_active(existing):
        existing.waitlist_position = waitlist_position(existing)
        return existing, False
    if not registration_open(event):
        raise Conflict(_("Registration for this event is closed."))
    group_id = _attendee_group_id(actor, event)
    has_seat = _has_seat(event, group_id)
    if existing is None:
        existing = EventRegistration(event=event, user=actor)
        db.session.add(existing)
    existing.group_id, existing.listed, existing.reminded_at = group_id, bool(listed), None
    seats.take(existing, has_seat)
    existing.waitlist_position = waitlist_position(existing)
    link = external_url("events.detail", event_id=event.id)
    if has_seat:
        notifications.notify(
            actor,
            notifications.EVENT_REGISTERED,
            event=event,
            place=place_text(event),
            link=link,
            attachments=_ics_attachment(actor, event),
        )
    else:
        notifications.notify(
            actor,
            notifications.EVENT_REGISTERED,
            template="event_waitlisted",
            event=event,
            position=waitlist_position(existing),
            link=link,
            why=waitlist_reason(event, existing),
        )
    return existing, True


def waitlist_position(registration: EventRegistration | None) -> int | None:
    """1 for the next to be promoted; None when not waitlisted."""
    return seats.waitlist_position(registration, EventRegistration.event_id)


def waitlist_reason(event: JointEvent, registration: EventRegistration | None) -> dict | None:
    """Why a registration waits: the event is full, or only the seat quota of
    the attendee's host group is (then seats remain for others). None when
    not waitlisted."""
    if registration is None or registration.status != RegistrationStatus.waitlisted:
        return None
    left = seats_left(event)
    host = next(
        (
            h
            for h in event.hosts
            if h.group_id == registration.group_id
            and h.status == HostStatus.confirmed
            and h.seat_quota is not None
        ),
        None,
    )
    position = waitlist_position(registration)
    if left > 0 and host is not None:
        return {
            "full": "quota",
            "position": position,
            "seats_left": left,
            "quota": host.seat_quota,
            "group": host.group,
        }
    return {"full": "event", "position": position, "seats_left": left}


def _ics_attachment(user: User, event: JointEvent) -> tuple[tuple[str, str, bytes], ...]:
    return (
        (
            f"event-{event.id}.ics",
            "text/calendar; charset=utf-8; method=PUBLISH",
            event_ics(user, event, user.locale),
        ),
    )


def _cancellable(event: JointEvent) -> bool:
    return event.status == EventStatus.published and event.starts_at > utcnow()


def registration_actions(event: JointEvent, registration: EventRegistration | None) -> frozenset[str]:
    """What the event page offers about the viewer's own registration:
    "show" while it holds a seat or a waitlist place, "cancel" while it may
    still be cancelled (the rule cancel_registration checks)."""
    if not seats.is_active(registration):
        return frozenset()
    return frozenset({"show", "cancel"} if _cancellable(event) else {"show"})


def cancel_registration(actor: User, event: JointEvent) -> EventRegistration:
    """Frees the seat; the first person on the waitlist who fits is promoted
    and mailed."""
    event = lock_event(event)
    registration = my_registration(actor, event)
    if not seats.is_active(registration):
        raise NotFound()
    if not _cancellable(event):
        raise Conflict(_("This registration can no longer be cancelled."))
    seats.release(registration)
    promote_waitlist(event)
    return registration


def promote_waitlist(event: JointEvent) -> list[EventRegistration]:
    """Fill free seats from the waitlist, in order, respecting quotas."""
    if event.status != EventStatus.published:
        return []
    promoted = seats.promote(
        EventRegistration,
        EventRegistration.event_id,
        event.id,
        room_left=lambda: _has_seat(event, None),
        fits=lambda registration: _has_seat(event, registration.group_id),
        options=(selectinload(EventRegistration.user),),
    )
    for registration in promoted:
        user = registration.user
        if user is not None and user.is_active:
            notifications.notify(
                user,
                notifications.EVENT_PROMOTED,
                event=event,
                link=external_url("events.detail", event_id=event.id),
                attachments=_ics_attachment(user, event),
            )
    return promoted

"""iCalendar files of joint events: one event, a personal feed and a group feed
(written by the one builder, federation/ical.py).

The personal feed's secret is not stored: it is derived from the user id and a
generation number with an HMAC keyed by SECRET_KEY. The feed URL can be shown
again at any time, resetting raises the generation (the old URL stops working),
and a leaked database alone does not reveal working feed URLs. (Rotating
SECRET_KEY invalidates every feed URL, as it does every session.)
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from icalendar import Event
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from federation.errors import NotFound
from federation.extensions import db
from federation.ical import calendar_file, vevent
from federation.links import external_host, external_url
from federation.models import (
    CalendarFeed,
    EventHost,
    EventRegistration,
    EventStatus,
    HostStatus,
    JointEvent,
    RegistrationStatus,
    User,
    utcnow,
)
from federation.permissions import can_see_online_link, event_visibility, member_group_ids
from federation.security import constant_time_equals
from federation.services.events.board import place_text

# --- the personal feed's secret -----------------------------------------------------------


def _signature(user_id: int, generation: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"calendar-feed:{user_id}:{generation}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def feed_secret(user: User) -> str:
    feed = db.session.get(CalendarFeed, user.id)
    generation = feed.generation if feed else 1
    return f"{user.id}-{generation}-{_signature(user.id, generation)}"


def reset_feed_secret(user: User) -> str:
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, generation=1)
        db.session.add(feed)
    feed.generation += 1
    feed.reset_at = utcnow()
    db.session.flush()
    return feed_secret(user)


def user_for_secret(secret: str) -> User:
    try:
        user_part, generation_part, signature = secret.split("-", 2)
        user_id, generation = int(user_part), int(generation_part)
    except ValueError:
        raise NotFound() from None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFound()
    feed = db.session.get(CalendarFeed, user.id)
    current = feed.generation if feed else 1
    if generation != current or not constant_time_equals(signature, _signature(user.id, generation)):
        raise NotFound()
    return user


# --- building the files ------------------------------------------------------------------


def _uid(event: JointEvent) -> str:
    host = external_host()
    return f"joint-event-{event.id}@{host}"


def _vevent(event: JointEvent, locale: str, show_link: bool) -> Event:
    description = event.description_for(locale)
    if show_link and event.online_url:
        description = (description + "\n\n" + event.online_url).strip()
    return vevent(
        uid=_uid(event),
        sequence=event.sequence,
        dtstamp=event.updated_at or utcnow(),
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title_for(locale),
        description=description,
        location=place_text(event),
        url=external_url("events.detail", event_id=event.id),
        status="CANCELLED" if event.status == EventStatus.cancelled else "CONFIRMED",
        last_modified=event.updated_at,
    )


def build_calendar(events: list[JointEvent], locale: str, name: str, linked: set[int] | None = None) -> bytes:
    return calendar_file(
        [_vevent(event, locale, bool(linked and event.id in linked)) for event in events], name
    )


def _recent():
    return JointEvent.ends_at >= utcnow() - timedelta(days=180)


def event_ics(viewer: User | None, event: JointEvent, locale: str) -> bytes:
    linked = {event.id} if can_see_online_link(viewer, event) else set()
    return build_calendar([event], locale, event.title_for(locale), linked)


def personal_feed(user: User) -> bytes:
    """Events I registered for (not cancelled) or that my groups host, as far
    as my audience allows."""
    mine = select(EventRegistration.event_id).where(
        EventRegistration.user_id == user.id, EventRegistration.status != RegistrationStatus.cancelled
    )
    hosted = select(EventHost.event_id).where(
        EventHost.status == HostStatus.confirmed, EventHost.group_id.in_(member_group_ids(user))
    )
    events = list(
        db.session.scalars(
            select(JointEvent)
            .where(
                event_visibility(user),
                _recent(),
                JointEvent.status.in_((EventStatus.published, EventStatus.completed, EventStatus.cancelled)),
                or_(JointEvent.id.in_(mine), JointEvent.id.in_(hosted)),
            )
            .options(selectinload(JointEvent.venue_request))
            .order_by(JointEvent.starts_at)
            .limit(500)
        )
    )
    confirmed = set(
        db.session.scalars(
            select(EventRegistration.event_id).where(
                EventRegistration.user_id == user.id, EventRegistration.status == RegistrationStatus.confirmed
            )
        )
    )
    return build_calendar(events, user.locale, "Joint events", confirmed)


def group_feed(viewer: User | None, group, locale: str) -> bytes:
    events = list(
        db.session.scalars(
            select(JointEvent)
            .where(
                event_visibility(viewer),
                _recent(),
                JointEvent.status.in_((EventStatus.published, EventStatus.completed, EventStatus.cancelled)),
                JointEvent.hosts.any(
                    (EventHost.group_id == group.id) & (EventHost.status == HostStatus.confirmed)
                ),
            )
            .order_by(JointEvent.starts_at)
            .limit(500)
        )
    )
    return build_calendar(events, locale, group.name_for(locale))

"""Joint events in a person's data export and erasure."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from federation.extensions import db
from federation.models import (
    CalendarFeed,
    EventRegistration,
    EventStatus,
    RegistrationStatus,
    User,
    utcnow,
)
from federation.security import new_secret
from federation.services import seats
from federation.services.events.base import lock_event
from federation.services.events.registration import promote_waitlist
from federation.services.privacy import eraser, exporter


@exporter("events")
def export_my_registrations(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(EventRegistration)
        .where(EventRegistration.user_id == user.id)
        .options(selectinload(EventRegistration.event))
        .order_by(EventRegistration.id)
    )
    return [
        {
            "event_id": r.event_id,
            "event": r.event.title_for(user.locale),
            "starts_at": r.event.starts_at.isoformat(),
            "status": r.status.value,
            "listed": r.listed,
            "registered_at": r.queued_at.isoformat(),
            "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
        }
        for r in rows
    ]


@eraser
def anonymise_registrations(user: User) -> None:
    """Keep the rows (attendance statistics stay right) without the person.
    A seat for an event still to come is released first and the waitlist
    moves up, as when they cancel."""
    for registration in db.session.scalars(
        select(EventRegistration).where(
            EventRegistration.user_id == user.id, EventRegistration.status != RegistrationStatus.cancelled
        )
    ).all():
        event = lock_event(registration.event)
        if event.status == EventStatus.published and event.starts_at > utcnow():
            seats.release(registration)
            promote_waitlist(event)
    db.session.execute(
        update(EventRegistration)
        .where(EventRegistration.user_id == user.id)
        .values(user_id=None, listed=False, anonymous_key="anon-" + new_secret(12))
        .execution_options(synchronize_session=False)
    )


@eraser
def erase_calendar_feed(user: User) -> None:
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))

"""What every part of joint events shares: the time zone of the board and
the row lock taken before counting seats or changing the state.

No overbooking: a registration (and a cancellation that promotes the waitlist)
locks the event row first (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the
request's BEGIN IMMEDIATE transaction already serialises writers) and counts
the confirmed seats, and the seats of the attendee's host-group quota, inside
that same transaction.
"""

from __future__ import annotations

from federation.models import (
    JointEvent,
)
from federation.services import seats


def lock_event(event: JointEvent) -> JointEvent:
    """Re-read the event with a row lock (PostgreSQL); on SQLite the write
    transaction already holds the database's one write lock."""
    return seats.lock(JointEvent, event.id)

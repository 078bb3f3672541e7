"""Seats with a waitlist: the one set of rules shared by joint-event RSVPs and
the annual conference (attendees and limited sessions).

A registration row has `status` (confirmed / waitlisted / cancelled),
`queued_at` (waitlist order) and `cancelled_at`. No overbooking: the caller
first locks the parent row (`lock`: SELECT ... FOR UPDATE on PostgreSQL; on
SQLite the request's BEGIN IMMEDIATE transaction already serialises writers),
then counts and writes inside that same transaction.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from flask_babel import gettext as _
from sqlalchemy import func, select

from federation.errors import Conflict
from federation.extensions import db
from federation.models import RegistrationStatus, utcnow

T = TypeVar("T")


def lock(model: type[T], row_id: int) -> T:
    """Re-read a row with a row lock (PostgreSQL), fresh from the database."""
    return db.session.scalar(
        select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    )


def confirmed_count(column, parent_id: int, *conditions) -> int:
    """Confirmed rows whose `column` (the parent key) is parent_id."""
    model = column.class_
    return db.session.scalar(
        select(func.count(model.id)).where(
            column == parent_id, model.status == RegistrationStatus.confirmed, *conditions
        )
    )


def take(row, has_seat: bool):
    """(Re)open a registration row: confirmed while a seat remains, else at
    the end of the waitlist. A cancelled row is reused."""
    row.status = RegistrationStatus.confirmed if has_seat else RegistrationStatus.waitlisted
    row.queued_at, row.cancelled_at = utcnow(), None
    db.session.flush()
    return row


def is_active(row) -> bool:
    return row is not None and row.status != RegistrationStatus.cancelled


def release(row) -> None:
    row.status = RegistrationStatus.cancelled
    row.cancelled_at = utcnow()
    db.session.flush()


def promote(
    model,
    column,
    parent_id: int,
    room_left: Callable[[], bool],
    fits: Callable[[object], bool] = lambda row: True,
    options=(),
) -> list:
    """Fill free seats from the waitlist, in order; `fits` may skip someone
    (e.g. over their group's quota) without stopping the queue."""
    promoted = []
    waiting = db.session.scalars(
        select(model)
        .where(column == parent_id, model.status == RegistrationStatus.waitlisted)
        .order_by(model.queued_at, model.id)
        .options(*options)
    ).all()
    for row in waiting:
        if not room_left():
            break
        if fits(row):
            row.status = RegistrationStatus.confirmed
            db.session.flush()
            promoted.append(row)
    return promoted


def waitlist_position(row, column) -> int | None:
    """1 for the next person to be promoted; None when not waitlisted. The
    order is the one `promote` follows (queued_at, then id)."""
    if row is None or row.status != RegistrationStatus.waitlisted:
        return None
    model = column.class_
    ahead = db.session.scalar(
        select(func.count(model.id)).where(
            column == getattr(row, column.key),
            model.status == RegistrationStatus.waitlisted,
            (model.queued_at < row.queued_at) | ((model.queued_at == row.queued_at) & (model.id < row.id)),
        )
    )
    return ahead + 1


def check_in(row, present: bool = True):
    """Mark a confirmed attendee present (or not) at the door."""
    if row.status != RegistrationStatus.confirmed:
        raise Conflict(_("Only confirmed attendees can be checked in."))
    row.checked_in_at = utcnow() if present else None
    db.session.flush()
    return row

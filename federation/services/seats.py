"""Seats with a waitlist: the one set of rules shared by joint-event RSVPs and
the annual conference (attendees and limited sessions).

A registration row has `status` (confirmed / waitlisted / cancelled) and the
columns of models.base.SeatMixin: `queued_at` (waitlist order) and
`cancelled_at` (CheckInMixin adds `checked_in_at`). No overbooking: the caller
first locks the parent row (`lock`: SELECT ... FOR UPDATE on PostgreSQL; on
SQLite the request's BEGIN IMMEDIATE transaction already serialises writers),
then counts and writes inside that same transaction.

Seats taken are also kept as counters (`seats_taken` on the event, each
event host (its group's quota), the conference edition and each session):
a flush hook below adjusts them from every change of a registration row's
status, in the flush that writes the row, so they can never disagree with
COUNT inside a transaction. `check_counters` (a periodic job, and the
benchmark after its bulk load) recounts, repairs and logs any drift, e.g.
after rows were written with Core statements that bypass the hook.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Callable, TypeVar

from flask_babel import gettext as _
from sqlalchemy import and_, event, func, inspect, select, update
from sqlalchemy.orm import Session

from federation.errors import Conflict
from federation.extensions import db
from federation.models import (
    ConferenceEdition,
    ConferenceRegistration,
    ConferenceSession,
    EventHost,
    EventRegistration,
    JointEvent,
    RegistrationStatus,
    SessionSignup,
    utcnow,
)

logger = logging.getLogger("federation.seats")

T = TypeVar("T")


def lock(model: type[T], row_id: int) -> T:
    """Re-read a row with a row lock (PostgreSQL), fresh from the database."""
    return db.session.scalar(
        select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    )


def confirmed_count(column, parent_id: int, *conditions) -> int:
    """Confirmed rows whose `column` (the parent key) is parent_id, counted
    (the counters below are read instead wherever one exists)."""
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


# --- the counters ---------------------------------------------------------------------

# registration model -> (its parent relationship, the parent model)
_PARENT = {
    EventRegistration: ("event", JointEvent),
    ConferenceRegistration: ("edition", ConferenceEdition),
    SessionSignup: ("session", ConferenceSession),
}


def _record_old_value(target, value, oldvalue, initiator) -> None:
    pass


for _model in _PARENT:
    # Load the replaced value even when the row's attributes were expired (by a
    # commit), so the hook always knows what a row counted for before.
    event.listen(_model.status, "set", _record_old_value, active_history=True)
event.listen(EventRegistration.group_id, "set", _record_old_value, active_history=True)


def _old_new(obj, key: str):
    history = inspect(obj).attrs[key].history
    if not history.has_changes():
        value = getattr(obj, key)
        return value, value
    old = history.deleted[0] if history.deleted else None
    return old, history.added[0] if history.added else None


def _parent_of(session: Session, obj):
    rel, model = _PARENT[type(obj)]
    parent = getattr(obj, rel)
    if parent is None:
        parent = session.get(model, getattr(obj, rel + "_id"))
    return parent


def _host_of(parent: JointEvent, group_id: int | None, group=None) -> EventHost | None:
    if group_id is None and group is None:
        return None
    for host in parent.hosts:
        if (group_id is not None and host.group_id == group_id) or (
            group is not None and host.group is group
        ):
            return host
    return None


def _bump(session: Session, deltas: dict) -> None:
    for row, delta in deltas.items():
        if delta == 0 or row in session.deleted:
            continue
        if row in session.new:
            row.seats_taken = (row.seats_taken or 0) + delta
        else:
            # An UPDATE ... SET seats_taken = seats_taken + delta in this flush.
            model = type(row)
            row.seats_taken = model.seats_taken + delta
            if hasattr(model, "updated_at"):
                # A seat is not an edit of the event: keep its updated_at.
                row.updated_at = model.updated_at


@event.listens_for(Session, "before_flush")
def _keep_counters(session: Session, flush_context, instances) -> None:
    confirmed = RegistrationStatus.confirmed
    deltas: dict = defaultdict(int)  # parent or host row -> change of seats taken
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if type(obj) not in _PARENT:
            continue
        is_event = isinstance(obj, EventRegistration)
        if obj in session.new:
            old_status, new_status = None, obj.status
            old_group = None
            new_group = obj.group_id if is_event else None
        elif obj in session.deleted:
            old_status, new_status = obj.status, None
            old_group, new_group = (obj.group_id, None) if is_event else (None, None)
        else:
            old_status, new_status = _old_new(obj, "status")
            old_group, new_group = _old_new(obj, "group_id") if is_event else (None, None)
        was, now = old_status == confirmed, new_status == confirmed
        if (not was and not now) or (was == now and old_group == new_group):
            continue
        parent = _parent_of(session, obj)
        if parent is None:
            continue
        deltas[parent] += int(now) - int(was)
        if is_event:
            if was:
                host = _host_of(parent, old_group)
                if host is not None:
                    deltas[host] -= 1
            if now:
                host = _host_of(parent, new_group, obj.group if obj in session.new else None)
                if host is not None:
                    deltas[host] += 1
    _bump(session, deltas)


def _counter_specs():
    """(name, counter table, registration table, how a registration belongs to a row)."""
    reg = EventRegistration.__table__
    return [
        ("event", JointEvent.__table__, reg, lambda p: reg.c.event_id == p.c.id),
        (
            "event host",
            EventHost.__table__,
            reg,
            lambda p: and_(reg.c.event_id == p.c.event_id, reg.c.group_id == p.c.group_id),
        ),
        (
            "conference edition",
            ConferenceEdition.__table__,
            ConferenceRegistration.__table__,
            lambda p: ConferenceRegistration.__table__.c.edition_id == p.c.id,
        ),
        (
            "conference session",
            ConferenceSession.__table__,
            SessionSignup.__table__,
            lambda p: SessionSignup.__table__.c.session_id == p.c.id,
        ),
    ]


def _counted(parent, child, belongs):
    return (
        select(func.count())
        .select_from(child)
        .where(belongs(parent), child.c.status == RegistrationStatus.confirmed)
        .scalar_subquery()
    )


def counter_drift(connection=None) -> list[dict]:
    """Every counter that disagrees with COUNT: name, row id, stored, counted."""
    execute = (connection or db.session).execute
    drift = []
    for name, parent, child, belongs in _counter_specs():
        counted = _counted(parent, child, belongs)
        for row_id, stored, actual in execute(
            select(parent.c.id, parent.c.seats_taken, counted).where(parent.c.seats_taken != counted)
        ):
            drift.append({"counter": name, "id": row_id, "stored": stored, "counted": actual})
    return drift


def check_counters(connection=None) -> int:
    """The periodic consistency check: recount every counter that drifted,
    under the lock registrations take (the event, edition or session row),
    repair it and log it. Flushes, never commits; returns how many were
    repaired."""
    execute = (connection or db.session).execute
    specs = {name: (parent, child, belongs) for name, parent, child, belongs in _counter_specs()}
    repaired = 0
    for found in counter_drift(connection):
        parent, child, belongs = specs[found["counter"]]
        if found["counter"] == "event host":
            event_id = execute(select(parent.c.event_id).where(parent.c.id == found["id"])).scalar()
            execute(
                select(JointEvent.__table__.c.id)
                .where(JointEvent.__table__.c.id == event_id)
                .with_for_update()
            )
        else:
            execute(select(parent.c.id).where(parent.c.id == found["id"]).with_for_update())
        # A fresh statement after the lock: counts what committed before it.
        actual = execute(
            select(_counted(parent, child, belongs)).select_from(parent).where(parent.c.id == found["id"])
        ).scalar()
        execute(update(parent).where(parent.c.id == found["id"]).values(seats_taken=actual))
        logger.warning(
            "seat counter drift repaired: %s %s stored %s, counted %s",
            found["counter"],
            found["id"],
            found["stored"],
            actual,
        )
        repaired += 1
    if connection is None:
        db.session.flush()
        db.session.expire_all()
    return repaired


def recount_all(connection) -> None:
    """Set every counter from COUNT in one statement per table: for offline
    bulk loads (the benchmark's generator), with no registration running."""
    for _name, parent, child, belongs in _counter_specs():
        connection.execute(update(parent).values(seats_taken=_counted(parent, child, belongs)))

"""The seat counters (seats taken per event, per host quota, per conference
edition and session) agree with COUNT after every path that moves a seat:
registering, the waitlist, cancelling and its promotion, an erased account;
the periodic check repairs and logs drift. Concurrent registrations: the
no-overbooking tests of test_events_api.py and test_conferences.py check the
counters too."""
import logging
from datetime import datetime, time

from sqlalchemy import func, select, update

from federation.extensions import db
from federation.models import (ConferenceRegistration, ConferenceSession, EventHost,
                               EventRegistration, JointEvent, RegistrationStatus, Role,
                               SessionSignup)
from federation.services import privacy, seats
from federation.services import events as event_service
from federation.services.conferences import attendance
from federation.services.conferences._common import TOKYO
from tests.factories import PASSWORD


def counted(model, column, parent_id, *conditions) -> int:
    return db.session.scalar(select(func.count(model.id)).where(
        column == parent_id, model.status == RegistrationStatus.confirmed, *conditions))


def assert_event_counters(event_id: int, co_group_id: int) -> tuple[int, int]:
    db.session.expire_all()
    event = db.session.get(JointEvent, event_id)
    host = db.session.scalar(select(EventHost).where(EventHost.event_id == event_id,
                                                     EventHost.group_id == co_group_id))
    assert event.seats_taken == counted(EventRegistration, EventRegistration.event_id, event_id)
    assert host.seats_taken == counted(EventRegistration, EventRegistration.event_id, event_id,
                                       EventRegistration.group_id == co_group_id)
    assert seats.counter_drift() == []
    return event.seats_taken, host.seats_taken


def test_event_counters_follow_register_waitlist_cancel_promotion_and_erasure(make):
    lead_op = make.user(role=Role.operator)
    co_op = make.user(role=Role.operator)
    lead = make.group(slug="lead", operators=(lead_op,))
    co = make.group(slug="co", operators=(co_op,))
    event = make.event(lead, cohosts=(co,), capacity=3, quotas={"co": 1})
    co_a, co_b = make.member(co), make.member(co)
    plain_a, plain_b = make.member(), make.member()

    edited_at = event.updated_at
    for person in (co_a, co_b, plain_a):
        event_service.register(person, event)
        db.session.commit()
    # A seat is not an edit of the event: its updated_at stays.
    assert db.session.get(JointEvent, event.id).updated_at == edited_at
    # co_b waits for the co-host's quota; plain_a took the second seat.
    assert assert_event_counters(event.id, co.id) == (2, 1)
    event_service.register(plain_b, event)  # the third seat
    db.session.commit()
    assert assert_event_counters(event.id, co.id) == (3, 1)

    # co_a cancels: the quota seat goes to co_b (next who fits).
    event_service.cancel_registration(co_a, db.session.get(JointEvent, event.id))
    db.session.commit()
    assert assert_event_counters(event.id, co.id) == (3, 1)
    assert event_service.my_registration(co_b, event).status == RegistrationStatus.confirmed

    # An erased account releases its seat; nobody waits, so one seat is free.
    privacy.delete_account(plain_a, PASSWORD)
    db.session.commit()
    assert assert_event_counters(event.id, co.id) == (2, 1)
    # The page reads the counter: seats left without a COUNT.
    assert event_service.event_view(None, db.session.get(JointEvent, event.id)).seats_left == 1

    # Registering again reuses the cancelled row.
    event_service.register(co_a, db.session.get(JointEvent, event.id))
    db.session.commit()
    assert assert_event_counters(event.id, co.id) == (2, 1)  # waitlisted: quota full


def test_conference_edition_and_session_counters(make):
    coordinator = make.user(role=Role.coordinator)
    edition = make.edition(phase="decided", capacity=2, by=coordinator)
    people = [make.member() for _ in range(3)]
    proposal = make.proposal(edition, people[0], status="accepted")
    start = datetime.combine(edition.starts_on, time(10), TOKYO)
    session = ConferenceSession(edition_id=edition.id, proposal=proposal, room="Hall A",
                                starts_at=start, ends_at=start.replace(hour=11), capacity=1)
    db.session.add(session)
    db.session.commit()

    def check():
        db.session.expire_all()
        assert seats.counter_drift() == []
        return (db.session.get(type(edition), edition.id).seats_taken,
                db.session.get(ConferenceSession, session.id).seats_taken)

    for person in people:
        attendance.register(person, edition)
        db.session.commit()
    assert check() == (2, 0)
    for person in people[:2]:
        attendance.sign_up(person, db.session.get(ConferenceSession, session.id))
        db.session.commit()
    assert check() == (2, 1)
    # Cancelling the edition releases the session seat too; both waitlists move.
    attendance.cancel_registration(people[0], db.session.get(type(edition), edition.id))
    db.session.commit()
    assert check() == (2, 1)
    assert attendance.session_seats_left(db.session.get(ConferenceSession, session.id)) == 0
    assert counted(ConferenceRegistration, ConferenceRegistration.edition_id, edition.id) == 2
    assert counted(SessionSignup, SessionSignup.session_id, session.id) == 1


def test_periodic_check_repairs_and_logs_drift(make, caplog):
    lead = make.group(slug="drift")
    event = make.event(lead, capacity=5)
    for _ in range(2):
        make.registration(event, make.member())
    assert seats.counter_drift() == []
    # A Core statement bypasses the seat service: the counter drifts.
    db.session.execute(update(JointEvent).where(JointEvent.id == event.id).values(seats_taken=4))
    db.session.commit()
    assert seats.counter_drift() == [{"counter": "event", "id": event.id, "stored": 4, "counted": 2}]
    with caplog.at_level(logging.WARNING, logger="federation.seats"):
        assert seats.check_counters() == 1
    db.session.commit()
    assert "seat counter drift repaired: event" in caplog.text
    assert db.session.get(JointEvent, event.id).seats_taken == 2
    assert seats.counter_drift() == []

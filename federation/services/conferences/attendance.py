"""Attendance: registering for an edition and signing up for limited
sessions, with waitlists (the joint-event seat rules, services/seats.py),
and the coordinators' check-in."""

from __future__ import annotations

from datetime import datetime, time

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from federation.errors import Conflict, Forbidden, NotFound
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    ConferenceEdition,
    ConferenceRegistration,
    ConferenceSession,
    RegistrationStatus,
    SessionSignup,
    User,
    utcnow,
)
from federation.models.base import TOKYO
from federation.permissions import is_coordinator, is_member
from federation.services import notifications, seats
from federation.services.conferences._common import is_archived, require_window
from federation.text import normalise


def my_registration(actor: User | None, edition: ConferenceEdition):
    if actor is None or not actor.is_authenticated:
        return None
    return db.session.scalar(
        select(ConferenceRegistration).where(
            ConferenceRegistration.edition_id == edition.id, ConferenceRegistration.user_id == actor.id
        )
    )


def seats_left(edition: ConferenceEdition) -> int:
    return max(edition.capacity - edition.seats_taken, 0)


def register(actor: User, edition: ConferenceEdition) -> tuple[ConferenceRegistration, bool]:
    """Confirmed while seats remain, else waitlisted (as for joint events)."""
    if not is_member(actor):
        raise Forbidden()
    edition = seats.lock(ConferenceEdition, edition.id)
    existing = my_registration(actor, edition)
    if seats.is_active(existing):
        return existing, False
    require_window(edition, "registration")
    has_seat = seats_left(edition) > 0
    if existing is None:
        existing = ConferenceRegistration(edition_id=edition.id, user_id=actor.id)
        db.session.add(existing)
    seats.take(existing, has_seat)
    return existing, True


def cancel_registration(actor: User, edition: ConferenceEdition) -> ConferenceRegistration:
    edition = seats.lock(ConferenceEdition, edition.id)
    registration = my_registration(actor, edition)
    if not seats.is_active(registration):
        raise NotFound(_("You have no registration to cancel: it is already cancelled, or was never made."))
    if datetime.combine(edition.starts_on, time(0), TOKYO) <= utcnow():
        raise Conflict(_("This registration can no longer be cancelled."))
    seats.release(registration)
    # Without a conference seat, the person's seats in limited sessions go too.
    for signup in db.session.scalars(
        select(SessionSignup)
        .join(SessionSignup.session)
        .where(
            ConferenceSession.edition_id == edition.id,
            SessionSignup.user_id == actor.id,
            SessionSignup.status != RegistrationStatus.cancelled,
        )
    ).all():
        release_signup(seats.lock(ConferenceSession, signup.session_id), signup)
    promote_attendees(edition)
    return registration


def promote_attendees(edition: ConferenceEdition) -> None:
    """Free seats go to the waitlist, in order; each promoted person is told."""
    promoted = seats.promote(
        ConferenceRegistration,
        ConferenceRegistration.edition_id,
        edition.id,
        room_left=lambda: seats_left(edition) > 0,
        options=(selectinload(ConferenceRegistration.user),),
    )
    for row in promoted:
        if row.user is not None and row.user.is_active:
            notifications.notify(
                row.user,
                notifications.CONFERENCE_PROMOTED,
                edition=edition,
                link=external_url("conferences.detail", year=edition.year),
            )


def attendees_query(edition: ConferenceEdition, q: str = ""):
    """Coordinators' check-in list: active registrations, confirmed first,
    searchable by name or email; paginated by the caller."""
    query = (
        select(ConferenceRegistration)
        .join(ConferenceRegistration.user, isouter=True)
        .where(
            ConferenceRegistration.edition_id == edition.id,
            ConferenceRegistration.status != RegistrationStatus.cancelled,
        )
        .options(selectinload(ConferenceRegistration.user))
        .order_by(ConferenceRegistration.status, User.sort_key, ConferenceRegistration.id)
    )
    q = normalise(q or "")[:100].replace("%", "").replace("_", "")
    if q:
        like = f"%{q}%"
        query = query.where(
            User.email.ilike(like)
            | User.family_name.like(like)
            | User.given_name.like(like)
            | User.family_name_kana.like(like)
            | User.given_name_kana.like(like)
        )
    return query


def checked_in_count(edition: ConferenceEdition) -> int:
    return db.session.scalar(
        select(func.count(ConferenceRegistration.id)).where(
            ConferenceRegistration.edition_id == edition.id, ConferenceRegistration.checked_in_at.is_not(None)
        )
    )


def registrations_of(edition: ConferenceEdition) -> list[ConferenceRegistration]:
    return list(
        db.session.scalars(
            select(ConferenceRegistration)
            .where(
                ConferenceRegistration.edition_id == edition.id,
                ConferenceRegistration.status != RegistrationStatus.cancelled,
            )
            .options(selectinload(ConferenceRegistration.user))
            .order_by(
                ConferenceRegistration.status, ConferenceRegistration.queued_at, ConferenceRegistration.id
            )
        )
    )


def check_in(
    actor: User, edition: ConferenceEdition, registration_id: int, present: bool = True
) -> ConferenceRegistration:
    if not is_coordinator(actor):
        raise Forbidden()
    registration = db.session.get(ConferenceRegistration, registration_id)
    if registration is None or registration.edition_id != edition.id:
        raise NotFound()
    return seats.check_in(registration, present)


def my_signup(actor: User | None, session: ConferenceSession):
    if actor is None or not actor.is_authenticated:
        return None
    return db.session.scalar(
        select(SessionSignup).where(SessionSignup.session_id == session.id, SessionSignup.user_id == actor.id)
    )


def my_signups(actor: User | None, sessions: list[ConferenceSession]) -> dict[int, SessionSignup]:
    """The actor's active seats in these sessions, by session id: one statement."""
    if actor is None or not actor.is_authenticated or not sessions:
        return {}
    return {
        signup.session_id: signup
        for signup in db.session.scalars(
            select(SessionSignup).where(
                SessionSignup.user_id == actor.id, SessionSignup.session_id.in_([s.id for s in sessions])
            )
        )
        if seats.is_active(signup)
    }


def programme_actions(
    actor: User | None,
    edition: ConferenceEdition,
    registration,
    sessions: list[ConferenceSession],
    seated: dict[int, SessionSignup],
) -> dict[int, frozenset[str]]:
    """What the programme offers `actor` on each session, by the rules the
    services check: "seat" (shows their seat), "cancel_seat" and "sign_up"
    (sign_up, cancel_signup), "unschedule" (scheduling.unschedule) and
    "content" (scheduling.attach_content). `seated` is my_signups."""
    now = utcnow()
    registered = registration is not None and registration.status == RegistrationStatus.confirmed
    may_take_seats = registered and not is_archived(edition)
    coordinator = is_coordinator(actor)
    actions: dict[int, frozenset[str]] = {}
    for session in sessions:
        allowed = set()
        begun = session.starts_at <= now
        if session.capacity is not None and may_take_seats:
            if session.id in seated:
                allowed |= {"seat"} if begun else {"seat", "cancel_seat"}
            elif not begun:
                allowed.add("sign_up")
        if coordinator and not begun:
            allowed.add("unschedule")
        if coordinator and session.ends_at <= now:
            allowed.add("content")
        actions[session.id] = frozenset(allowed)
    return actions


def session_seats_left(session: ConferenceSession) -> int | None:
    if session.capacity is None:
        return None
    return max(session.capacity - session.seats_taken, 0)


def sign_up(actor: User, session: ConferenceSession) -> tuple[SessionSignup, bool]:
    """A confirmed attendee takes a seat in a limited session (or its waitlist)."""
    if not is_member(actor):
        raise Forbidden()
    session = seats.lock(ConferenceSession, session.id)
    if session.capacity is None:
        raise Conflict(_("This session needs no sign-up."))
    registration = my_registration(actor, session.edition)
    if registration is None or registration.status != RegistrationStatus.confirmed:
        raise Conflict(_("Register for the conference first."))
    if session.starts_at <= utcnow():
        raise Conflict(_("This session has already begun."))
    existing = my_signup(actor, session)
    if seats.is_active(existing):
        return existing, False
    has_seat = session_seats_left(session) > 0
    if existing is None:
        existing = SessionSignup(session_id=session.id, user_id=actor.id)
        db.session.add(existing)
    seats.take(existing, has_seat)
    return existing, True


def cancel_signup(actor: User, session: ConferenceSession) -> SessionSignup:
    session = seats.lock(ConferenceSession, session.id)
    signup = my_signup(actor, session)
    if not seats.is_active(signup):
        raise NotFound(_("You have no seat in this session to cancel: it is already cancelled."))
    if session.starts_at <= utcnow():
        raise Conflict(_("This session has already begun."))
    release_signup(session, signup)
    return signup


def release_signup(session: ConferenceSession, signup: SessionSignup) -> None:
    """Free a seat in a limited session; the first on its waitlist takes it."""
    seats.release(signup)
    seats.promote(
        SessionSignup, SessionSignup.session_id, session.id, room_left=lambda: session_seats_left(session) > 0
    )

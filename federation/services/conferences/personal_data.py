"""What the conference holds about a person: their export and erasure."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from federation.extensions import db
from federation.models import (
    ConferenceEdition,
    ConferenceRegistration,
    ConferenceReviewer,
    ConferenceSession,
    Proposal,
    ProposalSpeaker,
    RegistrationStatus,
    Review,
    SessionSignup,
    User,
    utcnow,
)
from federation.models.base import TOKYO
from federation.services import seats
from federation.services.conferences.attendance import promote_attendees, release_signup
from federation.services.privacy import eraser, exporter


@exporter("conference")
def export_conference(user: User) -> dict:
    proposals = db.session.scalars(
        select(Proposal)
        .where(Proposal.submitter_id == user.id)
        .options(selectinload(Proposal.edition))
        .order_by(Proposal.id)
    )
    reviews = db.session.scalars(select(Review).where(Review.reviewer_id == user.id).order_by(Review.id))
    registrations = db.session.scalars(
        select(ConferenceRegistration)
        .where(ConferenceRegistration.user_id == user.id)
        .options(selectinload(ConferenceRegistration.edition))
        .order_by(ConferenceRegistration.id)
    )
    signups = db.session.scalars(
        select(SessionSignup).where(SessionSignup.user_id == user.id).order_by(SessionSignup.id)
    )
    return {
        "proposals": [
            {
                "year": p.edition.year,
                "title": p.title,
                "abstract": p.abstract,
                "format": p.format.value,
                "status": p.status.value,
            }
            for p in proposals
        ],
        "reviews": [
            {"proposal_id": r.proposal_id, "scores": r.scores, "comment": r.comment} for r in reviews
        ],
        "registrations": [
            {
                "year": r.edition.year,
                "status": r.status.value,
                "registered_at": r.queued_at.isoformat(),
                "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
            }
            for r in registrations
        ],
        "session_signups": [{"session_id": s.session_id, "status": s.status.value} for s in signups],
    }


@eraser
def erase_conference(user: User) -> None:
    """Attendance and reviews stay, without the person; their speaker entries go.
    A seat they hold for an edition or a session still to come is released
    first, and the waitlist moves up (as when they cancel)."""
    now = utcnow()
    for registration in db.session.scalars(
        select(ConferenceRegistration).where(
            ConferenceRegistration.user_id == user.id,
            ConferenceRegistration.status != RegistrationStatus.cancelled,
        )
    ).all():
        edition = seats.lock(ConferenceEdition, registration.edition_id)
        if datetime.combine(edition.starts_on, time(0), TOKYO) > now:
            seats.release(registration)
            promote_attendees(edition)
    for signup in db.session.scalars(
        select(SessionSignup).where(
            SessionSignup.user_id == user.id, SessionSignup.status != RegistrationStatus.cancelled
        )
    ).all():
        session = seats.lock(ConferenceSession, signup.session_id)
        if session.starts_at > now:
            release_signup(session, signup)
    for model in (ConferenceRegistration, SessionSignup):
        db.session.execute(
            update(model)
            .where(model.user_id == user.id)
            .values(user_id=None)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(Review)
        .where(Review.reviewer_id == user.id)
        .values(reviewer_id=None, comment="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Proposal)
        .where(Proposal.submitter_id == user.id)
        .values(submitter_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(ProposalSpeaker)
        .where(ProposalSpeaker.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(ConferenceReviewer).where(ConferenceReviewer.user_id == user.id))

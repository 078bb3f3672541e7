"""The schedule: placing accepted proposals in rooms and slots, the
programme by day, content linked afterwards, and its JSON and iCalendar
exports.

Clashes: scheduling locks the edition row (PostgreSQL) or holds SQLite's one
write lock, then refuses a room already taken or a speaker already speaking
at that time; on PostgreSQL an exclusion constraint refuses a room clash even
if two schedulers race."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from icalendar import Event as VEvent
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.ical import calendar_file, vevent
from federation.links import external_host, external_url
from federation.models import (
    ConferenceEdition,
    ConferenceSession,
    Proposal,
    ProposalStatus,
    SessionSignup,
    User,
    utcnow,
)
from federation.models.base import TOKYO
from federation.permissions import is_coordinator
from federation.services import seats
from federation.services.conferences._common import CONTENT_FIELDS, is_archived
from federation.services.conferences.proposals import proposal_options
from federation.text import as_typed


def sessions_query(edition: ConferenceEdition):
    return (
        select(ConferenceSession)
        .where(ConferenceSession.edition_id == edition.id)
        .options(selectinload(ConferenceSession.proposal).options(*proposal_options()))
        .order_by(ConferenceSession.starts_at, ConferenceSession.room, ConferenceSession.id)
    )


def schedule(
    actor: User,
    edition: ConferenceEdition,
    proposal_id: int,
    room: str,
    starts_at: datetime | None,
    ends_at: datetime | None = None,
    capacity: int | None = None,
) -> ConferenceSession:
    """Place an accepted proposal in a room and slot. A room already taken or
    a speaker already speaking at that time: Conflict."""
    if not is_coordinator(actor):
        raise Forbidden()
    edition = seats.lock(ConferenceEdition, edition.id)
    proposal = db.session.get(Proposal, proposal_id) if isinstance(proposal_id, int) else None
    errors: dict[str, list[str]] = {}
    if proposal is None or proposal.edition_id != edition.id:
        errors["proposal_id"] = [_("Choose from the list.")]
    room = as_typed(room or "")
    if room not in edition.rooms:
        errors["room"] = [_("Choose from the list.")]
    if not isinstance(starts_at, datetime) or starts_at.tzinfo is None:
        errors["starts_at"] = [_("Give the time with its offset, e.g. +09:00.")]
    if capacity is not None and (
        not isinstance(capacity, int) or isinstance(capacity, bool) or not 1 <= capacity <= 100000
    ):
        errors["capacity"] = [_("Must be between %(low)s and %(high)s.", low=1, high=100000)]
    if errors:
        raise Invalid(fields=errors)
    ends_at = ends_at or starts_at + timedelta(minutes=proposal.length_minutes)
    if ends_at.tzinfo is None or ends_at <= starts_at:
        raise Invalid(fields={"ends_at": [_("The end must be after the start.")]})
    day = starts_at.astimezone(TOKYO).date()
    if not edition.starts_on <= day <= edition.ends_on or ends_at.astimezone(TOKYO).date() != day:
        raise Invalid(fields={"starts_at": [_("The session must be on a day of the conference.")]})
    if proposal.status != ProposalStatus.accepted:
        raise Conflict(_("Only accepted proposals can be scheduled."))
    if (
        db.session.scalar(select(ConferenceSession.id).where(ConferenceSession.proposal_id == proposal.id))
        is not None
    ):
        raise Conflict(_("This proposal is already in the schedule."))
    overlapping = list(
        db.session.scalars(
            sessions_query(edition).where(
                ConferenceSession.starts_at < ends_at, ConferenceSession.ends_at > starts_at
            )
        )
    )
    from federation.i18n import datetime_filter

    def which(other: ConferenceSession) -> str:
        return _(
            "“%(title)s” is in %(room)s from %(start)s to %(end)s.",
            title=other.proposal.title,
            room=other.room,
            start=datetime_filter(other.starts_at, "short"),
            end=datetime_filter(other.ends_at, "short"),
        )

    taken = next((s for s in overlapping if s.room == room), None)
    if taken is not None:
        free = [r for r in edition.rooms if r not in {s.room for s in overlapping}]
        hint = (
            _("Free rooms at that time: %(rooms)s.", rooms="、".join(free))
            if free
            else _("Every room is taken at that time; choose another time.")
        )
        raise Conflict(
            _("Another session is in this room at that time."), fields={"room": [which(taken) + " " + hint]}
        )
    mine = {s.key for s in proposal.speakers}
    for other in overlapping:
        if mine & {s.key for s in other.proposal.speakers}:
            raise Conflict(
                _("A speaker of this session speaks elsewhere at that time."),
                fields={
                    "starts_at": [
                        _("A speaker of this session speaks elsewhere at that time.") + " " + which(other)
                    ]
                },
            )
    session = ConferenceSession(
        edition_id=edition.id,
        proposal=proposal,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        sequence=0,
    )
    try:
        with db.session.begin_nested():
            db.session.add(session)
            db.session.flush()
    except IntegrityError:
        # PostgreSQL: a racing scheduler took the room first.
        raise Conflict(_("Another session is in this room at that time.")) from None
    edition.sequence += 1
    db.session.flush()
    return session


def unschedule(actor: User, session: ConferenceSession) -> Proposal:
    """Take a session out of the schedule before it begins; its proposal stays
    accepted (to be placed again) and its sign-ups go with it."""
    if not is_coordinator(actor):
        raise Forbidden()
    edition = seats.lock(ConferenceEdition, session.edition_id)
    if session.starts_at <= utcnow():
        raise Conflict(_("A session that has begun stays in the schedule."))
    proposal = session.proposal
    db.session.execute(
        delete(SessionSignup)
        .where(SessionSignup.session_id == session.id)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(session)
    edition.sequence += 1
    db.session.flush()
    return proposal


def get_session(session_id: int) -> ConferenceSession:
    session = db.session.get(ConferenceSession, session_id)
    if session is None:
        raise NotFound()
    return session


def programme(edition: ConferenceEdition) -> list[tuple[date, list[ConferenceSession]]]:
    """The schedule grouped by day (Japan time), each day by time then room."""
    days: dict[date, list[ConferenceSession]] = {}
    for session in db.session.scalars(sessions_query(edition)):
        days.setdefault(session.starts_at.astimezone(TOKYO).date(), []).append(session)
    return sorted(days.items())


def attach_content(actor: User, session: ConferenceSession, data: dict) -> ConferenceSession:
    """After the session, coordinators link its video, article and graphic recording."""
    if not is_coordinator(actor):
        raise Forbidden()
    if session.ends_at > utcnow():
        raise Conflict(_("Content is added after the session."))
    errors, changes = {}, {}
    for field in CONTENT_FIELDS:
        if field in data:
            value = (data[field] or "").strip()
            if value and (not value.startswith(("https://", "http://")) or len(value) > 500):
                errors[field] = [_("Enter a URL starting with https://.")]
            else:
                changes[field] = value
    if errors:
        raise Invalid(fields=errors)
    for field, value in changes.items():
        setattr(session, field, value)
    db.session.flush()
    return session


def export_programme(edition: ConferenceEdition, locale: str) -> dict:
    """The whole programme as JSON-ready data (speaker names are public here)."""
    return {
        "year": edition.year,
        "theme": edition.theme_for(locale),
        "starts_on": edition.starts_on.isoformat(),
        "ends_on": edition.ends_on.isoformat(),
        "place": edition.place,
        "archived": is_archived(edition),
        "sessions": [session_data(s) for _day, sessions in programme(edition) for s in sessions],
    }


def session_data(session: ConferenceSession) -> dict:
    proposal = session.proposal
    return {
        "id": session.id,
        "title": proposal.title,
        "abstract": proposal.abstract,
        "format": proposal.format.value,
        "language": proposal.language,
        "track": proposal.track,
        "room": session.room,
        "starts_at": session.starts_at.astimezone(TOKYO).isoformat(),
        "ends_at": session.ends_at.astimezone(TOKYO).isoformat(),
        "speakers": [s.name for s in proposal.speakers],
        "capacity": session.capacity,
        "content": {f: getattr(session, f) or None for f in CONTENT_FIELDS},
    }


def _vevent(session: ConferenceSession, edition: ConferenceEdition) -> VEvent:
    return vevent(
        uid=f"conference-session-{session.id}@{external_host()}",
        sequence=edition.sequence + session.sequence,
        # Stable while nothing changes, so polling calendar apps get the same file.
        dtstamp=edition.updated_at or edition.created_at,
        start=session.starts_at,
        end=session.ends_at,
        summary=session.proposal.title,
        description=(
            session.proposal.abstract + "\n\n" + ", ".join(s.name for s in session.proposal.speakers)
        ).strip(),
        location=" / ".join(p for p in (session.room, edition.place) if p),
        url=external_url("conferences.detail", year=edition.year) + f"#session-{session.id}",
    )


def programme_ics(edition: ConferenceEdition, locale: str) -> bytes:
    sessions = [s for _day, day_sessions in programme(edition) for s in day_sessions]
    return calendar_file([_vevent(s, edition) for s in sessions], edition.theme_for(locale), "Conference")


def session_ics(session: ConferenceSession, locale: str) -> bytes:
    return calendar_file([_vevent(session, session.edition)], session.proposal.title, "Conference")

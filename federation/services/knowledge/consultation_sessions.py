"""1:1 sessions after a consultation: the asker proposes up to three
times to someone who replied, the helper accepts one; both get the other's
contact details and the invitation (.ics)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.ical import calendar_file, vevent
from federation.links import external_url
from federation.models import Consultation, ConsultationSession, SessionStatus, User, utcnow
from federation.models.base import TOKYO
from federation.models.limits import YEAR_MAX, YEAR_MIN
from federation.permissions import can_accept_consultation_session, can_solve_consultation
from federation.services import notifications

MAX_PROPOSED_TIMES = 3


def _parse_times(values) -> list[datetime]:
    times = []
    for value in values or []:
        if isinstance(value, datetime):
            moment = value
        else:
            try:
                moment = datetime.fromisoformat(str(value).strip())
            except ValueError:
                raise Invalid(
                    fields={"times": [_("Enter dates and times such as 2026-04-01 19:00.")]}
                ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=TOKYO)
        if not YEAR_MIN <= moment.year <= YEAR_MAX:
            # Year 1 or 9999 would overflow when made UTC.
            raise Invalid(fields={"times": [_("Propose times in the future.")]})
        times.append(moment.astimezone(TOKYO).astimezone(ZoneInfo("UTC")))
    if not 1 <= len(times) <= MAX_PROPOSED_TIMES:
        raise Invalid(fields={"times": [_("Propose one to three times.")]})
    if any(t <= utcnow() for t in times):
        raise Invalid(fields={"times": [_("Propose times in the future.")]})
    return sorted(set(times))


def request_session(actor: User, consultation: Consultation, helper_id: int, times) -> ConsultationSession:
    """The asker asks someone who replied for a 1:1 session at one of up to three times."""
    if not can_solve_consultation(actor, consultation):
        raise Forbidden()
    repliers = {r.author_id for r in consultation.replies if r.author_id != actor.id}
    if helper_id not in repliers:
        raise Invalid(fields={"helper_id": [_("Choose someone who replied.")]})
    proposed = _parse_times(times)
    session = ConsultationSession(
        consultation_id=consultation.id,
        asker_id=actor.id,
        helper_id=helper_id,
        proposed_times=[t.isoformat() for t in proposed],
        status=SessionStatus.proposed,
        created_at=utcnow(),
    )
    db.session.add(session)
    db.session.flush()
    helper = db.session.get(User, helper_id)
    notifications.notify(
        helper,
        notifications.CONSULTATION_SESSION,
        template="consultation_session_request",
        person=helper,
        asker=actor,
        consultation=consultation,
        times=[t.astimezone(TOKYO) for t in proposed],
        link=external_url("consultations.detail", consultation_id=consultation.id),
    )
    return session


def get_session(viewer: User | None, session_id: int) -> ConsultationSession:
    """Only its two people see a session (anyone else: NotFound)."""
    session = db.session.get(ConsultationSession, session_id)
    if (
        session is None
        or viewer is None
        or not viewer.is_authenticated
        or viewer.id not in (session.asker_id, session.helper_id)
    ):
        raise NotFound()
    return session


def sessions_for(viewer: User, consultation: Consultation) -> list[ConsultationSession]:
    return list(
        db.session.scalars(
            select(ConsultationSession)
            .where(
                ConsultationSession.consultation_id == consultation.id,
                (ConsultationSession.asker_id == viewer.id) | (ConsultationSession.helper_id == viewer.id),
            )
            .options(selectinload(ConsultationSession.asker), selectinload(ConsultationSession.helper))
            .order_by(ConsultationSession.id)
        )
    )


def accept_session(actor: User, session: ConsultationSession, time) -> ConsultationSession:
    """The helper accepts one of the proposed times; both get the other's
    contact details and the invitation (.ics)."""
    if not can_accept_consultation_session(actor, session):
        raise Forbidden()
    proposed = [datetime.fromisoformat(t) for t in session.proposed_times]
    chosen = None
    if isinstance(time, int) and not isinstance(time, bool):
        chosen = proposed[time] if 0 <= time < len(proposed) else None
    elif isinstance(time, (str, datetime)):
        try:
            moment = time if isinstance(time, datetime) else datetime.fromisoformat(time.strip())
        except ValueError:
            moment = None
        if moment is not None:
            moment = moment if moment.tzinfo else moment.replace(tzinfo=TOKYO)
            chosen = next((p for p in proposed if p == moment), None)
    if chosen is None:
        raise Invalid(fields={"time": [_("Choose one of the proposed times.")]})
    won = db.session.execute(
        update(ConsultationSession)
        .where(ConsultationSession.id == session.id, ConsultationSession.status == SessionStatus.proposed)
        .values(status=SessionStatus.accepted, starts_at=chosen)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        raise Conflict(_("This session request is no longer open."))
    db.session.refresh(session)
    _mail_both(session, "consultation_session_accepted")
    return session


def _is_party(actor: User | None, session: ConsultationSession) -> bool:
    return actor is not None and actor.is_authenticated and actor.id in (session.asker_id, session.helper_id)


def session_actions(actor: User | None, session: ConsultationSession) -> frozenset[str]:
    """What the consultation page offers `actor` on a 1:1 session: accept a
    proposed time (the helper), cancel (either person, until cancelled)."""
    actions = set()
    if session.status == SessionStatus.proposed and can_accept_consultation_session(actor, session):
        actions.add("accept")
    if session.status != SessionStatus.cancelled and _is_party(actor, session):
        actions.add("cancel")
    return frozenset(actions)


def cancel_session(actor: User, session: ConsultationSession) -> ConsultationSession:
    if not _is_party(actor, session):
        raise Forbidden()
    won = db.session.execute(
        update(ConsultationSession)
        .where(ConsultationSession.id == session.id, ConsultationSession.status != SessionStatus.cancelled)
        .values(
            status=SessionStatus.cancelled,
            cancelled_by_id=actor.id,
            sequence=ConsultationSession.sequence + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        raise Conflict(_("This session is already cancelled."))
    db.session.refresh(session)
    _mail_both(session, "consultation_session_cancelled", by=actor)
    return session


def _mail_both(session: ConsultationSession, template: str, by: User | None = None) -> None:
    link = external_url("consultations.session_ics", session_id=session.id)
    # The invitation itself goes with the mail (REQUEST, or CANCEL once cancelled).
    invitation = (("consultation.ics", "text/calendar; charset=utf-8", session_ics(session)),)
    for person, other in ((session.asker, session.helper), (session.helper, session.asker)):
        notifications.notify(
            person,
            notifications.CONSULTATION_SESSION,
            template=template,
            attachments=invitation,
            person=person,
            other=other,
            consultation=session.consultation,
            session=session,
            by=by,
            starts_at=session.starts_at.astimezone(TOKYO) if session.starts_at else None,
            ics_link=link,
            link=external_url("consultations.detail", consultation_id=session.consultation_id),
        )


def session_ics(session: ConsultationSession) -> bytes:
    """The invitation: REQUEST while accepted, CANCEL once cancelled."""
    cancelled = session.status == SessionStatus.cancelled
    items = []
    if session.starts_at is not None:
        items.append(
            vevent(
                uid=f"consultation-session-{session.id}@federation",
                sequence=session.sequence,
                dtstamp=utcnow(),
                start=session.starts_at,
                end=session.starts_at + timedelta(minutes=session.minutes),
                summary=f"壁打ち: {session.consultation.title}",
                status="CANCELLED" if cancelled else "CONFIRMED",
                attendees=tuple((p.email, p.display_name) for p in (session.asker, session.helper)),
                in_tokyo=False,
            )
        )
    return calendar_file(items, None, "Consultations", "CANCEL" if cancelled else "REQUEST")

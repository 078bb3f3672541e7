"""Consultations [壁打ち]: an operator (or a practice member, in the
beginners' space) brings a problem with the context of their group; others
reply; the asker marks helpful replies, closes it as solved and may turn it
into an article. Helpers list their topics and get a daily digest. A 1:1
session: up to three proposed times, the helper accepts one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar, Event, vText
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    AbuseReport,
    AlumniGroup,
    Article,
    ArticleVisibility,
    Consultation,
    ConsultationReply,
    ConsultationSession,
    ConsultationSpace,
    ConsultationStatus,
    GroupOperator,
    KnowledgeCategory,
    KnowledgeHelper,
    PracticeMembership,
    SessionStatus,
    User,
    utcnow,
)
from federation.security import (
    can_accept_consultation_session,
    can_reply_consultation,
    can_solve_consultation,
    consultation_space_for,
    is_federation_operator,
    knowledge_audiences,
)
from federation.services import notifications
from federation.services.introductions import file_abuse_report
from federation.services.knowledge import articles, index
from federation.services.mail import queue_mail
from federation.text import normalise

TOKYO = ZoneInfo("Asia/Tokyo")
TITLE_LIMIT, BODY_LIMIT = 200, 10000
MAX_PROPOSED_TIMES = 3


# --- visibility ------------------------------------------------------------------------


def visible_spaces(viewer: User | None) -> list[ConsultationSpace]:
    audiences = knowledge_audiences(viewer)
    return [s for s in ConsultationSpace if f"c:{s.value}" in audiences]


def consultations_query(viewer: User | None, category: str = "", status: str = "", space: str = ""):
    query = (
        select(Consultation)
        .where(Consultation.space.in_(visible_spaces(viewer)))
        .options(selectinload(Consultation.asker))
        .order_by(Consultation.created_at.desc(), Consultation.id.desc())
    )
    if category in KnowledgeCategory.__members__:
        query = query.where(Consultation.category == KnowledgeCategory(category))
    if status in ConsultationStatus.__members__:
        query = query.where(Consultation.status == ConsultationStatus(status))
    if space in ConsultationSpace.__members__:
        query = query.where(Consultation.space == ConsultationSpace(space))
    return query


def get_consultation(viewer: User | None, consultation_id: int) -> Consultation:
    """The consultation, or NotFound when it does not exist or is not for the viewer."""
    consultation = db.session.scalar(
        select(Consultation)
        .where(Consultation.id == consultation_id)
        .options(
            selectinload(Consultation.replies).selectinload(ConsultationReply.author),
            selectinload(Consultation.asker),
        )
    )
    if consultation is None or consultation.space not in visible_spaces(viewer):
        raise NotFound()
    return consultation


# --- the asker's context -------------------------------------------------------------------


def asker_groups(actor: User) -> list[AlumniGroup]:
    return list(
        db.session.scalars(
            select(AlumniGroup)
            .join(GroupOperator, GroupOperator.group_id == AlumniGroup.id)
            .where(GroupOperator.user_id == actor.id)
            .order_by(AlumniGroup.name_kana)
        )
    )


def context_of(actor: User, group: AlumniGroup | None) -> dict:
    """What answers should fit: the group's governance type, maturity and size."""
    if group is not None:
        return {
            "group": group.name_ja,
            "governance_type": group.governance_type.value,
            "maturity_level": group.maturity_level,
            "registered_members": group.registered_members,
        }
    practice = db.session.scalar(select(PracticeMembership).where(PracticeMembership.user_id == actor.id))
    if practice is None:
        return {}
    return {
        "group": practice.group_name,
        "governance_type": practice.governance_type.value if practice.governance_type else None,
        "maturity_level": 1,
        "registered_members": practice.registered_members,
    }


def _clean_text(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    title = normalise(data.get("title") or "")
    body = (data.get("body") or "").strip()
    category = getattr(data.get("category"), "value", data.get("category"))
    if not title:
        errors["title"] = [_("This field is required.")]
    elif len(title) > TITLE_LIMIT:
        errors["title"] = [_("Use at most %(n)d characters.", n=TITLE_LIMIT)]
    if not body:
        errors["body"] = [_("This field is required.")]
    elif len(body) > BODY_LIMIT:
        errors["body"] = [_("Use at most %(n)d characters.", n=BODY_LIMIT)]
    if category not in KnowledgeCategory.__members__:
        errors["category"] = [_("Choose one of the options.")]
    if errors:
        raise Invalid(fields=errors)
    return {"title": title, "body": body, "category": KnowledgeCategory(category)}


def post_consultation(actor: User, data: dict) -> Consultation:
    """Operators post in the federation's space, practice members in the
    beginners' space; `group` (a slug) says which of the operator's groups
    it is about (default: the first)."""
    space = consultation_space_for(actor)
    if space is None:
        raise Forbidden()
    clean = _clean_text(data)
    group = None
    if space == "federation":
        mine = asker_groups(actor)
        wanted = data.get("group") or ""
        group = next((g for g in mine if g.slug == wanted), None) if wanted else None
        if wanted and group is None:
            raise Invalid(fields={"group": [_("Choose one of your groups.")]})
        group = group or (mine[0] if mine else None)
    consultation = Consultation(
        asker_id=actor.id,
        group_id=group.id if group else None,
        space=ConsultationSpace(space),
        context=context_of(actor, group),
        status=ConsultationStatus.open,
        **clean,
    )
    db.session.add(consultation)
    db.session.flush()
    index.index_consultation(consultation)
    return consultation


def reply(actor: User, consultation: Consultation, body: str) -> ConsultationReply:
    if not can_reply_consultation(actor, consultation):
        raise Forbidden()
    body = (body or "").strip()
    if not body:
        raise Invalid(fields={"body": [_("This field is required.")]})
    if len(body) > BODY_LIMIT:
        raise Invalid(fields={"body": [_("Use at most %(n)d characters.", n=BODY_LIMIT)]})
    row = ConsultationReply(
        consultation_id=consultation.id, author_id=actor.id, body=body, created_at=utcnow()
    )
    db.session.add(row)
    consultation.updated_at = utcnow()
    db.session.flush()
    db.session.refresh(consultation, ["replies"])
    index.index_consultation(consultation)
    asker = consultation.asker
    if asker is not None and asker.id != actor.id and asker.is_active:
        notifications.notify(
            asker,
            notifications.CONSULTATION_REPLY,
            person=asker,
            consultation=consultation,
            author=actor,
            link=external_url("consultations.detail", consultation_id=consultation.id),
        )
    return row


def get_reply(consultation: Consultation, reply_id: int) -> ConsultationReply:
    row = next((r for r in consultation.replies if r.id == reply_id), None)
    if row is None:
        raise NotFound()
    return row


def mark_helpful(
    actor: User, consultation: Consultation, reply_id: int, helpful: bool = True
) -> ConsultationReply:
    if not can_solve_consultation(actor, consultation):
        raise Forbidden()
    row = get_reply(consultation, reply_id)
    row.helpful = bool(helpful)
    db.session.flush()
    return row


def solve(
    actor: User, consultation: Consultation, helpful_reply_ids: list[int] | None = None
) -> Consultation:
    """The asker closes the consultation as solved (marking helpful replies)."""
    if not can_solve_consultation(actor, consultation):
        raise Forbidden()
    for reply_id in helpful_reply_ids or []:
        get_reply(consultation, reply_id).helpful = True
    won = db.session.execute(
        update(Consultation)
        .where(Consultation.id == consultation.id, Consultation.status == ConsultationStatus.open)
        .values(status=ConsultationStatus.solved, solved_at=utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        raise Conflict(_("This consultation is already solved."))
    db.session.refresh(consultation)
    return consultation


def to_article(actor: User, consultation: Consultation, consent: bool) -> Article:
    """With the asker's consent, a solved consultation becomes an article
    (question and helpful replies), linked both ways. The asker is its author."""
    if not can_solve_consultation(actor, consultation):
        raise Forbidden()
    if consultation.status != ConsultationStatus.solved:
        raise Conflict(_("Mark the consultation as solved first."))
    if consultation.article_id is not None:
        raise Conflict(_("This consultation is already an article."))
    if not consent:
        raise Invalid(fields={"consent": [_("Agree to publish the consultation as an article.")]})
    helpful = [r for r in consultation.replies if r.helpful] or list(consultation.replies)
    with_answers = "\n\n".join(f"> {r.body.strip()}".replace("\n", "\n> ") for r in helpful)
    body = f"{consultation.body.strip()}\n\n## 回答 / Answers\n\n{with_answers}".strip()
    visibility = (
        ArticleVisibility.practice
        if consultation.space == ConsultationSpace.practice
        else ArticleVisibility.members
    )
    article = Article(
        author_id=actor.id,
        version=1,
        title_ja=consultation.title,
        title_en="",
        body_ja=body[: articles.LIMITS["body_ja"]],
        body_en="",
        category=consultation.category,
        topic="",
        governance_types=[g for g in [consultation.context.get("governance_type")] if g],
        maturity_levels=[m for m in [consultation.context.get("maturity_level")] if m],
        visibility=visibility,
    )
    db.session.add(article)
    db.session.flush()
    articles._snapshot(article, actor, _("From a consultation"))
    consultation.article_id = article.id
    db.session.flush()
    index.index_article(article)
    return article


def source_consultation(viewer: User | None, article: Article) -> Consultation | None:
    """The consultation an article came from, when the viewer may see it."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.article_id == article.id))
    if consultation is None or consultation.space not in visible_spaces(viewer):
        return None
    return consultation


# --- abuse -----------------------------------------------------------------------------------


def report(actor: User, consultation: Consultation, reason: str, reply_id: int | None = None) -> AbuseReport:
    """Into the directory's report queue, for the coordinators."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(fields={"reason": [_("This field is required.")]})
    if len(reason) > 2000:
        raise Invalid(fields={"reason": [_("Use at most %(n)d characters.", n=2000)]})
    reported = get_reply(consultation, reply_id).author if reply_id else consultation.asker
    if reported is None or reported.id == actor.id:
        raise Invalid(fields={"reason": [_("This cannot be reported.")]})
    return file_abuse_report(actor, reported, reason, consultation_id=consultation.id)


# --- helpers and the daily digest --------------------------------------------------------


def helper_of(actor: User) -> KnowledgeHelper | None:
    return db.session.get(KnowledgeHelper, actor.id)


def set_topics(actor: User, categories: list[str], digest_enabled: bool = True) -> KnowledgeHelper:
    """The topics an operator can help with; the digest can be turned off."""
    if not is_federation_operator(actor):
        raise Forbidden()
    values = [getattr(c, "value", c) for c in categories or []]
    if any(v not in KnowledgeCategory.__members__ for v in values):
        raise Invalid(fields={"categories": [_("Choose from the list.")]})
    helper = helper_of(actor)
    if helper is None:
        helper = KnowledgeHelper(user_id=actor.id)
        db.session.add(helper)
    helper.categories = sorted(set(values))
    helper.digest_enabled = bool(digest_enabled)
    db.session.flush()
    return helper


def helpers_for(category: KnowledgeCategory) -> list[User]:
    """Operators who can help with this category (for the session request form)."""
    rows = db.session.scalars(select(KnowledgeHelper).options(selectinload(KnowledgeHelper.user)))
    return [h.user for h in rows if category.value in (h.categories or []) and h.user.is_active]


def tokyo_day(moment: datetime) -> str:
    return moment.astimezone(TOKYO).date().isoformat()


def send_consultation_digests(now: datetime | None = None) -> int:
    """Once per Tokyo day, mail each helper (digest on) one list of the new
    consultations on their topics that they may see and did not post
    themselves; never a mail per post. Idempotent within the day."""
    now = now or utcnow()
    day = tokyo_day(now)
    sent = 0
    helpers = db.session.scalars(
        select(KnowledgeHelper)
        .where(KnowledgeHelper.digest_enabled.is_(True))
        .options(selectinload(KnowledgeHelper.user))
    ).all()
    if not helpers:
        return 0
    oldest = min((h.digest_until or now - timedelta(days=1)) for h in helpers)
    recent = db.session.scalars(
        select(Consultation)
        .where(
            Consultation.created_at > oldest,
            Consultation.created_at <= now,
            Consultation.status == ConsultationStatus.open,
        )
        .order_by(Consultation.created_at, Consultation.id)
    ).all()
    for helper in helpers:
        user = helper.user
        if helper.digest_day == day or not user.is_active:
            continue
        since = helper.digest_until or now - timedelta(days=1)
        spaces = set(visible_spaces(user))
        items = [
            c
            for c in recent
            if c.created_at > since
            and c.space in spaces
            and c.category.value in (helper.categories or [])
            and c.asker_id != user.id
        ]
        if items:
            queue_mail(
                user.email,
                "consultation_digest",
                user.locale,
                person=user,
                consultations=items[:30],
                total=len(items),
                link=external_url("consultations.list"),
                settings_link=external_url("consultations.topics"),
            )
            sent += 1
        helper.digest_day = day
        helper.digest_until = now
        db.session.flush()
    return sent


# --- 1:1 sessions ----------------------------------------------------------------------------


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


def cancel_session(actor: User, session: ConsultationSession) -> ConsultationSession:
    if actor.id not in (session.asker_id, session.helper_id):
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
    calendar = Calendar()
    calendar.add("prodid", "-//federation//consultations//JA")
    calendar.add("version", "2.0")
    cancelled = session.status == SessionStatus.cancelled
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    if session.starts_at is not None:
        event = Event()
        event.add("uid", f"consultation-session-{session.id}@federation")
        event.add("summary", vText(f"壁打ち: {session.consultation.title}"))
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.starts_at + timedelta(minutes=session.minutes))
        event.add("dtstamp", utcnow())
        event.add("sequence", session.sequence)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        for person in (session.asker, session.helper):
            event.add("attendee", f"mailto:{person.email}", parameters={"CN": person.display_name})
        calendar.add_component(event)
    return calendar.to_ical()


@dataclass
class Permissions:
    """What the viewer may do with a consultation (templates ask this)."""

    reply: bool
    solve: bool
    to_article: bool
    request_session: bool
    report: bool


def permissions(viewer: User | None, consultation: Consultation) -> Permissions:
    asker = can_solve_consultation(viewer, consultation)
    is_open = consultation.status == ConsultationStatus.open
    return Permissions(
        reply=is_open and can_reply_consultation(viewer, consultation),
        solve=asker and is_open,
        to_article=asker
        and consultation.status == ConsultationStatus.solved
        and consultation.article_id is None,
        request_session=asker and any(r.author_id != viewer.id for r in consultation.replies),
        report=viewer is not None and viewer.is_authenticated and not asker,
    )

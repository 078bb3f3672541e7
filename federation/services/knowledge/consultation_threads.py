"""Consultations [壁打ち] as threads: an operator (or a practice member, in
the beginners' space) brings a problem with the context of their group;
others reply; the asker marks helpful replies, closes it as solved and may
turn it into an article. Who sees a consultation, and what the viewer may do
with it now (permissions, which the pages ask), are decided here."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
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
    ConsultationSpace,
    ConsultationStatus,
    KnowledgeCategory,
    PracticeMembership,
    User,
    utcnow,
)
from federation.permissions import (
    can_reply_consultation,
    can_solve_consultation,
    consultation_space_for,
    knowledge_audiences,
)
from federation.services import notifications
from federation.services.groups.operators import groups_operated_by
from federation.services.introductions import file_abuse_report
from federation.services.knowledge import articles, index
from federation.text import normalise

TITLE_LIMIT, BODY_LIMIT = 200, 10000


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
        mine = groups_operated_by(actor)
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
    articles.snapshot(article, actor, _("From a consultation"))
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

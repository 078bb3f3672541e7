"""A person's own data in the knowledge hub: exported with the rest, and
erased on deletion (posts stay, shown under the anonymised account)."""

from __future__ import annotations

from sqlalchemy import delete, or_, select

from federation.extensions import db
from federation.models import (
    Article,
    Consultation,
    ConsultationReply,
    ConsultationSession,
    KnowledgeHelper,
    PracticeMembership,
    User,
)
from federation.services.privacy import eraser, exporter


def _iso(value):
    return value.isoformat() if value else None


@exporter("knowledge")
def export_knowledge(user: User) -> dict:
    practice = db.session.scalar(select(PracticeMembership).where(PracticeMembership.user_id == user.id))
    helper = db.session.get(KnowledgeHelper, user.id)
    return {
        "articles": [
            {"id": a.id, "title_ja": a.title_ja, "title_en": a.title_en, "created_at": _iso(a.created_at)}
            for a in db.session.scalars(select(Article).where(Article.author_id == user.id))
        ],
        "consultations": [
            {
                "id": c.id,
                "title": c.title,
                "body": c.body,
                "status": c.status.value,
                "created_at": _iso(c.created_at),
            }
            for c in db.session.scalars(select(Consultation).where(Consultation.asker_id == user.id))
        ],
        "replies": [
            {"consultation_id": r.consultation_id, "body": r.body, "created_at": _iso(r.created_at)}
            for r in db.session.scalars(
                select(ConsultationReply).where(ConsultationReply.author_id == user.id)
            )
        ],
        "helper_topics": None
        if helper is None
        else {"categories": helper.categories, "digest_enabled": helper.digest_enabled},
        "practice_community": None
        if practice is None
        else {
            "group_name": practice.group_name,
            "registered_members": practice.registered_members,
            "events_last_12_months": practice.events_last_12_months,
            "joined_at": _iso(practice.created_at),
            "left_at": _iso(practice.left_at),
        },
    }


@eraser
def erase_knowledge(user: User) -> None:
    db.session.execute(delete(KnowledgeHelper).where(KnowledgeHelper.user_id == user.id))
    db.session.execute(delete(PracticeMembership).where(PracticeMembership.user_id == user.id))
    db.session.execute(
        delete(ConsultationSession).where(
            or_(ConsultationSession.asker_id == user.id, ConsultationSession.helper_id == user.id)
        )
    )

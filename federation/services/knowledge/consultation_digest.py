"""Helpers of consultations: the topics an operator can help with, and
once per Tokyo day one digest mail of the new consultations on them."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from federation.errors import Forbidden, Invalid
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    Consultation,
    ConsultationStatus,
    KnowledgeCategory,
    KnowledgeHelper,
    User,
    utcnow,
)
from federation.models.base import TOKYO
from federation.permissions import is_federation_operator
from federation.services.knowledge.consultation_threads import visible_spaces
from federation.services.mail import queue_mail


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
                consultations=[
                    {"title": c.title, "link": external_url("consultations.detail", consultation_id=c.id)}
                    for c in items[:30]
                ],
                total=len(items),
                link=external_url("consultations.list"),
                settings_link=external_url("consultations.topics"),
            )
            sent += 1
        helper.digest_day = day
        helper.digest_until = now
        db.session.flush()
    return sent

"""What came of an introduction: both people are asked once, some days after
it was accepted (mail and page); answering is optional, and an answer stays
private to aggregates unless the person agrees to be named."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from federation.errors import Conflict, Invalid, NotFound
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    Introduction,
    IntroductionOutcome,
    IntroductionStatus,
    OutcomeKind,
    User,
    limits,
    utcnow,
)
from federation.services import notifications
from federation.services.health.settings import get_thresholds
from federation.services.privacy import eraser, exporter


def ask_for_outcomes(now: datetime | None = None, limit: int = 500) -> int:
    """Periodic: ask both people of each introduction accepted at least
    `outcome_ask_days` ago, once (the row is the record that they were asked).
    Returns the number of people asked."""
    now = now or utcnow()
    due = now - timedelta(days=get_thresholds()["outcome_ask_days"])
    asked = select(IntroductionOutcome.introduction_id)
    introductions = list(
        db.session.scalars(
            select(Introduction)
            .where(
                Introduction.status == IntroductionStatus.accepted,
                Introduction.decided_at <= due,
                Introduction.id.not_in(asked),
            )
            .options(selectinload(Introduction.sender), selectinload(Introduction.recipient))
            .order_by(Introduction.id)
            .limit(limit)
        )
    )
    count = 0
    for introduction in introductions:
        pairs = ((introduction.sender, introduction.recipient), (introduction.recipient, introduction.sender))
        for person, other in pairs:
            db.session.add(
                IntroductionOutcome(introduction_id=introduction.id, user_id=person.id, asked_at=now)
            )
            if person.deactivated_at is None:
                send_outcome_question(person, other, introduction)
            count += 1
    db.session.flush()
    return count


def send_outcome_question(person: User, other: User, introduction: Introduction) -> None:
    """Mail kind "introduction_outcome": what came of the introduction?"""
    notifications.notify(
        person,
        notifications.INTRODUCTION_OUTCOME,
        key=f"introduction:{introduction.id}",
        person=person,
        other=other,
        link=external_url("health.outcome", introduction_id=introduction.id),
    )


def get_for_answer(actor: User, introduction_id: int) -> tuple[Introduction, IntroductionOutcome | None]:
    introduction = db.session.get(Introduction, introduction_id)
    if (
        introduction is None
        or actor is None
        or not actor.is_authenticated
        or actor.id not in (introduction.sender_id, introduction.recipient_id)
    ):
        raise NotFound()
    row = db.session.scalar(
        select(IntroductionOutcome).where(
            IntroductionOutcome.introduction_id == introduction.id, IntroductionOutcome.user_id == actor.id
        )
    )
    return introduction, row


def answer(
    actor: User, introduction_id: int, outcome: str, *, named: bool = False, note: str = ""
) -> IntroductionOutcome:
    introduction, row = get_for_answer(actor, introduction_id)
    if introduction.status != IntroductionStatus.accepted:
        raise Conflict(_("Only an accepted introduction has an outcome."))
    try:
        kind = OutcomeKind(outcome)
    except ValueError:
        raise Invalid(fields={"outcome": [_("Choose what came of it.")]}) from None
    note = (note or "").strip()
    if len(note) > limits.OUTCOME_NOTE:
        raise Invalid(fields={"note": [_("Use at most %(n)d characters.", n=limits.OUTCOME_NOTE)]})
    if row is None:
        row = IntroductionOutcome(introduction_id=introduction.id, user_id=actor.id, asked_at=utcnow())
        db.session.add(row)
    row.outcome, row.named, row.note, row.answered_at = kind, bool(named), note, utcnow()
    db.session.flush()
    return row


def pending_questions(actor: User, limit: int = 20) -> list[IntroductionOutcome]:
    """Questions asked and not answered yet, for the person's page."""
    return list(
        db.session.scalars(
            select(IntroductionOutcome)
            .where(IntroductionOutcome.user_id == actor.id, IntroductionOutcome.outcome.is_(None))
            .options(
                selectinload(IntroductionOutcome.introduction).selectinload(Introduction.sender),
                selectinload(IntroductionOutcome.introduction).selectinload(Introduction.recipient),
            )
            .order_by(IntroductionOutcome.asked_at.desc())
            .limit(limit)
        )
    )


# --- personal data ----------------------------------------------------------------------


@exporter("introduction_outcomes")
def export_my_outcomes(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(IntroductionOutcome)
        .where(IntroductionOutcome.user_id == user.id)
        .order_by(IntroductionOutcome.id)
    )
    return [
        {
            "introduction_id": r.introduction_id,
            "asked_at": r.asked_at.isoformat(),
            "outcome": r.outcome.value if r.outcome else None,
            "note": r.note,
            "named": r.named,
            "answered_at": r.answered_at.isoformat() if r.answered_at else None,
        }
        for r in rows
    ]


@eraser
def anonymise_my_outcomes(user: User) -> None:
    """The outcome still counts in the totals; the person is no longer named
    and their note goes."""
    db.session.execute(
        update(IntroductionOutcome)
        .where(IntroductionOutcome.user_id == user.id)
        .values(named=False, note="")
        .execution_options(synchronize_session=False)
    )

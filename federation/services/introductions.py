"""Double opt-in introductions: a member asks with a message, the other
accepts or declines; only on acceptance do both receive each other's contact
details, by mail. Per-sender daily cap, blocks and abuse reports."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from federation.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    AbuseReport,
    DirectoryBlock,
    Introduction,
    IntroductionStatus,
    User,
    limits,
    utcnow,
)
from federation.permissions import can_see_abuse_reports, is_member
from federation.services import directory, notifications
from federation.services.mail import queue_mail


def request_introduction(actor: User, profile_id: int, message: str) -> Introduction:
    if not is_member(actor):
        raise Forbidden()
    view = directory.get_profile(actor, profile_id)  # NotFound when not visible
    recipient = view.profile.user
    if recipient.id == actor.id:
        raise Invalid(fields={"profile_id": [_("You cannot ask for an introduction to yourself.")]})
    message = (message or "").strip()
    if not message:
        raise Invalid(fields={"message": [_("This field is required.")]})
    if len(message) > limits.SHORT_MESSAGE:
        raise Invalid(fields={"message": [_("Use at most %(n)d characters.", n=limits.SHORT_MESSAGE)]})
    cap = current_app.config["DIRECTORY_INTRODUCTIONS_PER_DAY"]
    sent_today = db.session.scalar(
        select(func.count(Introduction.id)).where(
            Introduction.sender_id == actor.id, Introduction.created_at > utcnow() - timedelta(days=1)
        )
    )
    if sent_today >= cap:
        raise RateLimited(_("You have asked for %(n)d introductions today. Try again tomorrow.", n=cap))
    blocked = db.session.scalar(
        select(DirectoryBlock.id).where(
            DirectoryBlock.blocker_id == recipient.id, DirectoryBlock.blocked_id == actor.id
        )
    )
    if blocked:
        # Neutral: the sender is not told that they are blocked.
        raise Conflict(_("This person is not taking introduction requests at the moment."))
    pending = db.session.scalar(
        select(Introduction).where(
            Introduction.sender_id == actor.id,
            Introduction.recipient_id == recipient.id,
            Introduction.status == IntroductionStatus.pending,
        )
    )
    if pending:
        from federation.i18n import date_filter

        raise Conflict(
            _(
                "You already asked %(name)s on %(date)s; wait for the answer. You "
                "are told in your inbox when they reply.",
                name=recipient.display_name,
                date=date_filter(pending.created_at),
            )
        )
    introduction = Introduction(sender=actor, recipient=recipient, message=message, created_at=utcnow())
    db.session.add(introduction)
    db.session.flush()
    notifications.notify(
        recipient,
        notifications.INTRODUCTION_REQUESTED,
        person=recipient,
        sender=actor,
        message=message,
        link=external_url("directory.introductions"),
    )
    return introduction


def get_introduction(actor: User, introduction_id: int) -> Introduction:
    introduction = db.session.get(Introduction, introduction_id)
    if introduction is None or actor.id not in (introduction.sender_id, introduction.recipient_id):
        raise NotFound()
    return introduction


def _decide(actor: User, introduction: Introduction, status: IntroductionStatus) -> Introduction:
    if introduction.recipient_id != actor.id:
        raise Forbidden()
    if introduction.status != IntroductionStatus.pending:
        raise Conflict(_("This request was already answered."))
    introduction.status = status
    introduction.decided_at = utcnow()
    return introduction


def accept(actor: User, introduction: Introduction) -> Introduction:
    """Both receive each other's contact details by mail."""
    _decide(actor, introduction, IntroductionStatus.accepted)
    sender, recipient = introduction.sender, introduction.recipient
    for person, other in ((sender, recipient), (recipient, sender)):
        notifications.notify(person, notifications.INTRODUCTION_ANSWERED, person=person, other=other)
    return introduction


def decline(actor: User, introduction: Introduction) -> Introduction:
    _decide(actor, introduction, IntroductionStatus.declined)
    sender = introduction.sender
    notifications.notify(
        sender, notifications.INTRODUCTION_ANSWERED, template="introduction_declined", person=sender
    )
    return introduction


def inbox(actor: User):
    return (
        select(Introduction)
        .where(Introduction.recipient_id == actor.id)
        .options(selectinload(Introduction.sender))
        .order_by(Introduction.created_at.desc(), Introduction.id.desc())
    )


def outbox(actor: User):
    return (
        select(Introduction)
        .where(Introduction.sender_id == actor.id)
        .options(selectinload(Introduction.recipient))
        .order_by(Introduction.created_at.desc(), Introduction.id.desc())
    )


def block(actor: User, introduction: Introduction) -> DirectoryBlock:
    """The recipient blocks the sender; a pending request is declined quietly."""
    if introduction.recipient_id != actor.id:
        raise Forbidden()
    row = db.session.scalar(
        select(DirectoryBlock).where(
            DirectoryBlock.blocker_id == actor.id, DirectoryBlock.blocked_id == introduction.sender_id
        )
    )
    if row is None:
        row = DirectoryBlock(blocker_id=actor.id, blocked_id=introduction.sender_id, created_at=utcnow())
        db.session.add(row)
    if introduction.status == IntroductionStatus.pending:
        introduction.status = IntroductionStatus.declined
        introduction.decided_at = utcnow()
    db.session.flush()
    return row


def report(actor: User, introduction: Introduction, reason: str) -> AbuseReport:
    if introduction.recipient_id != actor.id:
        raise Forbidden()
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(fields={"reason": [_("This field is required.")]})
    if len(reason) > limits.SHORT_MESSAGE:
        raise Invalid(fields={"reason": [_("Use at most %(n)d characters.", n=limits.SHORT_MESSAGE)]})
    return file_abuse_report(actor, introduction.sender, reason, introduction_id=introduction.id)


def file_abuse_report(actor: User, reported: User, reason: str, **about) -> AbuseReport:
    """Put a report in the coordinators' queue (the directory's reports page)
    and tell them; `about` names what it is about (introduction_id or
    consultation_id). The one way a report is filed, whatever was reported."""
    row = AbuseReport(
        reporter_id=actor.id, reported_id=reported.id, reason=reason, created_at=utcnow(), **about
    )
    db.session.add(row)
    db.session.flush()
    for person in notifications.coordinators():
        queue_mail(
            person.email,
            "abuse_report",
            person.locale,
            person=person,
            report=row,
            reporter=actor,
            reported=reported,
            link=external_url("directory.reports"),
        )
    return row


def abuse_reports(actor: User):
    if not can_see_abuse_reports(actor):
        raise Forbidden()
    return (
        select(AbuseReport)
        .options(selectinload(AbuseReport.reporter), selectinload(AbuseReport.reported))
        .order_by(AbuseReport.created_at.desc(), AbuseReport.id.desc())
    )


def has_pending_between(actor: User, other_id: int) -> bool:
    return (
        db.session.scalar(
            select(Introduction.id).where(
                or_(
                    (Introduction.sender_id == actor.id) & (Introduction.recipient_id == other_id),
                    (Introduction.sender_id == other_id) & (Introduction.recipient_id == actor.id),
                ),
                Introduction.status == IntroductionStatus.pending,
            )
        )
        is not None
    )

"""Deciding a join request: approve (the person becomes a member and gets
the welcome mail), decline, or the asker withdraws. Every transition is one
conditional UPDATE, so two approvers deciding at once get one success and
one Conflict. The birth date is erased in the same UPDATE that decides."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update

from federation.errors import Forbidden, Invalid
from federation.extensions import db
from federation.links import external_url
from federation.models import GroupMembership, JoinRequest, JoinRequestStatus, User, limits, utcnow
from federation.permissions import can_decide_join_requests, forget_membership
from federation.services import notifications
from federation.services.membership.join_requests import JoinRequestConflict, S, status_label
from federation.services.membership.settings import default_template, settings_of


def _transition(join_request: JoinRequest, to: JoinRequestStatus, actor: User, message: str) -> None:
    changed = db.session.execute(
        update(JoinRequest)
        .where(JoinRequest.id == join_request.id, JoinRequest.status == S.pending)
        .values(
            status=to, decided_at=utcnow(), decided_by_id=actor.id, decision_message=message, birth_date=None
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(join_request)
    if changed != 1:
        raise JoinRequestConflict(
            _(
                "This request was already answered (%(status)s) in the meantime.",
                status=status_label(join_request.status),
            ),
            join_request,
        )


def _clean_message(message: str | None) -> str:
    text = (message or "").strip().replace("\x00", "")
    if len(text) > limits.SHORT_MESSAGE:
        raise Invalid(fields={"message": [_("Use at most %(n)d characters.", n=limits.SHORT_MESSAGE)]})
    return text


def approve(actor: User, join_request: JoinRequest, message: str | None = None) -> JoinRequest:
    """Accept: the person becomes a member of the group and gets the welcome mail."""
    if not can_decide_join_requests(actor, join_request.group):
        raise Forbidden()
    group = join_request.group
    settings = settings_of(group)
    person = join_request.user
    text = _clean_message(message) or settings.approve_template or default_template("approve", person.locale)
    _transition(join_request, S.approved, actor, text)
    membership = db.session.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == group.id, GroupMembership.user_id == person.id
        )
    )
    if membership is None:
        db.session.add(
            GroupMembership(
                group_id=group.id,
                user_id=person.id,
                verified_at=utcnow(),
                source="join_request",
                self_introduction="",
            )
        )
        db.session.flush()
    forget_membership(person)
    notifications.notify(
        person,
        notifications.JOIN_REQUEST_DECIDED,
        template="join_request_approved",
        key=f"join_request:{join_request.id}",
        group=group,
        message=text,
        founding_statement_url=settings.founding_statement_url,
        introduction_link=external_url("membership.introduction", slug=group.slug),
        members_link=external_url("membership.members", slug=group.slug),
    )
    return join_request


def decline(actor: User, join_request: JoinRequest, message: str | None = None) -> JoinRequest:
    if not can_decide_join_requests(actor, join_request.group):
        raise Forbidden()
    settings = settings_of(join_request.group)
    person = join_request.user
    text = _clean_message(message) or settings.decline_template or default_template("decline", person.locale)
    _transition(join_request, S.declined, actor, text)
    notifications.notify(
        person,
        notifications.JOIN_REQUEST_DECIDED,
        template="join_request_declined",
        key=f"join_request:{join_request.id}",
        group=join_request.group,
        message=text,
    )
    return join_request


def withdraw(actor: User, join_request: JoinRequest) -> JoinRequest:
    if actor is None or join_request.user_id != actor.id:
        raise Forbidden()
    _transition(join_request, S.withdrawn, actor, "")
    return join_request

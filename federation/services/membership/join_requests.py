"""Join requests up to the decision: the groups open to them, asking,
and who sees a request and what they may do with it now.

States: pending -> approved | declined (an approver) | withdrawn (the asker).
Decided requests are final; allowed_actions is the one place that says which
transitions a viewer may make (pages and the API ask it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.labels import JOIN_REQUEST_STATUS_LABELS
from federation.models import AlumniGroup, JoinRequest, JoinRequestStatus, JoinSettings, User, limits
from federation.permissions import (
    alumni_group_ids,
    can_ask_to_join,
    can_decide_join_requests,
    can_manage_group,
    can_see_group_members,
    can_see_join_request,
    is_alumnus_of,
    may_see_birth_date,
)
from federation.services.membership.settings import questions_of, settings_of
from federation.services.views import View
from federation.text import normalise

S = JoinRequestStatus


class JoinRequestConflict(Conflict):
    """A duplicate or a state that changed; carries the existing request."""

    def __init__(self, message: str, existing: JoinRequest | None = None):
        super().__init__(message)
        self.existing = existing


def status_label(status: JoinRequestStatus) -> str:
    return str(JOIN_REQUEST_STATUS_LABELS[status])


def open_groups_query():
    """Groups that take join requests (listed on the join page by name,
    company and eligibility rule only)."""
    return (
        select(AlumniGroup)
        .outerjoin(JoinSettings, JoinSettings.group_id == AlumniGroup.id)
        .where(or_(JoinSettings.group_id.is_(None), JoinSettings.is_open.is_(True)))
        .order_by(AlumniGroup.name_kana, AlumniGroup.id)
    )


def joinable_group(actor: User | None, slug: str) -> AlumniGroup:
    group = db.session.scalar(open_groups_query().where(AlumniGroup.slug == slug))
    if group is None:
        raise NotFound()
    return group


def my_requests(user: User) -> list[JoinRequest]:
    return list(
        db.session.scalars(
            select(JoinRequest)
            .where(JoinRequest.user_id == user.id)
            .options(selectinload(JoinRequest.group))
            .order_by(JoinRequest.created_at.desc(), JoinRequest.id.desc())
            .limit(50)
        )
    )


def my_group_ids(user: User | None) -> set[int]:
    return set(alumni_group_ids(user))


@dataclass(frozen=True)
class JoinActions:
    """What a group's page offers the viewer about joining."""

    can_ask: bool
    can_decide: bool
    can_manage: bool
    can_see_members: bool
    is_mine: bool


def join_actions(viewer: User | None, group: AlumniGroup, *, is_open: bool | None = None) -> JoinActions:
    """`is_open` is the group's setting when the caller read it already (the
    group's page reads it with the group); otherwise it is asked only when
    the viewer could ask to join."""
    mine = group.id in alumni_group_ids(viewer)
    may_ask = can_ask_to_join(viewer) and not mine
    if may_ask and is_open is None:
        is_open = settings_of(group).is_open
    return JoinActions(
        can_ask=may_ask and bool(is_open),
        can_decide=can_decide_join_requests(viewer, group),
        can_manage=can_manage_group(viewer, group),
        can_see_members=can_see_group_members(viewer, group),
        is_mine=mine,
    )


def pending_request(user: User, group: AlumniGroup) -> JoinRequest | None:
    return db.session.scalar(
        select(JoinRequest).where(
            JoinRequest.group_id == group.id, JoinRequest.user_id == user.id, JoinRequest.status == S.pending
        )
    )


def _clean_answers(settings: JoinSettings, raw: dict) -> tuple[dict, date | None]:
    errors: dict[str, list[str]] = {}
    answers: dict[str, str] = {}
    birth_date = None
    for question in questions_of(settings):
        key = question["key"]
        value = raw.get(key)
        if question["kind"] == "date":
            if isinstance(value, str) and value.strip():
                try:
                    value = date.fromisoformat(value.strip())
                except ValueError:
                    errors[key] = [_("Enter a date such as 1985-04-01.")]
                    continue
            if isinstance(value, datetime):
                value = value.date()
            if value in (None, ""):
                if question["required"]:
                    errors[key] = [_("This field is required.")]
                continue
            if not isinstance(value, date) or not date(1900, 1, 1) <= value <= date.today():
                errors[key] = [_("Enter a date such as 1985-04-01.")]
                continue
            birth_date = value
            continue
        text = "" if value is None else str(value)
        text = text.strip() if question["kind"] == "textarea" else normalise(text)
        text = text.replace("\x00", "")
        if not text and question["required"]:
            errors[key] = [_("This field is required.")]
        elif len(text) > limits.JOIN_ANSWER:
            errors[key] = [_("Use at most %(n)d characters.", n=limits.JOIN_ANSWER)]
        elif text:
            answers[key] = text
    if errors:
        raise Invalid(fields=errors)
    return answers, birth_date


def ask_to_join(actor: User, group: AlumniGroup, raw_answers: dict) -> JoinRequest:
    """Create a pending request. Already a member, or already asked: Conflict
    (with the existing request when there is one)."""
    if not can_ask_to_join(actor):
        raise Forbidden()
    settings = settings_of(group)
    if not settings.is_open:
        raise NotFound()
    if is_alumnus_of(actor, group):
        raise JoinRequestConflict(_("You are already a member of this group."))
    existing = pending_request(actor, group)
    if existing is not None:
        raise JoinRequestConflict(
            _("You have already asked to join this group; the approvers will answer soon."), existing
        )
    answers, birth_date = _clean_answers(settings, raw_answers or {})
    join_request = JoinRequest(
        group_id=group.id,
        user_id=actor.id,
        status=S.pending,
        answers=answers,
        birth_date=birth_date,
        decision_message="",
    )
    try:
        with db.session.begin_nested():
            db.session.add(join_request)
            db.session.flush()
    except IntegrityError:
        # Two submits at once: the unique index on open requests kept one.
        raise JoinRequestConflict(
            _("You have already asked to join this group; the approvers will answer soon."),
            pending_request(actor, group),
        ) from None
    return join_request


def get_request(viewer: User | None, request_id: int) -> JoinRequest:
    """The request, for the asker and the group's approvers; NotFound otherwise."""
    join_request = db.session.scalar(
        select(JoinRequest)
        .where(JoinRequest.id == request_id)
        .options(
            selectinload(JoinRequest.group).selectinload(AlumniGroup.operators),
            selectinload(JoinRequest.user),
        )
    )
    if join_request is None or not can_see_join_request(viewer, join_request):
        raise NotFound()
    return join_request


# Asker and decider come in the page's own statement.
_LOADED = (joinedload(JoinRequest.user), joinedload(JoinRequest.decided_by))


def queue_query(actor: User, group: AlumniGroup, status: str = "pending"):
    """The approvers' queue as a select() to paginate (asker loaded with it)."""
    if not can_decide_join_requests(actor, group):
        raise NotFound()
    return _queue(group, status)


def _queue(group: AlumniGroup, status: str):
    query = select(JoinRequest).where(JoinRequest.group_id == group.id).options(*_LOADED)
    if status in S.__members__:
        query = query.where(JoinRequest.status == S(status))
    order = JoinRequest.created_at.asc() if status == "pending" else JoinRequest.created_at.desc()
    return query.order_by(order, JoinRequest.id)


def group_requests_query(actor: User, group: AlumniGroup):
    """For the API list: approvers see the queue (every state); anyone else
    only their own requests to the group."""
    if can_decide_join_requests(actor, group):
        return _queue(group, status="")
    return (
        select(JoinRequest)
        .where(JoinRequest.group_id == group.id, JoinRequest.user_id == actor.id)
        .options(*_LOADED)
        .order_by(JoinRequest.created_at.desc(), JoinRequest.id)
    )


def allowed_actions(actor: User | None, join_request: JoinRequest) -> set[str]:
    """What this viewer may do with the request now (templates ask this)."""
    if join_request.status != S.pending or actor is None or not actor.is_authenticated:
        return set()
    actions = set()
    if can_decide_join_requests(actor, join_request.group):
        actions |= {"approve", "decline"}
    if join_request.user_id == actor.id:
        actions.add("withdraw")
    return actions


def request_view(viewer: User | None, join_request: JoinRequest):
    """The request as this viewer sees it, for the API schema to read: the
    birth date for the group's approvers only, and what the viewer may do now."""
    return View(
        join_request,
        birth_date=join_request.birth_date if may_see_birth_date(viewer, join_request) else None,
        actions=sorted(allowed_actions(viewer, join_request)),
    )

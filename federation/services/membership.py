"""Joining a member group: the group's join settings, the alumni's join
requests and their state machine, the approvers' queue and digest, the
welcome mail, and the members' self-introductions.

States: pending -> approved | declined (an approver) | withdrawn (the asker).
Decided requests are final. Every transition is one conditional UPDATE, so
two approvers deciding at once get one success and one Conflict. The birth
date is erased in the same UPDATE that decides.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    AlumniGroup,
    GroupMembership,
    GroupOperator,
    JoinApprover,
    JoinDigestLog,
    JoinRequest,
    JoinRequestStatus,
    JoinSettings,
    User,
    utcnow,
)
from federation.security import (
    can_ask_to_join,
    can_decide_join_requests,
    can_manage_group,
    can_see_group_members,
    can_see_join_request,
    forget_membership,
    is_alumnus_of,
    join_approver_ids,
)
from federation.services import notifications
from federation.services.mail import queue_mail
from federation.services.views import View
from federation.text import normalise

TOKYO = ZoneInfo("Asia/Tokyo")
S = JoinRequestStatus

# The questions of today's process (domain brief): the built-in ones can be
# switched off; a group adds its own below them.
BUILTIN_QUESTIONS = {
    "full_name": {"label": _l("Full name (as registered at the company)"), "kind": "text"},
    "birth_date": {
        "label": _l("Birth date (for the company's HR check; erased after the decision)"),
        "kind": "date",
    },
    "company_left": {"label": _l("Company and department you left, and when"), "kind": "text"},
    "current_job": {"label": _l("Current job"), "kind": "text"},
}
DEFAULT_QUESTIONS = [{"key": key, "required": True} for key in BUILTIN_QUESTIONS]
MAX_CUSTOM_QUESTIONS = 5
ANSWER_LIMIT = 1000
MESSAGE_LIMIT = 2000
DEFAULT_DIGEST_WEEKDAYS = [0, 3]  # Monday and Thursday: "two approvers, twice a week"
WEEKDAYS = range(7)


class JoinRequestConflict(Conflict):
    """A duplicate or a state that changed; carries the existing request."""

    def __init__(self, message: str, existing: JoinRequest | None = None):
        super().__init__(message)
        self.existing = existing


# --- settings ---------------------------------------------------------------------


def settings_of(group: AlumniGroup) -> JoinSettings:
    """The group's settings, or unsaved defaults."""
    row = db.session.get(JoinSettings, group.id)
    if row is None:
        row = JoinSettings(
            group_id=group.id,
            is_open=True,
            questions=list(DEFAULT_QUESTIONS),
            founding_statement_url="",
            approve_template="",
            decline_template="",
        )
    return row


def questions_of(settings: JoinSettings) -> list[dict]:
    """The questions with their labels: [{key, label, kind, required}]."""
    result = []
    for question in settings.questions or []:
        key = question.get("key", "")
        if key in BUILTIN_QUESTIONS:
            builtin = BUILTIN_QUESTIONS[key]
            result.append(
                {
                    "key": key,
                    "label": str(builtin["label"]),
                    "kind": builtin["kind"],
                    "required": bool(question.get("required", True)),
                }
            )
        elif key.startswith("custom_") and question.get("label"):
            result.append(
                {
                    "key": key,
                    "label": question["label"],
                    "kind": "textarea",
                    "required": bool(question.get("required", False)),
                }
            )
    return result


def default_template(kind: str, locale: str) -> str:
    from flask_babel import force_locale

    with force_locale(locale):
        if kind == "approve":
            return _(
                "Thank you for your request. We have confirmed that you are an alumnus or "
                "alumna of our company, and welcome you to the group."
            )
        return _(
            "Thank you for your request. We regret that we could not confirm that you "
            "meet the group's eligibility, and cannot accept it this time."
        )


def update_settings(actor: User, group: AlumniGroup, data: dict) -> JoinSettings:
    """data: is_open, builtin (keys switched on), custom (question lines),
    founding_statement_url, approve_template, decline_template, approvers
    (user ids among the group's operators)."""
    if not can_manage_group(actor, group):
        raise Forbidden()
    errors: dict[str, list[str]] = {}
    row = db.session.get(JoinSettings, group.id)
    if row is None:
        row = JoinSettings(group_id=group.id)
        db.session.add(row)
    builtin = [key for key in BUILTIN_QUESTIONS if key in (data.get("builtin") or [])]
    custom_lines = [normalise(line) for line in (data.get("custom") or "").splitlines()]
    custom_lines = [line for line in custom_lines if line]
    if len(custom_lines) > MAX_CUSTOM_QUESTIONS:
        errors["custom"] = [_("Add at most %(n)d questions.", n=MAX_CUSTOM_QUESTIONS)]
    elif any(len(line) > 200 for line in custom_lines):
        errors["custom"] = [_("Use at most %(n)d characters.", n=200)]
    url = (data.get("founding_statement_url") or "").strip()
    if url and (not url.startswith(("https://", "http://")) or len(url) > 500 or " " in url):
        errors["founding_statement_url"] = [_("Enter a URL starting with https://.")]
    for field in ("approve_template", "decline_template"):
        if len((data.get(field) or "").strip()) > MESSAGE_LIMIT:
            errors[field] = [_("Use at most %(n)d characters.", n=MESSAGE_LIMIT)]
    operators = {op.user_id for op in group.operators}
    approvers = {int(a) for a in (data.get("approvers") or []) if str(a).isdigit()}
    if not approvers <= operators:
        errors["approvers"] = [_("Approvers are operators of the group.")]
    if errors:
        raise Invalid(fields=errors)
    row.is_open = bool(data.get("is_open"))
    row.questions = [{"key": key, "required": True} for key in builtin] + [
        {"key": f"custom_{n}", "label": line, "required": False}
        for n, line in enumerate(custom_lines, start=1)
    ]
    row.founding_statement_url = url
    row.approve_template = (data.get("approve_template") or "").strip()
    row.decline_template = (data.get("decline_template") or "").strip()
    row.updated_at = utcnow()
    current = {
        a.user_id: a
        for a in db.session.scalars(select(JoinApprover).where(JoinApprover.group_id == group.id))
    }
    for user_id, link in current.items():
        if user_id not in approvers:
            db.session.delete(link)
    for user_id in approvers - set(current):
        db.session.add(
            JoinApprover(group_id=group.id, user_id=user_id, digest_weekdays=list(DEFAULT_DIGEST_WEEKDAYS))
        )
    db.session.flush()
    return row


def approver_weekdays(user: User, group: AlumniGroup) -> list[int]:
    link = db.session.scalar(
        select(JoinApprover).where(JoinApprover.group_id == group.id, JoinApprover.user_id == user.id)
    )
    return list(link.digest_weekdays) if link is not None else list(DEFAULT_DIGEST_WEEKDAYS)


def set_digest_weekdays(actor: User, group: AlumniGroup, weekdays) -> list[int]:
    """An approver chooses the days their digest mail goes out (none: no mail)."""
    if not can_decide_join_requests(actor, group):
        raise Forbidden()
    days = sorted({int(d) for d in weekdays or [] if str(d).isdigit() and int(d) in WEEKDAYS})
    link = db.session.scalar(
        select(JoinApprover).where(JoinApprover.group_id == group.id, JoinApprover.user_id == actor.id)
    )
    if link is None:
        # Until now every operator approved by default; naming one keeps the others.
        for user_id in join_approver_ids(group):
            db.session.add(
                JoinApprover(
                    group_id=group.id,
                    user_id=user_id,
                    digest_weekdays=days if user_id == actor.id else list(DEFAULT_DIGEST_WEEKDAYS),
                )
            )
    else:
        link.digest_weekdays = days
    db.session.flush()
    return days


# --- finding a group -----------------------------------------------------------------


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
    if user is None or not user.is_authenticated:
        return set()
    return set(db.session.scalars(select(GroupMembership.group_id).where(GroupMembership.user_id == user.id)))


# --- asking -----------------------------------------------------------------------


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
        elif len(text) > ANSWER_LIMIT:
            errors[key] = [_("Use at most %(n)d characters.", n=ANSWER_LIMIT)]
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


# --- seeing ------------------------------------------------------------------------


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


def queue_query(actor: User, group: AlumniGroup, status: str = "pending"):
    """The approvers' queue as a select() to paginate (asker loaded with it)."""
    if not can_decide_join_requests(actor, group):
        raise NotFound()
    query = (
        select(JoinRequest)
        .where(JoinRequest.group_id == group.id)
        .options(selectinload(JoinRequest.user), selectinload(JoinRequest.decided_by))
    )
    if status in S.__members__:
        query = query.where(JoinRequest.status == S(status))
    order = JoinRequest.created_at.asc() if status == "pending" else JoinRequest.created_at.desc()
    return query.order_by(order, JoinRequest.id)


def group_requests_query(actor: User, group: AlumniGroup):
    """For the API list: approvers see the queue (every state); anyone else
    only their own requests to the group."""
    if can_decide_join_requests(actor, group):
        return queue_query(actor, group, status="")
    return (
        select(JoinRequest)
        .where(JoinRequest.group_id == group.id, JoinRequest.user_id == actor.id)
        .options(selectinload(JoinRequest.user), selectinload(JoinRequest.decided_by))
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


def may_see_birth_date(actor: User | None, join_request: JoinRequest) -> bool:
    return can_decide_join_requests(actor, join_request.group)


def request_view(viewer: User | None, join_request: JoinRequest):
    """The request as this viewer sees it, for the API schema to read: the
    birth date for the group's approvers only, and what the viewer may do now."""
    return View(
        join_request,
        birth_date=join_request.birth_date if may_see_birth_date(viewer, join_request) else None,
        actions=sorted(allowed_actions(viewer, join_request)),
    )


# --- deciding ------------------------------------------------------------------------


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
    if len(text) > MESSAGE_LIMIT:
        raise Invalid(fields={"message": [_("Use at most %(n)d characters.", n=MESSAGE_LIMIT)]})
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


STATUS_LABELS = {
    S.pending: _l("Waiting for a decision"),
    S.approved: _l("Approved"),
    S.declined: _l("Declined"),
    S.withdrawn: _l("Withdrawn"),
}


def status_label(status: JoinRequestStatus) -> str:
    return str(STATUS_LABELS[status])


# --- the approvers' digest ----------------------------------------------------------------


def send_approver_digests(now: datetime | None = None) -> int:
    """Mail each approver, on the weekdays they chose (Japan time), ONE mail
    listing the pending requests of every group they approve for. At most one
    per person and day (idempotent); nothing when nothing waits. For cron."""
    now = now or utcnow()
    today = now.astimezone(TOKYO).date()
    weekday = today.weekday()
    pending_groups = list(
        db.session.scalars(
            select(AlumniGroup)
            .where(exists().where(JoinRequest.group_id == AlumniGroup.id, JoinRequest.status == S.pending))
            .options(selectinload(AlumniGroup.operators))
        )
    )
    if not pending_groups:
        return 0
    group_ids = [g.id for g in pending_groups]
    named: dict[int, dict[int, list[int]]] = {}
    for link in db.session.scalars(select(JoinApprover).where(JoinApprover.group_id.in_(group_ids))):
        named.setdefault(link.group_id, {})[link.user_id] = list(link.digest_weekdays or [])
    due: dict[int, list[AlumniGroup]] = {}
    for group in pending_groups:
        operators = {op.user_id for op in group.operators}
        chosen = {uid: days for uid, days in named.get(group.id, {}).items() if uid in operators}
        approvers = chosen or {uid: list(DEFAULT_DIGEST_WEEKDAYS) for uid in operators}
        for user_id, days in approvers.items():
            if weekday in days:
                due.setdefault(user_id, []).append(group)
    if not due:
        return 0
    already = set(
        db.session.scalars(
            select(JoinDigestLog.user_id).where(
                JoinDigestLog.user_id.in_(list(due)), JoinDigestLog.sent_on == today
            )
        )
    )
    users = {
        u.id: u
        for u in db.session.scalars(select(User).where(User.id.in_(list(due)), User.deactivated_at.is_(None)))
    }
    pending = {}
    for row in db.session.scalars(
        select(JoinRequest)
        .where(
            JoinRequest.group_id.in_([g.id for gs in due.values() for g in gs]),
            JoinRequest.status == S.pending,
        )
        .options(selectinload(JoinRequest.user))
        .order_by(JoinRequest.created_at)
    ):
        pending.setdefault(row.group_id, []).append(row)
    sent = 0
    for user_id, groups in due.items():
        user = users.get(user_id)
        if user is None or user_id in already:
            continue
        sections = [
            (g, pending.get(g.id, []), external_url("membership.queue", slug=g.slug))
            for g in sorted(groups, key=lambda g: g.name_kana)
        ]
        total = sum(len(rows) for _g, rows, _l in sections)
        queue_mail(user.email, "join_requests_digest", user.locale, user=user, sections=sections, total=total)
        db.session.add(JoinDigestLog(user_id=user_id, sent_on=today, request_count=total))
        sent += 1
    db.session.flush()
    return sent


# --- members and their self-introductions ------------------------------------------------


def group_members_query(viewer: User, group: AlumniGroup):
    if not can_see_group_members(viewer, group):
        raise NotFound()
    return (
        select(GroupMembership)
        .where(GroupMembership.group_id == group.id)
        .join(User, User.id == GroupMembership.user_id)
        .where(User.deactivated_at.is_(None))
        .options(selectinload(GroupMembership.user))
        .order_by(User.sort_key, User.id)
    )


def own_membership(actor: User, group: AlumniGroup) -> GroupMembership:
    membership = db.session.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == group.id, GroupMembership.user_id == actor.id
        )
    )
    if membership is None:
        raise NotFound()
    return membership


INTRODUCTION_LIMIT = 2000


def save_self_introduction(actor: User, group: AlumniGroup, text: str) -> GroupMembership:
    """A member's self-introduction, shown on the group's member page."""
    membership = own_membership(actor, group)
    value = (text or "").strip().replace("\x00", "")
    if len(value) > INTRODUCTION_LIMIT:
        raise Invalid(fields={"text": [_("Use at most %(n)d characters.", n=INTRODUCTION_LIMIT)]})
    membership.self_introduction = value
    db.session.flush()
    return membership


def operator_groups(user: User) -> list[AlumniGroup]:
    return list(
        db.session.scalars(
            select(AlumniGroup)
            .join(GroupOperator)
            .where(GroupOperator.user_id == user.id)
            .order_by(AlumniGroup.name_kana)
        )
    )

"""A group's join settings: whether it takes requests, the questions it
asks (built-in ones it may switch off, and its own), the answer templates,
and who approves on which weekdays."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from federation.errors import Forbidden, Invalid
from federation.extensions import db
from federation.models import AlumniGroup, JoinApprover, JoinSettings, User, limits, utcnow
from federation.permissions import can_decide_join_requests, can_manage_group, join_approver_ids
from federation.text import normalise

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
DEFAULT_DIGEST_WEEKDAYS = [0, 3]  # Monday and Thursday: "two approvers, twice a week"
WEEKDAYS = range(7)


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
    if url and (not url.startswith(("https://", "http://")) or len(url) > limits.URL or " " in url):
        errors["founding_statement_url"] = [_("Enter a URL starting with https://.")]
    for field in ("approve_template", "decline_template"):
        if len((data.get(field) or "").strip()) > limits.SHORT_MESSAGE:
            errors[field] = [_("Use at most %(n)d characters.", n=limits.SHORT_MESSAGE)]
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

"""Submitting an application with its evidence, and resubmitting it when a
coordinator asks for more."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.models import (
    AlumniGroup,
    ApplicationStatus,
    Audience,
    EventKind,
    GovernanceType,
    Involvement,
    MembershipScope,
    OperatorApplication,
    Purpose,
    User,
    utcnow,
)
from federation.services import notifications
from federation.services.accounts import normalise_email
from federation.services.applications.actions import state_allows
from federation.services.applications.endorsements import send_endorsement_request
from federation.services.applications.records import lock_application, reassess, record_event
from federation.text import as_typed, is_kana, normalise

GROUP_FIELDS = (
    "name_ja",
    "name_en",
    "name_kana",
    "company_name",
    "founded_on",
    "platforms",
    "registered_members",
    "members_counted_on",
    "events_last_12_months",
    "event_examples",
    "governance_type",
    "liaison_department",
    "membership_scope",
    "admits_outsiders",
    "audience",
    "purpose",
)
ROLE_FIELDS = ("operating_since", "involvement", "role_description")


def _enum(cls, value, field, errors):
    if value is None or value == "":
        return None
    try:
        return cls(value)
    except ValueError:
        errors[field] = [_("Choose one of the options.")]
        return None


def _clean(data: dict, today: date) -> dict:
    """Check the evidence; report every field error at once."""
    errors: dict[str, list[str]] = {}
    required = _("This field is required.")
    out: dict = {}
    group_id = data.get("group_id")
    out["group_id"] = group_id or None
    if out["group_id"] is not None:
        group = db.session.get(AlumniGroup, out["group_id"])
        if group is None:
            errors["group_id"] = [_("Choose a group of the registry.")]
    for name, limit in (
        ("name_ja", 120),
        ("name_en", 120),
        ("name_kana", 160),
        ("company_name", 120),
        ("liaison_department", 160),
    ):
        value = as_typed(data.get(name) or "")
        if len(value) > limit:
            errors[name] = [_("Use at most %(n)d characters.", n=limit)]
        out[name] = value
    out["platforms"] = as_typed(data.get("platforms") or "")[:2000]
    out["role_description"] = (data.get("role_description") or "").strip()[:4000]
    for name in ("registered_members", "events_last_12_months"):
        value = data.get(name)
        if value is None or value == "":
            value = 0 if out["group_id"] else None
        if value is None:
            errors[name] = [required]
        elif not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1_000_000:
            errors[name] = [_("Enter a whole number of 0 or more.")]
        out[name] = value if isinstance(value, int) else 0
    for name in ("founded_on", "members_counted_on", "operating_since"):
        value = data.get(name)
        if value is not None and value > today:
            errors[name] = [_("This date is in the future.")]
        out[name] = value
    out["governance_type"] = _enum(GovernanceType, data.get("governance_type"), "governance_type", errors)
    out["membership_scope"] = _enum(MembershipScope, data.get("membership_scope"), "membership_scope", errors)
    out["audience"] = _enum(Audience, data.get("audience"), "audience", errors)
    out["purpose"] = _enum(Purpose, data.get("purpose"), "purpose", errors)
    out["involvement"] = _enum(Involvement, data.get("involvement"), "involvement", errors)
    out["admits_outsiders"] = bool(data.get("admits_outsiders"))
    if out["group_id"] is None:
        for name in ("name_ja", "company_name", "governance_type", "membership_scope", "audience", "purpose"):
            if not out[name] and name not in errors:
                errors[name] = [required]
        if out["name_kana"] and not is_kana(out["name_kana"]):
            errors["name_kana"] = [_("Use hiragana or katakana only.")]
    if out["operating_since"] is None and "operating_since" not in errors:
        errors["operating_since"] = [required]
    if out["involvement"] is None and "involvement" not in errors:
        errors["involvement"] = [required]
    if not out["role_description"]:
        errors["role_description"] = [_("Say what you do for the group.")]
    liaison = normalise(data.get("liaison_email") or "")
    if liaison:
        try:
            liaison = normalise_email(liaison)
        except Invalid:
            errors["liaison_email"] = [_("Enter a valid email address.")]
    out["liaison_email"] = liaison
    examples = []
    for n, example in enumerate(data.get("event_examples") or []):
        title = as_typed(example.get("title") or "")
        held_on = example.get("held_on")
        attendance = example.get("attendance")
        if not title and held_on is None and attendance in (None, ""):
            continue
        if not title or held_on is None:
            errors[f"event_examples-{n}"] = [_("Give each example a title and a date.")]
            continue
        examples.append(
            {
                "title": title[:200],
                "held_on": held_on.isoformat(),
                "attendance": attendance if isinstance(attendance, int) else None,
            }
        )
    out["event_examples"] = examples[:10]
    if errors:
        raise Invalid(fields=errors)
    return out


def _require_applicant(actor: User) -> None:
    if actor is None or not actor.is_authenticated:
        raise Forbidden()
    if not actor.is_verified:
        raise Forbidden(_("Confirm your email address before applying."))


def submit_application(actor: User, data: dict) -> OperatorApplication:
    _require_applicant(actor)
    today = utcnow().date()
    cleaned = _clean(data, today)
    open_one = db.session.scalar(
        select(OperatorApplication.id).where(
            OperatorApplication.applicant_id == actor.id,
            OperatorApplication.status.in_([ApplicationStatus.pending, ApplicationStatus.info_requested]),
        )
    )
    if open_one is not None:
        raise Conflict(_("You already have an open application."))
    if cleaned["group_id"] is not None:
        group = db.session.get(AlumniGroup, cleaned["group_id"])
        if any(op.user_id == actor.id for op in group.operators):
            raise Invalid(fields={"group_id": [_("You already run this group.")]})
    application = OperatorApplication(
        applicant_id=actor.id, submitted_at=utcnow(), status=ApplicationStatus.pending, **cleaned
    )
    db.session.add(application)
    db.session.flush()
    record_event(application, EventKind.submitted, actor)
    if application.liaison_email:
        send_endorsement_request(application)
    reassess(application)
    db.session.flush()
    _tell_coordinators(application, notifications.APPLICATION_SUBMITTED)
    return application


def _tell_coordinators(application: OperatorApplication, kind: notifications.Kind) -> None:
    link = notifications.link_to("applications.detail", application_id=application.id)
    for coordinator in notifications.coordinators():
        if coordinator.id != application.applicant_id:
            notifications.notify(coordinator, kind, application=application, link=link)


def resubmit_application(actor: User, application: OperatorApplication, data: dict) -> OperatorApplication:
    """The applicant answers a request for information; assessed again."""
    if application.applicant_id != actor.id:
        raise NotFound()
    lock_application(application)
    if not state_allows(application, "resubmit"):
        raise Conflict(_("This application cannot be edited now."))
    cleaned = _clean({**data, "group_id": application.group_id}, utcnow().date())
    old_email = application.liaison_email
    for key, value in cleaned.items():
        setattr(application, key, value)
    application.status = ApplicationStatus.pending
    application.submitted_at = utcnow()
    record_event(application, EventKind.resubmitted, actor)
    if application.liaison_email and application.liaison_email != old_email:
        send_endorsement_request(application)
    reassess(application)
    db.session.flush()
    _tell_coordinators(application, notifications.APPLICATION_RESUBMITTED)
    return application

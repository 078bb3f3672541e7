"""Reviewing: a coordinator overrides a criterion and decides; an approved
applicant runs the group, a new group enters the registry."""

from __future__ import annotations

import re

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from federation.errors import Conflict, Forbidden, Invalid
from federation.extensions import db
from federation.i18n import datetime_filter
from federation.links import external_url
from federation.models import (
    CRITERIA,
    AlumniGroup,
    ApplicationStatus,
    CriterionOverride,
    EventKind,
    OperatorApplication,
    Role,
    User,
    Verdict,
    utcnow,
)
from federation.permissions import is_coordinator
from federation.services import groups, notifications
from federation.services.applications.actions import state_allows
from federation.services.applications.records import lock_application, record_event
from federation.text import normalise


def override_criterion(
    actor: User, application: OperatorApplication, criterion: str, verdict: str, note: str
) -> CriterionOverride:
    if not is_coordinator(actor):
        raise Forbidden()
    errors = {}
    if criterion not in CRITERIA:
        errors["criterion"] = [_("Choose one of the options.")]
    try:
        verdict = Verdict(verdict)
    except ValueError:
        errors["verdict"] = [_("Choose one of the options.")]
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("Say why, for the precedent log.")]
    if errors:
        raise Invalid(fields=errors)
    lock_application(application)
    if not state_allows(application, "override"):
        raise Conflict(_("This application is already decided."))
    override = next((o for o in application.overrides if o.criterion == criterion), None)
    if override is None:
        override = CriterionOverride(application=application, criterion=criterion)
        db.session.add(override)
    override.verdict, override.note, override.actor_id = verdict, note[:4000], actor.id
    override.created_at = utcnow()
    record_event(
        application, EventKind.override, actor, criterion=criterion, verdict=verdict, note=note[:4000]
    )
    db.session.flush()
    return override


DECISIONS = {
    "approve": (ApplicationStatus.approved, EventKind.approved),
    "reject": (ApplicationStatus.rejected, EventKind.rejected),
    "request_info": (ApplicationStatus.info_requested, EventKind.info_requested),
}

DECISION_TEMPLATES = {
    "approve": _l(
        "Welcome to the federation! Your application for %(group)s is approved. "
        "You now run the group on the platform; please write a short "
        "self-introduction on your profile so that other operators get to know you."
    ),
    "reject": _l(
        "Thank you for applying with %(group)s. After reviewing the five entry "
        "criteria we cannot admit the group now. The assessment below shows what "
        "would change this; you are welcome to apply again."
    ),
    "request_info": _l(
        "Thank you for applying with %(group)s. Before we decide, we need "
        "more information: please edit your application and submit it again."
    ),
}


def decision_template(application: OperatorApplication, decision: str) -> str:
    """The default message, in the applicant's language (coordinators edit it)."""
    locale = application.applicant.locale
    with force_locale(locale):
        return str(DECISION_TEMPLATES[decision]) % {"group": application.group_name_for(locale)}


def decide(
    actor: User, application: OperatorApplication, decision: str, message: str, note: str = ""
) -> OperatorApplication:
    """Approve, reject or ask for more. Only a pending application can be
    decided: of two coordinators deciding at once, one wins, the other gets 409."""
    if not is_coordinator(actor):
        raise Forbidden()
    errors = {}
    if decision not in DECISIONS:
        errors["decision"] = [_("Choose one of the options.")]
    message = (message or "").strip()
    if not message:
        errors["message"] = [_("Write a message to the applicant.")]
    if errors:
        raise Invalid(fields=errors)
    status, kind = DECISIONS[decision]
    now = utcnow()
    won = db.session.execute(
        update(OperatorApplication)
        .where(
            OperatorApplication.id == application.id, OperatorApplication.status == ApplicationStatus.pending
        )
        .values(status=status, decided_at=now, decided_by_id=actor.id, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        db.session.refresh(application)
        decider = db.session.get(User, application.decided_by_id) if application.decided_by_id else None
        if decider is not None and application.decided_at is not None:
            raise Conflict(
                _(
                    "This application is no longer pending: %(name)s decided it on "
                    "%(when)s. Your message is kept below; open the application to "
                    "see their decision.",
                    name=decider.display_name,
                    when=datetime_filter(application.decided_at, "short"),
                )
            )
        raise Conflict(_("This application is no longer pending; someone decided it already."))
    db.session.refresh(application)
    record_event(application, kind, actor, message=message[:8000], note=(note or "").strip()[:4000])
    applicant = application.applicant
    if status == ApplicationStatus.approved:
        _approve(application)
    kind = (
        notifications.APPLICATION_INFO_REQUESTED
        if decision == "request_info"
        else notifications.APPLICATION_DECIDED
    )
    notifications.notify(
        applicant,
        kind,
        template=f"application_{decision}",
        application=application,
        message=message,
        group_name=application.group_name_for(applicant.locale),
        link=external_url("applications.detail", application_id=application.id),
        profile_link=external_url("account.profile"),
    )
    db.session.flush()
    return application


def _approve(application: OperatorApplication) -> AlumniGroup:
    """The applicant becomes an operator; a new group enters the registry."""
    applicant = application.applicant
    group = application.group
    if group is None:
        group = AlumniGroup(
            slug=_free_slug(application),
            name_ja=application.name_ja,
            name_en=application.name_en,
            name_kana=application.name_kana,
            company_name=application.company_name,
            founded_on=application.founded_on,
            governance_type=application.governance_type,
            registered_members=application.registered_members,
            description="",
        )
        db.session.add(group)
        db.session.flush()
        application.group = group
    if not any(op.user_id == applicant.id for op in group.operators):
        groups.add_operator(group, applicant)
    for endorsement in application.endorsements:
        endorsement.group_id = group.id
    # What the applicant told us becomes the group's profile where it is empty.
    if application.liaison_department and not group.liaison_department:
        group.liaison_department = application.liaison_department[:120]
    platforms = [*(group.platforms or [])]
    for value in platforms_from_text(application.platforms):
        if value not in platforms:
            platforms.append(value)
    group.platforms = platforms
    if applicant.role == Role.member:
        applicant.role = Role.operator
    return group


_PLATFORM_WORDS = {
    "facebook": ("facebook", "fb", "フェイスブック", "フェースブック"),
    "slack": ("slack", "スラック"),
    "note": ("note",),
    "youtube": ("youtube", "ユーチューブ"),
    "zoom": ("zoom", "ズーム"),
    "peatix": ("peatix", "ピーティックス"),
    "google_drive": ("google drive", "googledrive", "グーグルドライブ", "google ドライブ"),
    "website": ("website", "web", "ウェブ", "ホームページ", "hp", "サイト"),
}


def platforms_from_text(text: str) -> list[str]:
    """Platform values named in the application's free text ("Facebook
    グループ、Slack"); anything else named becomes "other"."""
    folded = normalise(text or "").lower()
    if not folded.strip():
        return []
    found = [
        value
        for value, words in _PLATFORM_WORDS.items()
        if any(re.search(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])", folded) for w in words)
    ]
    rest = folded
    for words in _PLATFORM_WORDS.values():
        for w in words:
            rest = rest.replace(w, " ")
    if re.sub(r"[\s、,，・/／()（）グループページ]+", "", rest):
        found.append("other")
    return found


def _free_slug(application: OperatorApplication) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", (application.name_en or "").lower()).strip("-")[:50]
    base = base or f"group-{application.id}"
    slug, n = base, 1
    while db.session.scalar(select(AlumniGroup.id).where(AlumniGroup.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug

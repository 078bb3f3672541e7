"""Operator applications: submit with evidence, assess against the five entry
criteria, endorse by the company liaison, override, decide, approve into the
registry; screening settings with their change log; reminders."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    CRITERIA,
    AlumniGroup,
    ApplicationEvent,
    ApplicationStatus,
    Audience,
    CriterionOverride,
    EventKind,
    GovernanceType,
    GroupEndorsement,
    Involvement,
    MembershipScope,
    OperatorApplication,
    Purpose,
    Role,
    ScreeningSetting,
    SettingChange,
    User,
    Verdict,
    utcnow,
)
from federation.security import can_see_application, hash_secret, is_coordinator, new_secret
from federation.services import groups, notifications
from federation.services.mail import queue_mail
from federation.text import as_typed, is_kana, normalise

# --- settings ------------------------------------------------------------------

SETTINGS = {
    # key: (default, minimum, maximum, label)
    "min_members": (300, 0, 100000, _l("Minimum registered members")),
    "min_events_12m": (4, 0, 365, _l("Minimum events in the last 12 months")),
    "reminder_days": (7, 1, 365, _l("Remind coordinators after (days waiting)")),
}


def get_settings() -> dict[str, int]:
    values = {key: spec[0] for key, spec in SETTINGS.items()}
    for row in db.session.scalars(select(ScreeningSetting)):
        if row.key in values:
            values[row.key] = row.value
    return values


def update_settings(actor: User, values: dict[str, int]) -> list[SettingChange]:
    """Change thresholds; every change is recorded with who and when."""
    if not is_coordinator(actor):
        raise Forbidden()
    errors = {}
    for key, value in values.items():
        if key not in SETTINGS:
            errors[key] = [_("Unknown setting.")]
            continue
        _default, low, high, _label = SETTINGS[key]
        if not isinstance(value, int) or not low <= value <= high:
            errors[key] = [_("Must be between %(low)d and %(high)d.", low=low, high=high)]
    if errors:
        raise Invalid(fields=errors)
    current = get_settings()
    rows = {
        row.key: row
        for row in db.session.scalars(
            select(ScreeningSetting).where(ScreeningSetting.key.in_(values)).with_for_update()
        )
    }
    changes = []
    for key, value in values.items():
        if current[key] == value:
            continue
        row = rows.get(key)
        if row is None:
            db.session.add(ScreeningSetting(key=key, value=value, updated_at=utcnow()))
        else:
            row.value, row.updated_at = value, utcnow()
        change = SettingChange(
            key=key, old_value=current[key], new_value=value, actor_id=actor.id, created_at=utcnow()
        )
        db.session.add(change)
        changes.append(change)
    db.session.flush()
    return changes


def setting_changes_query():
    return select(SettingChange).options(selectinload(SettingChange.actor)).order_by(SettingChange.id.desc())


# --- reasons -------------------------------------------------------------------

# Each reason says why, and what would change the verdict. Stored as a code with
# parameters; rendered in the viewer's language.
REASONS = {
    "member_group": _l("The group is already a member of the federation."),
    "not_founded": _l(
        "The group has not been founded yet. Groups that are still being "
        "prepared are welcome in the beginners' community until they start."
    ),
    "few_members": _l(
        "%(count)d registered members is below the minimum of %(minimum)d. "
        "The beginners' community suits the group until it reaches the minimum."
    ),
    "members_near": _l(
        "%(count)d registered members is just below the minimum of "
        "%(minimum)d; a coordinator will look at the growth of the group."
    ),
    "few_events": _l(
        "%(count)d events in the last 12 months is below the minimum of "
        "%(minimum)d. More regular events would meet this criterion."
    ),
    "events_near": _l(
        "%(count)d events in the last 12 months is one short of the minimum "
        "of %(minimum)d; a coordinator will look at the examples."
    ),
    "stale_count": _l(
        "The member count is more than a year old. A recent count would let this criterion pass."
    ),
    "track_ok": _l(
        "%(count)d registered members and %(events)d events in the last 12 months "
        "meet the minimums (%(minimum)d members, %(min_events)d events)."
    ),
    "independent": _l(
        "A group without any tie to the company (independent) is not eligible. "
        "Official or near-official recognition by the company would change this."
    ),
    "endorsed": _l("The company's liaison confirmed that the company recognises the group."),
    "endorsement_declined": _l(
        "The company's liaison declined to confirm that the company "
        "recognises the group. A coordinator will look at it."
    ),
    "company_run": _l("The company hosts or governs the group, with a liaison department."),
    "await_endorsement": _l(
        "The group is backed by the company; a confirmation from the "
        "company's liaison would let this criterion pass."
    ),
    "no_liaison": _l(
        "No liaison department at the company is given. Name the department "
        "that works with the group, or a liaison's work email."
    ),
    "school": _l(
        "Graduates of a school or training programme are not company or government "
        "alumni. This criterion is about alumni of an employer."
    ),
    "outsiders": _l(
        "The group also admits people who are neither alumni nor current "
        "employees. Limiting membership to alumni would change this."
    ),
    "alumni_ok": _l("Membership is limited to alumni of a company or a government body."),
    "retirees": _l(
        "The group is for retirees. The federation is for groups of people active "
        "in business who co-create value."
    ),
    "reminiscing": _l(
        "The group's purpose is mainly reminiscing. The federation is for groups aiming at co-creating value."
    ),
    "audience_mixed": _l(
        "The audience or purpose is mixed; a coordinator will look at how "
        "the group creates value for working professionals."
    ),
    "active_ok": _l("The group is for people active in business and aims at co-creating value."),
    "single_event": _l(
        "Organising a single event does not make an operating member. "
        "Regular involvement in running the group would change this."
    ),
    "recent_operator": _l(
        "You have been operating the group for less than 3 months; a coordinator will look at your role."
    ),
    "occasional": _l(
        "You are involved a few times a year; a coordinator will look at your "
        "role. Monthly or more frequent involvement meets this criterion."
    ),
    "operator_ok": _l("You are regularly involved in running the group."),
    "override": _l("Decided by a coordinator: %(note)s"),
}


def render_reason(code: str, params: dict | None = None) -> str:
    template = REASONS.get(code)
    if template is None:
        return code
    return str(template) % (params or {})


def assessment_of(application: OperatorApplication) -> list[dict]:
    """The assessment with overrides applied and reasons in the current language."""
    overrides = {o.criterion: o for o in application.overrides}
    items = []
    for item in application.assessment or []:
        override = overrides.get(item["key"])
        if override is not None:
            items.append(
                {
                    "key": item["key"],
                    "verdict": override.verdict.value,
                    "reason": render_reason("override", {"note": override.note}),
                    "overridden": True,
                    "automatic": item["verdict"],
                }
            )
        else:
            items.append(
                {
                    "key": item["key"],
                    "verdict": item["verdict"],
                    "reason": render_reason(item["code"], item.get("params")),
                    "overridden": False,
                    "automatic": item["verdict"],
                }
            )
    return items


# --- assessment ----------------------------------------------------------------


def _item(key, verdict: Verdict, code, **params):
    return {"key": key, "verdict": verdict.value, "code": code, "params": params}


def _confirmed_endorsement(application: OperatorApplication) -> bool:
    return any(e.confirmed_at is not None for e in application.endorsements)


def assess(
    application: OperatorApplication, settings: dict[str, int] | None = None, today: date | None = None
) -> list[dict]:
    settings = settings or get_settings()
    today = today or utcnow().date()
    items = []
    if application.group_id is not None:
        # A second operator of a member group: the group was screened already.
        items = [_item(key, Verdict.passed, "member_group") for key in CRITERIA[:4]]
    else:
        items.append(_assess_track(application, settings, today))
        items.append(_assess_official(application))
        items.append(_assess_membership(application))
        items.append(_assess_active(application))
    items.append(_assess_operator(application, today))
    return items


def _assess_track(a, settings, today):
    key = "track_record"
    minimum, min_events = settings["min_members"], settings["min_events_12m"]
    if a.founded_on is None or a.founded_on > today:
        return _item(key, Verdict.failed, "not_founded")
    if a.registered_members < minimum * 0.8:
        return _item(key, Verdict.failed, "few_members", count=a.registered_members, minimum=minimum)
    if a.events_last_12_months < min_events - 1:
        return _item(key, Verdict.failed, "few_events", count=a.events_last_12_months, minimum=min_events)
    if a.registered_members < minimum:
        return _item(key, Verdict.review, "members_near", count=a.registered_members, minimum=minimum)
    if a.events_last_12_months < min_events:
        return _item(key, Verdict.review, "events_near", count=a.events_last_12_months, minimum=min_events)
    if a.members_counted_on is not None and a.members_counted_on < today - timedelta(days=366):
        return _item(key, Verdict.review, "stale_count")
    return _item(
        key,
        Verdict.passed,
        "track_ok",
        count=a.registered_members,
        events=a.events_last_12_months,
        minimum=minimum,
        min_events=min_events,
    )


def _assess_official(a):
    key = "officialness"
    if a.governance_type == GovernanceType.independent:
        return _item(key, Verdict.failed, "independent")
    if _confirmed_endorsement(a):
        return _item(key, Verdict.passed, "endorsed")
    if any(e.declined_at is not None for e in a.endorsements):
        return _item(key, Verdict.review, "endorsement_declined")
    if not a.liaison_department:
        return _item(key, Verdict.review, "no_liaison")
    if a.governance_type in (GovernanceType.company_hosted, GovernanceType.delegated):
        return _item(key, Verdict.passed, "company_run")
    return _item(key, Verdict.review, "await_endorsement")


def _assess_membership(a):
    key = "alumni_membership"
    if a.membership_scope == MembershipScope.school:
        return _item(key, Verdict.failed, "school")
    if a.admits_outsiders:
        return _item(key, Verdict.failed, "outsiders")
    return _item(key, Verdict.passed, "alumni_ok")


def _assess_active(a):
    key = "active_professionals"
    if a.audience == Audience.retirees:
        return _item(key, Verdict.failed, "retirees")
    if a.purpose == Purpose.reminiscing:
        return _item(key, Verdict.failed, "reminiscing")
    if a.audience == Audience.mixed or a.purpose == Purpose.mixed:
        return _item(key, Verdict.review, "audience_mixed")
    return _item(key, Verdict.passed, "active_ok")


def _assess_operator(a, today):
    key = "operating_member"
    if a.involvement == Involvement.single_event:
        return _item(key, Verdict.failed, "single_event")
    if a.operating_since > today - timedelta(days=90):
        return _item(key, Verdict.review, "recent_operator")
    if a.involvement == Involvement.few_times_a_year:
        return _item(key, Verdict.review, "occasional")
    return _item(key, Verdict.passed, "operator_ok")


def reassess(application: OperatorApplication) -> None:
    application.assessment = assess(application)


# --- submitting ----------------------------------------------------------------

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
    from federation.services.accounts import normalise_email

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
    _log(application, EventKind.submitted, actor)
    if application.liaison_email:
        _send_endorsement(application)
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
    _lock(application)
    if application.status != ApplicationStatus.info_requested:
        raise Conflict(_("This application cannot be edited now."))
    cleaned = _clean({**data, "group_id": application.group_id}, utcnow().date())
    old_email = application.liaison_email
    for key, value in cleaned.items():
        setattr(application, key, value)
    application.status = ApplicationStatus.pending
    application.submitted_at = utcnow()
    _log(application, EventKind.resubmitted, actor)
    if application.liaison_email and application.liaison_email != old_email:
        _send_endorsement(application)
    reassess(application)
    db.session.flush()
    _tell_coordinators(application, notifications.APPLICATION_RESUBMITTED)
    return application


def _log(application, kind, actor=None, **fields) -> ApplicationEvent:
    event = ApplicationEvent(
        application=application, kind=kind, actor_id=actor.id if actor else None, **fields
    )
    db.session.add(event)
    return event


def _lock(application: OperatorApplication) -> None:
    """Re-read the row under a lock (PostgreSQL; SQLite serialises writers)."""
    db.session.execute(
        select(OperatorApplication.id).where(OperatorApplication.id == application.id).with_for_update()
    )
    db.session.refresh(application)


# --- endorsement ---------------------------------------------------------------


def _endorsement_lifetime() -> timedelta:
    return current_app.config.get("ENDORSEMENT_TOKEN_LIFETIME", timedelta(days=14))


def _send_endorsement(application: OperatorApplication) -> GroupEndorsement:
    raw = new_secret()
    endorsement = GroupEndorsement(
        application=application,
        group_id=application.group_id,
        liaison_email=application.liaison_email,
        token_hash=hash_secret(raw),
        expires_at=utcnow() + _endorsement_lifetime(),
    )
    db.session.add(endorsement)
    db.session.flush()
    applicant = application.applicant or db.session.get(User, application.applicant_id)
    queue_mail(
        application.liaison_email,
        "endorsement_request",
        applicant.locale,
        applicant=applicant,
        application=application,
        group_name=application.group_name_for(applicant.locale),
        company=application.company_name or (application.group.company_name if application.group else ""),
        link=external_url("applications.endorse", token=raw),
        days=_endorsement_lifetime().days,
    )
    return endorsement


def find_endorsement(raw: str) -> GroupEndorsement:
    """The endorsement of a valid, unused, unexpired link."""
    endorsement = db.session.scalar(
        select(GroupEndorsement).where(GroupEndorsement.token_hash == hash_secret(raw or ""))
    )
    if (
        endorsement is None
        or endorsement.confirmed_at is not None
        or endorsement.declined_at is not None
        or endorsement.expires_at <= utcnow()
    ):
        raise Invalid(_("This link is invalid, has expired or was already used."))
    return endorsement


def confirm_endorsement(raw: str, confirmer_name: str) -> GroupEndorsement:
    """The liaison confirms; works once even when two clicks race."""
    name = as_typed(confirmer_name or "")
    if not name or len(name) > 160:
        raise Invalid(fields={"confirmer_name": [_("Enter your name.")]})
    endorsement = find_endorsement(raw)
    now = utcnow()
    done = db.session.execute(
        update(GroupEndorsement)
        .where(
            GroupEndorsement.id == endorsement.id,
            GroupEndorsement.confirmed_at.is_(None),
            GroupEndorsement.declined_at.is_(None),
        )
        .values(confirmed_at=now, confirmer_name=name)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise Invalid(_("This link is invalid, has expired or was already used."))
    db.session.refresh(endorsement)
    application = endorsement.application
    _log(application, EventKind.endorsed, note=name)
    if application.status in (ApplicationStatus.pending, ApplicationStatus.info_requested):
        db.session.refresh(application, ["endorsements"])
        reassess(application)
    db.session.flush()
    return endorsement


def decline_endorsement(raw: str, confirmer_name: str) -> GroupEndorsement:
    """The liaison says the company does not recognise the group; the link is
    used up and the criterion goes to a coordinator."""
    name = as_typed(confirmer_name or "")
    if not name or len(name) > 160:
        raise Invalid(fields={"confirmer_name": [_("Enter your name.")]})
    endorsement = find_endorsement(raw)
    done = db.session.execute(
        update(GroupEndorsement)
        .where(
            GroupEndorsement.id == endorsement.id,
            GroupEndorsement.confirmed_at.is_(None),
            GroupEndorsement.declined_at.is_(None),
        )
        .values(declined_at=utcnow(), confirmer_name=name)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise Invalid(_("This link is invalid, has expired or was already used."))
    db.session.refresh(endorsement)
    application = endorsement.application
    if application.status in (ApplicationStatus.pending, ApplicationStatus.info_requested):
        db.session.refresh(application, ["endorsements"])
        reassess(application)
    db.session.flush()
    return endorsement


FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.co.jp",
        "yahoo.com",
        "ymail.com",
        "outlook.com",
        "outlook.jp",
        "hotmail.com",
        "hotmail.co.jp",
        "live.jp",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "au.com",
        "softbank.ne.jp",
        "i.softbank.jp",
        "nifty.com",
        "biglobe.ne.jp",
        "ocn.ne.jp",
        "so-net.ne.jp",
        "proton.me",
        "protonmail.com",
        "zoho.com",
        "gmx.com",
        "mail.com",
    }
)


def liaison_address_warning(application: OperatorApplication) -> str | None:
    """A note for the reviewer when the liaison's address does not look like
    the company's: a free-mail or carrier domain, the applicant's own address,
    or (when the company's name has a romanised form) a domain sharing no word
    with it. The platform does not know companies' domains, so it flags
    rather than refuses."""
    email = (application.liaison_email or "").lower()
    if "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1]
    applicant = application.applicant
    if applicant is not None and applicant.email.lower() == email:
        return _("The liaison's address is the applicant's own address (%(email)s).", email=email)
    if domain in FREE_MAIL_DOMAINS:
        return _(
            "The liaison's address %(email)s is at a free mail or mobile carrier "
            "domain, not the company's. Check it before relying on the endorsement.",
            email=email,
        )
    words = {
        w
        for w in re.split(
            r"[^a-z0-9]+", " ".join((application.name_en or "", application.company_name or "")).lower()
        )
        if len(w) >= 3
        and w not in {"alumni", "group", "club", "network", "the", "and", "inc", "ltd", "corp", "co"}
    }
    labels = set(re.split(r"[.\-]", domain))
    if words and not any(w in label or label in w for w in words for label in labels if len(label) >= 3):
        return _(
            "The liaison's address %(email)s is at %(domain)s, which does not look like "
            "the company's (%(company)s). Check it before relying on the endorsement.",
            email=email,
            domain=domain,
            company=application.company_name or application.name_en,
        )
    return None


def confirmed_endorsements(group: AlumniGroup) -> list[GroupEndorsement]:
    """The company's verified endorsements of a group: who confirmed, when."""
    return list(
        db.session.scalars(
            select(GroupEndorsement)
            .where(GroupEndorsement.group_id == group.id, GroupEndorsement.confirmed_at.is_not(None))
            .order_by(GroupEndorsement.confirmed_at.desc())
            .limit(5)
        )
    )


# --- queries -------------------------------------------------------------------


def applications_query(
    viewer: User, status: str = "", older_than_days: int | None = None, with_assessment: bool = False
):
    """Coordinators see every application, others their own; oldest first.
    Applicant and group come in the same query; the overrides behind the
    assessment only when asked (the API shows it, the queue page does not)."""
    query = (
        select(OperatorApplication)
        .options(joinedload(OperatorApplication.applicant), joinedload(OperatorApplication.group))
        .order_by(OperatorApplication.submitted_at, OperatorApplication.id)
    )
    if with_assessment:
        query = query.options(selectinload(OperatorApplication.overrides))
    if not is_coordinator(viewer):
        query = query.where(OperatorApplication.applicant_id == viewer.id)
    if status in ApplicationStatus.__members__:
        query = query.where(OperatorApplication.status == ApplicationStatus(status))
    if older_than_days:
        query = query.where(OperatorApplication.submitted_at <= utcnow() - timedelta(days=older_than_days))
    return query


def get_application(viewer: User, application_id: int) -> OperatorApplication:
    application = db.session.get(OperatorApplication, application_id)
    if application is None or not can_see_application(viewer, application):
        raise NotFound()
    return application


def precedents_query(q: str = ""):
    """Decisions and overrides with their notes, newest first, searchable."""
    kinds = [EventKind.approved, EventKind.rejected, EventKind.info_requested, EventKind.override]
    query = (
        select(ApplicationEvent)
        .join(OperatorApplication, OperatorApplication.id == ApplicationEvent.application_id)
        .where(ApplicationEvent.kind.in_(kinds))
        .options(
            selectinload(ApplicationEvent.actor),
            selectinload(ApplicationEvent.application).selectinload(OperatorApplication.group),
        )
        .order_by(ApplicationEvent.id.desc())
    )
    for word in normalise(q).split()[:5]:
        like = f"%{word.lower()}%"
        query = query.where(
            or_(
                func.lower(ApplicationEvent.note).like(like),
                func.lower(ApplicationEvent.message).like(like),
                func.lower(OperatorApplication.name_ja).like(like),
                func.lower(OperatorApplication.name_en).like(like),
                func.lower(OperatorApplication.company_name).like(like),
            )
        )
    return query


PRECEDENT_WINDOW = 300  # recent decided applications looked through


def suggested_precedents(application: OperatorApplication, limit: int = 5) -> list[dict]:
    """Earlier decisions on applications whose assessment raised the same
    question (same criterion, same automatic reason) as the criteria still
    under review here, newest first: what the coordinators decided and why.
    Bounded: three queries over the most recent decided applications."""
    open_items = {
        item["key"]: item.get("code")
        for item in application.assessment or []
        if item.get("verdict") in (Verdict.review.value, Verdict.failed.value)
    }
    if not open_items:
        return []
    candidates = db.session.scalars(
        select(OperatorApplication)
        .where(
            OperatorApplication.id != application.id,
            OperatorApplication.status.in_([ApplicationStatus.approved, ApplicationStatus.rejected]),
        )
        .options(selectinload(OperatorApplication.overrides), selectinload(OperatorApplication.group))
        .order_by(OperatorApplication.decided_at.desc(), OperatorApplication.id.desc())
        .limit(PRECEDENT_WINDOW)
    ).all()
    matched: list[tuple[OperatorApplication, list[str]]] = []
    for other in candidates:
        keys = [
            key
            for key, code in open_items.items()
            if any(i.get("key") == key and i.get("code") == code for i in other.assessment or [])
            or any(o.criterion == key for o in other.overrides)
        ]
        if keys:
            matched.append((other, keys))
        if len(matched) >= limit:
            break
    if not matched:
        return []
    decisions = {
        e.application_id: e
        for e in db.session.scalars(
            select(ApplicationEvent)
            .where(
                ApplicationEvent.application_id.in_([a.id for a, _k in matched]),
                ApplicationEvent.kind.in_([EventKind.approved, EventKind.rejected]),
            )
            .order_by(ApplicationEvent.id)
        )
    }
    return [
        {
            "application": other,
            "criteria": keys,
            "decision": decisions.get(other.id),
            "overrides": [o for o in other.overrides if o.criterion in keys],
        }
        for other, keys in matched
    ]


# --- reviewing -----------------------------------------------------------------


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
    _lock(application)
    if application.status not in (ApplicationStatus.pending, ApplicationStatus.info_requested):
        raise Conflict(_("This application is already decided."))
    override = next((o for o in application.overrides if o.criterion == criterion), None)
    if override is None:
        override = CriterionOverride(application=application, criterion=criterion)
        db.session.add(override)
    override.verdict, override.note, override.actor_id = verdict, note[:4000], actor.id
    override.created_at = utcnow()
    _log(application, EventKind.override, actor, criterion=criterion, verdict=verdict, note=note[:4000])
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
            from federation.i18n import datetime_filter

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
    _log(application, kind, actor, message=message[:8000], note=(note or "").strip()[:4000])
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


# --- reminders -----------------------------------------------------------------


def remind_coordinators() -> int:
    """Mail each coordinator the list of applications waiting too long.
    Returns the number of waiting applications."""
    days = get_settings()["reminder_days"]
    waiting = list(
        db.session.scalars(
            applications_query(_System(), status=ApplicationStatus.pending.value, older_than_days=days)
        )
    )
    if not waiting:
        return 0
    coordinators = db.session.scalars(
        select(User).where(User.role.in_([Role.coordinator, Role.admin]), User.deactivated_at.is_(None))
    ).all()
    for coordinator in coordinators:
        queue_mail(
            coordinator.email,
            "applications_reminder",
            coordinator.locale,
            key=f"day:{utcnow().date()}",
            user=coordinator,
            applications=waiting,
            days=days,
            link=external_url("applications.list", status="pending"),
        )
    db.session.flush()
    return len(waiting)


class _System:
    """The installation itself (CLI): sees every application."""

    is_authenticated = True
    role = Role.admin

    def has_role(self, role: Role) -> bool:
        return True


# --- personal data -------------------------------------------------------------

from federation.services import privacy  # noqa: E402


@privacy.exporter("applications")
def _export_applications(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(OperatorApplication)
        .where(OperatorApplication.applicant_id == user.id)
        .order_by(OperatorApplication.id)
    )
    return [
        {
            "id": a.id,
            "status": a.status.value,
            "submitted_at": a.submitted_at.isoformat(),
            "group": a.group.slug if a.group else a.name_ja,
            "company_name": a.company_name,
            "operating_since": a.operating_since.isoformat() if a.operating_since else None,
            "involvement": a.involvement.value if a.involvement else None,
            "role_description": a.role_description,
            "assessment": a.assessment,
        }
        for a in rows
    ]


@privacy.eraser
def _erase_applications(user: User) -> None:
    # Decisions stay in the precedent log; the applicant's own words about
    # themselves do not.
    db.session.execute(
        update(OperatorApplication)
        .where(OperatorApplication.applicant_id == user.id)
        .values(role_description="")
        .execution_options(synchronize_session=False)
    )


def application_views(applications) -> list:
    """Applications with their assessment (overrides applied) for the API;
    load them with applications_query(..., with_assessment=True)."""
    from federation.services.views import View

    return [View(a, assessment=assessment_of(a)) for a in applications]

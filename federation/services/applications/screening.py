"""Screening: an application against the five entry criteria, and why.

Pure functions over the application's attributes (its evidence, endorsements
and overrides): no database, no clock. The caller passes the thresholds and
the day, and stores the result (records.reassess).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from federation.models import (
    CRITERIA,
    Audience,
    GovernanceType,
    Involvement,
    MembershipScope,
    OperatorApplication,
    Purpose,
    Verdict,
)

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


def assess(application: OperatorApplication, settings: dict[str, int], today: date) -> list[dict]:
    """The application against the five entry criteria: one item per
    criterion (key, verdict, reason code and its parameters). `settings` are
    the thresholds (settings.get_settings()); `today` is the day of the
    assessment."""
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

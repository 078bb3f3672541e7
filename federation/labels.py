"""Display names of the domain's enumerations, in the viewer's language.
The Japanese labels are the words the users themselves use."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from federation.models import (ApplicationStatus, Audience, EventKind, GovernanceType,
                               Involvement, MailStatus, MembershipScope, Purpose, Role, Verdict)

GOVERNANCE_LABELS = {
    GovernanceType.company_hosted: _l("Company-hosted"),
    GovernanceType.delegated: _l("Delegated"),
    GovernanceType.company_backed: _l("Company-backed"),
    GovernanceType.independent: _l("Independent"),
}

ROLE_LABELS = {
    Role.member: _l("Member"),
    Role.operator: _l("Operator"),
    Role.coordinator: _l("Coordinator"),
    Role.admin: _l("Administrator"),
}

MAIL_STATUS_LABELS = {
    MailStatus.pending: _l("Waiting"),
    MailStatus.sending: _l("Sending"),
    MailStatus.sent: _l("Sent"),
    MailStatus.failed: _l("Failed"),
}


APPLICATION_STATUS_LABELS = {
    ApplicationStatus.pending: _l("Waiting for review"),
    ApplicationStatus.info_requested: _l("Information requested"),
    ApplicationStatus.approved: _l("Approved"),
    ApplicationStatus.rejected: _l("Rejected"),
}

VERDICT_LABELS = {
    Verdict.passed: _l("Pass"),
    Verdict.failed: _l("Fail"),
    Verdict.review: _l("Review"),
}

CRITERION_LABELS = {
    "track_record": _l("Membership and track record"),
    "officialness": _l("Officialness"),
    "alumni_membership": _l("Alumni of a company or government body"),
    "active_professionals": _l("For people active in business"),
    "operating_member": _l("Operating member"),
}

MEMBERSHIP_LABELS = {
    MembershipScope.company: _l("Alumni of the company"),
    MembershipScope.group_companies: _l("Alumni of the company and its group companies"),
    MembershipScope.government: _l("Alumni of a government body"),
    MembershipScope.school: _l("Graduates of a school or training programme"),
}

AUDIENCE_LABELS = {
    Audience.working: _l("Working professionals"),
    Audience.mixed: _l("Working professionals and retirees"),
    Audience.retirees: _l("Mainly retirees"),
}

PURPOSE_LABELS = {
    Purpose.co_creation: _l("Co-creating value"),
    Purpose.mixed: _l("Co-creation and friendship"),
    Purpose.reminiscing: _l("Mainly reminiscing"),
}

INVOLVEMENT_LABELS = {
    Involvement.weekly: _l("Every week"),
    Involvement.monthly: _l("Every month"),
    Involvement.few_times_a_year: _l("A few times a year"),
    Involvement.single_event: _l("I organised one event"),
}

EVENT_KIND_LABELS = {
    EventKind.submitted: _l("Submitted"),
    EventKind.resubmitted: _l("Resubmitted"),
    EventKind.override: _l("Criterion overridden"),
    EventKind.approved: _l("Approved"),
    EventKind.rejected: _l("Rejected"),
    EventKind.info_requested: _l("Information requested"),
    EventKind.endorsed: _l("Endorsed by the company"),
}


def _label(table):
    # The enums are str enums: a stored "pass" finds Verdict.passed too.
    return lambda value: "" if value is None else table.get(value, value)


def register(app) -> None:
    app.jinja_env.globals.update(
        governance_label=lambda value: GOVERNANCE_LABELS[value],
        role_label=lambda value: ROLE_LABELS[value],
        mail_status_label=lambda value: MAIL_STATUS_LABELS[value],
        application_status_label=_label(APPLICATION_STATUS_LABELS),
        verdict_label=_label(VERDICT_LABELS),
        criterion_label=_label(CRITERION_LABELS),
        membership_label=_label(MEMBERSHIP_LABELS),
        audience_label=_label(AUDIENCE_LABELS),
        purpose_label=_label(PURPOSE_LABELS),
        involvement_label=_label(INVOLVEMENT_LABELS),
        event_kind_label=_label(EVENT_KIND_LABELS),
    )

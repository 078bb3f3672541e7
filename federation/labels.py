"""Display names of the domain's enumerations, in the viewer's language.
The Japanese labels are the words the users themselves use."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from federation.models import (
    ApplicationStatus,
    ArticleVisibility,
    AssetKind,
    AssetStatus,
    Audience,
    ChannelType,
    CompanyHope,
    ConsultationSpace,
    ContentType,
    Delivery,
    EventAudience,
    EventFormat,
    EventKind,
    EventStatus,
    GovernanceType,
    HostStatus,
    IntroductionStatus,
    Involvement,
    JoinRequestStatus,
    KnowledgeCategory,
    MailStatus,
    MembershipScope,
    NeedPair,
    OutcomeKind,
    Platform,
    ProposalFormat,
    ProposalStatus,
    Purpose,
    RegistrationStatus,
    RequestStatus,
    RevenueModel,
    Role,
    Side,
    Verdict,
    Visibility,
)

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


REVENUE_LABELS = {
    RevenueModel.company_paid: _l("Paid by the company"),
    RevenueModel.fixed_income: _l("Self-funded, fixed income (annual fee)"),
    RevenueModel.per_activity: _l("Self-funded per activity, no fixed income"),
}

NEED_LABELS = {
    NeedPair.sales_procurement: _l("Sales ↔ procurement"),
    NeedPair.learning_speaking: _l("Learning ↔ speaking"),
    NeedPair.investment_fundraising: _l("Investment ↔ fundraising"),
    NeedPair.job_hiring: _l("Job change ↔ hiring"),
    NeedPair.entrepreneur_cofounder: _l("Entrepreneur ↔ co-founder"),
    NeedPair.startup_supporter: _l("Startup ↔ supporter"),
    NeedPair.pr: _l("PR"),
    NeedPair.networking: _l("Networking"),
}

PLATFORM_LABELS = {
    Platform.facebook: _l("Facebook group"),
    Platform.slack: _l("Slack"),
    Platform.website: _l("Website"),
    Platform.note: _l("note"),
    Platform.youtube: _l("YouTube"),
    Platform.zoom: _l("Zoom"),
    Platform.peatix: _l("Peatix"),
    Platform.google_drive: _l("Google Drive"),
    Platform.other: _l("Other"),
}

HOPE_LABELS = {
    CompanyHope.rehiring: _l("Comeback and referral hiring"),
    CompanyHope.role_models: _l("Senior role models"),
    CompanyHope.co_creation: _l("Co-creation"),
    CompanyHope.investment: _l("Investment"),
    CompanyHope.business_deals: _l("Business deals"),
    CompanyHope.pr_brand: _l("PR and brand"),
    CompanyHope.information: _l("Information"),
}

ASSET_KIND_LABELS = {
    AssetKind.venue: _l("Venue"),
    AssetKind.pr_channel: _l("PR channel"),
    AssetKind.content: _l("Content production"),
    AssetKind.speaker: _l("Speaker"),
}

ASSET_STATUS_LABELS = {
    AssetStatus.active: _l("Available"),
    AssetStatus.paused: _l("Paused"),
    AssetStatus.removed: _l("Removed"),
}

CHANNEL_LABELS = {
    ChannelType.website: _l("Website"),
    ChannelType.sns: _l("SNS account"),
    ChannelType.mailing_list: _l("Mailing list"),
    ChannelType.newsletter: _l("Newsletter"),
}

CONTENT_LABELS = {
    ContentType.video: _l("Video"),
    ContentType.article: _l("Article"),
    ContentType.graphic_recording: _l("Graphic recording"),
}

REQUEST_STATUS_LABELS = {
    RequestStatus.pending: _l("Waiting for an answer"),
    RequestStatus.accepted: _l("Accepted"),
    RequestStatus.declined: _l("Declined"),
    RequestStatus.cancelled: _l("Cancelled"),
}

WEEKDAY_LABELS = [_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun")]
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

INTRODUCTION_STATUS_LABELS = {
    IntroductionStatus.pending: _l("Waiting for an answer"),
    IntroductionStatus.accepted: _l("Accepted"),
    IntroductionStatus.declined: _l("Declined"),
}

EVENT_STATUS_LABELS = {
    EventStatus.draft: _l("Draft"),
    EventStatus.proposed: _l("Proposed"),
    EventStatus.published: _l("Published"),
    EventStatus.completed: _l("Completed"),
    EventStatus.cancelled: _l("Cancelled"),
}
HOST_STATUS_LABELS = {
    HostStatus.invited: _l("Invited"),
    HostStatus.confirmed: _l("Confirmed"),
    HostStatus.declined: _l("Declined"),
}
REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.confirmed: _l("Seat confirmed"),
    RegistrationStatus.waitlisted: _l("Waitlisted"),
    RegistrationStatus.cancelled: _l("Cancelled"),
}


PROPOSAL_FORMAT_LABELS = {
    ProposalFormat.talk: _l("Talk"),
    ProposalFormat.panel: _l("Panel"),
    ProposalFormat.workshop: _l("Workshop"),
}

PROPOSAL_STATUS_LABELS = {
    ProposalStatus.submitted: _l("Submitted, in review"),
    ProposalStatus.accepted: _l("Accepted"),
    ProposalStatus.rejected: _l("Not accepted"),
    ProposalStatus.withdrawn: _l("Withdrawn"),
}

LANGUAGE_LABELS = {"ja": _l("Japanese"), "en": _l("English")}

EVENT_FORMAT_LABELS = {
    EventFormat.in_person: _l("In person"),
    EventFormat.online: _l("Online"),
    EventFormat.hybrid: _l("Hybrid"),
}

EVENT_AUDIENCE_LABELS = {
    EventAudience.hosts: _l("Host groups' members only"),
    EventAudience.members: _l("All federation members"),
    EventAudience.public: _l("Public"),
}

DELIVERY_LABELS = {
    Delivery.immediately: _l("Mail at once"),
    Delivery.daily: _l("Daily summary"),
    Delivery.off: _l("Inbox only"),
}

PROFILE_VISIBILITY_LABELS = {
    Visibility.groups: _l("My groups only"),
    Visibility.federation: _l("The whole federation"),
    Visibility.public: _l("Public"),
}

PROFILE_FIELD_LABELS = {
    "name": _l("Name"),
    "organisation": _l("Organisation and title"),
    "industries": _l("Industries"),
    "skills": _l("Skills"),
    "bio": _l("Short bio"),
    "affiliations": _l("Alumni affiliations"),
    "offers": _l("Offers and asks"),
}

# The fields of an alumni import (services/alumni_import.py): a column maps
# to one of these keys.
IMPORT_FIELD_LABELS = {
    "full_name": _l("Full name (family and given, split at the space)"),
    "family_name": _l("Family name"),
    "given_name": _l("Given name"),
    "full_kana": _l("Full name in kana (split at the space)"),
    "family_name_kana": _l("Family name (kana)"),
    "given_name_kana": _l("Given name (kana)"),
    "email": _l("Email address"),
    "year_left": _l("Year left"),
    "organisation": _l("Current organisation"),
}

SIDE_LABELS = {Side.offer: _l("Offer"), Side.ask: _l("Ask")}

JOIN_REQUEST_STATUS_LABELS = {
    JoinRequestStatus.pending: _l("Waiting for a decision"),
    JoinRequestStatus.approved: _l("Approved"),
    JoinRequestStatus.declined: _l("Declined"),
    JoinRequestStatus.withdrawn: _l("Withdrawn"),
}

OUTCOME_LABELS = {
    OutcomeKind.deal: _l("A business deal"),
    OutcomeKind.hire: _l("A hire"),
    OutcomeKind.collaboration: _l("A collaboration"),
    OutcomeKind.investment: _l("An investment"),
    OutcomeKind.talk: _l("A good talk, information"),
    OutcomeKind.nothing_yet: _l("Nothing yet"),
}

HEALTH_SECTION_LABELS = {
    "members": _l("Member growth"),
    "events": _l("Events and attendance"),
    "joint": _l("Joint events and partner companies"),
    "introductions": _l("Introductions and their outcomes"),
    "assets": _l("Assets given and received"),
    "highlights": _l("Highlights"),
}

# The failure patterns of the founding statement (and leader dependence):
# the names of the health flags, keyed by flag code (services/health/flags).
FLAG_PATTERN_LABELS = {
    "signups": _l("Hard to get sign-ups and attendance"),
    "operators_only": _l("Only the operators start anything"),
    "repeat_drop": _l("Repeat attendance is dropping"),
    "wrong_audience": _l("The people who sign up do not come"),
    "no_outcome": _l('No measurable outcome ("is this worth it?")'),
    "leader_dependence": _l("Depends on one leader"),
}

CATEGORY_LABELS = {
    KnowledgeCategory.mindset: _l("Mindset"),
    KnowledgeCategory.governance: _l("Governance"),
    KnowledgeCategory.operations: _l("Operations"),
    KnowledgeCategory.activation: _l("Activation"),
    KnowledgeCategory.promotion: _l("Promotion"),
}

# The sub-topics of each category of practical knowledge (the founding
# statement's): the keys are the topics an article may have.
TOPIC_LABELS = {
    KnowledgeCategory.mindset: {},
    KnowledgeCategory.governance: {
        "concept": _l("Concept"),
        "governance_types": _l("Governance types"),
        "eligibility": _l("Eligibility"),
        "decision_rules": _l("Decision rules"),
        "guidelines": _l("Guidelines"),
        "team_building": _l("Team building"),
    },
    KnowledgeCategory.operations: {
        "processes": _l("Processes"),
        "manuals": _l("Manuals"),
        "templates": _l("Templates"),
        "tools": _l("Tools"),
    },
    KnowledgeCategory.activation: {
        "value_design": _l("Value design"),
        "event_planning": _l("Event planning"),
        "member_driven": _l("Member-driven activity"),
        "facilitation": _l("Facilitation"),
    },
    KnowledgeCategory.promotion: {
        "content": _l("Content"),
        "media": _l("Media"),
        "external_collaboration": _l("External collaboration"),
    },
}

ARTICLE_VISIBILITY_LABELS = {
    ArticleVisibility.members: _l("Federation members"),
    ArticleVisibility.practice: _l("Members and the practice community"),
    ArticleVisibility.public: _l("Public"),
}

SPACE_LABELS = {
    ConsultationSpace.federation: _l("Operators of the federation"),
    ConsultationSpace.practice: _l("Practice community (beginners' space)"),
}


def outcome_label(value) -> object:
    return OUTCOME_LABELS[OutcomeKind(value)]


def asset_kind_label(value) -> object:
    return ASSET_KIND_LABELS[AssetKind(value)]


def topic_label(category, topic: str) -> str:
    return str(TOPIC_LABELS.get(KnowledgeCategory(category), {}).get(topic, "")) if topic else ""


# Each table resolved once per language and process: a page shows the same
# labels many times, and each lazy label would otherwise look its catalogue
# up again on every rendering. The catalogues do not change while a process
# runs; the language is part of the key.
_RESOLVED: dict[tuple[int, str], dict] = {}


def in_language(table: dict | list) -> dict:
    """The table's labels as plain strings in the current language."""
    key = (id(table), str(get_locale()))
    resolved = _RESOLVED.get(key)
    if resolved is None:
        items = table.items() if isinstance(table, dict) else enumerate(table)
        resolved = _RESOLVED[key] = {value: str(label) for value, label in items}
    return resolved


def _label(table, convert=None):
    """A template function: the value's label. With `convert` (an enum), an
    unknown value is an error; without, it shows as it is stored (the enums
    are str enums: a stored "pass" finds Verdict.passed too)."""
    if convert is not None:
        return lambda value: in_language(table)[convert(value)]
    return lambda value: "" if value is None else in_language(table).get(value, value)


def register(app) -> None:
    app.jinja_env.globals.update(
        governance_label=_label(GOVERNANCE_LABELS, GovernanceType),
        role_label=_label(ROLE_LABELS, Role),
        mail_status_label=_label(MAIL_STATUS_LABELS, MailStatus),
        revenue_label=_label(REVENUE_LABELS, RevenueModel),
        need_label=_label(NEED_LABELS, NeedPair),
        platform_label=_label(PLATFORM_LABELS, Platform),
        hope_label=_label(HOPE_LABELS, CompanyHope),
        asset_kind_label=_label(ASSET_KIND_LABELS, AssetKind),
        asset_status_label=_label(ASSET_STATUS_LABELS, AssetStatus),
        channel_label=_label(CHANNEL_LABELS, ChannelType),
        content_label=_label(CONTENT_LABELS, ContentType),
        request_status_label=_label(REQUEST_STATUS_LABELS, RequestStatus),
        weekday_label=_label(WEEKDAY_LABELS, int),
        application_status_label=_label(APPLICATION_STATUS_LABELS),
        verdict_label=_label(VERDICT_LABELS),
        criterion_label=_label(CRITERION_LABELS),
        membership_label=_label(MEMBERSHIP_LABELS),
        audience_label=_label(AUDIENCE_LABELS),
        purpose_label=_label(PURPOSE_LABELS),
        involvement_label=_label(INVOLVEMENT_LABELS),
        event_kind_label=_label(EVENT_KIND_LABELS),
        introduction_status_label=_label(INTRODUCTION_STATUS_LABELS),
        event_format_label=_label(EVENT_FORMAT_LABELS, EventFormat),
        event_audience_label=_label(EVENT_AUDIENCE_LABELS, EventAudience),
        event_status_label=_label(EVENT_STATUS_LABELS, EventStatus),
        host_status_label=_label(HOST_STATUS_LABELS, HostStatus),
        registration_status_label=_label(REGISTRATION_STATUS_LABELS, RegistrationStatus),
        proposal_format_label=_label(PROPOSAL_FORMAT_LABELS, ProposalFormat),
        proposal_status_label=_label(PROPOSAL_STATUS_LABELS, ProposalStatus),
        language_label=_label(LANGUAGE_LABELS),
    )

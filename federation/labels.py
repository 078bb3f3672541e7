"""Display names of the domain's enumerations, in the viewer's language.
The Japanese labels are the words the users themselves use."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from federation.models import (AssetKind, AssetStatus, ChannelType, CompanyHope, ContentType,
                               GovernanceType, MailStatus, NeedPair, Platform, RequestStatus,
                               RevenueModel, Role)

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


def register(app) -> None:
    app.jinja_env.globals.update(
        governance_label=lambda value: GOVERNANCE_LABELS[value],
        role_label=lambda value: ROLE_LABELS[value],
        mail_status_label=lambda value: MAIL_STATUS_LABELS[value],
        revenue_label=lambda value: REVENUE_LABELS[value],
        need_label=lambda value: NEED_LABELS[NeedPair(value)],
        platform_label=lambda value: PLATFORM_LABELS[Platform(value)],
        hope_label=lambda value: HOPE_LABELS[CompanyHope(value)],
        asset_kind_label=lambda value: ASSET_KIND_LABELS[AssetKind(value)],
        asset_status_label=lambda value: ASSET_STATUS_LABELS[value],
        channel_label=lambda value: CHANNEL_LABELS[value],
        content_label=lambda value: CONTENT_LABELS[value],
        request_status_label=lambda value: REQUEST_STATUS_LABELS[value],
        weekday_label=lambda value: WEEKDAY_LABELS[value],
    )

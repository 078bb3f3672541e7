"""Display names of the domain's enumerations, in the viewer's language.
The Japanese labels are the words the users themselves use."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from federation.models import GovernanceType, MailStatus, Role

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


def register(app) -> None:
    app.jinja_env.globals.update(
        governance_label=lambda value: GOVERNANCE_LABELS[value],
        role_label=lambda value: ROLE_LABELS[value],
        mail_status_label=lambda value: MAIL_STATUS_LABELS[value],
    )

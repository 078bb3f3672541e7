"""Operator applications: submit with evidence, assess against the five entry
criteria, endorse by the company liaison, override, decide, approve into the
registry; screening settings with their change log; reminders. One module per
job:

- settings: the thresholds and their change log
- screening: the five entry criteria (pure functions) and their reasons
- records: the event log, the row lock, storing the assessment
- submissions: submitting and resubmitting
- endorsements: the liaison's endorsement link
- queries: the queue, one application, precedents
- review: overrides, decisions, approval into the registry
- reminders: mail to coordinators about waiting applications
- personal: the applicant's data in their export, and its erasure

This package re-exports the public names, so `applications.decide(...)` and
friends work as before.
"""

from federation.services.applications import personal as _personal  # noqa: F401  (registers export/erasure)
from federation.services.applications.actions import APPLICATION_ACTIONS, application_actions
from federation.services.applications.endorsements import (
    FREE_MAIL_DOMAINS,
    confirm_endorsement,
    confirmed_endorsements,
    decline_endorsement,
    find_endorsement,
    liaison_address_warning,
)
from federation.services.applications.queries import (
    PRECEDENT_WINDOW,
    QUEUE_LIST,
    application_views,
    applications_query,
    get_application,
    precedents_query,
    queue_page,
    queue_scope,
    suggested_precedents,
)
from federation.services.applications.records import reassess
from federation.services.applications.reminders import remind_coordinators
from federation.services.applications.review import (
    DECISION_TEMPLATES,
    DECISIONS,
    decide,
    decision_template,
    override_criterion,
    platforms_from_text,
)
from federation.services.applications.screening import REASONS, assess, assessment_of, render_reason
from federation.services.applications.settings import (
    SETTINGS,
    get_settings,
    setting_changes_query,
    update_settings,
)
from federation.services.applications.submissions import (
    GROUP_FIELDS,
    ROLE_FIELDS,
    resubmit_application,
    submit_application,
)

__all__ = [
    "APPLICATION_ACTIONS",
    "application_actions",
    "DECISIONS",
    "DECISION_TEMPLATES",
    "FREE_MAIL_DOMAINS",
    "GROUP_FIELDS",
    "PRECEDENT_WINDOW",
    "REASONS",
    "ROLE_FIELDS",
    "SETTINGS",
    "application_views",
    "applications_query",
    "QUEUE_LIST",
    "queue_page",
    "queue_scope",
    "assess",
    "assessment_of",
    "confirm_endorsement",
    "confirmed_endorsements",
    "decide",
    "decision_template",
    "decline_endorsement",
    "find_endorsement",
    "get_application",
    "get_settings",
    "liaison_address_warning",
    "override_criterion",
    "platforms_from_text",
    "precedents_query",
    "reassess",
    "remind_coordinators",
    "render_reason",
    "resubmit_application",
    "setting_changes_query",
    "submit_application",
    "suggested_precedents",
    "update_settings",
]

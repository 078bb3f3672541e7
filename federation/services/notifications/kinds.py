"""The kinds of notification: each declared once, with its label, its
section on the preferences page, its mail template and its default delivery."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from federation.models import Delivery


@dataclass(frozen=True)
class Kind:
    name: str
    label: object
    section: object
    template: str
    default: Delivery = Delivery.immediately


KINDS: dict[str, Kind] = {}


def define_kind(
    name: str, label, *, section, template: str | None = None, default: Delivery = Delivery.immediately
) -> Kind:
    """Declare a kind of notification (idempotent, so re-imports are harmless)."""
    kind = Kind(name, label, section, template or name, default)
    KINDS[name] = kind
    return kind


_APPLICATIONS, _EVENTS = _l("Operator applications"), _l("Joint events")
_ASSETS, _CONFERENCE, _DIRECTORY = _l("Shared assets"), _l("Conference"), _l("Directory")

APPLICATION_SUBMITTED = define_kind(
    "application_submitted", _l("A new application to review (coordinators)"), section=_APPLICATIONS
)
APPLICATION_RESUBMITTED = define_kind(
    "application_resubmitted",
    _l("An application resubmitted with more information (coordinators)"),
    section=_APPLICATIONS,
)
APPLICATION_INFO_REQUESTED = define_kind(
    "application_info_requested",
    _l("More information is asked of my application"),
    section=_APPLICATIONS,
    template="application_request_info",
)
APPLICATION_DECIDED = define_kind(
    "application_decided",
    _l("My application is decided"),
    section=_APPLICATIONS,
    template="application_approve",
)

EVENT_PROPOSED = define_kind(
    "event_proposed", _l("An event is proposed for approval (coordinators)"), section=_EVENTS
)
EVENT_COHOST_INVITED = define_kind(
    "event_cohost_invited", _l("My group is invited to co-host an event"), section=_EVENTS
)
EVENT_PROPOSAL_DECIDED = define_kind(
    "event_proposal_decided",
    _l("My proposed event is approved or returned"),
    section=_EVENTS,
    template="event_approved",
)
EVENT_PUBLISHED = define_kind("event_published", _l("An event my group hosts is published"), section=_EVENTS)
EVENT_CHANGED = define_kind("event_changed", _l("An event I registered for changes"), section=_EVENTS)
EVENT_CANCELLED = define_kind(
    "event_cancelled", _l("An event I registered for is cancelled"), section=_EVENTS
)
EVENT_MESSAGE = define_kind(
    "event_message", _l("A message from the hosts of an event I registered for"), section=_EVENTS
)
EVENT_REGISTERED = define_kind(
    "event_registered", _l("My registration is confirmed or waitlisted"), section=_EVENTS
)
EVENT_PROMOTED = define_kind("event_promoted", _l("I moved up from the waitlist"), section=_EVENTS)
EVENT_REMINDER = define_kind("event_reminder", _l("Reminder the day before an event"), section=_EVENTS)

ASSET_REQUEST_NEW = define_kind("asset_request_new", _l("A request for my group's asset"), section=_ASSETS)
ASSET_REQUEST_ANSWERED = define_kind(
    "asset_request_answered",
    _l("My request for an asset is answered"),
    section=_ASSETS,
    template="asset_request_accepted",
)
ASSET_REQUEST_CANCELLED = define_kind(
    "asset_request_cancelled", _l("A request for my group's asset is cancelled"), section=_ASSETS
)

CONFERENCE_PROPOSAL_RECEIVED = define_kind(
    "conference_proposal_received", _l("My conference proposal is received"), section=_CONFERENCE
)
CONFERENCE_PROPOSAL_DECIDED = define_kind(
    "conference_proposal_decided",
    _l("My conference proposal is decided"),
    section=_CONFERENCE,
    template="conference_accepted",
)
CONFERENCE_PROMOTED = define_kind(
    "conference_promoted", _l("My conference seat came free from the waitlist"), section=_CONFERENCE
)
CONFERENCE_REVIEWER = define_kind(
    "conference_reviewer", _l("I am invited to review conference proposals"), section=_CONFERENCE
)

INTRODUCTION_REQUESTED = define_kind(
    "introduction_request", _l("Someone asks to be introduced to me"), section=_DIRECTORY
)
INTRODUCTION_ANSWERED = define_kind(
    "introduction_answered",
    _l("My introduction request is answered"),
    section=_DIRECTORY,
    template="introduction_accepted",
)
INTRODUCTION_OUTCOME = define_kind(
    "introduction_outcome", _l("What came of an introduction (asked once, 30 days later)"), section=_DIRECTORY
)

_MEMBERSHIP, _CONSULTATIONS = _l("Joining a member group"), _l("Consultations")
JOIN_REQUEST_DECIDED = define_kind(
    "join_request_decided",
    _l("My request to join a group is decided"),
    section=_MEMBERSHIP,
    template="join_request_approved",
)
CONSULTATION_REPLY = define_kind(
    "consultation_reply", _l("A reply to my consultation"), section=_CONSULTATIONS
)
CONSULTATION_SESSION = define_kind(
    "consultation_session",
    _l("A 1:1 session asked of me, accepted or cancelled"),
    section=_CONSULTATIONS,
    template="consultation_session_request",
)

"""What each health indicator means (DEFINITIONS, shown next to the number)
and the shape of a set of indicators with nothing measured."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from federation.models import AssetKind, OutcomeKind

DEFINITIONS = {
    "members": _l("Registered members on the last count of the period (member-count history)."),
    "members_change": _l("Change of the registered count since the last count before the period."),
    "new_members": _l(
        "People who joined the group through the platform in the period (verified memberships)."
    ),
    "events_held": _l("Events the group hosted (lead or confirmed co-host) that took place in the period."),
    "events_own": _l("Events with the group as the only host."),
    "events_joint": _l("Events co-hosted with at least one other group."),
    "registrations": _l("Confirmed registrations for those events."),
    "attended": _l("Registrations checked in at those events."),
    "no_show_rate": _l("Confirmed registrations not checked in, as a share of confirmed registrations."),
    "newcomer_share": _l("Attendees whose first check-in on the platform was at one of these events."),
    "repeat_rate": _l(
        "Of the people who attended the group's last N events, the share who attended two or more of them."
    ),
    "cross_group_share": _l(
        "At the group's joint events, the share of attendees from other groups (or none)."
    ),
    "member_driven": _l(
        "Things started in the period (events, and consultations and "
        "articles once recorded) and how many by people who are not the "
        "group's operators."
    ),
    "leader_share": _l(
        "Of the group's events in the last 12 months, the share started by "
        "the one person who started the most."
    ),
    "bench": _l("Operators active in the last 90 days (signed in or started an event)."),
    "assets_given": _l("Requests for the group's assets that it accepted in the period, by kind."),
    "assets_received": _l("The group's requests for other groups' assets accepted in the period, by kind."),
    "introductions": _l(
        "Directory introductions involving the group's members: requested "
        "and accepted in the period, and outcomes reported."
    ),
}


def empty_indicators() -> dict:
    """Every key compute() returns, with nothing measured (for generated data)."""
    zero = {k.value: 0 for k in AssetKind}
    return {
        "members": 0,
        "members_change": 0,
        "new_members": 0,
        "events_held": 0,
        "events_joint": 0,
        "events_own": 0,
        "registrations": 0,
        "attended": 0,
        "no_shows": 0,
        "no_show_rate": None,
        "attendees": 0,
        "newcomers": 0,
        "newcomer_share": None,
        "repeat_window": 5,
        "repeat_events": 0,
        "repeaters": 0,
        "repeat_people": 0,
        "repeat_rate": None,
        "joint_attended": 0,
        "guests": 0,
        "cross_group_share": None,
        "guest_groups": {},
        "started": {"events": [0, 0]},
        "started_total": 0,
        "started_by_members": 0,
        "leader_events": 0,
        "leader_top": 0,
        "leader_share": None,
        "operators": 0,
        "bench": 0,
        "assets_given": dict(zero),
        "assets_received": dict(zero),
        "introductions_requested": 0,
        "introductions_accepted": 0,
        "outcomes": {k.value: 0 for k in OutcomeKind},
        "outcomes_measurable": 0,
    }

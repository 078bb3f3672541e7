"""Which action may start from which state of an application, and what a
person may do with one now: the application page offers exactly these, and
the review and submission services check the same table."""

from __future__ import annotations

from federation.models import ApplicationStatus, OperatorApplication, User
from federation.permissions import is_coordinator

# action -> the states it may start from
APPLICATION_ACTIONS: dict[str, tuple[ApplicationStatus, ...]] = {
    "decide": (ApplicationStatus.pending,),  # approve, request information or reject
    "override": (ApplicationStatus.pending, ApplicationStatus.info_requested),
    "resubmit": (ApplicationStatus.info_requested,),
}


def state_allows(application: OperatorApplication, action: str) -> bool:
    return application.status in APPLICATION_ACTIONS[action]


def application_actions(actor: User | None, application: OperatorApplication) -> frozenset[str]:
    if actor is None or not actor.is_authenticated:
        return frozenset()
    coordinator = is_coordinator(actor)
    allowed = {
        "decide": coordinator,
        "override": coordinator,
        "resubmit": application.applicant_id == actor.id,
    }
    return frozenset(a for a, ok in allowed.items() if ok and state_allows(application, a))

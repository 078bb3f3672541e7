"""The states of a joint event and the changes between them.

States: draft -> proposed -> published -> completed, or cancelled (from draft,
proposed or published). `EVENT_ACTIONS` is the one table of which action may
start from which state; the services check it (a change not allowed from the
current state is a Conflict, 409) and pages ask `event_actions` which buttons
to show, so neither re-derives the state machine.
"""

from __future__ import annotations

from flask_babel import gettext as _

from federation.errors import Conflict, Forbidden, Invalid
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    EventStatus,
    HostStatus,
    JointEvent,
    ScreeningSetting,
    User,
    utcnow,
)
from federation.permissions import (
    can_approve_event,
    can_manage_event,
    can_manage_group,
    can_publish_event,
    is_confirmed_cohosted,
    is_coordinator,
)
from federation.services import notifications
from federation.services.events.attendees import notify_registrants
from federation.services.events.base import lock_event
from federation.services.groups.operators import operators_of

AUTO_PUBLISH_KEY = "events_publish_without_approval"

_OPEN = (EventStatus.draft, EventStatus.proposed, EventStatus.published)

# action -> the states it may start from. "publish" also starts from draft
# when coordinators let confirmed co-hosted events publish themselves.
EVENT_ACTIONS: dict[str, tuple[EventStatus, ...]] = {
    "edit": _OPEN,  # the details, the venue and speaker requests
    "invite": (EventStatus.draft, EventStatus.proposed),  # co-hosts answer before publishing
    "propose": (EventStatus.draft,),
    "publish": (EventStatus.proposed,),
    "return": (EventStatus.proposed,),
    "complete": (EventStatus.published,),
    "cancel": _OPEN,
}


def publish_without_approval() -> bool:
    row = db.session.get(ScreeningSetting, AUTO_PUBLISH_KEY)
    return bool(row and row.value)


def set_publish_without_approval(actor: User, enabled: bool) -> None:
    """Coordinators let fully confirmed co-hosted events publish without approval."""
    if not is_coordinator(actor):
        raise Forbidden()
    row = db.session.get(ScreeningSetting, AUTO_PUBLISH_KEY)
    if row is None:
        db.session.add(ScreeningSetting(key=AUTO_PUBLISH_KEY, value=int(enabled), updated_at=utcnow()))
    else:
        row.value, row.updated_at = int(enabled), utcnow()
    db.session.flush()


def _starts_from(action: str, auto_publish: bool) -> tuple[EventStatus, ...]:
    if action == "publish" and auto_publish:
        return (EventStatus.draft, EventStatus.proposed)
    return EVENT_ACTIONS[action]


def state_allows(event: JointEvent, action: str) -> bool:
    """May `action` start from the event's current state?"""
    return event.status in _starts_from(action, action == "publish" and publish_without_approval())


def require_state(event: JointEvent, action: str, message: str | None = None) -> None:
    if not state_allows(event, action):
        raise Conflict(message or _("This change is not allowed in the event's current state."))


def event_actions(actor: User | None, event: JointEvent) -> frozenset[str]:
    """The actions `actor` may take on `event` now: what the event page offers."""
    manage = can_manage_event(actor, event)
    approve = can_approve_event(actor)
    allowed = {
        "edit": manage,
        "invite": manage,
        "propose": manage,
        "return": approve,
        "complete": manage,
        "cancel": manage,
    }
    actions = {a for a, ok in allowed.items() if ok and event.status in EVENT_ACTIONS[a]}
    # The setting is read only when it can change the answer (a page view
    # stays within its query budget).
    if approve and event.status in EVENT_ACTIONS["publish"]:
        actions.add("publish")
    elif (approve or manage) and event.status in _starts_from("publish", True) and publish_without_approval():
        if approve or is_confirmed_cohosted(event):
            actions.add("publish")
    return frozenset(actions)


def propose_event(actor: User, event: JointEvent) -> JointEvent:
    """The hosts submit the draft to the coordinators."""
    if not can_manage_event(actor, event):
        raise Forbidden()
    event = lock_event(event)
    require_state(event, "propose")
    event.status = EventStatus.proposed
    event.return_reason, event.returned_at = "", None
    db.session.flush()
    for user in notifications.coordinators():
        notifications.notify(
            user,
            notifications.EVENT_PROPOSED,
            event=event,
            link=external_url("events.detail", event_id=event.id),
        )
    return event


def return_event(actor: User, event: JointEvent, reason: str) -> JointEvent:
    """A coordinator sends a proposed event back to draft with a reason; the
    proposer reads it in the inbox, the mail and on the event page."""
    if not can_approve_event(actor):
        raise Forbidden()
    reason = (reason or "").strip()
    if not reason or len(reason) > 3000:
        raise Invalid(
            fields={
                "reason": [_("Say what should change (%(low)s to %(high)s characters).", low=1, high=3000)]
            }
        )
    event = lock_event(event)
    require_state(event, "return", _("Only a proposed event can be returned; it is no longer proposed."))
    event.status = EventStatus.draft
    event.return_reason, event.returned_at = reason, utcnow()
    db.session.flush()
    for user in _proposers(event):
        notifications.notify(
            user,
            notifications.EVENT_PROPOSAL_DECIDED,
            template="event_returned",
            event=event,
            reason=reason,
            link=external_url("events.detail", event_id=event.id),
        )
    return event


def _proposers(event: JointEvent) -> list[User]:
    """Who proposed it: its author while they still run the lead group, else
    the lead group's operators."""
    author = event.created_by
    if author is not None and author.is_active and can_manage_group(author, event.lead_group):
        return [author]
    return operators_of(event.lead_group_id)


def publish_event(actor: User, event: JointEvent) -> JointEvent:
    """A coordinator approves the event for the board; with the setting on,
    a confirmed co-hosted event is published by its hosts."""
    if not can_publish_event(actor, event, publish_without_approval()):
        raise Forbidden()
    event = lock_event(event)
    require_state(event, "publish")
    if any(h.status == HostStatus.invited for h in event.hosts):
        raise Conflict(_("Every invited co-host must answer first."))
    was_proposed = event.status == EventStatus.proposed
    event.status = EventStatus.published
    event.published_at = utcnow()
    event.approved_by_id = actor.id
    event.return_reason = ""
    db.session.flush()
    link = external_url("events.detail", event_id=event.id)
    told = set()
    if was_proposed:
        for user in _proposers(event):
            if user.id != actor.id:
                told.add(user.id)
                notifications.notify(user, notifications.EVENT_PROPOSAL_DECIDED, event=event, link=link)
    for host in event.confirmed_hosts:
        for user in operators_of(host.group_id):
            if user.id != actor.id and user.id not in told:
                told.add(user.id)
                notifications.notify(user, notifications.EVENT_PUBLISHED, event=event, link=link)
    return event


def cancel_event(actor: User, event: JointEvent) -> JointEvent:
    if not can_manage_event(actor, event):
        raise Forbidden()
    event = lock_event(event)
    require_state(event, "cancel")
    was_published = event.status == EventStatus.published
    event.status = EventStatus.cancelled
    event.cancelled_at = utcnow()
    event.sequence += 1
    db.session.flush()
    if was_published:
        notify_registrants(event, notifications.EVENT_CANCELLED)
    return event


def complete_event(actor: User, event: JointEvent) -> JointEvent:
    if not can_manage_event(actor, event):
        raise Forbidden()
    event = lock_event(event)
    require_state(event, "complete")
    if event.starts_at > utcnow():
        from federation.i18n import datetime_filter

        raise Conflict(
            _(
                "The event has not started yet: mark it as held once it has begun (from %(start)s).",
                start=datetime_filter(event.starts_at, "short"),
            )
        )
    event.status = EventStatus.completed
    db.session.flush()
    return event


def transition(actor: User, event: JointEvent, action: str) -> JointEvent:
    return {
        "propose": propose_event,
        "publish": publish_event,
        "cancel": cancel_event,
        "complete": complete_event,
    }[action](actor, event)

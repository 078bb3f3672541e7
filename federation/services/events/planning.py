"""Planning a joint event: drafting and editing it, inviting co-hosts and
their answers, seat quotas."""

from __future__ import annotations

from flask_babel import gettext as _

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    AlumniGroup,
    EventAudience,
    EventFormat,
    EventHost,
    EventStatus,
    HostStatus,
    JointEvent,
    NeedPair,
    User,
    utcnow,
)
from federation.permissions import can_manage_event, can_manage_group
from federation.services import notifications
from federation.services.events.attendees import notify_registrants
from federation.services.events.base import lock_event
from federation.services.events.lifecycle import require_state
from federation.services.events.registration import promote_waitlist
from federation.services.groups.operators import operators_of
from federation.text import as_typed

TEXT_LIMITS = {
    "title_ja": 200,
    "title_en": 200,
    "description_ja": 20000,
    "description_en": 20000,
    "place": 255,
    "online_url": 500,
}


def _clean(data: dict, event: JointEvent | None) -> dict:
    """Validate any subset of the fields; every error at once."""
    errors: dict[str, list[str]] = {}
    changes: dict = {}
    for field, limit in TEXT_LIMITS.items():
        if field not in data:
            continue
        value = (data[field] or "").strip()
        if field.startswith("title"):
            value = as_typed(value)
        if len(value) > limit:
            errors[field] = [_("Use at most %(n)d characters.", n=limit)]
        elif field == "online_url" and value and not value.startswith(("https://", "http://")):
            errors[field] = [_("Enter a URL starting with https://.")]
        else:
            changes[field] = value
    title_ja = changes.get("title_ja", event.title_ja if event else "")
    title_en = changes.get("title_en", event.title_en if event else "")
    if ("title_ja" in data or "title_en" in data or event is None) and not (title_ja or title_en):
        errors.setdefault("title_ja", []).append(_("Give a title in Japanese or English."))
    for field, enum_cls in (("format", EventFormat), ("audience", EventAudience)):
        if field in data:
            value = getattr(data[field], "value", data[field])
            if value not in enum_cls.__members__:
                errors[field] = [_("Choose from the list.")]
            else:
                changes[field] = enum_cls(value)
        elif event is None and field == "format":
            errors[field] = [_("This field is required.")]
    for field in ("starts_at", "ends_at", "registration_deadline"):
        if field in data:
            value = data[field]
            if value is None and field != "registration_deadline":
                errors[field] = [_("This field is required.")]
            elif value is not None and value.tzinfo is None:
                errors[field] = [_("Give the time with its offset, e.g. +09:00.")]
            else:
                changes[field] = value
        elif event is None and field != "registration_deadline":
            errors[field] = [_("This field is required.")]
    if "capacity" in data or event is None:
        capacity = data.get("capacity")
        if not isinstance(capacity, int) or isinstance(capacity, bool) or not 1 <= capacity <= 100000:
            errors["capacity"] = [_("Enter a number of %(n)d or more.", n=1)]
        else:
            changes["capacity"] = capacity
    if "tags" in data:
        tags = []
        for value in data["tags"] or []:
            value = getattr(value, "value", value)
            if value not in NeedPair.__members__:
                errors["tags"] = [_("Choose from the list.")]
                break
            if value not in tags:
                tags.append(value)
        changes["tags"] = tags
    if errors:
        raise Invalid(fields=errors)
    starts = changes.get("starts_at", event.starts_at if event else None)
    ends = changes.get("ends_at", event.ends_at if event else None)
    deadline = changes.get("registration_deadline", event.registration_deadline if event else None)
    if starts and ends and ends <= starts:
        errors["ends_at"] = [_("The end must be after the start.")]
    if "starts_at" in changes and starts <= utcnow():
        errors["starts_at"] = [_("The event cannot start in the past.")]
    if deadline and starts and deadline > starts:
        errors["registration_deadline"] = [_("The deadline must be before the start.")]
    fmt = changes.get("format", event.format if event else None)
    url = changes.get("online_url", event.online_url if event else "")
    if (
        fmt in (EventFormat.online, EventFormat.hybrid)
        and not url
        and (event is None or "online_url" in data or "format" in data)
    ):
        errors["online_url"] = [_("An online event needs its link.")]
    if errors:
        raise Invalid(fields=errors)
    return changes


def create_event(actor: User, group: AlumniGroup, data: dict) -> JointEvent:
    """An operator drafts an event for their group (the lead host)."""
    if not can_manage_group(actor, group):
        raise Forbidden()
    changes = _clean(data, None)
    changes = {"audience": EventAudience.members, "tags": [], **changes}
    event = JointEvent(lead_group=group, created_by=actor, status=EventStatus.draft, sequence=0, **changes)
    event.hosts.append(
        EventHost(group=group, status=HostStatus.confirmed, confirmed_by_id=actor.id, confirmed_at=utcnow())
    )
    db.session.add(event)
    db.session.flush()
    return event


MATTERS = ("starts_at", "ends_at", "place", "format", "title_ja", "title_en", "online_url")


NOTIFY = ("starts_at", "ends_at", "place")


def update_event(actor: User, event: JointEvent, data: dict) -> JointEvent:
    if not can_manage_event(actor, event):
        raise Forbidden()
    event = lock_event(event)
    require_state(event, "edit", _("A completed or cancelled event cannot be changed."))
    changes = _clean(data, event)
    changed = {k for k, v in changes.items() if getattr(event, k) != v}
    for field, value in changes.items():
        setattr(event, field, value)
    if changed & set(MATTERS):
        event.sequence += 1
    db.session.flush()
    if "capacity" in changed:
        promote_waitlist(event)
    if changed & set(NOTIFY) and event.status == EventStatus.published:
        notify_registrants(event, notifications.EVENT_CHANGED)
    return event


def invite_host(
    actor: User, event: JointEvent, group: AlumniGroup, seat_quota: int | None = None
) -> EventHost:
    if not can_manage_event(actor, event):
        raise Forbidden()
    require_state(event, "invite", _("Co-hosts are invited before the event is published."))
    if any(h.group_id == group.id for h in event.hosts):
        raise Conflict(_("This group is already a host."))
    host = EventHost(event=event, group=group, status=HostStatus.invited)
    event.hosts.append(host)
    if seat_quota is not None:
        set_quota(actor, event, host, seat_quota)
    db.session.flush()
    for user in operators_of(group.id):
        notifications.notify(
            user,
            notifications.EVENT_COHOST_INVITED,
            event=event,
            group=group,
            link=external_url("events.detail", event_id=event.id),
        )
    return host


def set_quota(actor: User, event: JointEvent, host: EventHost, seat_quota: int | None) -> None:
    if not can_manage_event(actor, event):
        raise Forbidden()
    if seat_quota is not None and (not isinstance(seat_quota, int) or not 0 <= seat_quota <= event.capacity):
        raise Invalid(
            fields={"seat_quota": [_("Must be between %(low)d and %(high)d.", low=0, high=event.capacity)]}
        )
    host.seat_quota = seat_quota
    db.session.flush()


def _host_of(event: JointEvent, slug: str) -> EventHost:
    for host in event.hosts:
        if host.group.slug == slug:
            return host
    raise NotFound()


def confirm_host(actor: User, event: JointEvent, slug: str, accept: bool = True) -> EventHost:
    """A co-host group's operator confirms (or declines) the invitation."""
    host = _host_of(event, slug)
    if not can_manage_group(actor, host.group):
        raise Forbidden()
    lock_event(event)
    if host.status != HostStatus.invited:
        raise Conflict(_("This invitation has already been answered."))
    require_state(event, "edit", _("A completed or cancelled event cannot be changed."))
    host.status = HostStatus.confirmed if accept else HostStatus.declined
    host.confirmed_by_id, host.confirmed_at = actor.id, utcnow()
    db.session.flush()
    return host

"""Joint events co-hosted by several groups: planning, publishing, the board,
registrations with a waitlist, host tools, reminders and statistics.

States: draft -> proposed -> published -> completed, or cancelled (from draft,
proposed or published). A change not allowed from the current state is a
Conflict (409).

No overbooking: a registration (and a cancellation that promotes the waitlist)
locks the event row first (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the
request's BEGIN IMMEDIATE transaction already serialises writers) and counts
the confirmed seats, and the seats of the attendee's host-group quota, inside
that same transaction.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import markdown as markdown_lib
import nh3
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import String, and_, cast, delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    AlumniGroup,
    AssetKind,
    AssetRequest,
    CalendarFeed,
    EventAudience,
    EventFormat,
    EventHost,
    EventRegistration,
    EventSpeaker,
    EventStatus,
    HostStatus,
    JointEvent,
    NeedPair,
    RegistrationStatus,
    RequestStatus,
    ScreeningSetting,
    SharedAsset,
    User,
    utcnow,
)
from federation.security import (
    can_approve_event,
    can_manage_event,
    can_manage_group,
    can_see_event,
    event_visibility,
    is_coordinator,
    is_member,
    manageable_group_ids,
    member_group_ids,
    new_secret,
)
from federation.services import notifications, seats
from federation.services.groups import csv_safe, like_pattern, operators_of
from federation.services.privacy import eraser, exporter
from federation.services.views import View
from federation.text import as_typed

TOKYO = ZoneInfo("Asia/Tokyo")
AUTO_PUBLISH_KEY = "events_publish_without_approval"
TEXT_LIMITS = {
    "title_ja": 200,
    "title_en": 200,
    "description_ja": 20000,
    "description_en": 20000,
    "place": 255,
    "online_url": 500,
}
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
}


# --- text -----------------------------------------------------------------------------


def render_markdown(text: str) -> Markup:
    """Markdown to HTML, sanitised: no scripts, no styles, safe links only."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


# --- settings -------------------------------------------------------------------------


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


# --- loading and the board -------------------------------------------------------------


def _options():
    # Hosts with their groups in one query; the lead group is one of them, so
    # event.lead_group then comes from the identity map without a query.
    return (selectinload(JointEvent.hosts).joinedload(EventHost.group, innerjoin=True),)


def get_event(viewer: User | None, event_id: int) -> JointEvent:
    """The event if the viewer's audience allows; NotFound otherwise."""
    event = db.session.get(JointEvent, event_id)
    if event is None or not can_see_event(viewer, event):
        raise NotFound()
    return event


def board_query(
    viewer: User | None,
    *,
    when: str = "upcoming",
    group: str = "",
    format: str = "",
    month: str = "",
    tag: str = "",
    q: str = "",
):
    """The board as a select() to paginate, only what the viewer may see.
    Unknown filter values are ignored (they come from a URL)."""
    now = utcnow()
    query = select(JointEvent).where(event_visibility(viewer)).options(*_options())
    if when == "past":
        query = query.where(JointEvent.ends_at < now).order_by(
            JointEvent.starts_at.desc(), JointEvent.id.desc()
        )
    elif when == "all":
        query = query.order_by(JointEvent.starts_at.desc(), JointEvent.id.desc())
    else:
        query = query.where(JointEvent.ends_at >= now).order_by(JointEvent.starts_at, JointEvent.id)
    if group:
        query = query.where(
            JointEvent.hosts.any(
                and_(EventHost.status == HostStatus.confirmed, EventHost.group.has(AlumniGroup.slug == group))
            )
        )
    if format in EventFormat.__members__:
        query = query.where(JointEvent.format == EventFormat(format))
    if month:
        try:
            start = datetime.strptime(month, "%Y-%m").replace(tzinfo=TOKYO)
        except ValueError:
            start = None
        if start is not None:
            end = (start + timedelta(days=32)).replace(day=1)
            query = query.where(JointEvent.starts_at >= start, JointEvent.starts_at < end)
    if tag in NeedPair.__members__:
        # Tags are a short JSON list of need-pair names; their quoted form is searched.
        query = query.where(cast(JointEvent.tags, String).like(f'%"{tag}"%'))
    pattern = like_pattern(q)
    if pattern:
        query = query.where(
            or_(
                *[
                    func.lower(column).like(pattern, escape="\\")
                    for column in (
                        JointEvent.title_ja,
                        JointEvent.title_en,
                        JointEvent.description_ja,
                        JointEvent.description_en,
                        JointEvent.place,
                    )
                ]
            )
        )
    return query


def group_upcoming_events(viewer: User | None, group: AlumniGroup, limit: int = 10):
    return list(db.session.scalars(board_query(viewer, group=group.slug).limit(limit)))


def seat_counts(events: list[JointEvent]) -> dict[int, int]:
    """Confirmed seats per event, in one query."""
    if not events:
        return {}
    rows = db.session.execute(
        select(EventRegistration.event_id, func.count(EventRegistration.id))
        .where(
            EventRegistration.event_id.in_([e.id for e in events]),
            EventRegistration.status == RegistrationStatus.confirmed,
        )
        .group_by(EventRegistration.event_id)
    )
    counts = {e.id: 0 for e in events}
    counts.update(dict(rows.all()))
    return counts


def seats_left(event: JointEvent) -> int:
    return max(event.capacity - seat_counts([event])[event.id], 0)


# --- planning -----------------------------------------------------------------------------


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


def _lock(event: JointEvent) -> JointEvent:
    """Re-read the event with a row lock (PostgreSQL); on SQLite the write
    transaction already holds the database's one write lock."""
    return seats.lock(JointEvent, event.id)


def update_event(actor: User, event: JointEvent, data: dict) -> JointEvent:
    if not can_manage_event(actor, event):
        raise Forbidden()
    event = _lock(event)
    if event.status in (EventStatus.completed, EventStatus.cancelled):
        raise Conflict(_("A completed or cancelled event cannot be changed."))
    changes = _clean(data, event)
    changed = {k for k, v in changes.items() if getattr(event, k) != v}
    for field, value in changes.items():
        setattr(event, field, value)
    if changed & set(MATTERS):
        event.sequence += 1
    db.session.flush()
    if "capacity" in changed:
        _promote(event)
    if changed & set(NOTIFY) and event.status == EventStatus.published:
        _mail_registrants(event, notifications.EVENT_CHANGED)
    return event


def invite_host(
    actor: User, event: JointEvent, group: AlumniGroup, seat_quota: int | None = None
) -> EventHost:
    if not can_manage_event(actor, event):
        raise Forbidden()
    if event.status not in (EventStatus.draft, EventStatus.proposed):
        raise Conflict(_("Co-hosts are invited before the event is published."))
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
            link=_link("events.detail", event_id=event.id),
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
    _lock(event)
    if host.status != HostStatus.invited:
        raise Conflict(_("This invitation has already been answered."))
    if event.status in (EventStatus.completed, EventStatus.cancelled):
        raise Conflict(_("A completed or cancelled event cannot be changed."))
    host.status = HostStatus.confirmed if accept else HostStatus.declined
    host.confirmed_by_id, host.confirmed_at = actor.id, utcnow()
    db.session.flush()
    return host


def is_confirmed_cohosted(event: JointEvent) -> bool:
    """Two or more hosts, and every invited co-host has confirmed."""
    live = [h for h in event.hosts if h.status != HostStatus.declined]
    return len(live) >= 2 and all(h.status == HostStatus.confirmed for h in live)


def can_publish(actor: User | None, event: JointEvent) -> bool:
    return can_approve_event(actor) or (
        can_manage_event(actor, event) and publish_without_approval() and is_confirmed_cohosted(event)
    )


def propose_event(actor: User, event: JointEvent) -> JointEvent:
    """The hosts submit the draft to the coordinators."""
    if not can_manage_event(actor, event):
        raise Forbidden()
    event = _lock(event)
    if event.status != EventStatus.draft:
        raise Conflict(_("This change is not allowed in the event's current state."))
    event.status = EventStatus.proposed
    event.return_reason, event.returned_at = "", None
    db.session.flush()
    for user in notifications.coordinators():
        notifications.notify(
            user, notifications.EVENT_PROPOSED, event=event, link=_link("events.detail", event_id=event.id)
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
    event = _lock(event)
    if event.status != EventStatus.proposed:
        raise Conflict(_("Only a proposed event can be returned; it is no longer proposed."))
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
            link=_link("events.detail", event_id=event.id),
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
    if not can_publish(actor, event):
        raise Forbidden()
    event = _lock(event)
    allowed = (
        (EventStatus.proposed,)
        if not publish_without_approval()
        else (EventStatus.draft, EventStatus.proposed)
    )
    if event.status not in allowed:
        raise Conflict(_("This change is not allowed in the event's current state."))
    if any(h.status == HostStatus.invited for h in event.hosts):
        raise Conflict(_("Every invited co-host must answer first."))
    was_proposed = event.status == EventStatus.proposed
    event.status = EventStatus.published
    event.published_at = utcnow()
    event.approved_by_id = actor.id
    event.return_reason = ""
    db.session.flush()
    link = _link("events.detail", event_id=event.id)
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
    event = _lock(event)
    if event.status not in (EventStatus.draft, EventStatus.proposed, EventStatus.published):
        raise Conflict(_("This change is not allowed in the event's current state."))
    was_published = event.status == EventStatus.published
    event.status = EventStatus.cancelled
    event.cancelled_at = utcnow()
    event.sequence += 1
    db.session.flush()
    if was_published:
        _mail_registrants(event, notifications.EVENT_CANCELLED)
    return event


def complete_event(actor: User, event: JointEvent) -> JointEvent:
    if not can_manage_event(actor, event):
        raise Forbidden()
    event = _lock(event)
    if event.status != EventStatus.published:
        raise Conflict(_("This change is not allowed in the event's current state."))
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


# --- venue and speakers (through asset requests) -------------------------------------------


def _request_asset(
    actor: User, event: JointEvent, asset: SharedAsset, kind: AssetKind, message: str
) -> AssetRequest:
    from federation.services import assets

    if not can_manage_event(actor, event):
        raise Forbidden()
    if event.status in (EventStatus.completed, EventStatus.cancelled):
        raise Conflict(_("A completed or cancelled event cannot be changed."))
    if asset.kind != kind:
        raise Invalid(fields={"asset": [_("Choose from the list.")]})
    groups = [
        h.group
        for h in event.hosts
        if h.status == HostStatus.confirmed
        and can_manage_group(actor, h.group)
        and h.group_id != asset.group_id
    ]
    if not groups:
        raise Invalid(fields={"asset": [_("A group cannot ask for its own asset.")]})
    return assets.request_asset(
        actor,
        asset,
        groups[0],
        message=message,
        joint_event=event.title_for("ja")[:200],
        starts_at=event.starts_at if kind == AssetKind.venue else None,
        ends_at=event.ends_at if kind == AssetKind.venue else None,
    )


def request_venue(actor: User, event: JointEvent, asset: SharedAsset, message: str = "") -> AssetRequest:
    """Book a registry venue for the event's slot (the owner accepts it)."""
    asset_request = _request_asset(actor, event, asset, AssetKind.venue, message)
    event.venue_request = asset_request
    event.sequence += 1
    db.session.flush()
    return asset_request


def request_speaker(actor: User, event: JointEvent, asset: SharedAsset, message: str = "") -> EventSpeaker:
    asset_request = _request_asset(actor, event, asset, AssetKind.speaker, message)
    speaker = EventSpeaker(event=event, asset_request=asset_request)
    db.session.add(speaker)
    db.session.flush()
    return speaker


def venue_of(event: JointEvent) -> SharedAsset | None:
    """The booked venue, once its owner accepted the request."""
    req = event.venue_request
    if req is not None and req.status == RequestStatus.accepted:
        return req.asset
    return None


def place_text(event: JointEvent) -> str:
    venue = venue_of(event)
    parts = [venue.title, venue.area + venue.address] if venue else []
    if event.place:
        parts.append(event.place)
    return " / ".join(p for p in parts if p)


def speakers_of(event: JointEvent) -> list[SharedAsset]:
    return [s.asset_request.asset for s in event.speakers if s.asset_request.status == RequestStatus.accepted]


# --- registration ---------------------------------------------------------------------


def my_registration(actor: User | None, event: JointEvent) -> EventRegistration | None:
    if actor is None or not actor.is_authenticated:
        return None
    return db.session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id, EventRegistration.user_id == actor.id
        )
    )


def _attendee_group_id(actor: User, event: JointEvent) -> int | None:
    """The attendee's group: a host group of theirs first (for its quota)."""
    mine = list(db.session.scalars(member_group_ids(actor)))
    for host in event.hosts:
        if host.group_id in mine and host.status == HostStatus.confirmed:
            return host.group_id
    return min(mine) if mine else None


def _has_seat(event: JointEvent, group_id: int | None) -> bool:
    """Inside the locked transaction: a seat remains (and one of the quota of
    the attendee's host group, when that group has a quota)."""
    if seats.confirmed_count(EventRegistration.event_id, event.id) >= event.capacity:
        return False
    quota = next(
        (h.seat_quota for h in event.hosts if h.group_id == group_id and h.status == HostStatus.confirmed),
        None,
    )
    if quota is not None:
        taken = seats.confirmed_count(
            EventRegistration.event_id, event.id, EventRegistration.group_id == group_id
        )
        if taken >= quota:
            return False
    return True


def registration_open(event: JointEvent) -> bool:
    now = utcnow()
    return (
        event.status == EventStatus.published
        and event.starts_at > now
        and (event.registration_deadline is None or event.registration_deadline > now)
    )


def register(actor: User, event: JointEvent, listed: bool = False) -> tuple[EventRegistration, bool]:
    """One click: confirmed while seats (and the quota) remain, else waitlisted.
    Returns (registration, created); registering twice returns the first one."""
    if not is_member(actor):
        raise Forbidden()
    event = _lock(event)
    existing = my_registration(actor, event)
    if seats.is_active(existing):
        existing.waitlist_position = waitlist_position(existing)
        return existing, False
    if not registration_open(event):
        raise Conflict(_("Registration for this event is closed."))
    group_id = _attendee_group_id(actor, event)
    has_seat = _has_seat(event, group_id)
    if existing is None:
        existing = EventRegistration(event=event, user=actor)
        db.session.add(existing)
    existing.group_id, existing.listed, existing.reminded_at = group_id, bool(listed), None
    seats.take(existing, has_seat)
    existing.waitlist_position = waitlist_position(existing)
    link = _link("events.detail", event_id=event.id)
    if has_seat:
        notifications.notify(
            actor,
            notifications.EVENT_REGISTERED,
            event=event,
            place=place_text(event),
            link=link,
            attachments=_ics_attachment(actor, event),
        )
    else:
        notifications.notify(
            actor,
            notifications.EVENT_REGISTERED,
            template="event_waitlisted",
            event=event,
            position=waitlist_position(existing),
            link=link,
            why=waitlist_reason(event, existing),
        )
    return existing, True


def waitlist_position(registration: EventRegistration | None) -> int | None:
    """1 for the next to be promoted; None when not waitlisted."""
    return seats.waitlist_position(registration, EventRegistration.event_id)


def waitlist_reason(event: JointEvent, registration: EventRegistration | None) -> dict | None:
    """Why a registration waits: the event is full, or only the seat quota of
    the attendee's host group is (then seats remain for others). None when
    not waitlisted."""
    if registration is None or registration.status != RegistrationStatus.waitlisted:
        return None
    left = seats_left(event)
    host = next(
        (
            h
            for h in event.hosts
            if h.group_id == registration.group_id
            and h.status == HostStatus.confirmed
            and h.seat_quota is not None
        ),
        None,
    )
    position = waitlist_position(registration)
    if left > 0 and host is not None:
        return {
            "full": "quota",
            "position": position,
            "seats_left": left,
            "quota": host.seat_quota,
            "group": host.group,
        }
    return {"full": "event", "position": position, "seats_left": left}


def _ics_attachment(user: User, event: JointEvent) -> tuple[tuple[str, str, bytes], ...]:
    from federation.services import calendars

    return (
        (
            f"event-{event.id}.ics",
            "text/calendar; charset=utf-8; method=PUBLISH",
            calendars.event_ics(user, event, user.locale),
        ),
    )


def cancel_registration(actor: User, event: JointEvent) -> EventRegistration:
    """Frees the seat; the first person on the waitlist who fits is promoted
    and mailed."""
    event = _lock(event)
    registration = my_registration(actor, event)
    if not seats.is_active(registration):
        raise NotFound()
    if event.status != EventStatus.published or event.starts_at <= utcnow():
        raise Conflict(_("This registration can no longer be cancelled."))
    seats.release(registration)
    _promote(event)
    return registration


def _promote(event: JointEvent) -> list[EventRegistration]:
    """Fill free seats from the waitlist, in order, respecting quotas."""
    if event.status != EventStatus.published:
        return []
    promoted = seats.promote(
        EventRegistration,
        EventRegistration.event_id,
        event.id,
        room_left=lambda: _has_seat(event, None),
        fits=lambda registration: _has_seat(event, registration.group_id),
        options=(selectinload(EventRegistration.user),),
    )
    for registration in promoted:
        user = registration.user
        if user is not None and user.is_active:
            notifications.notify(
                user,
                notifications.EVENT_PROMOTED,
                event=event,
                link=_link("events.detail", event_id=event.id),
                attachments=_ics_attachment(user, event),
            )
    return promoted


def registrations_of(event: JointEvent) -> list[EventRegistration]:
    return list(
        db.session.scalars(
            select(EventRegistration)
            .where(
                EventRegistration.event_id == event.id,
                EventRegistration.status != RegistrationStatus.cancelled,
            )
            .options(selectinload(EventRegistration.user), selectinload(EventRegistration.group))
            .order_by(EventRegistration.status, EventRegistration.queued_at, EventRegistration.id)
        )
    )


def can_see_online_link(viewer: User | None, event: JointEvent) -> bool:
    if can_manage_event(viewer, event):
        return True
    registration = my_registration(viewer, event)
    return registration is not None and registration.status == RegistrationStatus.confirmed


def visible_attendees(viewer: User | None, event: JointEvent) -> list[EventRegistration]:
    """Hosts see everyone; a confirmed attendee sees those who agreed to be
    listed; others see nobody."""
    if can_manage_event(viewer, event):
        return registrations_of(event)
    mine = my_registration(viewer, event)
    if mine is None or mine.status != RegistrationStatus.confirmed:
        return []
    return sorted(
        (
            r
            for r in registrations_of(event)
            if r.listed and r.status == RegistrationStatus.confirmed and r.user is not None
        ),
        key=lambda r: (r.user.sort_key, r.id),
    )  # あいうえお order


def check_in(actor: User, event: JointEvent, registration_id: int, present: bool = True) -> EventRegistration:
    if not can_manage_event(actor, event):
        raise Forbidden()
    registration = db.session.get(EventRegistration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound()
    if registration.status != RegistrationStatus.confirmed:
        raise Conflict(_("Only confirmed attendees can be checked in."))
    if event.status not in (EventStatus.published, EventStatus.completed):
        raise Conflict(_("This change is not allowed in the event's current state."))
    registration.checked_in_at = utcnow() if present else None
    db.session.flush()
    return registration


def _csv_headers() -> list[str]:
    return [
        _("Family name"),
        _("Given name"),
        _("Family name (kana)"),
        _("Given name (kana)"),
        _("Email"),
        _("Group"),
        _("Status"),
        _("Registered at"),
        _("Checked in at"),
    ]


def export_attendees_csv(actor: User, event: JointEvent, group: AlumniGroup) -> str:
    """The lead host's operators get every attendee; a co-host's operators
    their own group's attendees. Headers and statuses in the reader's
    language; UTF-8 with a BOM so that Excel (Japanese too) opens it as
    UTF-8; formula-safe cells."""
    from federation.forms.events import REGISTRATION_STATUS_LABELS

    if not can_manage_group(actor, group) or not any(
        h.group_id == group.id and h.status == HostStatus.confirmed for h in event.hosts
    ):
        raise Forbidden()
    everyone = group.id == event.lead_group_id
    from federation.i18n import current_locale

    locale = current_locale()
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_csv_headers())
    # By status, then あいうえお order (the stored collation key).
    for r in sorted(
        registrations_of(event), key=lambda r: (r.status.value, r.user.sort_key if r.user else "", r.id)
    ):
        if r.user is None or not (everyone or r.group_id == group.id):
            continue
        writer.writerow(
            [
                csv_safe(v)
                for v in (
                    r.user.family_name,
                    r.user.given_name,
                    r.user.family_name_kana,
                    r.user.given_name_kana,
                    r.user.email,
                    r.group.name_for(locale) if r.group is not None else "",
                    str(REGISTRATION_STATUS_LABELS[r.status]),
                    r.queued_at.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M"),
                    r.checked_in_at.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M") if r.checked_in_at else "",
                )
            ]
        )
    return out.getvalue()


def mail_registrants(actor: User, event: JointEvent, subject: str, body: str) -> int:
    if not can_manage_event(actor, event):
        raise Forbidden()
    subject, body = as_typed(subject or ""), (body or "").strip()
    errors = {}
    if not subject or len(subject) > 150:
        errors["subject"] = [_("Use %(low)s to %(high)s characters.", low=1, high=150)]
    if not body or len(body) > 5000:
        errors["body"] = [_("Use %(low)s to %(high)s characters.", low=1, high=5000)]
    if errors:
        raise Invalid(fields=errors)
    return _mail_registrants(event, notifications.EVENT_MESSAGE, subject=subject, body=body, sender=actor)


def _mail_registrants(event: JointEvent, kind: notifications.Kind, **context) -> int:
    count = 0
    for registration in registrations_of(event):
        user = registration.user
        if user is None or not user.is_active:
            continue
        notifications.notify(
            user,
            kind,
            event=event,
            registration=registration,
            place=place_text(event),
            link=_link("events.detail", event_id=event.id),
            **context,
        )
        count += 1
    return count


def send_reminders(now: datetime | None = None) -> int:
    """Mail confirmed attendees of events starting tomorrow (Japan time).
    Each registration is reminded once: running it twice sends nothing more."""
    now = now or utcnow()
    tomorrow = (now.astimezone(TOKYO) + timedelta(days=1)).date()
    start = datetime.combine(tomorrow, datetime.min.time(), TOKYO)
    due = db.session.scalars(
        select(EventRegistration)
        .join(EventRegistration.event)
        .where(
            JointEvent.status == EventStatus.published,
            JointEvent.starts_at >= start,
            JointEvent.starts_at < start + timedelta(days=1),
            EventRegistration.status == RegistrationStatus.confirmed,
            EventRegistration.reminded_at.is_(None),
        )
        .options(selectinload(EventRegistration.user), selectinload(EventRegistration.event))
        .with_for_update(of=EventRegistration)
    ).all()
    count = 0
    for registration in due:
        registration.reminded_at = now
        user = registration.user
        if user is None or not user.is_active:
            continue
        event = registration.event
        notifications.notify(
            user,
            notifications.EVENT_REMINDER,
            key=f"registration:{registration.id}",
            event=event,
            place=place_text(event),
            link=_link("events.detail", event_id=event.id),
        )
        count += 1
    db.session.flush()
    return count


# --- after the event -------------------------------------------------------------------


def _person():
    return func.coalesce(cast(EventRegistration.user_id, String), EventRegistration.anonymous_key)


def event_stats(actor: User, event: JointEvent) -> dict:
    """Attendance, no-shows, first-time and repeat attendees of joint events,
    and how many groups the attendees came from: a fixed number of queries."""
    if not can_manage_event(actor, event):
        raise Forbidden()
    reg = EventRegistration
    confirmed = reg.status == RegistrationStatus.confirmed
    row = db.session.execute(
        select(
            func.count(reg.id), func.count(reg.checked_in_at), func.count(func.distinct(reg.group_id))
        ).where(reg.event_id == event.id, confirmed)
    ).one()
    registered, attended, groups = row
    checked_in_groups = db.session.scalar(
        select(func.count(func.distinct(reg.group_id))).where(
            reg.event_id == event.id, confirmed, reg.checked_in_at.is_not(None)
        )
    )
    # Attendees of this event who had attended an earlier joint event.
    other = EventRegistration.__table__.alias("earlier")
    earlier_exists = (
        select(other.c.id)
        .select_from(other.join(JointEvent.__table__, JointEvent.__table__.c.id == other.c.event_id))
        .where(
            other.c.checked_in_at.is_not(None),
            JointEvent.__table__.c.starts_at < event.starts_at,
            or_(
                and_(other.c.user_id.is_not(None), other.c.user_id == reg.user_id),
                and_(other.c.anonymous_key.is_not(None), other.c.anonymous_key == reg.anonymous_key),
            ),
        )
        .exists()
    )
    repeat = db.session.scalar(
        select(func.count(reg.id)).where(
            reg.event_id == event.id, confirmed, reg.checked_in_at.is_not(None), earlier_exists
        )
    )
    return {
        "registered": registered,
        "attended": attended,
        "no_shows": registered - attended if event.starts_at <= utcnow() else 0,
        "first_time": attended - repeat,
        "repeat": repeat,
        "groups": checked_in_groups if attended else groups,
        "waitlisted": db.session.scalar(
            select(func.count(reg.id)).where(
                reg.event_id == event.id, reg.status == RegistrationStatus.waitlisted
            )
        ),
    }


# --- personal data ----------------------------------------------------------------------


@exporter("events")
def export_my_registrations(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(EventRegistration)
        .where(EventRegistration.user_id == user.id)
        .options(selectinload(EventRegistration.event))
        .order_by(EventRegistration.id)
    )
    return [
        {
            "event_id": r.event_id,
            "event": r.event.title_for(user.locale),
            "starts_at": r.event.starts_at.isoformat(),
            "status": r.status.value,
            "listed": r.listed,
            "registered_at": r.queued_at.isoformat(),
            "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
        }
        for r in rows
    ]


@eraser
def anonymise_registrations(user: User) -> None:
    """Keep the rows (attendance statistics stay right) without the person.
    A seat for an event still to come is released first and the waitlist
    moves up, as when they cancel."""
    for registration in db.session.scalars(
        select(EventRegistration).where(
            EventRegistration.user_id == user.id, EventRegistration.status != RegistrationStatus.cancelled
        )
    ).all():
        event = _lock(registration.event)
        if event.status == EventStatus.published and event.starts_at > utcnow():
            seats.release(registration)
            _promote(event)
    db.session.execute(
        update(EventRegistration)
        .where(EventRegistration.user_id == user.id)
        .values(user_id=None, listed=False, anonymous_key="anon-" + new_secret(12))
        .execution_options(synchronize_session=False)
    )


@eraser
def erase_calendar_feed(user: User) -> None:
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))


# --- helpers ---------------------------------------------------------------------------


def _link(endpoint: str, **values) -> str:
    return external_url(endpoint, **values)


# --- view data for the API ------------------------------------------------------------


def event_views(viewer: User | None, events: list[JointEvent]) -> list[View]:
    """Events as one viewer sees them: with the seats left and the online
    link only for hosts and confirmed attendees."""
    # A fixed number of queries for a whole page (hosts and their groups come
    # with the events, see _options).
    events = list(events)
    if not events:
        return []
    counts = seat_counts(events)
    ids = [e.id for e in events]
    managed: set[int] = set()
    confirmed: set[int] = set()
    if viewer is not None and viewer.is_authenticated:
        if is_coordinator(viewer):
            managed = set(ids)
        else:
            mine = set(db.session.scalars(manageable_group_ids(viewer)))
            managed = {
                e.id
                for e in events
                if any(h.status != HostStatus.declined and h.group_id in mine for h in e.hosts)
            }
        confirmed = set(
            db.session.scalars(
                select(EventRegistration.event_id).where(
                    EventRegistration.event_id.in_(ids),
                    EventRegistration.user_id == viewer.id,
                    EventRegistration.status == RegistrationStatus.confirmed,
                )
            )
        )
    return [
        View(
            e,
            seats_left=max(e.capacity - counts[e.id], 0),
            online_url=e.online_url if e.id in managed or e.id in confirmed else None,
        )
        for e in events
    ]


def event_view(viewer: User | None, event: JointEvent) -> View:
    return event_views(viewer, [event])[0]

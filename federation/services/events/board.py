"""Reading joint events: loading one as a viewer may see it, the board and
its filters, seats left, the place and speakers, the description's markdown
and the view data for the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import markdown as markdown_lib
import nh3
from markupsafe import Markup
from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import selectinload

from federation import listcache
from federation.errors import NotFound
from federation.extensions import db
from federation.models import (
    AlumniGroup,
    EventFormat,
    EventHost,
    EventRegistration,
    EventStatus,
    HostStatus,
    JointEvent,
    NeedPair,
    RegistrationStatus,
    RequestStatus,
    SharedAsset,
    User,
    utcnow,
)
from federation.models.base import TOKYO, BilingualName
from federation.models.limits import YEAR_MAX, YEAR_MIN
from federation.pagination import core_page, page_with_total
from federation.permissions import (
    event_visibility,
    event_visibility_scope,
    is_coordinator,
    manageable_group_ids,
)
from federation.services.groups.search import like_pattern
from federation.services.views import View

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


@lru_cache(maxsize=256)
def render_markdown(text: str) -> Markup:
    """Markdown to HTML, sanitised: no scripts, no styles, safe links only.
    A pure function of the text, so the last texts shown are kept rendered
    (an event's or article's page converted it on every request)."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


def _options():
    # Hosts with their groups in one query; the lead group is one of them, so
    # event.lead_group then comes from the identity map without a query.
    return (selectinload(JointEvent.hosts).joinedload(EventHost.group, innerjoin=True),)


def get_event(viewer: User | None, event_id: int) -> JointEvent:
    """The event if the viewer's audience allows; NotFound otherwise. One
    query with the audience rule, plus one for the hosts and their groups."""
    event = db.session.scalar(
        select(JointEvent).where(JointEvent.id == event_id, event_visibility(viewer)).options(*_options())
    )
    if event is None:
        raise NotFound()
    return event


def month_window(month: str) -> tuple[datetime, datetime] | None:
    """The Japan-time bounds of a YYYY-MM month, or None for anything else
    (a month outside the sane years would overflow when made UTC)."""
    try:
        start = datetime.strptime(month, "%Y-%m").replace(tzinfo=TOKYO)
    except ValueError:
        return None
    if not YEAR_MIN <= start.year <= YEAR_MAX:
        return None
    return start, (start + timedelta(days=32)).replace(day=1)


def board_query(
    viewer: User | None,
    *,
    when: str = "upcoming",
    group: str = "",
    format: str = "",
    month: str = "",
    tag: str = "",
    q: str = "",
    with_options: bool = True,
):
    """The board as a select() to paginate, only what the viewer may see.
    Unknown filter values are ignored (they come from a URL)."""
    now = utcnow()
    query = select(JointEvent).where(event_visibility(viewer))
    if with_options:
        query = query.options(*_options())
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
    window = month_window(month)
    if window is not None:
        query = query.where(JointEvent.starts_at >= window[0], JointEvent.starts_at < window[1])
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
    # Titles and times only: the hosts are not shown, so not read.
    return list(db.session.scalars(board_query(viewer, group=group.slug, with_options=False).limit(limit)))


def seat_counts(events) -> dict[int, int]:
    """Confirmed seats per event: the counter services/seats.py keeps (no query)."""
    return {e.id: e.seats_taken for e in events}


@dataclass
class CardGroup(BilingualName):
    slug: str
    name_ja: str
    name_en: str
    updated_at: datetime


@dataclass
class CardHost:
    """A host as a board card and the API's event list show it."""

    group_id: int
    status: HostStatus
    seat_quota: int | None
    group: CardGroup


def hosts_of(event_ids: list[int]) -> dict[int, list[CardHost]]:
    """The hosts of these events with their groups' names, in one Core
    statement: as ORM objects (each host and its whole group row) they cost
    a page of 20 events more than the events themselves."""
    hosts: dict[int, list[CardHost]] = {i: [] for i in event_ids}
    if not event_ids:
        return hosts
    for row in db.session.execute(
        select(
            EventHost.event_id,
            EventHost.group_id,
            EventHost.status,
            EventHost.seat_quota,
            AlumniGroup.slug,
            AlumniGroup.name_ja,
            AlumniGroup.name_en,
            AlumniGroup.updated_at,
        )
        .join(AlumniGroup, AlumniGroup.id == EventHost.group_id)
        .where(EventHost.event_id.in_(event_ids))
        .order_by(EventHost.id)
    ):
        hosts[row.event_id].append(
            CardHost(
                row.group_id,
                row.status,
                row.seat_quota,
                CardGroup(row.slug, row.name_ja, row.name_en, row.updated_at),
            )
        )
    return hosts


@dataclass
class EventCard:
    """What a board card shows, read with Core (no ORM objects)."""

    id: int
    title_ja: str
    title_en: str
    starts_at: datetime
    ends_at: datetime
    format: object
    status: EventStatus
    capacity: int
    seats_taken: int
    updated_at: datetime
    hosts: list[CardHost]

    def title_for(self, locale: str) -> str:
        if locale == "en":
            return self.title_en or self.title_ja
        return self.title_ja or self.title_en

    @property
    def confirmed_hosts(self) -> list[CardHost]:
        return [h for h in self.hosts if h.status == HostStatus.confirmed]


CARD_COLUMNS = (
    JointEvent.id,
    JointEvent.title_ja,
    JointEvent.title_en,
    JointEvent.starts_at,
    JointEvent.ends_at,
    JointEvent.format,
    JointEvent.status,
    JointEvent.capacity,
    JointEvent.seats_taken,
    JointEvent.updated_at,
)


# The board (the page and the API's list, which shows a confirmed attendee
# the online link) reads these, and is cached by them.
BOARD_LIST = listcache.register(
    "event-board",
    (
        "joint_event",
        "event_host",
        "alumni_group",
        "group_operator",
        "group_membership",
        "event_registration",
        "screening_setting",  # the coordinators' publishing setting, shown beside the board
    ),
)


def board_scope(viewer: User | None) -> tuple:
    """Every input of the board's rows besides its tables: who the viewer is
    to the audience rule, and the minute (upcoming and past move with the
    clock, so a cached board lives for the minute at most)."""
    return (*event_visibility_scope(viewer), int(utcnow().timestamp() // 60))


def board_page(viewer: User | None, page: int, per_page: int, **filters):
    """A page of the board as cards: one COUNT, one select of the shown
    columns, one of the hosts with their groups' names."""
    query = board_query(viewer, **filters, with_options=False).with_only_columns(*CARD_COLUMNS)
    result = core_page(query, page, per_page)
    hosts = hosts_of([row.id for row in result.items])
    result.items = [EventCard(**row._asdict(), hosts=hosts[row.id]) for row in result.items]
    return result


def card_key(event) -> tuple:
    """Everything a board card shows, as a key for its cached rendering
    (federation/fragments.py): the event's version and seats, and each
    host's status and group version. Nothing in a card is the viewer's."""
    return (
        event.id,
        event.updated_at.isoformat(),
        event.seats_taken,
        event.capacity,
        event.status.value,
        tuple((h.group_id, h.status.value, h.group.updated_at.isoformat()) for h in event.hosts),
    )


def seats_left(event: JointEvent) -> int:
    return max(event.capacity - seat_counts([event])[event.id], 0)


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


def event_list_page(viewer: User | None, page: int, per_page: int, **filters) -> tuple[list[View], int]:
    """A page of the board for the API, and the board's total: the events as
    objects (the schema dumps most of their columns) in the statement that
    counts them, their hosts in one Core statement (hosts_of)."""
    events, total = page_with_total(board_query(viewer, with_options=False, **filters), page, per_page)
    return event_views(viewer, events, hosts_of([e.id for e in events])), total


def event_views(
    viewer: User | None, events: list[JointEvent], hosts: dict[int, list[CardHost]] | None = None
) -> list[View]:
    """Events as one viewer sees them: with the seats left and the online
    link only for hosts and confirmed attendees. With `hosts` (hosts_of),
    the views show those instead of the events' own host objects."""
    # A fixed number of queries for a whole page (hosts and their groups come
    # with the events, see _options, or as `hosts`).
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
                if any(
                    h.status != HostStatus.declined and h.group_id in mine
                    for h in (e.hosts if hosts is None else hosts[e.id])
                )
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
    views = [
        View(
            e,
            seats_left=max(e.capacity - counts[e.id], 0),
            online_url=e.online_url if e.id in managed or e.id in confirmed else None,
        )
        for e in events
    ]
    if hosts is not None:
        for view, e in zip(views, events, strict=True):
            view.hosts = hosts[e.id]
            # The lead group is one of the hosts; should it not be, its object.
            view.lead_group = next((h.group for h in view.hosts if h.group_id == e.lead_group_id), None) or (
                e.lead_group
            )
    return views


def event_view(viewer: User | None, event: JointEvent) -> View:
    return event_views(viewer, [event])[0]

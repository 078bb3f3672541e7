"""Joint events co-hosted by several groups: planning, publishing, the board,
registrations with a waitlist, host tools, reminders and statistics.

Modules, lowest first: base (time zone, the event row lock), board (reading),
attendees (host tools and mails to registrants), registration (seats and the
waitlist), lifecycle (the states and their changes), planning (drafting,
co-hosts), resources (venue and speakers), personal (data export and erasure),
calendars (iCalendar files and feeds). This package re-exports their public
names, so callers keep `from federation.services import events` and
`events.register(...)`; calendars is imported on its own (`from
federation.services.events import calendars`), as its functions' names say
little without it.
"""

from federation.models.base import TOKYO
from federation.services.events.attendees import (
    check_in,
    event_stats,
    export_attendees_csv,
    mail_registrants,
    my_registration,
    notify_registrants,
    registrations_of,
    send_reminders,
    visible_attendees,
)
from federation.services.events.base import lock_event
from federation.services.events.board import (
    ALLOWED_TAGS,
    board_page,
    board_query,
    card_key,
    event_list_page,
    event_view,
    event_views,
    get_event,
    group_upcoming_events,
    place_text,
    render_markdown,
    seat_counts,
    seats_left,
    speakers_of,
    venue_of,
)
from federation.services.events.lifecycle import (
    AUTO_PUBLISH_KEY,
    EVENT_ACTIONS,
    cancel_event,
    complete_event,
    event_actions,
    propose_event,
    publish_event,
    publish_without_approval,
    return_event,
    set_publish_without_approval,
    transition,
)
from federation.services.events.personal import (
    anonymise_registrations,
    erase_calendar_feed,
    export_my_registrations,
)
from federation.services.events.planning import (
    MATTERS,
    NOTIFY,
    TEXT_LIMITS,
    confirm_host,
    create_event,
    invite_host,
    set_quota,
    update_event,
)
from federation.services.events.registration import (
    cancel_registration,
    promote_waitlist,
    register,
    registration_actions,
    registration_open,
    waitlist_position,
    waitlist_reason,
)
from federation.services.events.resources import request_speaker, request_venue

__all__ = [
    "ALLOWED_TAGS",
    "AUTO_PUBLISH_KEY",
    "MATTERS",
    "NOTIFY",
    "TEXT_LIMITS",
    "TOKYO",
    "anonymise_registrations",
    "board_page",
    "board_query",
    "EVENT_ACTIONS",
    "event_actions",
    "cancel_event",
    "cancel_registration",
    "registration_actions",
    "check_in",
    "complete_event",
    "confirm_host",
    "create_event",
    "erase_calendar_feed",
    "event_stats",
    "event_list_page",
    "event_view",
    "event_views",
    "export_attendees_csv",
    "export_my_registrations",
    "get_event",
    "group_upcoming_events",
    "invite_host",
    "lock_event",
    "mail_registrants",
    "my_registration",
    "notify_registrants",
    "place_text",
    "promote_waitlist",
    "propose_event",
    "publish_event",
    "publish_without_approval",
    "register",
    "registration_open",
    "registrations_of",
    "render_markdown",
    "request_speaker",
    "request_venue",
    "return_event",
    "card_key",
    "seat_counts",
    "seats_left",
    "send_reminders",
    "set_publish_without_approval",
    "set_quota",
    "speakers_of",
    "transition",
    "update_event",
    "venue_of",
    "visible_attendees",
    "waitlist_position",
    "waitlist_reason",
]

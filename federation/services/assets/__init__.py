"""Shared assets (venues, PR channels, content production, speakers) and the
requests to use them, with the venue booking rule (see bookings).

Modules, lowest first: availability (weekly windows and blocked dates), mails
(who is told of a request), bookings (the venue slot rule and conflicts),
catalogue (the list, search and a group's own assets), requests (asking and
answering). This package re-exports their public names, so callers keep
`from federation.services import assets` and `assets.request_asset(...)`.
Venue photos live in services/uploads.py.
"""

from federation.models.base import TOKYO
from federation.services.assets.availability import (
    clean_windows,
    clock_time,
    format_availability,
    parse_availability,
    parse_dates,
)
from federation.services.assets.bookings import (
    SEARCH_DAYS,
    check_slot,
    next_free_slot,
    overlapping_booking,
    pending_overlaps,
    slot_taken_message,
    venue_bookings,
)
from federation.services.assets.catalogue import (
    CATALOGUE_LIST,
    COMMON_TEXT,
    KIND_NUMBERS,
    KIND_REQUIRED,
    KIND_TEXT,
    assets_query,
    catalogue_scope,
    create_asset,
    get_asset,
    group_assets,
    remove_asset,
    set_paused,
    update_asset,
)
from federation.services.assets.mails import mail_owners, mail_requester
from federation.services.assets.requests import (
    accept_request,
    cancel_request,
    decline_request,
    get_request,
    request_actions,
    request_asset,
    requests_query,
)
from federation.services.groups.operators import operators_of

# The old private name of the operators look-up; groups.operators_of is its home.
_operators_of = operators_of

__all__ = [
    "COMMON_TEXT",
    "KIND_NUMBERS",
    "KIND_REQUIRED",
    "KIND_TEXT",
    "SEARCH_DAYS",
    "TOKYO",
    "accept_request",
    "CATALOGUE_LIST",
    "assets_query",
    "catalogue_scope",
    "cancel_request",
    "check_slot",
    "clean_windows",
    "clock_time",
    "create_asset",
    "decline_request",
    "format_availability",
    "get_asset",
    "get_request",
    "group_assets",
    "mail_owners",
    "mail_requester",
    "next_free_slot",
    "overlapping_booking",
    "parse_availability",
    "parse_dates",
    "pending_overlaps",
    "remove_asset",
    "request_actions",
    "request_asset",
    "requests_query",
    "set_paused",
    "slot_taken_message",
    "update_asset",
    "venue_bookings",
]

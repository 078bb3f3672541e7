"""The annual conference: editions, the call for proposals with group
nominations, weighted (and blind) review, decisions the speakers confirm, the
schedule, attendee registration, limited sessions and, afterwards, the archive.

One module per job; this package re-exports their public names, so callers
keep `from federation.services import conferences`. The modules import one
another directly (never this package), lowest first: _common, proposals,
nominations, review, scheduling, attendance, editions, personal_data.

Windows: each action belongs to one window of the edition (proposals, review,
registration); outside it the action is a Conflict (409) saying so.
Seats follow the joint-event rules (services/seats.py).
"""

from federation.models.base import TOKYO
from federation.services.conferences._common import (
    CONTENT_FIELDS,
    DEFAULT_CATEGORIES,
    LANGUAGES,
    SCORE_RANGE,
    WINDOWS,
    is_archived,
    review_closed,
    window,
    window_open,
)
from federation.services.conferences.attendance import (
    attendees_query,
    cancel_registration,
    cancel_signup,
    check_in,
    checked_in_count,
    my_registration,
    my_signup,
    my_signups,
    programme_actions,
    register,
    registrations_of,
    seats_left,
    session_seats_left,
    sign_up,
)
from federation.services.conferences.editions import (
    book_venue,
    create_edition,
    edition_views,
    editions_query,
    get_edition,
    invite_reviewer,
    reviewers_of,
    update_edition,
)
from federation.services.conferences.nominations import (
    nominate,
    nominations_left,
    withdraw_nomination,
)
from federation.services.conferences.personal_data import (
    erase_conference,
    export_conference,
)
from federation.services.conferences.proposals import (
    accepted_unscheduled,
    get_proposal,
    get_proposal_for_nomination,
    is_blind,
    nominatable_proposals,
    proposal_actions,
    proposal_views,
    proposals_query,
    speaker_names_hidden,
    submit_proposal,
    update_proposal,
    withdraw_proposal,
)
from federation.services.conferences.review import (
    confirm,
    decide,
    ranking,
    submit_review,
    visible_reviews,
    weighted,
)
from federation.services.conferences.scheduling import (
    attach_content,
    export_programme,
    get_session,
    programme,
    programme_ics,
    schedule,
    session_data,
    session_ics,
    sessions_query,
    unschedule,
)

__all__ = [
    "CONTENT_FIELDS",
    "DEFAULT_CATEGORIES",
    "LANGUAGES",
    "SCORE_RANGE",
    "TOKYO",
    "WINDOWS",
    "accepted_unscheduled",
    "attach_content",
    "attendees_query",
    "book_venue",
    "cancel_registration",
    "cancel_signup",
    "check_in",
    "checked_in_count",
    "confirm",
    "create_edition",
    "decide",
    "edition_views",
    "editions_query",
    "erase_conference",
    "export_conference",
    "export_programme",
    "get_edition",
    "get_proposal",
    "get_proposal_for_nomination",
    "get_session",
    "invite_reviewer",
    "is_archived",
    "is_blind",
    "my_registration",
    "my_signup",
    "my_signups",
    "programme_actions",
    "nominatable_proposals",
    "nominate",
    "nominations_left",
    "programme",
    "programme_ics",
    "proposal_actions",
    "proposal_views",
    "proposals_query",
    "ranking",
    "register",
    "registrations_of",
    "review_closed",
    "reviewers_of",
    "schedule",
    "seats_left",
    "session_data",
    "session_ics",
    "session_seats_left",
    "sessions_query",
    "sign_up",
    "speaker_names_hidden",
    "submit_proposal",
    "submit_review",
    "unschedule",
    "update_edition",
    "update_proposal",
    "visible_reviews",
    "weighted",
    "window",
    "window_open",
    "withdraw_nomination",
    "withdraw_proposal",
]

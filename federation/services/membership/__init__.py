"""Joining a member group: the group's join settings, the alumni's join
requests and their state machine, the approvers' queue and digest, the
welcome mail, and the members' self-introductions.

One module per job (settings, join_requests, decisions, digest, members);
this package re-exports their public names, so callers keep
`from federation.services import membership`. The modules import one another
directly (never this package), lowest first.

States: pending -> approved | declined (an approver) | withdrawn (the asker).
Decided requests are final. Every transition is one conditional UPDATE, so
two approvers deciding at once get one success and one Conflict. The birth
date is erased in the same UPDATE that decides.
"""

from federation.labels import JOIN_REQUEST_STATUS_LABELS
from federation.models.base import TOKYO
from federation.services.membership.decisions import (
    approve,
    decline,
    withdraw,
)
from federation.services.membership.digest import (
    send_approver_digests,
)
from federation.services.membership.join_requests import (
    JoinActions,
    JoinRequestConflict,
    S,
    allowed_actions,
    ask_to_join,
    get_request,
    group_requests_query,
    join_actions,
    joinable_group,
    my_group_ids,
    my_requests,
    open_groups_query,
    pending_request,
    queue_query,
    request_view,
    status_label,
)
from federation.services.membership.members import (
    INTRODUCTION_LIMIT,
    group_members_query,
    own_membership,
    save_self_introduction,
)
from federation.services.membership.settings import (
    BUILTIN_QUESTIONS,
    DEFAULT_DIGEST_WEEKDAYS,
    DEFAULT_QUESTIONS,
    MAX_CUSTOM_QUESTIONS,
    WEEKDAYS,
    approver_weekdays,
    default_template,
    questions_of,
    set_digest_weekdays,
    settings_of,
    update_settings,
)

__all__ = [
    "BUILTIN_QUESTIONS",
    "DEFAULT_DIGEST_WEEKDAYS",
    "DEFAULT_QUESTIONS",
    "INTRODUCTION_LIMIT",
    "JoinRequestConflict",
    "MAX_CUSTOM_QUESTIONS",
    "S",
    "JOIN_REQUEST_STATUS_LABELS",
    "TOKYO",
    "WEEKDAYS",
    "allowed_actions",
    "approve",
    "approver_weekdays",
    "ask_to_join",
    "decline",
    "default_template",
    "get_request",
    "group_members_query",
    "group_requests_query",
    "JoinActions",
    "join_actions",
    "joinable_group",
    "my_group_ids",
    "my_requests",
    "open_groups_query",
    "own_membership",
    "pending_request",
    "questions_of",
    "queue_query",
    "request_view",
    "save_self_introduction",
    "send_approver_digests",
    "set_digest_weekdays",
    "settings_of",
    "status_label",
    "update_settings",
    "withdraw",
]

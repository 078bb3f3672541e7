"""Consultations [壁打ち]: an operator (or a practice member, in the
beginners' space) brings a problem with the context of their group; others
reply; the asker marks helpful replies, closes it as solved and may turn it
into an article. Helpers list their topics and get a daily digest. A 1:1
session: up to three proposed times, the helper accepts one.

One module per job (consultation_threads, consultation_digest,
consultation_sessions); this module re-exports their public names, so callers
keep `from federation.services.knowledge import consultations`. Those modules
never import this one.
"""

from federation.services.knowledge.consultation_digest import (
    helper_of,
    helpers_for,
    send_consultation_digests,
    set_topics,
    tokyo_day,
)
from federation.services.knowledge.consultation_sessions import (
    MAX_PROPOSED_TIMES,
    accept_session,
    cancel_session,
    get_session,
    request_session,
    session_actions,
    session_ics,
    sessions_for,
)
from federation.services.knowledge.consultation_threads import (
    BODY_LIMIT,
    TITLE_LIMIT,
    Permissions,
    consultations_query,
    context_of,
    get_consultation,
    get_reply,
    mark_helpful,
    permissions,
    post_consultation,
    reply,
    report,
    solve,
    source_consultation,
    to_article,
    visible_spaces,
)

__all__ = [
    "BODY_LIMIT",
    "MAX_PROPOSED_TIMES",
    "Permissions",
    "TITLE_LIMIT",
    "accept_session",
    "cancel_session",
    "session_actions",
    "consultations_query",
    "context_of",
    "get_consultation",
    "get_reply",
    "get_session",
    "helper_of",
    "helpers_for",
    "mark_helpful",
    "permissions",
    "post_consultation",
    "reply",
    "report",
    "request_session",
    "send_consultation_digests",
    "session_ics",
    "sessions_for",
    "set_topics",
    "solve",
    "source_consultation",
    "to_article",
    "tokyo_day",
    "visible_spaces",
]

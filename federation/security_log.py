"""The security log: one JSON line per security event on the logger
`federation.security`.

Every line has `time` (UTC, ISO 8601), `event`, `user_id`, `client` (the
client address as the app sees it, after the proxy fix), `request_id` and the
event's own fields. Only fields named in ALLOWED_FIELDS are written, so a
password, token, link or birth date cannot slip in by accident.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import datetime, timezone

from flask import Flask, g, has_request_context, request

logger = logging.getLogger("federation.security")

# What an event may carry besides the common fields. Nothing else is written.
ALLOWED_FIELDS = frozenset(
    {
        "target_user_id",
        "method",
        "status",
        "limit",
        "role",
        "old_role",
        "reason",
        "endpoint",
        "session_id",
        "token_id",
        "count",
        "kind",
    }
)

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id() -> str | None:
    """The request's id: the proxy's X-Request-ID when it is sane, else a new one."""
    if not has_request_context():
        return None
    rid = g.get("request_id")
    if rid is None:
        header = request.headers.get("X-Request-ID", "")
        rid = header if _REQUEST_ID_RE.match(header) else uuid.uuid4().hex
        g.request_id = rid
    return rid


def _current_user_id() -> int | None:
    if not has_request_context():
        return None
    actor = g.get("actor")
    if actor is not None:
        return actor.id
    from flask_login import current_user

    user = current_user._get_current_object() if current_user else None
    return user.id if user is not None and getattr(user, "is_authenticated", False) else None


def log_event(event: str, *, user=None, user_id: int | None = None, **fields) -> dict:
    """Write one security event; return the record (for tests and callers)."""
    unknown = set(fields) - ALLOWED_FIELDS
    if unknown:
        raise ValueError(f"security log fields not allowed: {sorted(unknown)}")
    if user is not None:
        user_id = user.id
    if user_id is None:
        try:
            user_id = _current_user_id()
        except Exception:
            user_id = None
    record = {
        "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": event,
        "user_id": user_id,
        "client": request.remote_addr if has_request_context() else None,
        "request_id": request_id(),
        **{key: value for key, value in fields.items() if value is not None},
    }
    if has_request_context():
        record["method"] = request.method
    if has_request_context() and "path" not in record and request.url_rule is not None:
        # The route's pattern, not the path: paths can carry tokens
        # (invitation links, calendar feeds).
        record["path"] = request.url_rule.rule
    logger.info(json.dumps(record, ensure_ascii=False, sort_keys=False))
    return record


def register(app: Flask) -> None:
    """Make sure the lines are written somewhere: INFO and up, to stderr,
    unless the installation configured the logger itself."""
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if not logger.handlers and not app.testing:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False

    @app.after_request
    def expose_request_id(response):
        response.headers.setdefault("X-Request-ID", request_id() or "")
        return response

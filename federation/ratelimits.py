"""Rate limits: the setting a route's limit reads, the key that limits a
signed-in person rather than an address, and per-account limits that
services apply themselves (mails sent to an account), all on the limiter's
storage, so they are shared by every process when RATELIMIT_STORAGE_URI
points at Redis."""

from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user
from limits import parse_many

from federation.extensions import limiter


def setting(name: str):
    """A route's limit, read from the configuration when a request comes."""
    return lambda: current_app.config[name]


def per_person() -> str:
    """Limit the signed-in person (API token or session), wherever they
    come from; visitors by address."""
    actor = g.get("actor")
    if actor is None and current_user.is_authenticated:
        actor = current_user
    return f"user:{actor.id}" if actor is not None else (request.remote_addr or "")


def account_allows(setting: str, user_id: int) -> bool:
    """Count one more action for the account; False once the limit in
    `setting` (e.g. "3 per hour") is used up."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    allowed = True
    for item in parse_many(current_app.config[setting]):
        if not limiter.limiter.hit(item, prefix, setting, str(user_id)):
            allowed = False
    return allowed

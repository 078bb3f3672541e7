"""Per-account limits that services apply themselves (mails sent to an
account), on the limiter's storage, so they are shared by every process
when RATELIMIT_STORAGE_URI points at Redis."""

from __future__ import annotations

from flask import current_app
from limits import parse_many

from federation.extensions import limiter


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

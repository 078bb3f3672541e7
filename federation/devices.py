"""Browsers that signed into an account before ("device cookies").

A successful sign-in leaves a signed cookie naming the account (by a keyed
hash of its address, never the address itself). The per-account sign-in limit
spares such browsers: a stranger's wrong guesses can exhaust the account's
limit for strangers, but the owner's own browser still gets in. Browsers are
still limited per client address, and a stolen cookie gives nothing but
exemption from one limit.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE_NAME = "federation_device"
MAX_ACCOUNTS = 5
LIFETIME_SECONDS = 365 * 24 * 3600


def account_key(email: str) -> str:
    """A keyed hash of the normalised address: the limiter's and the cookie's key."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, (email or "").strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="federation-device")


def _accounts(request) -> list[str]:
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return []
    try:
        value = _serializer().loads(raw, max_age=LIFETIME_SECONDS)
    except BadSignature:
        return []
    return [v for v in value if isinstance(v, str)][:MAX_ACCOUNTS] if isinstance(value, list) else []


def knows(request, email: str) -> bool:
    return bool(email) and account_key(email) in _accounts(request)


def remember(response, request, email: str) -> None:
    key = account_key(email)
    known = [k for k in _accounts(request) if k != key]
    response.set_cookie(
        COOKIE_NAME,
        _serializer().dumps([key, *known][:MAX_ACCOUNTS]),
        max_age=LIFETIME_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure),
        path="/auth/",
    )

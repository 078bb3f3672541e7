"""Secrets and hashing (passwords, tokens), safe redirects and the session's
renewal. Who may do what is decided in `federation.permissions`."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

API_TOKEN_PREFIX = "fed_"


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_secret(raw: str) -> str:
    """Tokens are long random values, so one SHA-256 is enough (no salt needed)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


# A real hash to compare against when no user matches, so that a wrong email
# costs the same time as a wrong password.
_DUMMY_HASH: dict[str, str] = {}


def burn_password_check(password: str) -> None:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = generate_password_hash("x" * 16, method=method)
    check_password_hash(_DUMMY_HASH[method], password)


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


# Characters kept as they are in a redirect target; everything else (spaces,
# non-ASCII, quotes...) is percent-encoded before the target is checked.
_REDIRECT_SAFE_CHARS = "/?&=#%:@!$'()*+,;~-._"


def safe_redirect_target(raw: str | None, fallback: str) -> str:
    """A same-site path to redirect to, or `fallback`.

    The target is normalised first (percent-encoded to plain ASCII) and then
    checked; the normalised value is what the caller sends. Only a path on
    this site passes: no scheme, no host, no "//" or backslashes (browsers read
    both as a host), no control characters or whitespace (browsers drop tabs
    and newlines, turning "/\t/evil" into "//evil"), no dot segments, plain or
    encoded."""
    if not raw or not isinstance(raw, str) or len(raw) > 2048:
        return fallback
    if any(ch.isspace() or ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch == "\\" for ch in raw):
        return fallback
    from urllib.parse import quote, unquote

    target = quote(raw, safe=_REDIRECT_SAFE_CHARS)
    decoded = unquote(target)
    if not target.startswith("/") or target.startswith("//") or decoded.startswith("//"):
        return fallback
    if "\\" in decoded or any(ord(ch) < 0x20 or ch.isspace() for ch in decoded):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    segments = unquote(parts.path).split("/")
    if any(segment in {".", ".."} for segment in segments):
        return fallback
    return target


def is_safe_redirect(target: str | None, host_url: str = "") -> bool:
    """Whether `target` passes safe_redirect_target() unchanged."""
    return bool(target) and safe_redirect_target(target, "") == target


def renew_session() -> None:
    """Empty the cookie session (at sign-in and sign-out): nothing planted in
    it survives, CSRF tokens included. Only the chosen language stays."""
    from flask import session

    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale

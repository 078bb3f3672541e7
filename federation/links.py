"""Absolute links for mails, feeds and exports: always from EXTERNAL_URL.

Never from the request: its Host header is whatever the client sent, so a
link built from it (a password reset, say) could point at an attacker's site.
This is the one builder; it works with and without a request context.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def _base():
    parts = urlsplit(current_app.config["EXTERNAL_URL"].rstrip("/"))
    return parts.scheme or "https", parts.netloc, parts.path


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` under the configured EXTERNAL_URL."""
    scheme, netloc, path = _base()
    adapter = current_app.url_map.bind(netloc, script_name=path or "/", url_scheme=scheme)
    return adapter.build(endpoint, values, force_external=True)


def external_host() -> str:
    """The host of EXTERNAL_URL (for calendar UIDs and the like)."""
    return _base()[1]


def site_path(link: str) -> str | None:
    """The path of an absolute link into this site (one external_url built),
    or None for a link elsewhere."""
    scheme, netloc, path = _base()
    base = f"{scheme}://{netloc}{path}"
    if link.startswith(base + "/"):
        return link[len(base) :]
    return None

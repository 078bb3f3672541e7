"""What is the same for many requests, rendered once: the member layout's
fragments (the main navigation, the footer) per language and role, and the
label tables per language.

Keyed so that it can never show one person another's data: a fragment is a
pure function of its key, and the key holds every input the fragment reads
(the language, the request's blueprint, the script root, which entries the
viewer may see, the release). What is one person's (the unread count, the
CSRF token, the verification notice, the language switch's return path) is
never cached: the layout renders it on every request.

Where: Redis when CACHE_URL is redis://… (every worker and node shares one
copy), else in this process (a bounded dict). Invalidation on write:
`invalidate(namespace)` raises the namespace's version, which is part of
every key of that namespace; the release (the catalogues' modification
time) is part of every key too, so a new translation shows at once.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app, g, has_request_context
from markupsafe import Markup

logger = logging.getLogger("federation.fragments")
LOCAL_MAX = 2048
# Whole lists are tens of kilobytes: a worker keeps at most this much text.
LOCAL_MAX_CHARS = 16_000_000


class LocalStore:
    """In-process: a bounded LRU dict (entries may expire), and versions
    per namespace."""

    def __init__(self, max_items: int = LOCAL_MAX, max_chars: int = LOCAL_MAX_CHARS):
        self._items: OrderedDict[str, tuple[float | None, str]] = OrderedDict()
        self._chars = 0
        self._versions: dict[str, int] = {}
        self._lock = threading.Lock()
        self.max_items = max_items
        self.max_chars = max_chars

    def get(self, key: str) -> str | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                return None
            expires, value = entry
            if expires is not None and expires < time.monotonic():
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return value

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (None if ttl is None else time.monotonic() + ttl, value)
            self._chars += len(value)
            while self._items and (len(self._items) > self.max_items or self._chars > self.max_chars):
                self._drop(next(iter(self._items)))

    def _drop(self, key: str) -> None:
        self._chars -= len(self._items.pop(key)[1])

    def version(self, namespace: str) -> int:
        return self._versions.get(namespace, 0)

    def bump(self, namespace: str) -> None:
        with self._lock:
            self._versions[namespace] = self._versions.get(namespace, 0) + 1

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._chars = 0


class RedisStore:
    """Shared by every worker: values expire after a day; versions are INCR
    counters. A Redis that does not answer means rendering, never an error."""

    TTL = 86_400

    def __init__(self, url: str, prefix: str):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.2, socket_connect_timeout=0.2)
        self._prefix = prefix

    def get(self, key: str) -> str | None:
        try:
            value = self._redis.get(self._prefix + key)
        except Exception:  # the cache is an optimisation
            logger.warning("fragment cache unreachable", exc_info=True)
            return None
        return value.decode() if value is not None else None

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        try:
            self._redis.set(self._prefix + key, value, ex=int(ttl or self.TTL))
        except Exception:
            logger.warning("fragment cache unreachable", exc_info=True)

    def version(self, namespace: str) -> int:
        try:
            value = self._redis.get(f"{self._prefix}version:{namespace}")
        except Exception:
            return -1  # a key that is never stored: render
        return int(value or 0)

    def bump(self, namespace: str) -> None:
        try:
            self._redis.incr(f"{self._prefix}version:{namespace}")
        except Exception:
            logger.warning("fragment cache unreachable: %s not invalidated", namespace, exc_info=True)

    def clear(self) -> None:  # tests only
        for key in self._redis.scan_iter(self._prefix + "*"):
            self._redis.delete(key)


def store_for(url: str, prefix: str = "federation:fragments:"):
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(url, prefix)
    return LocalStore()


def _release() -> str:
    """The compiled catalogues' modification times: a new translation is a
    new release, so no fragment of the old one is served."""
    translations = Path(__file__).parent / "translations"
    stamps = sorted(
        f"{p.parent.parent.name}:{p.stat().st_mtime_ns}" for p in translations.glob("*/LC_MESSAGES/*.mo")
    )
    return hashlib.sha1("|".join(stamps).encode()).hexdigest()[:12]


def init_app(app: Flask) -> None:
    app.extensions["fragments"] = store_for(app.config.get("CACHE_URL") or "")
    app.extensions["fragments_release"] = _release()


def store():
    """This app's store (Redis or in-process)."""
    return current_app.extensions["fragments"]


def _version(namespace: str) -> int:
    """The namespace's version, read once per request (a page of 20 cached
    rows asked the store 20 times: a Redis round trip each). Outside a
    request (a job, a mail) it is read every time: an app context may live
    long."""
    if not has_request_context():
        return store().version(namespace)
    versions = g.setdefault("_fragment_versions", {})
    if namespace not in versions:
        versions[namespace] = store().version(namespace)
    return versions[namespace]


def key_for(namespace: str, parts: tuple) -> str:
    raw = repr((current_app.extensions["fragments_release"], _version(namespace), parts))
    return f"{namespace}:{hashlib.sha1(raw.encode()).hexdigest()}"


def cached(namespace: str, parts: tuple, build: Callable[[], str]) -> str:
    """The value for (namespace, parts), built once; `parts` must hold every
    input `build` reads."""
    key = key_for(namespace, parts)
    cache = store()
    value = cache.get(key)
    if value is None:
        value = str(build())
        cache.set(key, value)
    return value


def invalidate(namespace: str) -> None:
    """Something the namespace's fragments show was written."""
    store().bump(namespace)
    if has_request_context():
        g.get("_fragment_versions", {}).pop(namespace, None)


def fragment(namespace: str, *parts, caller) -> Markup:
    """In a template: {% call fragment("site-nav", key...) %}…{% endcall %}."""
    return Markup(cached(namespace, parts, caller))

"""Logging: one stream (standard error) for the app, the security events
(`federation.security`), the job queue and gunicorn; JSON lines in production,
readable lines in development; a request id on every line.

The request id comes from the proxy's `X-Request-ID` (when it looks like one)
or is made here, goes back in the response header, and travels with the tasks
a request enqueues, so one id follows an action from the click to the mail.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar, Token
from datetime import UTC, datetime

from flask import Flask, g, request
from flask.logging import default_handler

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
HEADER = "X-Request-ID"
# Loggers whose lines must reach the one stream even when a library set them up.
STREAM_LOGGERS = (
    "federation",
    "federation.security",
    "federation.tasks",
    "huey",
    "gunicorn.error",
    "alembic",
)


def new_request_id() -> str:
    return uuid.uuid4().hex


def bind_request_id(value: str | None) -> Token:
    return request_id.set(value if value and _ACCEPTED_ID.match(value) else new_request_id())


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get() or "-"
        return True


def install_record_factory() -> None:
    """Every record gets the request id of the context it was made in (also
    records that reach other handlers, e.g. gunicorn's or a test's)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "_federation", False):
        return

    def factory(*args, **kwargs):
        record = current(*args, **kwargs)
        record.request_id = request_id.get() or "-"
        return record

    factory._federation = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line; extra= fields are kept as keys."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)-7s [%(request_id)s] %(name)s: %(message)s"


def make_handler(fmt: str) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler._federation = True  # type: ignore[attr-defined]
    return handler


def configure_logging(fmt: str = "text", level: str = "INFO") -> None:
    """Route every logger to one handler on the root logger (idempotent)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_federation", False):
            root.removeHandler(handler)
    root.addHandler(make_handler(fmt))
    root.setLevel(level.upper())
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    for name in STREAM_LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if handler is default_handler or isinstance(handler, logging.StreamHandler):
                logger.removeHandler(handler)
        logger.propagate = True


def register(app: Flask) -> None:
    install_record_factory()
    if not app.testing:
        configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.logger.removeHandler(default_handler)
    access = logging.getLogger("federation.access")

    @app.before_request
    def assign_request_id():
        g._request_id_token = bind_request_id(request.headers.get(HEADER))
        g._request_started = time.perf_counter()

    @app.after_request
    def report_request_id(response):
        response.headers[HEADER] = request_id.get() or ""
        access.info(
            "%s %s %s",
            request.method,
            request.full_path.rstrip("?"),
            response.status_code,
            extra={
                "status": response.status_code,
                "remote_addr": request.remote_addr,
                "duration_ms": round(
                    (time.perf_counter() - g.get("_request_started", time.perf_counter())) * 1000, 1
                ),
            },
        )
        return response

    @app.teardown_request
    def forget_request_id(_exc):
        token = g.pop("_request_id_token", None)
        if token is not None:
            request_id.reset(token)

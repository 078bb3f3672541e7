"""Background work on the job queue (Huey): thin tasks that call services.

Why Huey: the quick start must run with no extra server, and Huey's SQLite
storage gives the embedded default a real, persistent queue in a file, while
production points the same code at Redis (several workers on several nodes).
Periodic schedules are declared here, in code, next to the tasks; retries with
backoff, delays and locks are built in; the worker is one small process that
also runs the scheduler. Celery would need a broker server even for the quick
start and a separate beat process with its own schedule store.

This module is the queue only: it imports no service and never builds an
app. A task is declared next to the service it runs (`services.mail.
deliver_mail`), periodic work is named by a "module:function" string, and
`create_app()` binds the app the tasks run in (`init_app`), in the web
processes and in `flask worker` alike.

Each task runs inside an application context with a request context on
EXTERNAL_URL (for links in mails), as a writer (`extensions.writing`), and
under the request id of the request that enqueued it.

Adding periodic work is one line in SCHEDULE below:
    periodic("retention-purge", crontab(minute="30", hour="18"), "federation.services.privacy:purge_expired")
The function is called with no argument, must flush (never commit) and may
return a count, which is logged.  Schedules are in UTC (Asia/Tokyo is UTC+9).
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Task, TaskWrapper

from federation import logs

logger = logging.getLogger("federation.tasks")
REQUEST_ID_KWARG = "_request_id"


class FederationHuey(Huey):
    """Carries the current request id into every task it enqueues."""

    def enqueue(self, task: Task):
        rid = logs.request_id.get()
        if rid and REQUEST_ID_KWARG not in (task.kwargs or {}):
            task.kwargs = {**(task.kwargs or {}), REQUEST_ID_KWARG: rid}
        return super().enqueue(task)


huey: Huey = FederationHuey("federation", storage_class=MemoryHuey.storage_class, utc=True)
_app: Flask | None = None


def storage_for(url: str, name: str = "federation"):
    """A Huey storage for QUEUE_URL: sqlite:///path, redis://…, memory://."""
    if url.startswith("sqlite:///"):
        return SqliteHuey.storage_class(name, filename=url[len("sqlite:///") :])
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey.storage_class(name, url=url)
    if url.startswith("memory://"):
        return MemoryHuey.storage_class(name)
    raise ValueError(f"QUEUE_URL must be sqlite:///…, redis://… or memory://, not {url!r}")


def init_app(app: Flask) -> None:
    """Point the queue at the app's QUEUE_URL; tasks will run in this app."""
    global _app
    url, name = app.config["QUEUE_URL"], app.config["QUEUE_NAME"]
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    if getattr(huey, "_federation_url", None) != (url, name):
        huey.storage = storage_for(url, name)
        huey.name = name
        huey._federation_url = (url, name)
    _app = app
    app.extensions["huey"] = huey


def _flask_app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _app is None:
        # The queue never builds an app itself: `create_app()` (the web app,
        # `flask worker`) or `federation.worker` (a bare consumer) binds one.
        raise RuntimeError("no app bound to the job queue: call tasks.init_app(app) first")
    return _app


def _in_app(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def run(*args, **kwargs):
        from federation.extensions import db, writing

        token = logs.bind_request_id(kwargs.pop(REQUEST_ID_KWARG, None))
        app = _flask_app()
        try:
            with app.app_context(), writing():
                try:
                    result = fn(*args, **kwargs)
                    db.session.commit()
                except BaseException:
                    db.session.rollback()
                    raise
                finally:
                    db.session.remove()
            logger.info("task %s done: %s", fn.__name__, result, extra={"task": fn.__name__})
            return result
        finally:
            logs.request_id.reset(token)

    return run


def job(
    *, retries: int = 5, retry_delay: int = 10, retry_backoff: float = 2.0, name: str | None = None
) -> Callable[[Callable[..., Any]], TaskWrapper]:
    """A task run by the worker, retried with exponential backoff when it raises."""

    def decorator(fn: Callable[..., Any]) -> TaskWrapper:
        return huey.task(
            retries=retries, retry_delay=retry_delay, retry_backoff=retry_backoff, name=name or fn.__name__
        )(_in_app(fn))

    return decorator


def _call(target: str) -> Any:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)()


# name -> "module:function" of every periodic task (checked by a test).
PERIODIC_TARGETS: dict[str, str] = {}


def periodic(
    name: str, schedule: Callable, target: str, *, retries: int = 2, retry_delay: int = 60
) -> TaskWrapper:
    """Run `module:function` on a schedule (a huey.crontab, in UTC)."""
    PERIODIC_TARGETS[name] = target

    def run() -> Any:
        return _call(target)

    run.__name__ = run.__qualname__ = name.replace("-", "_")
    return huey.periodic_task(
        schedule, retries=retries, retry_delay=retry_delay, retry_backoff=2.0, name=run.__name__
    )(_in_app(run))


# --- schedules (UTC) --------------------------------------------------------------

MINUTE = timedelta(minutes=1)

SCHEDULE = [
    # The sweep: mails whose delivery was never enqueued, or is due again.
    periodic("deliver-due-mail", crontab(), "federation.services.mail:deliver_due_mail"),
    # Tomorrow's joint events (Japan time): hourly; each registration once.
    periodic("event-reminders", crontab(minute="0"), "federation.services.events:send_reminders"),
    # Monday 09:00 in Tokyo: the co-creation directory's weekly digest.
    periodic(
        "directory-digest",
        crontab(minute="0", hour="0", day_of_week="1"),
        "federation.services.directory:send_digests",
    ),
    # Every day 09:00 in Tokyo: coordinators hear of applications waiting too long.
    periodic(
        "application-reminder",
        crontab(minute="0", hour="0"),
        "federation.services.applications:remind_coordinators",
    ),
    # Every day 08:00 in Tokyo: join-request approvers, on the weekdays they chose.
    periodic(
        "join-request-digest",
        crontab(minute="0", hour="23"),
        "federation.services.membership:send_approver_digests",
    ),
    # Every day 08:30 in Tokyo: the notifications people chose to get once a day.
    periodic(
        "notification-digest",
        crontab(minute="30", hour="23"),
        "federation.services.notifications:send_daily_digests",
    ),
    # Every day 08:15 in Tokyo: new consultations to the helpers of their topics.
    periodic(
        "consultation-digest",
        crontab(minute="15", hour="23"),
        "federation.services.knowledge.consultations:send_consultation_digests",
    ),
    # Every night 03:30 in Tokyo: personal fields of closed records past retention.
    periodic(
        "retention-purge",
        crontab(minute="30", hour="18"),
        "federation.services.retention:purge_expired_personal_data",
    ),
    # Every night 02:00 in Tokyo: the health snapshots of last month and this month.
    periodic(
        "health-snapshots",
        crontab(minute="0", hour="17"),
        "federation.services.health.snapshots:snapshot_recent_months",
    ),
    # Every day 10:00 in Tokyo: what came of introductions accepted 30 days ago.
    periodic(
        "introduction-outcomes",
        crontab(minute="0", hour="1"),
        "federation.services.health.outcomes:ask_for_outcomes",
    ),
    # Every night 04:00 in Tokyo: seat counters against COUNT; drift is repaired and logged.
    periodic(
        "seat-counter-check", crontab(minute="0", hour="19"), "federation.services.seats:check_counters"
    ),
]


# --- the worker -------------------------------------------------------------------


def create_consumer(
    app: Flask,
    *,
    workers: int | None = None,
    periodic: bool = True,
    clock: Callable[[], Any] | None = None,
    periodic_seconds: int = 60,
):
    """The Huey consumer (worker threads plus the scheduler) for this app.

    `clock` replaces the scheduler's notion of now (UTC naive datetime) and
    `periodic_seconds` how often it looks at the schedules: tests drive the
    schedule with both."""
    from huey.consumer import Consumer, Scheduler

    init_app(app)
    if clock is not None:
        huey._get_timestamp = clock
    else:
        vars(huey).pop("_get_timestamp", None)

    class FederationScheduler(Scheduler):
        periodic_task_seconds = periodic_seconds

    class FederationConsumer(Consumer):
        scheduler_class = FederationScheduler

    return FederationConsumer(
        huey,
        workers=workers or app.config["QUEUE_WORKERS"],
        periodic=periodic,
        worker_type="thread",
        check_worker_health=True,
    )

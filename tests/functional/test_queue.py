"""The job queue for real: Huey's consumer (worker threads and scheduler)
against Redis and against the embedded SQLite storage."""
from __future__ import annotations

import signal
import socket
import time
import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from federation import create_app
from federation.extensions import db, writing
from federation.models import MailStatus, OutboxMail, Role
from federation.services.mail import queue_mail
from federation.tasks import create_consumer, huey, job
from tests.conftest import ON_POSTGRES

pytestmark = pytest.mark.queue
TOKYO = ZoneInfo("Asia/Tokyo")
REDIS_URL = "redis://127.0.0.1:6379/13"


def redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture(params=["redis", "sqlite"])
def queue_app(request, app_config, tmp_path):
    if request.param == "redis" and not redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    url = REDIS_URL if request.param == "redis" else f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    app = create_app({**app_config, "QUEUE_URL": url, "QUEUE_NAME": f"test-{uuid.uuid4().hex}",
                      "MAIL_RETRY_SECONDS": 1})
    with app.app_context():
        if not ON_POSTGRES:
            db.create_all()
        yield app
        huey.flush()
        db.session.remove()


@pytest.fixture
def run_worker(queue_app):
    """Start the real consumer; stop it (gracefully) at the end of the test."""
    started = []
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}

    def start(**options):
        consumer = create_consumer(queue_app, workers=2, **options)
        consumer.start()
        started.append(consumer)
        return consumer

    yield start
    for consumer in started:
        consumer.stop(graceful=True)
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    create_consumer(queue_app)  # forget the test clock


def wait_for(predicate, timeout=20.0, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def test_mails_wait_while_smtp_is_down_and_go_out_once_it_is_back(queue_app, run_worker, make,
                                                                  smtp):
    user = make.user()
    mail_state = queue_app.extensions["mail"]
    real_port, mail_state.port = mail_state.port, 1  # nothing listens on port 1
    run_worker()
    db.session.commit()
    with writing():  # as a web request that writes does (BEGIN IMMEDIATE on SQLite)
        queue_mail(user.email, "password_changed", "ja", user=user)
        db.session.commit()  # the commit enqueues the delivery

    row = wait_for(lambda: db.session.scalar(
        select(OutboxMail).where(OutboxMail.attempts >= 1, OutboxMail.status == MailStatus.pending)))
    assert "Error" in row.last_error and smtp.to(user.email) == []

    mail_state.port = real_port
    wait_for(lambda: db.session.scalar(select(OutboxMail.status)) == MailStatus.sent)
    time.sleep(1)
    assert len(smtp.to(user.email)) == 1


def test_the_same_mail_queued_twice_is_one_row_and_one_message(queue_app, run_worker, make, smtp):
    user = make.user()
    db.session.commit()
    with writing():
        first = queue_mail(user.email, "password_changed", "ja", key="account:1", user=user)
        again = queue_mail(user.email, "password_changed", "ja", key="account:1", user=user)
        db.session.commit()
    assert first.id == again.id
    run_worker()
    wait_for(lambda: smtp.to(user.email))
    time.sleep(1)
    assert len(smtp.to(user.email)) == 1
    assert len(db.session.scalars(select(OutboxMail)).all()) == 1


ATTEMPTS: list[float] = []


@job(retries=2, retry_delay=1, retry_backoff=2.0)
def flaky_task_for_tests() -> str:
    ATTEMPTS.append(time.monotonic())
    if len(ATTEMPTS) < 3:
        raise RuntimeError("not yet")
    return "done"


def test_a_failing_task_is_retried_with_backoff(queue_app, run_worker):
    ATTEMPTS.clear()
    run_worker()
    flaky_task_for_tests()
    wait_for(lambda: len(ATTEMPTS) >= 3, timeout=30)
    first_gap, second_gap = ATTEMPTS[1] - ATTEMPTS[0], ATTEMPTS[2] - ATTEMPTS[1]
    assert first_gap >= 0.9 and second_gap >= 1.8, (first_gap, second_gap)


def test_the_request_id_travels_into_the_tasks_a_request_enqueues(queue_app, run_worker, make,
                                                                  caplog):
    import logging

    caplog.set_level(logging.INFO, logger="federation.tasks")
    run_worker()
    response = queue_app.test_client().post(
        "/auth/register", headers={"X-Request-ID": "req-abc123"},
        data={"family_name": "佐藤", "given_name": "健太", "family_name_kana": "さとう",
              "given_name_kana": "けんた", "email": "kenta@alumni.example.jp",
              "password": "correct horse battery"})
    assert response.headers["X-Request-ID"] == "req-abc123"

    def delivered_under_that_id():
        return [r for r in caplog.records if r.name == "federation.tasks"
                and getattr(r, "task", "") == "deliver_mail"
                and getattr(r, "request_id", None) == "req-abc123"]

    wait_for(delivered_under_that_id)


def test_reminders_fire_on_schedule_by_the_scheduler_clock(queue_app, run_worker, make):
    """The scheduler looks at the schedules every second here, and its clock
    is the test's: nothing at 10:30 UTC, the event reminders at 11:00."""
    operator = make.user(role=Role.operator)
    group = make.group(operators=(operator,))
    member = make.user(email="attendee@alumni.example.jp")
    tomorrow = (datetime.now(TOKYO) + timedelta(days=1)).replace(hour=19, minute=0, second=0,
                                                                 microsecond=0)
    event = make.event(group, starts_at=tomorrow.astimezone(timezone.utc))
    make.registration(event, member)
    now = {"t": datetime(2026, 1, 5, 10, 30)}
    run_worker(clock=lambda: now["t"], periodic_seconds=1)

    def reminder():
        return db.session.scalar(select(OutboxMail).where(OutboxMail.template == "event_reminder"))

    time.sleep(2.5)
    assert reminder() is None, "10:30 is not a reminder time"
    now["t"] = datetime(2026, 1, 5, 11, 0)
    row = wait_for(reminder, timeout=10)
    assert row.recipient == "attendee@alumni.example.jp"
    time.sleep(2)  # the next ticks (still 11:00) run it again: still one mail
    assert len(db.session.scalars(select(OutboxMail).where(
        OutboxMail.template == "event_reminder")).all()) == 1


def test_every_periodic_job_runs_outside_any_request(queue_app, make):
    """The worker gives a job the app and nothing of a request: every
    scheduled job runs so, and the links it mails come from EXTERNAL_URL."""
    from flask import has_request_context

    from federation.tasks import SCHEDULE

    operator = make.user(role=Role.operator)
    group = make.group(operators=(operator,))
    tomorrow = (datetime.now(TOKYO) + timedelta(days=1)).replace(hour=19, minute=0, second=0,
                                                                 microsecond=0)
    event = make.event(group, starts_at=tomorrow.astimezone(timezone.utc))
    event_id = event.id
    make.registration(event, make.user(email="attendee@alumni.example.jp"))
    @job(retries=0, name=f"probe-{uuid.uuid4().hex}")
    def probe():
        return has_request_context()

    assert probe.call_local() is False  # no made-up request inside a job
    for task in SCHEDULE:
        task.call_local()
    db.session.remove()
    reminder = db.session.scalar(select(OutboxMail).where(OutboxMail.template == "event_reminder"))
    assert reminder is not None
    assert queue_app.config["EXTERNAL_URL"].rstrip("/") + f"/events/{event_id}" in reminder.body_text

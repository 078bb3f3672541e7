"""What every step of an application writes: its event log, the row lock,
and the stored assessment."""

from __future__ import annotations

from sqlalchemy import select

from federation.extensions import db
from federation.models import ApplicationEvent, OperatorApplication, utcnow
from federation.services.applications.screening import assess
from federation.services.applications.settings import get_settings


def record_event(application, kind, actor=None, **fields) -> ApplicationEvent:
    event = ApplicationEvent(
        application=application, kind=kind, actor_id=actor.id if actor else None, **fields
    )
    db.session.add(event)
    return event


def lock_application(application: OperatorApplication) -> None:
    """Re-read the row under a lock (PostgreSQL; SQLite serialises writers)."""
    db.session.execute(
        select(OperatorApplication.id).where(OperatorApplication.id == application.id).with_for_update()
    )
    db.session.refresh(application)


def reassess(application: OperatorApplication) -> None:
    application.assessment = assess(application, get_settings(), utcnow().date())

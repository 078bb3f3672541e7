"""Reminding coordinators of applications waiting too long."""

from __future__ import annotations

from sqlalchemy import select

from federation.extensions import db
from federation.links import external_url
from federation.models import ApplicationStatus, Role, User, utcnow
from federation.services.applications.queries import applications_query
from federation.services.applications.settings import get_settings
from federation.services.mail import queue_mail


def remind_coordinators() -> int:
    """Mail each coordinator the list of applications waiting too long.
    Returns the number of waiting applications."""
    days = get_settings()["reminder_days"]
    waiting = list(
        db.session.scalars(
            applications_query(_System(), status=ApplicationStatus.pending.value, older_than_days=days)
        )
    )
    if not waiting:
        return 0
    coordinators = db.session.scalars(
        select(User).where(User.role.in_([Role.coordinator, Role.admin]), User.deactivated_at.is_(None))
    ).all()
    for coordinator in coordinators:
        queue_mail(
            coordinator.email,
            "applications_reminder",
            coordinator.locale,
            key=f"day:{utcnow().date()}",
            user=coordinator,
            applications=waiting,
            days=days,
            link=external_url("applications.list", status="pending"),
        )
    db.session.flush()
    return len(waiting)


class _System:
    """The installation itself (CLI): sees every application."""

    is_authenticated = True
    role = Role.admin

    def has_role(self, role: Role) -> bool:
        return True

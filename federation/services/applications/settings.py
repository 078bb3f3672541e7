"""Screening settings (the thresholds of the entry criteria) with their
change log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from federation.errors import Forbidden
from federation.models import SettingChange, User
from federation.permissions import is_coordinator
from federation.services import setting_store

SETTINGS = {
    # key: (default, minimum, maximum, label)
    "min_members": (300, 0, 100000, _l("Minimum registered members")),
    "min_events_12m": (4, 0, 365, _l("Minimum events in the last 12 months")),
    "reminder_days": (7, 1, 365, _l("Remind coordinators after (days waiting)")),
}


def get_settings() -> dict[str, int]:
    return setting_store.read(SETTINGS)


def update_settings(actor: User, values: dict[str, int]) -> list[SettingChange]:
    """Change thresholds; every change is recorded with who and when."""
    if not is_coordinator(actor):
        raise Forbidden()
    return setting_store.write(actor, SETTINGS, values)


def setting_changes_query():
    return select(SettingChange).options(selectinload(SettingChange.actor)).order_by(SettingChange.id.desc())

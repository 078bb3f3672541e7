"""Screening settings (the thresholds of the entry criteria) with their
change log."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from federation.errors import Forbidden, Invalid
from federation.extensions import db
from federation.models import ScreeningSetting, SettingChange, User, utcnow
from federation.permissions import is_coordinator

SETTINGS = {
    # key: (default, minimum, maximum, label)
    "min_members": (300, 0, 100000, _l("Minimum registered members")),
    "min_events_12m": (4, 0, 365, _l("Minimum events in the last 12 months")),
    "reminder_days": (7, 1, 365, _l("Remind coordinators after (days waiting)")),
}


def get_settings() -> dict[str, int]:
    values = {key: spec[0] for key, spec in SETTINGS.items()}
    for row in db.session.scalars(select(ScreeningSetting)):
        if row.key in values:
            values[row.key] = row.value
    return values


def update_settings(actor: User, values: dict[str, int]) -> list[SettingChange]:
    """Change thresholds; every change is recorded with who and when."""
    if not is_coordinator(actor):
        raise Forbidden()
    errors = {}
    for key, value in values.items():
        if key not in SETTINGS:
            errors[key] = [_("Unknown setting.")]
            continue
        _default, low, high, _label = SETTINGS[key]
        if not isinstance(value, int) or not low <= value <= high:
            errors[key] = [_("Must be between %(low)d and %(high)d.", low=low, high=high)]
    if errors:
        raise Invalid(fields=errors)
    current = get_settings()
    rows = {
        row.key: row
        for row in db.session.scalars(
            select(ScreeningSetting).where(ScreeningSetting.key.in_(values)).with_for_update()
        )
    }
    changes = []
    for key, value in values.items():
        if current[key] == value:
            continue
        row = rows.get(key)
        if row is None:
            db.session.add(ScreeningSetting(key=key, value=value, updated_at=utcnow()))
        else:
            row.value, row.updated_at = value, utcnow()
        change = SettingChange(
            key=key, old_value=current[key], new_value=value, actor_id=actor.id, created_at=utcnow()
        )
        db.session.add(change)
        changes.append(change)
    db.session.flush()
    return changes


def setting_changes_query():
    return select(SettingChange).options(selectinload(SettingChange.actor)).order_by(SettingChange.id.desc())

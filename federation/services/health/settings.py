"""Flag thresholds that coordinators set. They are stored as screening settings
under "health.*" keys, so every change lands in the same change log (who,
when, from what to what) as the application thresholds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from federation.errors import Forbidden
from federation.extensions import db
from federation.models import SettingChange, User
from federation.permissions import can_set_health_thresholds
from federation.services import setting_store

PREFIX = "health."

# key (without the prefix): (default, minimum, maximum, label)
SETTINGS = {
    "repeat_window_events": (5, 2, 50, _l("Repeat rate: the group's last N events")),
    "flat_months": (6, 2, 24, _l("Sign-ups: months over which member growth is measured")),
    "flat_growth_pct": (2, 0, 100, _l("Sign-ups: flag when members grew by at most (%)")),
    "low_attendance": (10, 0, 10000, _l("Attendance: flag when the average per event is below")),
    "operators_only_months": (
        6,
        1,
        36,
        _l("Only operators: months without anything started by a non-operator"),
    ),
    "repeat_fall_months": (3, 2, 12, _l("Repeat attendance: months in a row the repeat rate fell")),
    "no_show_pct": (40, 1, 100, _l("Wrong audience: flag when the no-show rate is at least (%)")),
    "no_show_min_registrations": (
        10,
        1,
        10000,
        _l("Wrong audience: only with at least this many registrations"),
    ),
    "no_outcome_months": (12, 1, 36, _l("Worth it?: months without a measurable outcome")),
    "leader_share_pct": (70, 1, 100, _l("Leader dependence: flag when one person led at least (%)")),
    "outcome_ask_days": (30, 1, 365, _l("Introductions: ask about the outcome after (days)")),
}


def labels() -> dict[str, object]:
    return {PREFIX + key: spec[3] for key, spec in SETTINGS.items()}


def get_thresholds() -> dict[str, int]:
    return setting_store.read(SETTINGS, PREFIX)


def update_thresholds(actor: User, values: dict[str, int]) -> list[SettingChange]:
    """Change flag thresholds; every change is recorded with who and when."""
    if not can_set_health_thresholds(actor):
        raise Forbidden()
    return setting_store.write(actor, SETTINGS, values, PREFIX)


def threshold_changes(limit: int = 50) -> list[SettingChange]:
    return list(
        db.session.scalars(
            select(SettingChange)
            .where(SettingChange.key.like(PREFIX + "%"))
            .options(selectinload(SettingChange.actor))
            .order_by(SettingChange.id.desc())
            .limit(limit)
        )
    )

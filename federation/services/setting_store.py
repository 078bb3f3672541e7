"""Numbers coordinators set (the entry criteria's thresholds, the health
flags' thresholds), stored as screening settings under their keys, each
change logged with who, when and from what to what in the one change log."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from federation.errors import Invalid
from federation.extensions import db
from federation.models import ScreeningSetting, SettingChange, User, utcnow

# key: (default, minimum, maximum, label)
Spec = dict[str, tuple[int, int, int, object]]


def read(spec: Spec, prefix: str = "") -> dict[str, int]:
    """Every setting of `spec`: the stored value, else its default."""
    values = {key: default for key, (default, *_rest) in spec.items()}
    stored = select(ScreeningSetting).where(ScreeningSetting.key.in_([prefix + key for key in spec]))
    for row in db.session.scalars(stored):
        values[row.key[len(prefix) :]] = row.value
    return values


def write(actor: User, spec: Spec, values: dict[str, int], prefix: str = "") -> list[SettingChange]:
    """Validate every value against its bounds (Invalid names each bad one),
    then store the changed ones under lock and log each change. The caller
    checks who may."""
    errors = {}
    for key, value in values.items():
        if key not in spec:
            errors[key] = [_("Unknown setting.")]
            continue
        _default, low, high, _label = spec[key]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[key] = [_("Must be between %(low)d and %(high)d.", low=low, high=high)]
    if errors:
        raise Invalid(fields=errors)
    current = read(spec, prefix)
    rows = {
        row.key: row
        for row in db.session.scalars(
            select(ScreeningSetting)
            .where(ScreeningSetting.key.in_([prefix + key for key in values]))
            .with_for_update()
        )
    }
    changes = []
    for key, value in values.items():
        if current[key] == value:
            continue
        row = rows.get(prefix + key)
        if row is None:
            db.session.add(ScreeningSetting(key=prefix + key, value=value, updated_at=utcnow()))
        else:
            row.value, row.updated_at = value, utcnow()
        change = SettingChange(
            key=prefix + key, old_value=current[key], new_value=value, actor_id=actor.id, created_at=utcnow()
        )
        db.session.add(change)
        changes.append(change)
    db.session.flush()
    return changes

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField

from federation.forms.base import BaseForm, choices
from federation.labels import DELIVERY_LABELS


def settings_form(kinds: dict, current: dict):
    """One radio group per kind of notification (built from the declared kinds)."""

    class NotificationSettingsForm(BaseForm):
        submit = SubmitField(_l("Save"))

        def values(self) -> dict[str, str]:
            return {name: self[name].data for name in kinds}

    for name, kind in kinds.items():
        setattr(
            NotificationSettingsForm,
            name,
            RadioField(
                kind.label,
                choices=choices((d.value, label) for d, label in DELIVERY_LABELS.items()),
                default=current[name].value,
            ),
        )
    return NotificationSettingsForm()

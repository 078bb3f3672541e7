"""Forms of the federation-health pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional

from federation.forms.base import BaseForm, choices, max_length
from federation.labels import OUTCOME_LABELS
from federation.models import limits
from federation.services.health.report import HIGHLIGHTS_LIMIT
from federation.services.health.settings import SETTINGS


class ThresholdsForm(BaseForm):
    submit = SubmitField(_l("Save thresholds"))


for _key, (_default, _low, _high, _label) in SETTINGS.items():
    setattr(
        ThresholdsForm,
        _key,
        IntegerField(_label, validators=[InputRequired(message=_l("This field is required."))]),
    )


class OutcomeForm(BaseForm):
    outcome = RadioField(
        _l("What came of it?"),
        choices=choices((k.value, v) for k, v in OUTCOME_LABELS.items()),
        validators=[InputRequired(message=_l("Choose what came of it."))],
    )
    note = TextAreaField(
        _l("A line about it (optional)"), validators=[Optional(), max_length(limits.OUTCOME_NOTE)]
    )
    named = BooleanField(
        _l("The federation may name me with this outcome (otherwise it only counts in totals)")
    )
    submit = SubmitField(_l("Send"))


class HighlightsForm(BaseForm):
    highlights = TextAreaField(
        _l("Highlights for the report (one per line)"), validators=[Optional(), max_length(HIGHLIGHTS_LIMIT)]
    )
    submit = SubmitField(_l("Save highlights"))


class ConsentForm(BaseForm):
    research_consent = BooleanField(
        _l("Our group agrees that its anonymised numbers are exported for the federation's research")
    )
    submit = SubmitField(_l("Save"))

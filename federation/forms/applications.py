from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from federation.forms.base import BaseForm, choices, max_length, required
from federation.guards import parse_id
from federation.labels import (
    AUDIENCE_LABELS,
    GOVERNANCE_LABELS,
    INVOLVEMENT_LABELS,
    MEMBERSHIP_LABELS,
    PURPOSE_LABELS,
    VERDICT_LABELS,
)
from federation.models import (
    CRITERIA,
    Audience,
    GovernanceType,
    Involvement,
    MembershipScope,
    Purpose,
    Verdict,
    limits,
)
from federation.services.applications import SETTINGS


def _number():
    return [Optional(), NumberRange(min=0, message=_l("Enter a whole number of 0 or more."))]


def _given():
    return InputRequired(message=_l("This field is required."))


def _pick(labels, enum_cls, blank=True):
    pairs = [(m.value, labels[m]) for m in enum_cls]
    return choices(([("", _l("Choose…"))] if blank else []) + pairs)


class EventExampleForm(Form):
    title = StringField(_l("Event title"), validators=[Optional(), max_length(limits.TITLE)])
    held_on = DateField(_l("Date"), validators=[Optional()])
    attendance = IntegerField(_l("Attendance"), validators=_number())


class ApplicationForm(BaseForm):
    group_id = SelectField(
        _l("Group"),
        choices=[],
        validate_choice=False,
        description=_l(
            "Pick your group if it is already a member of the federation; otherwise describe it below."
        ),
    )
    name_ja = StringField(_l("Group name (Japanese)"), validators=[Optional(), max_length(limits.GROUP_NAME)])
    name_en = StringField(_l("Group name (English)"), validators=[Optional(), max_length(limits.GROUP_NAME)])
    name_kana = StringField(
        _l("Group name (kana)"), validators=[Optional(), max_length(limits.GROUP_NAME_KANA)]
    )
    company_name = StringField(
        _l("Company"),
        validators=[Optional(), max_length(limits.COMPANY_NAME)],
        description=_l("The company (and its group companies)."),
    )
    founded_on = DateField(_l("Founded on"), validators=[Optional()])
    platforms = TextAreaField(
        _l("Platforms"),
        validators=[Optional(), max_length(limits.PLATFORMS)],
        description=_l("For example: Facebook group, Slack, website."),
    )
    registered_members = IntegerField(_l("Registered members"), validators=_number())
    members_counted_on = DateField(_l("Members counted on"), validators=[Optional()])
    events_last_12_months = IntegerField(_l("Events in the last 12 months"), validators=_number())
    event_examples = FieldList(FormField(EventExampleForm), min_entries=3, max_entries=10)
    governance_type = SelectField(_l("Governance type"), choices=_pick(GOVERNANCE_LABELS, GovernanceType))
    liaison_department = StringField(
        _l("Company liaison department"),
        validators=[Optional(), max_length(limits.APPLICATION_LIAISON_DEPARTMENT)],
    )
    liaison_email = EmailField(
        _l("Liaison's work email (optional)"),
        validators=[Optional(), max_length(limits.EMAIL)],
        description=_l("We ask the liaison to confirm that the company recognises the group."),
    )
    membership_scope = SelectField(_l("Who may join"), choices=_pick(MEMBERSHIP_LABELS, MembershipScope))
    admits_outsiders = BooleanField(_l("People who are neither alumni nor current employees may join too"))
    audience = SelectField(_l("Who the group is for"), choices=_pick(AUDIENCE_LABELS, Audience))
    purpose = SelectField(_l("Purpose"), choices=_pick(PURPOSE_LABELS, Purpose))
    operating_since = DateField(_l("Operating member since"), validators=[Optional()])
    involvement = SelectField(
        _l("How often you are involved"), choices=_pick(INVOLVEMENT_LABELS, Involvement)
    )
    role_description = TextAreaField(
        _l("What you do for the group"), validators=[Optional(), max_length(limits.ROLE_DESCRIPTION)]
    )
    submit = SubmitField(_l("Submit application"))

    def service_data(self) -> dict:
        data = {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "submit", "event_examples", "group_id")
        }
        raw_group = self.group_id.data
        data["group_id"] = parse_id(str(raw_group)) if raw_group else None
        data["event_examples"] = [dict(entry.data) for entry in self.event_examples]
        return data


class OverrideForm(BaseForm):
    criterion = SelectField(_l("Criterion"), choices=[])
    verdict = SelectField(_l("Verdict"), choices=_pick(VERDICT_LABELS, Verdict, blank=False))
    note = TextAreaField(
        _l("Note"),
        validators=[required(), max_length(limits.REVIEW_NOTE)],
        description=_l("Why: it goes into the precedent log."),
    )
    submit = SubmitField(_l("Override"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from federation.labels import CRITERION_LABELS

        self.criterion.choices = choices((key, CRITERION_LABELS[key]) for key in CRITERIA)


class DecisionForm(BaseForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices(
            [
                ("approve", _l("Approve")),
                ("reject", _l("Reject")),
                ("request_info", _l("Request more information")),
            ]
        ),
        validators=[required()],
    )
    message = TextAreaField(
        _l("Message to the applicant"),
        validators=[required(), max_length(limits.DECISION_MESSAGE)],
        description=_l("Written in the applicant's language."),
    )
    note = TextAreaField(
        _l("Note for the precedent log"), validators=[Optional(), max_length(limits.REVIEW_NOTE)]
    )
    submit = SubmitField(_l("Send decision"))


class SettingsForm(BaseForm):
    min_members = IntegerField(SETTINGS["min_members"][3], validators=[_given()])
    min_events_12m = IntegerField(SETTINGS["min_events_12m"][3], validators=[_given()])
    reminder_days = IntegerField(SETTINGS["reminder_days"][3], validators=[_given()])
    submit = SubmitField(_l("Save settings"))


class EndorseForm(BaseForm):
    confirmer_name = StringField(_l("Your name"), validators=[required(), max_length(limits.CONFIRMER_NAME)])
    submit = SubmitField(_l("Confirm the company's recognition"))
    decline = SubmitField(_l("Decline: the company does not recognise this group"))

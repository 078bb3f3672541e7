"""Forms of the registry: group profiles, shared assets and requests."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from federation.forms.base import BaseForm, choices, max_length, required
from federation.labels import (
    CHANNEL_LABELS,
    CONTENT_LABELS,
    GOVERNANCE_LABELS,
    HOPE_LABELS,
    NEED_LABELS,
    PLATFORM_LABELS,
    REVENUE_LABELS,
)
from federation.models import limits


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _pairs(labels: dict, blank: bool = False):
    pairs = [(key.value, label) for key, label in labels.items()]
    return choices([("", "—")] + pairs if blank else pairs)


def optional_number(minimum: int = 0):
    return [Optional(), NumberRange(min=minimum, message=_l("Enter a number of %(min)s or more."))]


class GroupForm(BaseForm):
    name_ja = StringField(_l("Name (Japanese)"), validators=[required(), max_length(limits.GROUP_NAME)])
    name_en = StringField(_l("Name (English)"), validators=[max_length(limits.GROUP_NAME)])
    name_kana = StringField(
        _l("Reading (kana)"),
        validators=[max_length(limits.GROUP_NAME_KANA)],
        description=_l("Used for あいうえお order."),
    )
    company_name = StringField(
        _l("Company (and group companies)"), validators=[required(), max_length(limits.COMPANY_NAME)]
    )
    founded_on = DateField(_l("Founded"), validators=[Optional()])
    founder_name = StringField(_l("Founder"), validators=[max_length(limits.PERSON_FULL_NAME)])
    representative_name = StringField(_l("Representative"), validators=[max_length(limits.PERSON_FULL_NAME)])
    registered_members = IntegerField(_l("Registered members"), validators=optional_number())
    members_counted_on = DateField(
        _l("Counted on"), validators=[Optional()], description=_l("The date of the count; today if empty.")
    )
    eligibility_rule = TextAreaField(_l("Eligibility rule"), validators=[max_length(2000)])
    governance_type = SelectField(_l("Governance type"), choices=_pairs(GOVERNANCE_LABELS))
    maturity_level = SelectField(
        _l("Maturity level"), coerce=int, choices=choices((n, str(n)) for n in range(1, 6))
    )
    revenue_model = SelectField(_l("Revenue model"), choices=_pairs(REVENUE_LABELS, blank=True))
    liaison_department = StringField(
        _l("Company liaison department"), validators=[max_length(limits.GROUP_LIAISON_DEPARTMENT)]
    )
    company_endorsement = TextAreaField(_l("Company endorsement"), validators=[max_length(2000)])
    retiree_club = StringField(_l("Company retiree club"), validators=[max_length(limits.RETIREE_CLUB)])
    platforms = MultiCheckboxField(_l("Platforms"), choices=_pairs(PLATFORM_LABELS))
    need_pairs = MultiCheckboxField(_l("Member needs served"), choices=_pairs(NEED_LABELS))
    company_hopes = MultiCheckboxField(_l("What the company hopes for"), choices=_pairs(HOPE_LABELS))
    description = TextAreaField(_l("Description"), validators=[max_length(limits.DESCRIPTION)])
    is_public = BooleanField(_l("Show a short public page to visitors"))
    submit = SubmitField(_l("Save"))

    def service_data(self) -> dict:
        data = {
            name: field.data for name, field in self._fields.items() if name not in ("csrf_token", "submit")
        }
        if data["registered_members"] is None:
            data.pop("registered_members")
            data.pop("members_counted_on")
        for name in (
            "founder_name",
            "representative_name",
            "eligibility_rule",
            "name_en",
            "name_kana",
            "liaison_department",
            "company_endorsement",
            "retiree_club",
            "description",
        ):
            data[name] = data[name] or ""
        return data


class AssetForm(BaseForm):
    title = StringField(_l("Title"), validators=[required(), max_length(limits.ASSET_TITLE)])
    description = TextAreaField(_l("Description"), validators=[max_length(limits.DESCRIPTION)])
    # Venue.
    area = StringField(
        _l("Area"), validators=[max_length(limits.AREA)], description=_l("For example: 東京都千代田区")
    )
    address = StringField(_l("Address"), validators=[max_length(limits.ADDRESS)])
    capacity = IntegerField(_l("Capacity (people)"), validators=optional_number(1))
    equipment = TextAreaField(_l("Equipment"), validators=[max_length(2000)])
    is_free = BooleanField(_l("Free of charge"), default=True)
    fee_note = StringField(_l("Fee"), validators=[max_length(limits.FEE_NOTE)])
    house_rules = TextAreaField(_l("House rules"), validators=[max_length(2000)])
    availability = TextAreaField(
        _l("Weekly availability (Japan time)"),
        description=_l("One window per line, for example “Mon 18:00-21:30” or “土 10:00-17:00”."),
    )
    blocked_dates = TextAreaField(_l("Blocked dates"), description=_l("Dates as YYYY-MM-DD, one per line."))
    # PR channel.
    channel_type = SelectField(
        _l("Channel"), choices=_pairs(CHANNEL_LABELS, blank=True), default="", validate_choice=False
    )
    url = StringField(_l("Address (URL)"), validators=[max_length(limits.URL)])
    reach = IntegerField(_l("Reach (people)"), validators=optional_number())
    audience = StringField(_l("Audience"), validators=[max_length(limits.ASSET_AUDIENCE)])
    lead_time_days = IntegerField(_l("Lead time (days)"), validators=optional_number())
    # Content production.
    content_type = SelectField(
        _l("Content type"), choices=_pairs(CONTENT_LABELS, blank=True), default="", validate_choice=False
    )
    turnaround_days = IntegerField(_l("Turnaround (days)"), validators=optional_number())
    # Speaker.
    speaker_name = StringField(_l("Speaker's name"), validators=[max_length(limits.PERSON_FULL_NAME)])
    speaker_name_kana = StringField(
        _l("Speaker's name (kana)"), validators=[max_length(limits.PERSON_FULL_NAME_KANA)]
    )
    speaker_title = StringField(_l("Speaker's title"), validators=[max_length(limits.SPEAKER_TITLE)])
    topics = StringField(_l("Topics"), validators=[max_length(limits.TOPICS)])
    languages = StringField(_l("Languages"), validators=[max_length(limits.LANGUAGES)])
    bio = TextAreaField(_l("Short bio"), validators=[max_length(3000)])
    consent_confirmed = BooleanField(_l("The speaker agreed to be listed here"))
    submit = SubmitField(_l("Save"))

    KIND_FIELDS = {
        "venue": (
            "area",
            "address",
            "capacity",
            "equipment",
            "is_free",
            "fee_note",
            "house_rules",
            "availability",
            "blocked_dates",
        ),
        "pr_channel": ("channel_type", "url", "reach", "audience", "lead_time_days"),
        "content": ("content_type", "turnaround_days"),
        "speaker": (
            "speaker_name",
            "speaker_name_kana",
            "speaker_title",
            "topics",
            "languages",
            "bio",
            "consent_confirmed",
        ),
    }

    def kind_fields(self, kind: str):
        return [self[name] for name in self.KIND_FIELDS[kind]]

    def service_data(self, kind: str) -> dict:
        from federation.services.assets import parse_availability, parse_dates

        data = {"title": self.title.data, "description": self.description.data or ""}
        for name in self.KIND_FIELDS[kind]:
            value = self[name].data
            if name in ("availability", "blocked_dates") and isinstance(value, list):
                # Not sent with the form: WTForms keeps the asset's stored list.
                pass
            elif name == "availability":
                value = parse_availability(value or "")
            elif name == "blocked_dates":
                value = parse_dates(value or "")
            elif (
                isinstance(value, str)
                or value is None
                and name not in ("capacity", "reach", "lead_time_days", "turnaround_days")
            ):
                value = value or ""
            data[name] = value
        return data


class RequestForm(BaseForm):
    group = SelectField(_l("On behalf of"))
    starts_at = DateTimeLocalField(_l("From (Japan time)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    ends_at = DateTimeLocalField(_l("Until (Japan time)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    joint_event = StringField(_l("For the joint event (optional)"), validators=[max_length(limits.TITLE)])
    message = TextAreaField(_l("Message"), validators=[required(), max_length(limits.MESSAGE)])
    submit = SubmitField(_l("Send the request"))


class AnswerForm(BaseForm):
    message = TextAreaField(_l("Message (optional)"), validators=[max_length(limits.MESSAGE)])
    submit = SubmitField(_l("Send"))


class PhotoForm(BaseForm):
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"))
    submit = SubmitField(_l("Upload"))

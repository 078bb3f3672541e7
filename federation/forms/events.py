"""Forms of the joint-event board."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from federation.forms.base import BaseForm, choices, max_length, required
from federation.forms.registry import MultiCheckboxField
from federation.labels import EVENT_AUDIENCE_LABELS, EVENT_FORMAT_LABELS, NEED_LABELS
from federation.models import EventAudience, limits
from federation.models.base import TOKYO


def _pairs(labels: dict):
    return choices([(key.value, label) for key, label in labels.items()])


def _local(value):
    return value.replace(tzinfo=TOKYO) if value else None


class EventForm(BaseForm):
    title_ja = StringField(_l("Title (Japanese)"), validators=[max_length(limits.TITLE)])
    title_en = StringField(
        _l("Title (English)"),
        validators=[max_length(limits.TITLE)],
        description=_l("Give a title in Japanese, English or both."),
    )
    description_ja = TextAreaField(
        _l("Description (Japanese)"),
        validators=[max_length(limits.EVENT_DESCRIPTION)],
        description=_l("Markdown: **bold**, lists, links."),
    )
    description_en = TextAreaField(
        _l("Description (English)"), validators=[max_length(limits.EVENT_DESCRIPTION)]
    )
    format = SelectField(_l("Format"), choices=_pairs(EVENT_FORMAT_LABELS))
    starts_at = DateTimeLocalField(_l("Starts (Japan time)"), validators=[required()])
    ends_at = DateTimeLocalField(_l("Ends (Japan time)"), validators=[required()])
    place = StringField(
        _l("Place"),
        validators=[max_length(limits.PLACE)],
        description=_l("A place outside the registry, or details such as the floor."),
    )
    online_url = StringField(
        _l("Online link"),
        validators=[max_length(limits.URL)],
        description=_l("Shown only to confirmed attendees."),
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[required(), NumberRange(min=1, message=_l("Enter a number of %(min)s or more."))],
    )
    registration_deadline = DateTimeLocalField(
        _l("Registration deadline (Japan time)"), validators=[Optional()]
    )
    audience = SelectField(
        _l("Who may attend"), choices=_pairs(EVENT_AUDIENCE_LABELS), default=EventAudience.members.value
    )
    tags = MultiCheckboxField(
        _l("Member needs"), choices=choices([(key.value, label) for key, label in NEED_LABELS.items()])
    )
    submit = SubmitField(_l("Save"))

    def service_data(self) -> dict:
        return {
            "title_ja": self.title_ja.data or "",
            "title_en": self.title_en.data or "",
            "description_ja": self.description_ja.data or "",
            "description_en": self.description_en.data or "",
            "format": self.format.data,
            "starts_at": _local(self.starts_at.data),
            "ends_at": _local(self.ends_at.data),
            "place": self.place.data or "",
            "online_url": self.online_url.data or "",
            "capacity": self.capacity.data,
            "registration_deadline": _local(self.registration_deadline.data),
            "audience": self.audience.data,
            "tags": self.tags.data or [],
        }

    def fill(self, event) -> None:
        for name in ("starts_at", "ends_at", "registration_deadline"):
            value = getattr(event, name)
            getattr(self, name).data = value.astimezone(TOKYO).replace(tzinfo=None) if value else None
        self.format.data = event.format.value
        self.audience.data = event.audience.value
        self.tags.data = list(event.tags or [])


class InviteForm(BaseForm):
    group = SelectField(_l("Co-host group"), validators=[required()])
    seat_quota = IntegerField(
        _l("Seat quota for this group"),
        validators=[Optional(), NumberRange(min=0, message=_l("Enter a number of %(min)s or more."))],
        description=_l("Optional: seats kept at most for this group's members."),
    )
    submit = SubmitField(_l("Invite"))


class ReturnForm(BaseForm):
    """A coordinator returns a proposed event to its hosts, saying why."""

    reason = TextAreaField(
        _l("Reason for the hosts"),
        validators=[required(), max_length(3000)],
        description=_l(
            "What should change before it can be published. The hosts read this in their inbox and by mail."
        ),
    )
    submit = SubmitField(_l("Return to the hosts"))


class RegisterForm(BaseForm):
    listed = BooleanField(_l("Show my name to the other attendees"))
    submit = SubmitField(_l("Register"))


class AssetChoiceForm(BaseForm):
    asset = SelectField(_l("Asset"), coerce=int, validators=[required()])
    message = TextAreaField(_l("Message to the owner"), validators=[max_length(limits.MESSAGE)])
    submit = SubmitField(_l("Send the request"))


class CheckInForm(BaseForm):
    registration = HiddenField(validators=[required()])
    present = HiddenField(default="1")
    submit = SubmitField(_l("Check in"))


class MailForm(BaseForm):
    subject = StringField(_l("Subject"), validators=[required(), max_length(150)])
    body = TextAreaField(_l("Message"), validators=[required(), max_length(5000)])
    submit = SubmitField(_l("Send to all registrants"))


class SettingForm(BaseForm):
    enabled = BooleanField(_l("Let confirmed co-hosted events publish without approval"))
    submit = SubmitField(_l("Save"))

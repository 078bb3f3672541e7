"""Forms of the annual conference."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from federation.forms.base import BaseForm, choices, max_length, required
from federation.labels import LANGUAGE_LABELS, PROPOSAL_FORMAT_LABELS
from federation.models import limits
from federation.models.base import TOKYO

# Shown as minutes with a "T" (what datetime-local inputs fill in); seconds accepted.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _local(value):
    return value.replace(tzinfo=TOKYO) if value else None


class EditionForm(BaseForm):
    year = IntegerField(_l("Year"), validators=[required()])
    theme_ja = StringField(_l("Theme (Japanese)"), validators=[max_length(limits.TITLE)])
    theme_en = StringField(_l("Theme (English)"), validators=[max_length(limits.TITLE)])
    description_ja = TextAreaField(
        _l("Description (Japanese)"), validators=[max_length(limits.EVENT_DESCRIPTION)]
    )
    description_en = TextAreaField(
        _l("Description (English)"), validators=[max_length(limits.EVENT_DESCRIPTION)]
    )
    starts_on = DateField(_l("First day"), validators=[required()])
    ends_on = DateField(_l("Last day"), validators=[required()])
    place = StringField(_l("Place"), validators=[max_length(limits.PLACE)])
    rooms = TextAreaField(_l("Rooms"), description=_l("One per line."))
    tracks = TextAreaField(_l("Tracks"), description=_l("One per line."))
    capacity = IntegerField(_l("Capacity"), validators=[required(), NumberRange(min=1)])
    nomination_quota = IntegerField(_l("Nominations per group"), default=1, validators=[NumberRange(min=0)])
    blind_review = BooleanField(
        _l("Blind review"),
        default=True,
        description=_l(
            "Reviewers other than coordinators see neither "
            "the speakers nor each other's scores while the "
            "review runs."
        ),
    )
    proposals_open_at = DateTimeLocalField(
        _l("Proposals open (Japan time)"), format=LOCAL_FORMATS, validators=[required()]
    )
    proposals_close_at = DateTimeLocalField(
        _l("Proposals close (Japan time)"), format=LOCAL_FORMATS, validators=[required()]
    )
    review_open_at = DateTimeLocalField(
        _l("Review opens (Japan time)"), format=LOCAL_FORMATS, validators=[required()]
    )
    review_close_at = DateTimeLocalField(
        _l("Review closes (Japan time)"), format=LOCAL_FORMATS, validators=[required()]
    )
    registration_open_at = DateTimeLocalField(
        _l("Registration opens (Japan time)"), format=LOCAL_FORMATS, validators=[required()]
    )
    registration_close_at = DateTimeLocalField(
        _l("Registration closes (Japan time)"), format=LOCAL_FORMATS, validators=[required()]
    )
    submit = SubmitField(_l("Save"))

    def service_data(self) -> dict:
        data = {
            name: self[name].data
            for name in (
                "year",
                "theme_ja",
                "theme_en",
                "description_ja",
                "description_en",
                "starts_on",
                "ends_on",
                "place",
                "rooms",
                "tracks",
                "capacity",
                "nomination_quota",
                "blind_review",
            )
            if name in self
        }
        for name in ("proposals", "review", "registration"):
            for end in ("open_at", "close_at"):
                data[f"{name}_{end}"] = _local(self[f"{name}_{end}"].data)
        return data


class EditionEditForm(EditionForm):
    """Coordinators change an edition after creating it; the year stays."""

    year = None

    @staticmethod
    def initial(edition) -> dict:
        data = {
            name: getattr(edition, name)
            for name in (
                "theme_ja",
                "theme_en",
                "description_ja",
                "description_en",
                "starts_on",
                "ends_on",
                "place",
                "capacity",
                "nomination_quota",
                "blind_review",
            )
        }
        data["rooms"] = "\n".join(edition.rooms or [])
        data["tracks"] = "\n".join(edition.tracks or [])
        for name in ("proposals", "review", "registration"):
            for end in ("open_at", "close_at"):
                value = getattr(edition, f"{name}_{end}")
                data[f"{name}_{end}"] = value.astimezone(TOKYO).replace(tzinfo=None)
        return data


class ProposalForm(BaseForm):
    title = StringField(_l("Title"), validators=[required(), max_length(limits.TITLE)])
    abstract = TextAreaField(_l("Abstract"), validators=[required(), max_length(limits.ABSTRACT)])
    format = SelectField(
        _l("Format"), choices=choices([(k.value, v) for k, v in PROPOSAL_FORMAT_LABELS.items()])
    )
    length_minutes = IntegerField(
        _l("Length (minutes)"), default=30, validators=[required(), NumberRange(min=5, max=240)]
    )
    language = SelectField(_l("Language"), choices=choices(LANGUAGE_LABELS.items()))
    track = SelectField(_l("Track"), choices=[])
    speakers = SelectMultipleField(
        _l("Speakers"),
        choices=[],
        validate_choice=False,
        description=_l("Members or speakers offered by groups. Without a choice, you are the speaker."),
    )
    submit = SubmitField(_l("Submit the proposal"))

    def service_data(self) -> dict:
        data = {
            name: self[name].data
            for name in ("title", "abstract", "format", "length_minutes", "language", "track")
        }
        if self.speakers.data:
            data["speakers"] = list(self.speakers.data)
        return data


class ReviewForm(BaseForm):
    comment = TextAreaField(_l("Comment"), validators=[max_length(limits.MESSAGE)])
    submit = SubmitField(_l("Save the review"))


class DecisionForm(BaseForm):
    message = TextAreaField(_l("Message to the speakers"), validators=[max_length(limits.MESSAGE)])
    accept = SubmitField(_l("Accept"))
    reject = SubmitField(_l("Reject"))


class NominateForm(BaseForm):
    group = SelectField(_l("Group"), choices=[])
    submit = SubmitField(_l("Nominate"))


class ScheduleForm(BaseForm):
    proposal_id = SelectField(_l("Session"), choices=[], coerce=int)
    room = SelectField(_l("Room"), choices=[])
    starts_at = DateTimeLocalField(_l("Starts (Japan time)"), validators=[required()])
    capacity = IntegerField(_l("Seats (limited sessions only)"), validators=[Optional()])
    submit = SubmitField(_l("Schedule"))


class ContentForm(BaseForm):
    video_url = StringField(_l("Video"), validators=[max_length(limits.URL)])
    article_url = StringField(_l("Article"), validators=[max_length(limits.URL)])
    graphic_recording_url = StringField(_l("Graphic recording"), validators=[max_length(limits.URL)])
    submit = SubmitField(_l("Save the content"))


class CheckInForm(BaseForm):
    registration = HiddenField(validators=[required()])
    present = HiddenField(default="1")
    submit = SubmitField(_l("Check in"))

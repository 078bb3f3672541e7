"""Forms of the co-creation directory."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from federation.forms.account import NameFields
from federation.forms.base import BaseForm, choices, max_length, required
from federation.labels import PROFILE_FIELD_LABELS, PROFILE_VISIBILITY_LABELS
from federation.models import NeedPair, Side, Visibility, limits


class ProfileForm(BaseForm):
    organisation = StringField(_l("Current organisation"), validators=[max_length(limits.ORGANISATION)])
    title = StringField(_l("Title"), validators=[max_length(limits.PROFILE_TITLE)])
    industries = StringField(
        _l("Industries"), validators=[max_length(400)], description=_l("Separate with commas, e.g. 金融, IT")
    )
    skills = StringField(_l("Skills"), validators=[max_length(limits.TOPICS)])
    bio = TextAreaField(_l("Short bio"), validators=[max_length(2000)])
    consent = BooleanField(
        _l(
            "I agree that the fields I mark for the whole federation or the public are shown to members of other groups (third parties)."
        )
    )
    digest_opt_in = BooleanField(_l("Mail me new matches once a week"))
    submit = SubmitField(_l("Save profile"))

    @classmethod
    def need_field_names(cls):
        return [(need, side, f"{side.value}_{need.value}") for side in Side for need in NeedPair]

    def service_data(self) -> dict:
        needs = []
        for need, side, name in self.need_field_names():
            if getattr(self, name + "_on").data:
                needs.append(
                    {"need": need.value, "side": side.value, "detail": getattr(self, name).data or ""}
                )
        return {
            "organisation": self.organisation.data,
            "title": self.title.data,
            "industries": list((self.industries.data or "").replace("、", ",").split(",")),
            "skills": self.skills.data,
            "bio": self.bio.data,
            "visibility": {f: getattr(self, "visibility_" + f).data for f in PROFILE_FIELD_LABELS},
            "needs": needs,
            "consent": self.consent.data,
            "digest_opt_in": self.digest_opt_in.data,
        }


for _field in PROFILE_FIELD_LABELS:
    setattr(
        ProfileForm,
        "visibility_" + _field,
        SelectField(
            PROFILE_FIELD_LABELS[_field],
            choices=choices([(v.value, PROFILE_VISIBILITY_LABELS[v]) for v in Visibility]),
            default=Visibility.groups.value,
        ),
    )
for _need, _side, _name in ProfileForm.need_field_names():
    setattr(ProfileForm, _name + "_on", BooleanField(_l("Yes")))
    setattr(ProfileForm, _name, StringField(_l("Detail"), validators=[max_length(limits.NEED_DETAIL)]))


class InviteForm(NameFields, BaseForm):
    email = EmailField(_l("Email address"), validators=[required(), max_length(limits.EMAIL)])
    year_left = IntegerField(_l("Year left"), validators=[Optional()])
    organisation = StringField(_l("Current organisation"), validators=[max_length(limits.ORGANISATION)])
    submit = SubmitField(_l("Send invitation"))


class ImportForm(BaseForm):
    file = FileField(
        _l("Member list (CSV or XLSX)"),
        description=_l(
            "One row per person, with a header row such as 氏名, フリガナ, "
            "メールアドレス, 退職年, 所属. You confirm which column is "
            "which in the preview."
        ),
    )
    content = HiddenField()
    submit = SubmitField(_l("Preview"))


class ConfirmImportForm(BaseForm):
    content = HiddenField()
    submit = SubmitField(_l("Import and send invitations"))


class JoinForm(NameFields, BaseForm):
    password = PasswordField(
        _l("Password"),
        validators=[required(), max_length(limits.PASSWORD)],
        description=_l("At least 10 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Create account and join"))


class AcceptInvitationForm(BaseForm):
    submit = SubmitField(_l("Join as alumni of this group"))


class IntroductionForm(BaseForm):
    message = TextAreaField(
        _l("Message"),
        validators=[required(), max_length(limits.SHORT_MESSAGE)],
        description=_l("Say who you are and why you would like to meet."),
    )
    submit = SubmitField(_l("Ask for an introduction"))


class ReportForm(BaseForm):
    reason = TextAreaField(_l("What happened?"), validators=[required(), max_length(limits.SHORT_MESSAGE)])
    submit = SubmitField(_l("Report to the coordinators"))

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)

from federation.forms.base import BaseForm, choices, max_length, required
from federation.models import limits


class NameFields:
    family_name = StringField(
        _l("Family name"),
        validators=[required(), max_length(limits.PERSON_NAME)],
        render_kw={"autocomplete": "family-name"},
    )
    given_name = StringField(
        _l("Given name"),
        validators=[required(), max_length(limits.PERSON_NAME)],
        render_kw={"autocomplete": "given-name"},
    )
    # Needed for a name written in kanji; the service says so next to the field.
    family_name_kana = StringField(
        _l("Family name (kana)"),
        validators=[max_length(limits.PERSON_NAME)],
        description=_l("For example: やまだ"),
    )
    given_name_kana = StringField(
        _l("Given name (kana)"),
        validators=[max_length(limits.PERSON_NAME)],
        description=_l("For example: はなこ"),
    )
    # Unchosen: family first for a name in Japanese script, given first for Latin.
    name_order = RadioField(
        _l("Name order"),
        validate_choice=False,
        choices=choices(
            [
                ("family_first", _l("Family name first (山田 花子)")),
                ("given_first", _l("Given name first (John Smith)")),
            ]
        ),
    )


class RegisterForm(NameFields, BaseForm):
    email = EmailField(
        _l("Email address"),
        validators=[required(), max_length(limits.EMAIL)],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[required(), max_length(limits.PASSWORD)],
        description=_l("At least 10 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Create account"))


class LoginForm(BaseForm):
    email = EmailField(
        _l("Email address"),
        validators=[required(), max_length(limits.EMAIL)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[required(), max_length(limits.PASSWORD)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class ForgotPasswordForm(BaseForm):
    email = EmailField(
        _l("Email address"),
        validators=[required(), max_length(limits.EMAIL)],
        render_kw={"autocomplete": "email"},
    )
    submit = SubmitField(_l("Send reset link"))


class TokenFromMailField:
    # Filled from the link's fragment by static/js/token.js; shown for pasting
    # when JavaScript is off.
    token = StringField(
        _l("Code from the mail"),
        validators=[required(), max_length(128)],
        description=_l("The part of the link after “#”."),
        render_kw={"data-token-from-fragment": "", "autocomplete": "off"},
    )


class VerifyForm(TokenFromMailField, BaseForm):
    submit = SubmitField(_l("Confirm my address"))


class ResetPasswordForm(TokenFromMailField, BaseForm):
    password = PasswordField(
        _l("New password"),
        validators=[required(), max_length(limits.PASSWORD)],
        description=_l("At least 10 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Set new password"))


class ProfileForm(NameFields, BaseForm):
    self_introduction = TextAreaField(
        _l("Self-introduction"),
        validators=[max_length(4000)],
        description=_l(
            "Introduce yourself to the other operators: your group, your role, "
            "what you can offer and what you are looking for."
        ),
    )
    submit = SubmitField(_l("Save"))


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"), validators=[required()], render_kw={"autocomplete": "current-password"}
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[required(), max_length(limits.PASSWORD)],
        description=_l("At least 10 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))


class ChangeEmailForm(BaseForm):
    new_email = EmailField(
        _l("New email address"),
        validators=[required(), max_length(limits.EMAIL)],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Password"), validators=[required()], render_kw={"autocomplete": "current-password"}
    )
    submit = SubmitField(_l("Send confirmation link"))


class TokenForm(BaseForm):
    name = StringField(
        _l("Token name"),
        validators=[required(), max_length(limits.TOKEN_NAME)],
        description=_l("For example: the script or service that uses it."),
    )
    submit = SubmitField(_l("Create token"))


class LanguageForm(BaseForm):
    locale = RadioField(
        _l("Language"), choices=choices([("ja", "日本語"), ("en", "English")]), validators=[required()]
    )
    next = HiddenField()
    submit = SubmitField(_l("Switch"))


class DeleteAccountForm(BaseForm):
    password = PasswordField(
        _l("Password"), validators=[required()], render_kw={"autocomplete": "current-password"}
    )
    submit = SubmitField(_l("Delete my account"))

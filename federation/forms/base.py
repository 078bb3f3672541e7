from __future__ import annotations

from flask import flash, g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.fields.simple import SubmitField
from wtforms.validators import DataRequired, Length

from federation.errors import Conflict, Invalid
from federation.extensions import db


class BaseForm(FlaskForm):
    """CSRF-protected form that can show a service's field errors in place."""

    # A service field shown on another form field (a list the form splits up).
    error_fields: dict[str, str] = {}

    def show_errors(self, error: Invalid) -> None:
        if error.fields:
            for name, messages in error.fields.items():
                field = getattr(self, self.error_fields.get(name, name), None)
                if field is not None and hasattr(field, "errors"):
                    field.errors = list(field.errors) + list(messages)
                else:
                    self.form_errors.extend(messages)
        else:
            self.form_errors.append(error.message)


class ConfirmForm(BaseForm):
    """A bare POST button (revoke, sign out, publish, remove): CSRF only. The
    one such form: every page button that needs nothing but the token uses it."""

    submit = SubmitField(_l("Confirm"))


def submit(form: BaseForm, action):
    """Validate the form and run one service call; the page layer's edge
    (federation/transactions.py) commits once the view has answered.

    Returns (True, result) when done; (False, None) when the form was not sent
    or the service refused the input, in which case the errors are on the form
    and what the call wrote is rolled back.
    """
    if not form.validate_on_submit():
        return False, None
    try:
        result = action()
    except Invalid as error:
        db.session.rollback()
        form.show_errors(error)
        return False, None
    except Conflict as error:
        # A conflict (a slot taken, a state changed meanwhile) is answered
        # where the user is: on the form, with what they typed; a view that
        # redirects instead carries the message to the next page.
        db.session.rollback()
        form.show_errors(error)
        g.form_conflict = error.message
        return False, None
    return True, result


def flash_errors(form: BaseForm) -> None:
    """A form posted from a page that redirects: its errors as flash messages,
    the form's own (a service's refusal) if any, else each field's."""
    for message in form.form_errors or [m for messages in form.errors.values() for m in messages]:
        flash(message, "error")


def required():
    return DataRequired(message=_l("This field is required."))


def max_length(n: int):
    return Length(max=n, message=_l("Use at most %(max)d characters."))


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]

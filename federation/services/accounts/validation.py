"""Checking what a person types: email addresses, passwords, names in
Japanese and Latin script, the interface language."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from federation.errors import Invalid
from federation.extensions import db
from federation.models import User
from federation.models.user import NAME_ORDERS
from federation.text import (
    default_name_order,
    has_control_characters,
    has_kanji,
    is_kana,
    normalise,
)

LOCALES = ("ja", "en")


def normalise_email(raw: str) -> str:
    """Validate syntax (no DNS lookups) and lower-case the address."""
    try:
        result = validate_email(normalise(raw), check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(fields={"email": [_("Enter a valid email address.")]}) from None
    return result.normalized.lower()


def check_password_strength(password: str, field: str = "password") -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise Invalid(fields={field: [_("Use at least %(n)d characters.", n=minimum)]})
    if len(password) > 256:
        raise Invalid(fields={field: [_("Use at most %(n)d characters.", n=256)]})


def check_names(names: dict[str, str]) -> dict[str, str]:
    """A reading is needed only for a name written with kanji: ジョン or John
    reads itself (and sorts after the people with a reading)."""
    cleaned, errors = {}, {}
    for field, value in names.items():
        if has_control_characters(value):
            errors[field] = [_("Use letters only: no line breaks or control characters.")]
            cleaned[field] = ""
            continue
        value = normalise(value)
        if field.endswith("_kana"):
            if not value and has_kanji(names.get(field[: -len("_kana")]) or ""):
                errors[field] = [_("Enter the reading in kana.")]
            elif not value:
                pass
            elif not is_kana(value):
                errors[field] = [_("Use hiragana or katakana only.")]
        elif not value:
            errors[field] = [_("This field is required.")]
        if len(value) > 80:
            errors[field] = [_("Use at most %(n)d characters.", n=80)]
        cleaned[field] = value
    if errors:
        raise Invalid(fields=errors)
    return cleaned


def validate_together(*checks):
    """Run several checks and report every field error at once, not just the first."""
    results, errors = [], {}
    for check in checks:
        try:
            results.append(check())
        except Invalid as error:
            errors.update(error.fields or {"_form": [error.message]})
            results.append(None)
    if errors:
        raise Invalid(fields=errors)
    return results


def name_order_for(family_name: str, given_name: str, name_order: str | None = None) -> str:
    """The chosen order, or by default family first for a name in Japanese
    script and given first for a name in Latin letters (John Smith)."""
    return name_order if name_order in NAME_ORDERS else default_name_order(family_name, given_name)


def supported_locale(locale: str | None) -> str:
    return locale if locale in LOCALES else current_app.config["BABEL_DEFAULT_LOCALE"]


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))

"""Passwords, the email address and the interface language of an account."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from federation.errors import Invalid
from federation.links import external_url
from federation.models import TokenPurpose, User, utcnow
from federation.ratelimits import account_allows
from federation.security import check_password, hash_password
from federation.security_log import log_event
from federation.services.accounts.api_tokens import revoke_all_api_tokens
from federation.services.accounts.one_time_tokens import consume_token, issue_token
from federation.services.accounts.registration import send_verification
from federation.services.accounts.sessions import end_all_login_sessions
from federation.services.accounts.validation import (
    LOCALES,
    check_password_strength,
    find_user_by_email,
    normalise_email,
)
from federation.services.mail import queue_mail


def request_password_reset(email: str) -> None:
    """Mail a reset link if the address has an account; say nothing either way."""
    try:
        email = normalise_email(email)
    except Invalid:
        return
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    # Per account, whichever address or spelling asked: silently, so the
    # answer stays the same whether or not the address has an account.
    if not account_allows("RATELIMIT_RESET_MAILS", user.id):
        log_event("rate_limited", user_id=None, target_user_id=user.id, kind="reset_mail")
        return
    raw = issue_token(user, TokenPurpose.reset_password)
    queue_mail(
        user.email,
        "reset_password",
        user.locale,
        user=user,
        link=external_url("auth.reset_password") + "#" + raw,
        minutes=int(current_app.config["RESET_TOKEN_LIFETIME"].total_seconds() // 60),
    )


def reset_password(raw: str, new_password: str) -> User:
    check_password_strength(new_password)
    token = consume_token(raw, TokenPurpose.reset_password)
    user = token.user
    user.password_hash = hash_password(new_password)
    # Whoever knew the old password is signed out everywhere, and loses the
    # API tokens they may have made with it.
    end_all_login_sessions(user)
    revoke_all_api_tokens(user)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link proves the address
    queue_mail(user.email, "password_changed", user.locale, user=user)
    return user


def change_password(actor: User, current_password: str, new_password: str) -> None:
    if not check_password(actor.password_hash, current_password or ""):
        raise Invalid(fields={"current_password": [_("The current password is incorrect.")]})
    check_password_strength(new_password, "new_password")
    actor.password_hash = hash_password(new_password)
    end_all_login_sessions(actor)
    revoke_all_api_tokens(actor)
    queue_mail(actor.email, "password_changed", actor.locale, user=actor)
    log_event("password.changed", user=actor)


def request_email_change(actor: User, new_email: str, password: str) -> None:
    if not check_password(actor.password_hash, password or ""):
        raise Invalid(fields={"password": [_("The password is incorrect.")]})
    try:
        new_email = normalise_email(new_email)
    except Invalid:
        raise Invalid(fields={"new_email": [_("Enter a valid email address.")]}) from None
    if new_email == actor.email:
        raise Invalid(fields={"new_email": [_("This is already your address.")]})
    if find_user_by_email(new_email) is not None:
        raise Invalid(fields={"new_email": [_("Another account uses this address.")]})
    # The address changes only when the link sent to it is opened.
    send_verification(actor, new_email)
    log_event("email.change_requested", user=actor)


def set_locale(actor: User, locale: str) -> None:
    if locale not in LOCALES:
        raise Invalid(fields={"locale": [_("Choose Japanese or English.")]})
    actor.locale = locale

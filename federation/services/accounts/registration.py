"""Registration, email verification and the profile's names."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from federation.errors import Conflict, Invalid
from federation.extensions import db
from federation.links import external_url
from federation.models import Role, TokenPurpose, User, utcnow
from federation.ratelimits import account_allows
from federation.security import hash_password
from federation.security_log import log_event
from federation.services.accounts.one_time_tokens import consume_token, issue_token
from federation.services.accounts.validation import (
    check_names,
    check_password_strength,
    find_user_by_email,
    name_order_for,
    normalise_email,
    supported_locale,
    validate_together,
)
from federation.services.mail import queue_mail
from federation.text import (
    person_sort_key,
)


def register_user(
    *,
    email: str,
    password: str,
    family_name: str,
    given_name: str,
    family_name_kana: str,
    given_name_kana: str,
    locale: str = "ja",
    role: Role = Role.member,
    verified: bool = False,
    name_order: str | None = None,
) -> User | None:
    """Create an account and mail a verification link.

    If the address already has an account, nothing is created and its owner is
    told by mail instead: the page a stranger sees is the same either way, so
    registration does not reveal who is a member.
    """
    email, _ok, names = validate_together(
        lambda: normalise_email(email),
        lambda: check_password_strength(password),
        lambda: check_names(
            {
                "family_name": family_name,
                "given_name": given_name,
                "family_name_kana": family_name_kana,
                "given_name_kana": given_name_kana,
            }
        ),
    )
    existing = find_user_by_email(email)
    if existing is not None:
        queue_mail(existing.email, "account_exists", existing.locale, user=existing)
        return None
    user = User(
        email=email,
        password_hash=hash_password(password),
        locale=supported_locale(locale),
        role=role,
        name_order=name_order_for(names["family_name"], names["given_name"], name_order),
        email_verified_at=utcnow() if verified else None,
        **names,
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # Someone registered the same address a moment ago.
        raise Conflict(fields={"email": [_("This address was just registered.")]}) from None
    if not verified:
        send_verification(user, user.email)
    return user


def update_profile(
    actor: User,
    *,
    family_name: str,
    given_name: str,
    family_name_kana: str,
    given_name_kana: str,
    self_introduction: str | None = None,
    name_order: str | None = None,
) -> None:
    if self_introduction is not None and len(self_introduction) > 4000:
        raise Invalid(fields={"self_introduction": [_("Use at most %(n)d characters.", n=4000)]})
    names = check_names(
        {
            "family_name": family_name,
            "given_name": given_name,
            "family_name_kana": family_name_kana,
            "given_name_kana": given_name_kana,
        }
    )
    for key, value in names.items():
        setattr(actor, key, value)
    actor.name_order = name_order_for(
        names["family_name"], names["given_name"], name_order or actor.name_order
    )
    # The directory keeps a copy of the key for its あいうえお order.
    actor.sort_key = person_sort_key(actor)
    from federation.models import DirectoryProfile

    db.session.execute(
        update(DirectoryProfile).where(DirectoryProfile.user_id == actor.id).values(sort_key=actor.sort_key)
    )
    if self_introduction is not None:
        actor.self_introduction = self_introduction.strip() or None


def send_verification(user: User, email: str) -> None:
    if not account_allows("RATELIMIT_VERIFICATION_MAILS", user.id):
        log_event("rate_limited", user=user, kind="verification_mail")
        return
    raw = issue_token(user, TokenPurpose.verify_email, email=email)
    # The token rides in the fragment: never sent to a server, never logged.
    queue_mail(
        email,
        "verify_email",
        user.locale,
        user=user,
        link=external_url("auth.verify") + "#" + raw,
        hours=int(current_app.config["EMAIL_TOKEN_LIFETIME"].total_seconds() // 3600),
    )


def verify_email(raw: str) -> User:
    token = consume_token(raw, TokenPurpose.verify_email)
    user = token.user
    if token.email and token.email != user.email:
        if find_user_by_email(token.email) is not None:
            raise Conflict(_("Another account uses this address now."))
        old = user.email
        user.email = token.email
        queue_mail(old, "email_changed", user.locale, user=user, new_email=token.email)
        log_event("email.changed", user=user)
    user.email_verified_at = utcnow()
    return user

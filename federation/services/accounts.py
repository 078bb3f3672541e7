"""Accounts: registration, email verification, sign-in sessions, passwords,
API tokens, language and roles."""

from __future__ import annotations

from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.links import external_url
from federation.models import ApiToken, LoginSession, OneTimeToken, Role, TokenPurpose, User, utcnow
from federation.models.user import NAME_ORDERS
from federation.ratelimits import account_allows
from federation.security import (
    API_TOKEN_PREFIX,
    burn_password_check,
    check_password,
    hash_password,
    hash_secret,
    is_admin,
    new_secret,
)
from federation.security_log import log_event
from federation.services.mail import queue_mail
from federation.text import (
    default_name_order,
    has_control_characters,
    has_kanji,
    is_kana,
    normalise,
    person_sort_key,
)

LOCALES = ("ja", "en")
# Seconds between two "last seen" writes of a login session.
LAST_SEEN_EVERY = 300


# --- validation ---------------------------------------------------------------


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


def _locale(locale: str | None) -> str:
    return locale if locale in LOCALES else current_app.config["BABEL_DEFAULT_LOCALE"]


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


# --- registration and verification -----------------------------------------


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
        locale=_locale(locale),
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


def _issue_token(user: User, purpose: TokenPurpose, email: str | None = None) -> str:
    lifetime = current_app.config[
        "EMAIL_TOKEN_LIFETIME" if purpose == TokenPurpose.verify_email else "RESET_TOKEN_LIFETIME"
    ]
    # A new link replaces older unused ones of the same kind.
    db.session.execute(
        delete(OneTimeToken).where(
            OneTimeToken.user_id == user.id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
        )
    )
    raw = new_secret()
    db.session.add(
        OneTimeToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_secret(raw),
            email=email,
            expires_at=utcnow() + lifetime,
        )
    )
    db.session.flush()
    return raw


def _consume_token(raw: str, purpose: TokenPurpose) -> OneTimeToken:
    """Mark a token used; raise if unknown, expired or used. The conditional
    UPDATE makes it work once even when two clicks race."""
    invalid = Invalid(_("This link is invalid, has expired or was already used."))
    token = db.session.scalar(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == hash_secret(raw or ""), OneTimeToken.purpose == purpose
        )
    )
    now = utcnow()
    if token is None or token.used_at is not None or token.expires_at <= now:
        raise invalid
    used = db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == token.id, OneTimeToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1:
        raise invalid
    db.session.refresh(token)
    return token


def send_verification(user: User, email: str) -> None:
    if not account_allows("RATELIMIT_VERIFICATION_MAILS", user.id):
        log_event("rate_limited", user=user, kind="verification_mail")
        return
    raw = _issue_token(user, TokenPurpose.verify_email, email=email)
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
    token = _consume_token(raw, TokenPurpose.verify_email)
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


# --- sign-in sessions -------------------------------------------------------


def authenticate(email: str, password: str) -> User:
    """Return the user for a correct email and password; one vague error otherwise."""
    error = Invalid(_("The email address or password is incorrect."))
    user = find_user_by_email(email or "")
    if user is None:
        burn_password_check(password or "")
        raise error
    if not check_password(user.password_hash, password or "") or not user.is_active:
        raise error
    return user


def sign_in(email: str, password: str, user_agent: str = "") -> User:
    """Check the credentials and open a login session; the user carries its key."""
    user = authenticate(email, password)
    start_login_session(user, user_agent)
    return user


def start_login_session(user: User, user_agent: str = "") -> str:
    raw = new_secret()
    db.session.add(
        LoginSession(
            user_id=user.id,
            key_hash=hash_secret(raw),
            user_agent=(user_agent or "")[:255],
            expires_at=utcnow() + current_app.config["LOGIN_SESSION_LIFETIME"],
            last_seen_at=utcnow(),
        )
    )
    user.last_login_at = utcnow()
    user.current_session_key = raw
    db.session.flush()
    return raw


def load_login_session(raw: str) -> User | None:
    row = db.session.execute(
        select(User, LoginSession.expires_at, LoginSession.id, LoginSession.last_seen_at)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.key_hash == hash_secret(raw or ""))
    ).first()
    if row is None:
        return None
    user, expires_at, session_id, last_seen_at = row
    now = utcnow()
    if expires_at <= now or not user.is_active:
        return None
    user.current_session_key = raw
    user.current_session_id = session_id
    # "Last seen" at most every few minutes, so reads do not turn into writes.
    if last_seen_at is None or (now - last_seen_at).total_seconds() > LAST_SEEN_EVERY:
        _touch(LoginSession, session_id, LoginSession.last_seen_at, now, every=LAST_SEEN_EVERY)
    return user


def end_login_session(raw: str | None) -> None:
    if raw:
        db.session.execute(delete(LoginSession).where(LoginSession.key_hash == hash_secret(raw)))


def end_all_login_sessions(user: User) -> None:
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def end_my_login_session(actor: User, session_id: int) -> None:
    """A person signs one of their own browsers out."""
    row = db.session.get(LoginSession, session_id)
    if row is None or row.user_id != actor.id:
        raise NotFound()
    db.session.delete(row)
    log_event("session.ended", user=actor, session_id=session_id)


def sign_out_everywhere(actor: User) -> None:
    """Every browser of the actor, this one included, is signed out."""
    end_all_login_sessions(actor)
    log_event("session.ended_all", user=actor)


def revoke_all_api_tokens(user: User) -> int:
    return db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


# --- passwords and email ---------------------------------------------------


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
    raw = _issue_token(user, TokenPurpose.reset_password)
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
    token = _consume_token(raw, TokenPurpose.reset_password)
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


# --- API tokens --------------------------------------------------------------


def create_api_token(actor: User, name: str) -> tuple[ApiToken, str]:
    name = normalise(name)
    if not name or len(name) > 80:
        raise Invalid(fields={"name": [_("Give the token a name of 1 to 80 characters.")]})
    secret = new_secret()
    raw = API_TOKEN_PREFIX + secret
    token = ApiToken(user_id=actor.id, name=name, prefix=raw[:12], token_hash=hash_secret(raw))
    db.session.add(token)
    db.session.flush()
    return token, raw


def revoke_api_token(actor: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def authenticate_api_token(raw: str) -> User | None:
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_secret(raw or ""), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    token, user = row
    if not user.is_active:
        return None
    now = utcnow()
    # Record use at most once a minute, so reads do not turn into writes.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        _touch(ApiToken, token.id, ApiToken.last_used_at, now, token)
    return user


def _touch(model, row_id: int, column, now, instance=None, every: int = 60) -> None:
    """Write a "last used/seen" time in its own short transaction, never in the request's:
    on SQLite a GET's read transaction turned writer fails with "database is
    locked" when another worker wrote meanwhile (the benchmark saw a third of
    token requests fail so). Advisory data: a lost race is no error."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm.attributes import set_committed_value

    from federation.extensions import write_intent

    if write_intent.get() or db.session.dirty or db.session.new:
        # A writer anyway: one transaction.
        db.session.execute(
            update(model)
            .where(model.id == row_id)
            .values({column: now})
            .execution_options(synchronize_session=False)
        )
        if instance is not None:
            set_committed_value(instance, column.key, now)
        return
    earlier = now - timedelta(seconds=every)
    try:
        with db.engine.begin() as conn:
            conn.execute(
                update(model)
                .where(model.id == row_id, or_(column.is_(None), column < earlier))
                .values({column: now})
            )
    except OperationalError:
        return
    if instance is not None:
        set_committed_value(instance, column.key, now)


# --- roles -------------------------------------------------------------------


def grant_role(actor: User | None, user: User, role: Role) -> None:
    """Admins grant and withdraw coordinator and admin rights. `actor=None` is
    the installation's own CLI."""
    if actor is not None and not is_admin(actor):
        raise Forbidden()
    if actor is not None and actor.id == user.id and role != Role.admin:
        raise Conflict(_("You cannot remove your own admin rights."))
    old = user.role
    user.role = role
    log_event(
        "role.changed",
        user=actor,
        user_id=actor.id if actor else None,
        target_user_id=user.id,
        role=role.value,
        old_role=old.value,
    )


def _check_admin_over(actor: User, user: User) -> None:
    if not is_admin(actor):
        raise Forbidden()
    if actor.id == user.id:
        raise Conflict(_("You cannot do this to your own account."))


def deactivate_account(actor: User, user: User) -> None:
    """An admin blocks an account: it cannot sign in, and its browsers and
    API tokens stop working on their next request."""
    _check_admin_over(actor, user)
    if user.deactivated_at is not None:
        raise Conflict(_("This account is already deactivated."))
    user.deactivated_at = utcnow()
    end_all_login_sessions(user)
    revoke_all_api_tokens(user)
    log_event("admin.account_deactivated", user=actor, target_user_id=user.id)


def reactivate_account(actor: User, user: User) -> None:
    """Undo a deactivation. The person signs in again (old sessions and
    tokens stay ended)."""
    _check_admin_over(actor, user)
    if user.deactivated_at is None:
        raise Conflict(_("This account is active."))
    if user.email.endswith("@deleted.invalid"):
        raise Conflict(_("A removed account cannot be reactivated."))
    user.deactivated_at = None
    log_event("admin.account_reactivated", user=actor, target_user_id=user.id)


def remove_account(actor: User, user: User, confirm_email: str) -> None:
    """An admin removes an account for good: the same erasure as a person's
    own deletion. The admin types the address to confirm."""
    from federation.services import privacy

    _check_admin_over(actor, user)
    if (confirm_email or "").strip().lower() != user.email:
        raise Invalid(fields={"confirm_email": [_("Type the account's address to confirm.")]})
    target_id = user.id
    privacy.erase_person(user)
    log_event("admin.account_removed", user=actor, target_user_id=target_id)


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def login_sessions_of(user: User) -> list[LoginSession]:
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.expires_at > utcnow())
            .order_by(LoginSession.created_at.desc())
        )
    )


def active_api_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )

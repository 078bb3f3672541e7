"""Signing in: credentials, login sessions (one per browser) and signing out."""

from __future__ import annotations

from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import String, bindparam, cast, delete, exists, func, select

from federation.errors import Invalid, NotFound
from federation.extensions import db
from federation.models import GroupMembership, LoginSession, Notification, PracticeMembership, User, utcnow
from federation.security import burn_password_check, check_password, hash_secret, new_secret
from federation.security_log import log_event
from federation.services.accounts.touch import touch
from federation.services.accounts.validation import find_user_by_email

# Seconds between two "last seen" writes of a login session.
LAST_SEEN_EVERY = 300


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


def alumni_group_ids():
    """The user's alumni group ids, comma-separated: a column to read with
    the user when they sign in or call the API (see keep_alumni_group_ids)."""
    return (
        select(func.aggregate_strings(cast(GroupMembership.group_id, String), ","))
        .where(GroupMembership.user_id == User.id)
        .correlate(User)
        .scalar_subquery()
    )


def in_practice_community():
    """Whether the user is in the practice community: a column read with the
    user at sign-in, as the navigation asks it on every page."""
    return (
        exists()
        .where(PracticeMembership.user_id == User.id, PracticeMembership.left_at.is_(None))
        .correlate(User)
    )


def keep_alumni_group_ids(user: User, joined: str | None) -> None:
    """What the membership rule and the directory read instead of a query."""
    user.loaded_group_ids = tuple(int(group_id) for group_id in joined.split(",")) if joined else ()


@cache
def _signed_in_query():
    """The sign-in statement, built once (every request of a signed-in person
    runs it; building its subqueries cost more than running it)."""
    unread = Notification.unread_counted(User.id, correlate=User).scalar_subquery()
    return (
        select(
            User,
            LoginSession.expires_at,
            LoginSession.id,
            LoginSession.last_seen_at,
            unread,
            alumni_group_ids(),
            in_practice_community(),
        )
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.key_hash == bindparam("key_hash"))
    )


def load_login_session(raw: str) -> User | None:
    """The signed-in person of a session key, with what every page of theirs
    shows or asks (unread notifications, alumni groups, the practice
    community) in the same query."""
    row = db.session.execute(_signed_in_query(), {"key_hash": hash_secret(raw or "")}).first()
    if row is None:
        return None
    user, expires_at, session_id, last_seen_at, user.loaded_unread, groups, practice = row
    keep_alumni_group_ids(user, groups)
    user.loaded_in_practice = bool(practice)
    now = utcnow()
    if expires_at <= now or not user.is_active:
        return None
    user.current_session_key = raw
    user.current_session_id = session_id
    # "Last seen" at most every few minutes, so reads do not turn into writes.
    if last_seen_at is None or (now - last_seen_at).total_seconds() > LAST_SEEN_EVERY:
        touch(LoginSession, session_id, LoginSession.last_seen_at, now, every=LAST_SEEN_EVERY)
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


def login_sessions_of(user: User) -> list[LoginSession]:
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.expires_at > utcnow())
            .order_by(LoginSession.created_at.desc())
        )
    )

"""API tokens: created, listed, revoked and checked on each API request."""

from __future__ import annotations

from functools import cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update

from federation.errors import Invalid, NotFound
from federation.extensions import db
from federation.models import ApiToken, User, utcnow
from federation.security import API_TOKEN_PREFIX, hash_secret, new_secret
from federation.services.accounts.sessions import alumni_group_ids, keep_alumni_group_ids
from federation.services.accounts.touch import touch
from federation.text import (
    normalise,
)


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


def revoke_all_api_tokens(user: User) -> int:
    return db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


@cache
def _token_query():
    """The token check, built once (it runs on every API request): the
    token's id and last use, not the token row itself."""
    return (
        select(User, ApiToken.id, ApiToken.last_used_at, alumni_group_ids())
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
    )


def authenticate_api_token(raw: str) -> User | None:
    row = db.session.execute(_token_query(), {"token_hash": hash_secret(raw or "")}).first()
    if row is None:
        return None
    user, token_id, last_used_at, groups = row
    keep_alumni_group_ids(user, groups)
    if not user.is_active:
        return None
    now = utcnow()
    # Record use at most once a minute, so reads do not turn into writes.
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        touch(ApiToken, token_id, ApiToken.last_used_at, now)
    return user


def active_api_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )

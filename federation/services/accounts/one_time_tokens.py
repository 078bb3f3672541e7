"""One-time links (email verification, password reset): issued hashed,
consumed once even when two clicks race."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from federation.errors import Invalid
from federation.extensions import db
from federation.models import OneTimeToken, TokenPurpose, User, utcnow
from federation.security import hash_secret, new_secret


def issue_token(user: User, purpose: TokenPurpose, email: str | None = None) -> str:
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


def consume_token(raw: str, purpose: TokenPurpose) -> OneTimeToken:
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

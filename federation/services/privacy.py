"""A person's own data: export all of it, or delete the account.

Each capability registers what it holds about a person: an exporter returns a
JSON-ready section, an eraser removes or anonymises it. Deletion keeps shared
history (events, introductions...) but with the person anonymised, as the
capabilities' erasers decide.
"""

from __future__ import annotations

from typing import Callable

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from federation.errors import Conflict, Invalid
from federation.extensions import db
from federation.models import ApiToken, GroupOperator, LoginSession, OneTimeToken, Role, User, utcnow
from federation.security import check_password, hash_password, new_secret

Exporter = Callable[[User], dict]
Eraser = Callable[[User], None]

EXPORTERS: dict[str, Exporter] = {}
ERASERS: list[Eraser] = []


def exporter(section: str):
    def register(fn: Exporter) -> Exporter:
        EXPORTERS[section] = fn
        return fn

    return register


def eraser(fn: Eraser) -> Eraser:
    ERASERS.append(fn)
    return fn


def _iso(value):
    return value.isoformat() if value else None


@exporter("account")
def _export_account(user: User) -> dict:
    return {
        "email": user.email,
        "family_name": user.family_name,
        "given_name": user.given_name,
        "family_name_kana": user.family_name_kana,
        "given_name_kana": user.given_name_kana,
        "locale": user.locale,
        "role": user.role.value,
        "self_introduction": user.self_introduction or "",
        "created_at": _iso(user.created_at),
        "email_verified_at": _iso(user.email_verified_at),
        "last_login_at": _iso(user.last_login_at),
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": _iso(t.created_at),
                "last_used_at": _iso(t.last_used_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id))
        ],
        "login_sessions": [
            {"created_at": _iso(s.created_at), "expires_at": _iso(s.expires_at), "user_agent": s.user_agent}
            for s in db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id))
        ],
        "operated_groups": [
            link.group.slug
            for link in db.session.scalars(select(GroupOperator).where(GroupOperator.user_id == user.id))
        ],
    }


@eraser
def _erase_account(user: User) -> None:
    for model in (ApiToken, LoginSession, OneTimeToken, GroupOperator):
        db.session.execute(delete(model).where(model.user_id == user.id))


def export_personal_data(actor: User) -> dict:
    """Everything the platform holds about the actor, by section."""
    return {
        "format": "federation-personal-data/1",
        "exported_at": utcnow().isoformat(),
        **{section: fn(actor) for section, fn in EXPORTERS.items()},
    }


def delete_account(actor: User, password: str) -> None:
    """Delete the actor's account: personal data removed, the row kept anonymised
    so that shared history stays consistent. Needs the password."""
    if not check_password(actor.password_hash, password or ""):
        raise Invalid(fields={"password": [_("The password is incorrect.")]})
    if (
        actor.role == Role.admin
        and db.session.scalar(
            select(func.count(User.id)).where(User.role == Role.admin, User.deactivated_at.is_(None))
        )
        <= 1
    ):
        raise Conflict(_("You are the last admin: make someone else admin first."))
    erase_person(actor)


def erase_person(actor: User) -> None:
    """Remove a person's personal data; the row stays, anonymised and
    deactivated (own deletion, or an admin's removal)."""
    for erase in ERASERS:
        erase(actor)
    actor.email = f"deleted-{actor.id}-{new_secret(6)}@deleted.invalid"
    actor.family_name = _("Deleted")
    actor.given_name = _("user")
    actor.family_name_kana = ""
    actor.given_name_kana = ""
    actor.sort_key = ""
    actor.self_introduction = None
    actor.password_hash = hash_password(new_secret())
    actor.email_verified_at = None
    actor.deactivated_at = utcnow()


# Capabilities' sections (imported here so that they are always registered).
from federation.services.directory.personal import erase_directory, export_directory  # noqa: E402

exporter("directory")(export_directory)
eraser(erase_directory)

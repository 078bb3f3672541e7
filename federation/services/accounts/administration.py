"""What admins do to accounts: roles, deactivation, removal."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from federation.errors import Conflict, Forbidden, Invalid
from federation.extensions import db
from federation.models import Role, User, utcnow
from federation.permissions import is_admin
from federation.security_log import log_event
from federation.services.accounts.api_tokens import revoke_all_api_tokens
from federation.services.accounts.sessions import end_all_login_sessions


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

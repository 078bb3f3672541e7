"""Accounts: registration, email verification, sign-in sessions, passwords,
API tokens, language and roles.

Modules: validation (what a person types), one_time_tokens (verification and
reset links), registration (and the profile's names), sessions (signing in and
out), touch (last-used times), api_tokens, credentials (password, address,
language). This package re-exports their public names, so callers keep
`from federation.services import accounts` and `accounts.sign_in(...)`; its
modules import each other directly, never the package.

administration (roles, deactivation, removal) is imported on its own (`from
federation.services.accounts import administration`): removing an account
removes its personal data through services/privacy, which reads the
directory, whose invitations create accounts; re-exported here it would
close that circle whenever the directory is imported first.
"""

from federation.services.accounts.api_tokens import (
    active_api_tokens,
    authenticate_api_token,
    create_api_token,
    revoke_all_api_tokens,
    revoke_api_token,
)
from federation.services.accounts.credentials import (
    change_password,
    request_email_change,
    request_password_reset,
    reset_password,
    set_locale,
)
from federation.services.accounts.registration import (
    register_user,
    send_verification,
    update_profile,
    verify_email,
)
from federation.services.accounts.sessions import (
    LAST_SEEN_EVERY,
    authenticate,
    end_all_login_sessions,
    end_login_session,
    end_my_login_session,
    load_login_session,
    login_sessions_of,
    sign_in,
    sign_out_everywhere,
    start_login_session,
)
from federation.services.accounts.validation import (
    LOCALES,
    check_names,
    check_password_strength,
    find_user_by_email,
    name_order_for,
    normalise_email,
    validate_together,
)

__all__ = [
    "LAST_SEEN_EVERY",
    "LOCALES",
    "active_api_tokens",
    "authenticate",
    "authenticate_api_token",
    "change_password",
    "check_names",
    "check_password_strength",
    "create_api_token",
    "end_all_login_sessions",
    "end_login_session",
    "end_my_login_session",
    "find_user_by_email",
    "load_login_session",
    "login_sessions_of",
    "name_order_for",
    "normalise_email",
    "register_user",
    "request_email_change",
    "request_password_reset",
    "reset_password",
    "revoke_all_api_tokens",
    "revoke_api_token",
    "send_verification",
    "set_locale",
    "sign_in",
    "sign_out_everywhere",
    "start_login_session",
    "update_profile",
    "validate_together",
    "verify_email",
]

"""The login wiring: Flask-Login's loader and handlers, and the gate that
keeps an account with an unconfirmed address to confirming it. `create_app()`
calls both; the rules themselves live in `federation.permissions`."""

from __future__ import annotations

from federation.permissions import is_verified, unverified_may_use


def configure_login_manager(login_manager) -> None:
    from flask_babel import lazy_gettext as _l

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    # The session row is the protection; Flask-Login's own check is redundant.
    login_manager.session_protection = None

    @login_manager.user_loader
    def load_user(session_key: str):
        from federation.services.accounts import load_login_session

        return load_login_session(session_key)

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, request, url_for

        from federation.errors import Unauthorized, wants_json

        if wants_json():
            raise Unauthorized()
        flash(str(login_manager.login_message), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def register_access_gate(app) -> None:
    """An unverified account can confirm its address and nothing else, on
    every page and API call (the API's own account endpoints excepted)."""
    from flask import flash, redirect, request, url_for
    from flask_babel import gettext as _
    from flask_login import current_user

    @app.before_request
    def unverified_gate():
        endpoint = request.endpoint
        if endpoint and endpoint.startswith("api.") and request.headers.get("Authorization"):
            return None  # a bearer token belongs to a verified account (see above)
        if not current_user or not current_user.is_authenticated:
            return None
        if is_verified(current_user) or unverified_may_use(endpoint):
            return None
        from federation.errors import Forbidden, wants_json

        message = _("Confirm your email address first: open the link we sent you.")
        if wants_json() or request.method not in ("GET", "HEAD"):
            raise Forbidden(message)
        flash(message, "warning")
        return redirect(url_for("account.profile") + "#verification")

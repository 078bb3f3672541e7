"""The federation platform: `create_app()` and the steps that build it."""

from __future__ import annotations

from flask import Flask, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from federation.config import INSTANCE_DIR, MIGRATIONS_DIR, STATIC_DIR, TEMPLATES_DIR, load_config


class SessionInterface(SecureCookieSessionInterface):
    """Session cookie marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app):
        from flask import has_request_context

        return bool(app.config["SESSION_COOKIE_SECURE"] or (has_request_context() and request.is_secure))

    def should_set_cookie(self, app, session):
        # A request authenticated by a bearer token (scripts) gets no cookie.
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            return False
        return super().should_set_cookie(app, session)


def create_app(config=None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
        instance_path=str(INSTANCE_DIR),
    )
    load_config(app, config)
    register_logging(app)
    app.session_interface = SessionInterface()
    if app.config.get("PROXY_FIX_COUNT"):
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=app.config["PROXY_FIX_COUNT"], x_proto=app.config["PROXY_FIX_COUNT"]
        )
    register_extensions(app)
    register_queue(app)
    register_guards(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_instrumentation(app)
    register_template_helpers(app)
    register_commands(app)
    register_security_log(app)
    return app


def register_guards(app: Flask) -> None:
    # Before the blueprints: the bounded `int` converter must be in the map
    # when their rules are added.
    from federation import guards

    guards.register(app)


def register_security_log(app: Flask) -> None:
    from federation import security_log

    security_log.register(app)


def register_extensions(app: Flask) -> None:
    from federation import listcache, models  # noqa: F401  (one metadata; the list versions' hooks)
    from federation.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
    from federation.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    login_manager.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    csrf.init_app(app)
    limiter.init_app(app)

    from federation.login import configure_login_manager

    configure_login_manager(login_manager)


def register_logging(app: Flask) -> None:
    from federation import logs

    logs.register(app)


def register_queue(app: Flask) -> None:
    from federation import tasks

    tasks.init_app(app)


def register_blueprints(app: Flask) -> None:
    from federation.blueprints import BLUEPRINTS
    from federation.blueprints.api import bp as api_bp
    from federation.blueprints.api import register_api

    for blueprint, prefix in BLUEPRINTS:
        if blueprint is api_bp:
            register_api(app, prefix)  # flask-smorest documents what it registers
        else:
            app.register_blueprint(blueprint, url_prefix=prefix or None)


def register_errorhandlers(app: Flask) -> None:
    from federation.errors import register_errorhandlers as register

    register(app)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def register_request_hooks(app: Flask) -> None:
    from federation import transactions
    from federation.extensions import write_intent

    transactions.register(app)  # the page layer's one commit

    @app.before_request
    def mark_write_intent():
        # On SQLite, a request that may write starts its transaction with
        # BEGIN IMMEDIATE (see extensions.write_intent).
        g._write_token = write_intent.set(request.method not in {"GET", "HEAD", "OPTIONS"})

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if current_user and getattr(current_user, "is_authenticated", False):
            response.headers["Cache-Control"] = "private, no-store"
            response.vary.add("Cookie")
        return response

    @app.teardown_request
    def reset_write_intent(_exc):
        token = g.pop("_write_token", None)
        if token is not None:
            write_intent.reset(token)

    @app.before_request
    def permanent_session():
        session.permanent = True

    from federation.login import register_access_gate

    register_access_gate(app)


def register_instrumentation(app: Flask) -> None:
    from federation import instrumentation

    instrumentation.register(app)


def register_template_helpers(app: Flask) -> None:
    from federation import fragments
    from federation.i18n import register_template_helpers as register

    register(app)
    fragments.init_app(app)
    app.jinja_env.globals["fragment"] = fragments.fragment


def register_commands(app: Flask) -> None:
    from federation.cli import COMMANDS

    for command in COMMANDS:
        app.cli.add_command(command)

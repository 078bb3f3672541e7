"""Domain exceptions and the one error handler that answers HTML or JSON.

Services raise these; views never build error responses by hand. The JSON shape
is the API contract: {"error": {"code", "message", "fields"}}.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError


class DomainError(Exception):
    status = 400
    code = "bad_request"
    default_message = _l("The request could not be understood.")

    def __init__(self, message: str | None = None, fields: dict | None = None):
        super().__init__(message or str(self.default_message))
        self.message = message or str(self.default_message)
        self.fields = fields or {}


class BadRequest(DomainError):
    status, code = 400, "bad_request"


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"
    default_message = _l("Sign in first.")


class Forbidden(DomainError):
    status, code = 403, "forbidden"
    default_message = _l("You are not allowed to do this.")


class NotFound(DomainError):
    status, code = 404, "not_found"
    default_message = _l("Not found.")


class Conflict(DomainError):
    status, code = 409, "conflict"
    default_message = _l("This conflicts with the current state.")


class Invalid(DomainError):
    status, code = 422, "validation_error"
    default_message = _l("Some fields are not valid.")


class TooLarge(DomainError):
    status, code = 413, "payload_too_large"
    default_message = _l("The request is too large.")


class RateLimited(DomainError):
    status, code = 429, "rate_limited"
    default_message = _l("Too many requests. Try again later.")


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
}

HTTP_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Sign in first."),
    403: _l("You are not allowed to do this."),
    404: _l("The page you are looking for does not exist, or you may not see it."),
    405: _l("This method is not allowed here."),
    409: _l("This conflicts with the current state."),
    413: _l("The request is too large."),
    415: _l("This content type is not supported."),
    422: _l("Some fields are not valid."),
    429: _l("Too many requests. Try again later."),
    500: _l("Something went wrong on our side. It has been logged."),
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(
    status: int,
    message: str,
    code: str | None = None,
    fields: dict | None = None,
    headers: dict | None = None,
):
    code = code or HTTP_CODES.get(status, "error")
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        response = current_app.response_class(
            current_app.json.dumps(body), status=status, mimetype="application/json"
        )
    else:
        template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/error.html"
        response = current_app.make_response(
            (render_template(template, status=status, message=message), status)
        )
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def register_errorhandlers(app: Flask) -> None:
    from federation.extensions import db
    from federation.security_log import log_event

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        db.session.rollback()
        if error.status in (403, 429):
            log_event("forbidden" if error.status == 403 else "rate_limited", status=error.status)
        if isinstance(error, (Conflict, NotFound)) and not wants_json() and request.method == "POST":
            # A page button whose action is no longer allowed (the state
            # changed, or what it acted on is gone): back to the page it came
            # from, with the reason, never a bare 409 or 404 page. Without a
            # referrer a conflict goes to the form's own page when it has one.
            back = _same_site_referrer() or (_own_page() if isinstance(error, Conflict) else None)
            if back:
                from flask import flash, redirect

                flash(error.message, "error")
                return redirect(back, 303)
        return error_response(error.status, error.message, error.code, error.fields)

    @app.after_request
    def carry_form_conflict(response):
        from flask import flash, g

        message = g.pop("form_conflict", None)
        if message and response.status_code in (301, 302, 303, 307, 308):
            flash(message, "error")
        elif message and response.status_code == 200:
            # The form shown again with the conflict: still a 409 to scripts.
            response.status_code = 409
        return response

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError):
        db.session.rollback()
        log_event("csrf.failure", reason=str(error.description)[:120])
        return error_response(
            400,
            _("The form has expired or was sent from elsewhere. Reload the page and try again."),
            code="csrf_failed",
        )

    @app.errorhandler(SecurityError)
    def handle_untrusted_host(error: SecurityError):
        # A Host header outside TRUSTED_HOSTS: no URL can be built for it, so
        # no page either; a plain answer.
        return current_app.response_class("Unknown host.\n", status=400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        db.session.rollback()
        status = error.code or 500
        headers = {}
        if status == 403:
            log_event("forbidden", status=status)
        if status == 429:
            retry_after = getattr(error, "retry_after", None)
            limit = getattr(error, "limit", None)
            if retry_after is None and limit is not None:
                retry_after = int(limit.limit.get_expiry())
            headers["Retry-After"] = str(retry_after or 60)
            log_event("rate_limited", status=status, limit=str(limit.limit) if limit is not None else None)
        if status == 405 and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        return error_response(status, str(HTTP_MESSAGES.get(status, error.description)), headers=headers)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        db.session.rollback()
        app.logger.error("Unhandled error on %s %s", request.method, request.path, exc_info=error)
        return error_response(500, str(HTTP_MESSAGES[500]))


def _same_site_referrer() -> str | None:
    """The page the request came from, as a path on this site, or None.

    Browsers send an absolute Referer (`http://host/path`): it counts when its
    scheme and host are this request's own; any other host is ignored (no
    open redirect), and the path must pass safe_redirect_target()."""
    from urllib.parse import urlsplit

    from federation.security import is_safe_redirect

    referrer = request.referrer
    if not referrer or len(referrer) > 2048:
        return None
    parts = urlsplit(referrer)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != request.host.lower():
            return None
        referrer = parts.path + (f"?{parts.query}" if parts.query else "")
    if not is_safe_redirect(referrer) or referrer in (request.path, request.full_path):
        return None
    return referrer


def _own_page() -> str | None:
    """The URL of the POST when it also answers GET (the form's own page)."""
    rule = request.url_rule
    if rule is not None and rule.methods and "GET" in rule.methods:
        return request.path
    return None

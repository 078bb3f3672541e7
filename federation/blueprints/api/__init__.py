"""The JSON API (v1): authentication, the error shape, pagination and the
OpenAPI document, shared by every capability's endpoints.

Endpoints are declared with `@operation(...)`, which registers the route and
records its schemas, so the published OpenAPI document is generated from the
same marshmallow schemas that validate and serialise the requests.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import wraps

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, ValidationError
from werkzeug.wrappers import Response

from federation.errors import BadRequest, Invalid, Unauthorized
from federation.extensions import csrf, db
from federation.pagination import page_args
from federation.schemas.base import ErrorSchema, page_schema

bp = Blueprint("api", __name__)
# Bearer-token requests carry no cookie and need no CSRF token; requests that
# ride on the browser's session cookie are checked in `authenticate()`.
csrf.exempt(bp)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass
class Operation:
    rule: str
    method: str
    endpoint: str
    summary: str
    tag: str
    body: type[Schema] | None = None
    response: type[Schema] | None = None
    status: int = 200
    auth: bool = True
    paginated: bool = False
    query: dict = field(default_factory=dict)
    errors: tuple[int, ...] = ()


OPERATIONS: list[Operation] = []


def authenticate(required: bool = True):
    """The acting user: from a Bearer token, else from the session cookie."""
    header = request.headers.get("Authorization")
    if header:
        from federation.services.accounts import authenticate_api_token

        scheme, _sep, raw = header.partition(" ")
        user = authenticate_api_token(raw.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise Unauthorized(_("The token is missing, invalid or revoked."))
        g.actor = user
        return user
    if current_user.is_authenticated:
        if request.method not in SAFE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        g.actor = current_user._get_current_object()
        return g.actor
    if required:
        raise Unauthorized()
    return None


# marshmallow's built-in messages, in the caller's language.
_FIXED_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Field may not be null.": _l("This field may not be empty."),
    "Unknown field.": _l("Unknown field."),
    "Not a valid string.": _l("Must be text."),
    "Not a valid integer.": _l("Must be a whole number."),
    "Not a valid number.": _l("Must be a number."),
    "Not a valid boolean.": _l("Must be true or false."),
    "Not a valid email address.": _l("Enter a valid email address."),
    "Not a valid URL.": _l("Enter a valid URL."),
    "Not a valid datetime.": _l("Must be a date and time in ISO 8601 with an offset."),
    "Not a valid date.": _l("Must be a date (YYYY-MM-DD)."),
    "Not a valid list.": _l("Must be a list."),
    "Invalid input type.": _l("Must be a JSON object."),
}
_LENGTH = re.compile(r"^(Shorter|Longer) than (?:minimum|maximum) length (\d+)\.$|^Length must be between (\d+) and (\d+)\.$")
_RANGE = re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$")


def translate_message(message: str) -> str:
    if message in _FIXED_MESSAGES:
        return str(_FIXED_MESSAGES[message])
    if message.startswith("Must be one of: "):
        return _("Must be one of: %(choices)s", choices=message[len("Must be one of: "):].rstrip("."))
    length = _LENGTH.match(message)
    if length:
        kind, bound, low, high = length.groups()
        if low is not None:
            return _("Use %(low)s to %(high)s characters.", low=low, high=high)
        if kind == "Shorter":
            return _("Use at least %(n)s characters.", n=bound)
        return _("Use at most %(n)s characters.", n=bound)
    bounds = _RANGE.match(message)
    if bounds:
        return _("Must be between %(low)s and %(high)s.", low=bounds.group(1), high=bounds.group(2))
    return message


def flatten_messages(messages, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"field.sub": ["..."]}, translated."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, list):
        flat[prefix or "_schema"] = [translate_message(str(m)) for m in messages]
        return flat
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten_messages(value, name))
        else:
            flat[name] = [translate_message(str(m))
                          for m in (value if isinstance(value, list) else [value])]
    return flat


def load_body(schema: type[Schema], partial: bool = False) -> dict:
    raw = request.get_data(cache=True)
    if raw.strip():
        data = request.get_json(force=True, silent=True)
        if data is None:
            raise BadRequest(_("The body is not valid JSON."))
    else:
        data = {}
    if not isinstance(data, dict):
        raise Invalid(_("The body must be a JSON object."))
    try:
        return schema().load(data, partial=partial)
    except ValidationError as error:
        raise Invalid(fields=flatten_messages(error.messages)) from None


def dump_page(query, item_schema: type[Schema]) -> dict:
    page, per_page = page_args(request.args, strict=True)
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return {
        "items": item_schema(many=True).dump(pagination.items),
        "page": page,
        "per_page": per_page,
        "total": pagination.total,
    }


def operation(rule: str, method: str = "GET", *, summary: str, tag: str,
              body: type[Schema] | None = None, response: type[Schema] | None = None,
              status: int = 200, auth: bool = True, paginated: bool = False,
              partial: bool = False, query: dict | None = None, errors: tuple[int, ...] = ()):
    """Declare an API endpoint.

    The view receives `actor` (and `data`, the validated body, when `body` is
    given) and returns an object to dump with `response`, a select() to
    paginate when `paginated`, None for 204, or a ready Response. Writes are
    committed here, once, after the view returns.
    """

    def decorator(view):
        endpoint = view.__name__

        @wraps(view)
        def handler(**kwargs):
            actor = authenticate(required=auth)
            if body is not None:
                kwargs["data"] = load_body(body, partial=partial)
            result = view(actor=actor, **kwargs)
            if method not in SAFE_METHODS:
                db.session.commit()
            if isinstance(result, Response):
                return result
            if paginated:
                return jsonify(dump_page(result, response)), status
            if result is None:
                return Response(status=204)
            return jsonify(response().dump(result) if response else result), status

        bp.add_url_rule(rule, endpoint, handler, methods=[method])
        OPERATIONS.append(Operation(rule, method, endpoint, summary, tag, body, response,
                                    status, auth, paginated, query or {}, errors))
        return handler

    return decorator


_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def build_openapi() -> dict:
    spec = APISpec(
        title="Corporate-alumni operators' federation API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "JSON API for scripts and integrations. Errors always have "
                             "the shape {\"error\": {\"code\", \"message\", \"fields\"}}."},
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorSchema)
    error_ref = {"content": {"application/json": {"schema": "Error"}}}
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        path = _CONVERTER.sub(r"{\2}", op.rule)
        parameters = [
            {"in": "path", "name": name, "required": True,
             "schema": {"type": "integer" if conv == "int" else "string"}}
            for conv, name in _CONVERTER.findall(op.rule)
        ]
        if op.paginated:
            parameters += [
                {"in": "query", "name": "page", "schema": {"type": "integer", "minimum": 1}},
                {"in": "query", "name": "per_page",
                 "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
            ]
        for name, schema in op.query.items():
            parameters.append({"in": "query", "name": name, "schema": schema})
        responses: dict = {}
        if op.paginated:
            responses[str(op.status)] = {"description": "A page of results", "content": {
                "application/json": {"schema": page_schema(op.response)}}}
        elif op.response is not None:
            responses[str(op.status)] = {"description": "OK", "content": {
                "application/json": {"schema": op.response}}}
        else:
            responses[str(op.status) if op.status != 200 else "204"] = {"description": "Done"}
        codes = set(op.errors)
        if op.auth:
            codes |= {401}
        if op.body is not None:
            codes |= {400, 422}
        if op.paginated:
            codes |= {422}
        for code in sorted(codes):
            responses[str(code)] = {"description": _DESCRIPTIONS.get(code, "Error"), **error_ref}
        operation_doc = {
            "summary": op.summary, "tags": [op.tag], "operationId": op.endpoint,
            "parameters": parameters, "responses": responses,
        }
        if op.body is not None:
            operation_doc["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": op.body}}}
        if op.auth:
            operation_doc["security"] = [{"bearerAuth": []}]
        paths.setdefault(path, {})[op.method.lower()] = operation_doc
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


_DESCRIPTIONS = {
    400: "Malformed request", 401: "No or bad token", 403: "Not allowed",
    404: "Not found (or not visible to you)", 409: "Conflict with the current state",
    413: "Body too large", 422: "Validation error", 429: "Rate limited",
}


@bp.route("/openapi.json")
def openapi():
    document = current_app.extensions.get("federation_openapi")
    if document is None:
        document = current_app.extensions["federation_openapi"] = build_openapi()
    return jsonify(document)


# Capability modules register their endpoints on `bp` when imported.
from federation.blueprints.api import account  # noqa: E402,F401
from federation.blueprints.api import registry  # noqa: E402,F401
from federation.blueprints.api import applications  # noqa: E402,F401
from federation.blueprints.api import directory  # noqa: E402,F401
from federation.blueprints.api import events  # noqa: E402,F401
from federation.blueprints.api import conferences  # noqa: E402,F401
from federation.blueprints.api import health  # noqa: E402,F401

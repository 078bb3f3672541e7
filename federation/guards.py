"""Bounds on what a client can send, checked before any view runs.

- `int` in URL rules is bounded (0 .. 2**31-1, what an INTEGER column holds on
  every database): a larger id does not match the route, so it is a 404, not
  a database error. Registered as the app's default `int` converter, so pages
  and the API alike are covered.
- No NUL character in the path, query string or form fields (PostgreSQL
  refuses them in text): 400 with the error shape. JSON bodies are read only
  by the API's schemas, whose text fields refuse NUL with a 422 that names the
  field (schemas/base.py `Str`).
- JSON nested deeper than MAX_JSON_DEPTH: 400, before the parser recurses.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from federation.errors import BadRequest, NotFound

MAX_INT = 2**31 - 1
MAX_JSON_DEPTH = 32


class BoundedIntConverter(IntegerConverter):
    """Like werkzeug's `int`, but at most 10 digits; values past MAX_INT are
    answered 404 by `bound_input`. Refusing them here would not do: werkzeug
    answers 405 when the same path matched under another method first."""

    regex = r"\d{1,10}"


def _names_nothing(view_args) -> bool:
    return any(isinstance(value, int) and value > MAX_INT for value in (view_args or {}).values())


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether brackets nest deeper than `limit`, strings skipped (no parsing)."""
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _refuse_nul():
    raise BadRequest(_("The request contains a character that is not allowed (NUL)."))


def register(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter

    @app.before_request
    def bound_input():
        if "\x00" in request.path or _names_nothing(request.view_args):
            raise NotFound()  # a path with NUL, or an id past any column, names nothing
        if b"\x00" in request.query_string or b"%00" in request.query_string:
            _refuse_nul()
        if any(_has_nul(k) or _has_nul(v) for k, v in request.args.items(multi=True)):
            _refuse_nul()
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            return
        if request.is_json:
            body = request.get_data(cache=True)
            if json_depth_exceeds(body, MAX_JSON_DEPTH):
                raise BadRequest(_("The JSON document is nested too deeply."))
        elif request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            if any(_has_nul(k) or _has_nul(v) for k, v in request.form.items(multi=True)):
                _refuse_nul()


def parse_id(raw) -> int | None:
    """A whole number a client sent (an id, a count) as an int within
    0..MAX_INT, or None. ASCII digits only: str.isdigit() accepts "²", which
    int() then refuses."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 0 <= raw <= MAX_INT else None
    if not isinstance(raw, str) or not raw or len(raw) > 10 or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if value <= MAX_INT else None

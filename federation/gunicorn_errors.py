"""gunicorn answers requests it cannot parse (a request line or headers past
its limits, a malformed request line) itself, before the app sees them, with
an HTML page. Installed from wsgi.py, this makes those answers the API's
error shape too, {"error": {"code", "message", "fields"}}, so that a client
always gets one kind of error. (Behind nginx, the proxy's own limits answer
first: see README, "Deploying".)"""

from __future__ import annotations

import json

CODES = {
    400: "bad_request",
    403: "forbidden",
    414: "uri_too_long",
    417: "expectation_failed",
    431: "request_header_fields_too_large",
    500: "internal_error",
    501: "not_implemented",
}


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    from gunicorn import util

    body = json.dumps(
        {"error": {"code": CODES.get(status_int, "bad_request"), "message": reason, "fields": {}}}
    ).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin1") + body)


def install() -> None:
    try:
        from gunicorn import util
    except ImportError:  # not served by gunicorn
        return
    util.write_error = write_json_error

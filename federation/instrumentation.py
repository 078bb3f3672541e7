"""Optional per-request SQL statement counting (the benchmark reads it).

With QUERY_COUNT_HEADER on, every response carries `X-Query-Count`: the number
of SQL statements the request ran, transaction control left out (on
PostgreSQL the driver opens a transaction without a statement of ours; on
SQLite we send BEGIN ourselves, and counting it made the same page one
statement dearer there). The tests count by the same rule. Off by default:
it costs a little per query.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

_listening = False

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def is_transaction_control(statement: str) -> bool:
    return statement.lstrip()[:9].upper().startswith(TRANSACTION_CONTROL)


def _count(conn, cursor, statement, parameters, context, executemany):
    if has_request_context() and "query_count" in g and not is_transaction_control(statement):
        g.query_count += 1


def register(app: Flask) -> None:
    global _listening
    if not app.config.get("QUERY_COUNT_HEADER"):
        return
    if not _listening:
        event.listen(Engine, "before_cursor_execute", _count)
        _listening = True

    def start_counting():
        g.query_count = 0

    # First of the before-request hooks: the sign-in runs in one of them
    # (the unverified-account gate reads the user) and is counted too.
    app.before_request_funcs.setdefault(None, []).insert(0, start_counting)

    @app.after_request
    def report_count(response):
        response.headers["X-Query-Count"] = str(g.get("query_count", 0))
        return response

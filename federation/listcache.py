"""Whole lists served from the cache: a page's list (its filter form, rows
and pager) or an API list's JSON, the same for every viewer who may see the
same rows, read and rendered once per version of the data.

Keyed so that it can never show one person another's data: the key holds
the list's query (filters, page, size), the language, and what decides which
rows and actions the viewer may see (the caller's `scope`: membership, the
groups they operate, the coordinator role), never less. What is one person's
(the layout's unread count, the CSRF token) is rendered around it.

Kept current by the database itself: each list names the tables it reads
(`LISTS`); a transaction that writes one of them raises that table's row in
`list_version` just before it commits (one statement, in the same
transaction), and the key holds the versions read in the viewer's
transaction before the list's own statements. So a cached list is never
older than the versions it was stored under: on SQLite the versions and the
rows come from one snapshot; on PostgreSQL (read committed) the rows are
read after the versions, so they are at least as new. Every process and
node agrees without Redis, and a write by a job or a CLI command invalidates
as a page's does. Writes are seen at the driver (`after_cursor_execute`), so
ORM flushes, bulk statements and association tables all count. A write
outside the app (psql, a data migration) shows after the entries'
lifetime, TTL_S. A list whose rows move with the clock ("upcoming", "waiting
at least N days") puts the minute in its scope.

Where: the fragments' store (Redis when CACHE_URL is set, else in-process).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from federation.models.cache import EPOCH, ListVersion

TTL_S = 300

# Each cached list and the tables it reads (every table its statements name,
# joins and subqueries included; tests/functional/test_listcache.py reads the
# statements of each list and fails on one not named here).
LISTS: dict[str, frozenset[str]] = {}

_WRITTEN = "federation_list_tables_written"
_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_tracked: frozenset[str] = frozenset()


def register(name: str, tables: Iterable[str]) -> str:
    """Declare a cached list and the tables it reads; returns its name."""
    global _tracked
    LISTS[name] = frozenset(tables)
    _tracked = frozenset().union(*LISTS.values())
    return name


def written_table(statement: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE writes (None for a read)."""
    if statement[:1] in ("S", "s", "W", "w", "P", "p", "B", "b"):  # SELECT, WITH, PRAGMA, BEGIN
        return None
    match = _WRITE.match(statement)
    return match.group(1).lower() if match else None


@event.listens_for(Engine, "after_cursor_execute")
def _note_write(conn, _cursor, statement, _parameters, _context, _executemany):
    table = written_table(statement)
    if table is not None and table in _tracked:
        conn.info.setdefault(_WRITTEN, set()).add(table)


@event.listens_for(Session, "before_commit")
def _raise_versions(session: Session) -> None:
    if not session.in_transaction():
        return
    session.flush()  # what the commit would flush is written first
    connection = session.connection()
    written = connection.info.pop(_WRITTEN, None)
    if not written:
        return
    # Sorted: two writers lock their version rows in the same order.
    rows = [{"name": name, "version": 1} for name in sorted(written)]
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(ListVersion).values(rows)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[ListVersion.name], set_={"version": ListVersion.version + 1}
        )
    )


@event.listens_for(Engine, "rollback")
def _forget_on_rollback(conn) -> None:
    conn.info.pop(_WRITTEN, None)


@event.listens_for(Engine, "commit")
def _forget_on_commit(conn) -> None:
    # A commit outside a session (engine.begin()) raises no version: such
    # writes (the sign-in's last-use stamps) touch no listed table; clear the
    # mark so that it does not leak into the connection's next transaction.
    conn.info.pop(_WRITTEN, None)


def versions(name: str) -> tuple:
    """The list's tables' versions and the database's epoch, in this
    transaction: one statement."""
    from federation.extensions import db

    tables = LISTS[name]
    rows: dict[str, int] = dict(
        db.session.execute(
            select(ListVersion.name, ListVersion.version).where(
                ListVersion.name.in_(sorted(tables | {EPOCH}))
            )
        ).all()
    )
    return tuple(rows.get(table, 0) for table in (EPOCH, *sorted(tables)))


def cached(name: str, parts: tuple, build: Callable[[], str]) -> str:
    """The list `name` for `parts` (every input `build` reads besides the
    tables' rows: the query, the language, the viewer's scope), built once
    per version of its tables."""
    from federation import fragments

    raw = repr((current_app.extensions["fragments_release"], versions(name), parts))
    key = f"list:{name}:{hashlib.sha1(raw.encode()).hexdigest()}"
    store = fragments.store()
    value = store.get(key)
    if value is None:
        value = str(build())
        store.set(key, value, ttl=TTL_S)
    return value


def request_parts(scope: tuple) -> tuple:
    """Every input of a list served for this request besides its tables:
    the path and the whole query string (a list reads its filters, page and
    size from there), the language, the time zone, the script root and the
    viewer's scope."""
    from flask import request
    from flask_babel import get_locale, get_timezone

    return (
        request.path,
        tuple(sorted(request.args.items(multi=True))),
        str(get_locale()),
        str(get_timezone()),
        request.script_root,
        scope,
    )


def page(name: str, scope: tuple, build: Callable[[], str]):
    """A page's list for this request, as markup for its template."""
    from markupsafe import Markup

    return Markup(cached(name, request_parts(scope), build))


def page_parts(name: str, scope: tuple, build: Callable[[], Sequence[str]]) -> list:
    """A page's list in parts that the page places apart (the numbers and
    the tiles of the home page; the board and a value shown beside it), as
    markup, built and stored together."""
    from markupsafe import Markup

    stored = cached(name, request_parts(scope), lambda: json.dumps(list(build()), ensure_ascii=False))
    return [Markup(part) for part in json.loads(stored)]

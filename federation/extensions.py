"""Flask extensions, created unbound; `create_app()` binds them."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.pool import Pool

from federation.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
mail = Mail()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class SQLiteWriterQueue:
    """Writers of one SQLite file take turns through an advisory file lock
    (a sibling `<database>-writer.lock`), taken before BEGIN IMMEDIATE and
    given back at commit or rollback. SQLite's own busy handler polls with
    sleeps growing to 100 ms, so a waiting writer woke up to 50-100 ms after
    the lock was free (the benchmark's SQLite write p95: 100 ms at a 20 ms
    median); here it wakes within about a millisecond. After WAIT_S without
    the turn, the writer goes on to SQLite's own wait (never a hang). Only
    the waking rests on this lock; the serialising is still SQLite's. The
    lock's descriptor lives with the database connection (its pool record's
    info) and is closed with it."""

    WAIT_S = 30.0
    POLL_S = 0.0005

    def __init__(self) -> None:
        self._held = threading.local()

    def enter(self, conn) -> None:
        path = conn.engine.url.database
        if not path or path == ":memory:" or path.startswith("file:"):
            return
        info = conn.connection.info
        fd = info.get("writer_lock_fd")
        if fd is None:
            fd = info["writer_lock_fd"] = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.WAIT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return
                time.sleep(self.POLL_S)
            else:
                info["writer_lock_held"] = True
                self._held.__dict__.setdefault("infos", []).append(info)
                return

    def leave(self, info: dict) -> None:
        if info.pop("writer_lock_held", False):
            fcntl.flock(info["writer_lock_fd"], fcntl.LOCK_UN)

    def leave_all(self) -> None:
        """This thread's transactions have ended: every turn it holds ends."""
        for info in self._held.__dict__.pop("infos", ()):
            self.leave(info)

    def forget(self, info: dict) -> None:
        self.leave(info)
        fd = info.pop("writer_lock_fd", None)
        if fd is not None:
            os.close(fd)


writer_queue = SQLiteWriterQueue()


# A connection back in the pool is nobody's writer (a safety net: the end of
# the session's transaction gives the turn back first); a closed one closes
# its lock's descriptor.
@event.listens_for(Pool, "checkin")
def _writer_turn_ends_at_checkin(dbapi_connection, connection_record):
    if connection_record is not None:
        writer_queue.leave(connection_record.info)


@event.listens_for(Pool, "reset")
def _writer_turn_ends_at_reset(dbapi_connection, connection_record, reset_state):
    if connection_record is not None:
        writer_queue.leave(connection_record.info)


@event.listens_for(Pool, "close")
def _writer_lock_closes(dbapi_connection, connection_record):
    if connection_record is not None:
        writer_queue.forget(connection_record.info)


@event.listens_for(Pool, "invalidate")
def _writer_lock_closes_on_invalidate(dbapi_connection, connection_record, exception):
    if connection_record is not None:
        writer_queue.forget(connection_record.info)


# On SQLite a transaction that will write starts with BEGIN IMMEDIATE, so that
# its reads and writes are one serialised unit (two requests cannot both read
# "one seat left" and both take it). Reads stay deferred and never block in WAL.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    # Let SQLAlchemy's "begin" hook below emit BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    if write_intent.get():
        writer_queue.enter(conn)
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


@event.listens_for(OrmSession, "after_commit")
@event.listens_for(OrmSession, "after_rollback")
def _writer_turn_given_back(_session):
    # After the COMMIT itself (the engine's "commit" event comes before it,
    # and the next writer would meet SQLite's busy wait again).
    writer_queue.leave_all()


@contextmanager
def writing():
    """Mark the transactions begun inside as writers (CLI commands, workers)."""
    token = write_intent.set(True)
    try:
        yield
    finally:
        write_intent.reset(token)

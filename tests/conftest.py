"""Fixtures: a fresh database per test (SQLite by default, PostgreSQL when
DATABASE_URL says so), a real SMTP server, and signed-in clients."""
from __future__ import annotations

import os
import re
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from sqlalchemy import event, text

from federation import create_app
from federation.config import normalise_database_url
from federation.extensions import db
from federation.instrumentation import is_transaction_control
from tests import factories

os.environ["FEDERATION_CONFIG"] = "testing"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql"))


# --- SMTP ----------------------------------------------------------------------

class MailSink:
    """Collects what a real SMTP server on 127.0.0.1 receives."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content,
                                     policy=policy.default)
        with self.lock:
            self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def clear(self):
        with self.lock:
            self.messages.clear()

    def to(self, address: str):
        return [m for rcpt, m in self.messages if address in rcpt]

    @staticmethod
    def text_of(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def link_in(message, pattern: str) -> str:
        match = re.search(r"https?://\S*" + pattern + r"\S*", MailSink.text_of(message))
        assert match, f"no link matching {pattern!r} in the mail"
        return match.group(0)


@pytest.fixture(scope="session")
def smtp_server():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, sink
    controller.stop()


@pytest.fixture
def smtp(smtp_server):
    _controller, sink = smtp_server
    sink.clear()
    return sink


# --- database and app ----------------------------------------------------------

def _base_config(database_uri: str, smtp_port: int) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "EXTERNAL_URL": "http://localhost",
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def postgres_schema_ready():
    """On PostgreSQL the schema is built once; each test starts from empty tables."""
    if not ON_POSTGRES:
        return None
    app = create_app(_base_config(normalise_database_url(DATABASE_URL), 25))
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        db.create_all()
        db.engine.dispose()
    return True


@pytest.fixture
def database_uri(tmp_path, postgres_schema_ready):
    if ON_POSTGRES:
        return normalise_database_url(DATABASE_URL)
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app_config(request, database_uri, smtp_server):
    controller, _sink = smtp_server
    config = _base_config(database_uri, controller.port)
    # Tests marked `rate_limited` run with the limits on (fresh memory storage).
    config["RATELIMIT_ENABLED"] = request.node.get_closest_marker("rate_limited") is not None
    return config


def _empty_postgres_tables() -> None:
    """Empty every table and restart every sequence, as TRUNCATE ... RESTART
    IDENTITY CASCADE of all tables would, at a fraction of its cost: TRUNCATE
    rewrites each of the ~65 tables' files even when empty (~0.55 s a test),
    while a test fills only a handful. One query finds the tables that hold
    rows; they are emptied with DELETE, children before parents; the sequences
    that were used (rows may have been rolled back or deleted since) restart."""
    tables = db.metadata.sorted_tables
    probe = " UNION ALL ".join(
        f"SELECT {i} WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for i, t in enumerate(tables)
    )
    with db.engine.begin() as conn:
        filled = {row[0] for row in conn.execute(text(probe))}
        for i in sorted(filled, reverse=True):
            conn.execute(text(f'DELETE FROM "{tables[i].name}"'))
        used = conn.execute(text(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename)"
            " FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL"
        )).scalars().all()
        for sequence in used:
            conn.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = RequestClient
    if app.config["RATELIMIT_ENABLED"]:
        from federation.extensions import limiter

        with app.app_context():
            limiter.reset()
    with app.app_context():
        if not ON_POSTGRES:
            db.create_all()
        yield app
        db.session.remove()
        if ON_POSTGRES:
            _empty_postgres_tables()
        db.engine.dispose()


class RequestClient(FlaskClient):
    """Each request gets its own application context (its own `g` and database
    session), as in production; the test's own context stays separate."""

    def open(self, *args, **kwargs):
        # The test's session ends its transaction around each request: what the
        # test set up is visible to the request, and what the request wrote is
        # visible to the test afterwards.
        db.session.commit()
        try:
            with self.application.app_context():
                return super().open(*args, **kwargs)
        finally:
            db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Builders of realistic records: make.user(...), make.group(...)."""
    return factories.Factory(app)


@pytest.fixture
def login(client, app):
    """Sign a user in on the test client through the real login form."""

    def sign_in(user, password=factories.PASSWORD, on=None):
        target = on or client
        response = target.post("/auth/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return target

    return sign_in


@pytest.fixture
def token_for(app):
    """API headers carrying a fresh personal token of the given user."""
    from federation.services import accounts

    def issue(user):
        _token, raw = accounts.create_api_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return issue


@pytest.fixture
def count_queries(app):
    """Count SQL statements run inside a `with count_queries() as n:` block.

    Lists served from the list cache (federation/listcache.py) are built
    again inside the block, so that a count is a list's whole cost, not a
    cache hit's; `count_queries(rebuild_lists=False)` counts what runs."""
    from contextlib import contextmanager

    from sqlalchemy import delete, insert

    from federation.models import ListVersion
    from federation.models.cache import EPOCH, new_epoch

    @contextmanager
    def counter(rebuild_lists: bool = True):
        statements: list[str] = []
        if rebuild_lists:
            # A new epoch: no list cached before is found. On a connection of
            # its own, so that the test's objects are not expired (reloading
            # them would be counted).
            with db.engine.begin() as conn:
                conn.execute(delete(ListVersion).where(ListVersion.name == EPOCH))
                conn.execute(insert(ListVersion).values(name=EPOCH, version=new_epoch()))

        def record(conn, cursor, statement, *args):
            if not is_transaction_control(statement):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counter

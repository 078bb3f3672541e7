"""Platform-wide promises: schema = migrations, headers, error pages, catalogues,
rate limits, bounded queries."""
import os
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from babel.messages.pofile import read_po
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from federation import create_app
from federation.extensions import db
from federation.models import Role
from tests.conftest import ON_POSTGRES

ROOT = Path(__file__).resolve().parents[2]


def test_migrations_build_exactly_the_models(app_config, tmp_path):
    """Upgrade an empty database to head; the models then match it exactly."""
    if ON_POSTGRES:
        # A database of its own, so the tests' shared schema stays untouched.
        base, name = app_config["SQLALCHEMY_DATABASE_URI"].rsplit("/", 1)
        check = f"{name}_migrations_check"
        admin = create_engine(app_config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{check}"'))
            conn.execute(text(f'CREATE DATABASE "{check}"'))
        admin.dispose()
        uri = f"{base}/{check}"
    else:
        uri = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": app.extensions["migrate"].configure_args.get("compare_type", True)})
            diff = compare_metadata(context, db.metadata)
            tables = set(inspect(conn).get_table_names())
        db.engine.dispose()
    assert diff == []
    assert {t.name for t in db.metadata.sorted_tables} <= tables


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_flags(client, make):
    from tests.factories import PASSWORD

    user = make.user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = client.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                         base_url="https://localhost")
    assert "Secure" in secure.headers["Set-Cookie"]


def test_no_inline_scripts_or_styles_in_pages(client):
    page = client.get("/").get_data(as_text=True)
    assert "<script>" not in page and "style=" not in page
    assert "http://" not in page.replace("http://localhost", "") or "https://" not in page


@pytest.mark.parametrize("accept,kind", [("text/html", "text/html"),
                                         ("application/json", "application/json")])
def test_error_pages_answer_html_or_json(client, accept, kind):
    response = client.get("/no-such-page", headers={"Accept": accept})
    assert response.status_code == 404
    assert response.content_type.startswith(kind)
    if kind == "application/json":
        assert response.get_json()["error"]["code"] == "not_found"
    else:
        assert "ページが見つかりません" in response.get_data(as_text=True)


def test_unexpected_errors_are_a_500_page_not_a_traceback(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500
    assert "RuntimeError" not in response.get_data(as_text=True)
    json = client.get("/boom", headers={"Accept": "application/json"})
    assert json.get_json()["error"]["code"] == "internal_error"


def test_forms_refuse_posts_without_csrf(app, make):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    user = make.user()
    response = client.post("/auth/login", data={"email": user.email, "password": "x" * 12})
    assert response.status_code == 400
    assert "フォーム" in response.get_data(as_text=True)


@pytest.mark.rate_limited
def test_login_is_rate_limited_with_retry_after(app, make):
    client = app.test_client()
    user = make.user()
    statuses = [client.post("/auth/login", data={"email": user.email, "password": "wrong one!"}).status_code
                for _ in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    limited = client.post("/auth/login", data={"email": user.email, "password": "wrong one!"})
    assert int(limited.headers["Retry-After"]) > 0
    assert "リクエストが多すぎます" in limited.get_data(as_text=True) or limited.status_code == 429
    assert client.get("/auth/login").status_code == 200, "only attempts are limited"


@pytest.mark.rate_limited
def test_login_limit_also_counts_per_target_address(app, make):
    user = make.user()
    statuses = []
    for n in range(11):
        # Each attempt from a different address, all at the same account.
        client = app.test_client()
        statuses.append(client.post("/auth/login", data={"email": user.email, "password": "nope nope"},
                                    environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code)
    assert statuses[-1] == 429


@pytest.mark.rate_limited
def test_password_reset_requests_are_rate_limited(app):
    client = app.test_client()
    statuses = [client.post("/auth/forgot", data={"email": "a@alumni.example.jp"}).status_code
                for _ in range(6)]
    assert statuses[:5] == [302] * 5 and statuses[-1] == 429


def test_catalogues_are_complete():
    """Every message of code and templates is translated into Japanese.
    English is the source: its catalogue holds only English that differs from
    the msgid, never a blind copy of it (which would hide a missing text)."""
    with open(ROOT / "federation/translations/ja/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    untranslated = [m.id for m in catalog if m.id and not any(
        [m.string] if isinstance(m.string, str) else m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []
    with open(ROOT / "federation/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        english = read_po(f)
    copies = [m.id for m in english if m.id and m.string == m.id]
    assert copies == [] and [m.id for m in english if m.id and m.fuzzy] == []


def test_catalogues_cover_every_message_in_the_code(tmp_path):
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    # As scripts/translations.sh: only hidden folders are skipped, not
    # templates/_partials (Babel's default skips every folder starting with "_").
    def directory_filter(path: str) -> bool:
        return not os.path.basename(path).startswith(".") and "node_modules" not in path

    found = {msg for _file, _line, msg, _c, _ctx in
             extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords,
                              directory_filter=directory_filter)}
    found = {m if isinstance(m, str) else m[0] for m in found}
    assert "Please correct the fields marked below." in found  # from templates/_partials
    with open(ROOT / "federation/translations/ja/LC_MESSAGES/messages.po", "rb") as f:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert sorted(found - known) == [], "run scripts/translations.sh and translate the new messages"


def test_home_page_queries_do_not_grow_with_the_data(client, make, count_queries, login):
    for _ in range(3):
        make.group(is_public=True, operators=(make.user(role=Role.operator),))
    with count_queries() as few:
        client.get("/")
    for _ in range(10):
        make.group(is_public=True, operators=(make.user(role=Role.operator),))
    with count_queries() as many:
        page = client.get("/").get_data(as_text=True)
    assert len(many) == len(few) <= 4
    assert "テスト商事" in page


def test_visitors_see_only_public_groups(client, make, login):
    make.group(name_ja="公開アルムナイ", is_public=True)
    make.group(name_ja="非公開アルムナイ", is_public=False)
    page = client.get("/").get_data(as_text=True)
    assert "公開アルムナイ" in page and "非公開アルムナイ" not in page
    login(make.user())  # verified, but in no member group: still a visitor
    assert "非公開アルムナイ" not in client.get("/").get_data(as_text=True)
    client.post("/auth/logout")
    login(make.member())
    assert "非公開アルムナイ" in client.get("/").get_data(as_text=True)


def test_health_check(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_query_count_header_for_the_benchmark(app_config):
    counted = create_app({**app_config, "QUERY_COUNT_HEADER": True})
    with counted.app_context():
        db.create_all() if not ON_POSTGRES else None
        response = counted.test_client().get("/")
        assert int(response.headers["X-Query-Count"]) >= 3
        db.engine.dispose()


def test_the_query_count_header_counts_every_statement_of_a_signed_in_request(app, app_config, make):
    # The sign-in runs in a before-request hook: it is counted too; BEGIN
    # (sent by us on SQLite, by the driver on PostgreSQL) is not.
    from sqlalchemy import event

    from federation.instrumentation import is_transaction_control

    from tests import factories

    member = make.member()
    counted = create_app({**app_config, "QUERY_COUNT_HEADER": True})
    with counted.app_context():
        client = counted.test_client()
        client.post("/auth/login", data={"email": member.email, "password": factories.PASSWORD})
        seen = []

        def record(_conn, _cursor, statement, *_args):
            if not is_transaction_control(statement):
                seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            response = client.get("/groups/")
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert response.status_code == 200
        assert int(response.headers["X-Query-Count"]) == len(seen) >= 2
        db.session.remove()
        db.engine.dispose()


@pytest.mark.rate_limited
def test_rate_limits_can_live_in_redis(app_config, make):
    """With RATELIMIT_STORAGE_URI set, limits are shared through Redis
    (so several server processes count together)."""
    import socket
    import uuid

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    config = {**app_config, "RATELIMIT_ENABLED": True,
              "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
              "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    first, second = create_app(config), create_app(config)
    from tests.conftest import RequestClient

    first.test_client_class = second.test_client_class = RequestClient
    user = make.user()
    data = {"email": user.email, "password": "wrong password!"}
    statuses = [first.test_client().post("/auth/login", data=data).status_code for _ in range(5)]
    statuses += [second.test_client().post("/auth/login", data=data).status_code for _ in range(6)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_fields_without_hints_or_errors_carry_no_empty_aria_attributes(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'aria-describedby="None"' not in page and 'aria-invalid="None"' not in page
    assert 'aria-describedby' not in page.split('id="email"')[0].rsplit("<input", 1)[-1]

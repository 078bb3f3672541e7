"""Configuration, logs, health and backups of an installation."""
from __future__ import annotations

import json
import logging
import shutil
import subprocess

import pytest
from sqlalchemy import create_engine, select

from federation import create_app
from federation.config import UnsafeConfiguration
from federation.extensions import db
from federation.logs import JsonFormatter, bind_request_id, request_id
from federation.models import User
from tests.conftest import DATABASE_URL, ON_POSTGRES

SAFE = {"SECRET_KEY": "x" * 40, "EXTERNAL_URL": "https://federation.example.jp",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/12", "QUEUE_URL": "redis://127.0.0.1:6379/12"}


@pytest.mark.parametrize("unsafe, complaint", [
    ({"SECRET_KEY": ""}, "SECRET_KEY"),
    ({"EXTERNAL_URL": "http://federation.example.jp"}, "https://"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, "RATELIMIT_STORAGE_URI"),
    ({"QUEUE_URL": "memory://"}, "QUEUE_URL"),
])
def test_production_refuses_unsafe_settings(monkeypatch, unsafe, complaint):
    monkeypatch.setenv("FEDERATION_CONFIG", "production")
    for key, value in {**SAFE, **unsafe}.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(UnsafeConfiguration, match=complaint):
        create_app()


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("FEDERATION_CONFIG", "production")
    for key, value in SAFE.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PROXY_FIX_COUNT", "1")
    monkeypatch.setenv("TRUSTED_HOSTS", "node1.internal, 127.0.0.1")
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", "old-key-1,old-key-2")
    app = create_app()
    assert app.config["TRUSTED_HOSTS"] == ["127.0.0.1", "federation.example.jp", "node1.internal"]
    assert app.config["SECRET_KEY_FALLBACKS"] == ["old-key-1", "old-key-2"]
    assert app.config["LOG_FORMAT"] == "json" and app.config["PROXY_FIX_COUNT"] == 1
    client = app.test_client()
    assert client.get("/healthz", base_url="https://evil.example.com").status_code == 400
    assert client.get("/healthz", base_url="https://federation.example.jp").status_code == 200


def test_proxy_fix_takes_the_client_address_and_scheme_from_one_proxy(app_config):
    app = create_app({**app_config, "PROXY_FIX_COUNT": 1})
    seen = {}

    @app.get("/_probe")
    def probe():
        from flask import request

        seen.update(addr=request.remote_addr, secure=request.is_secure)
        return "ok"

    app.test_client().get("/_probe", headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7",
                                              "X-Forwarded-Proto": "https"})
    assert seen == {"addr": "198.51.100.7", "secure": True}


def test_sessions_signed_with_a_fallback_key_still_work(app_config, make):
    user = make.user()
    old = create_app({**app_config, "SECRET_KEY": "the-old-key"})
    client = old.test_client()
    assert client.post("/auth/login", data={"email": user.email,
                                            "password": "correct horse battery"}).status_code == 302
    cookie = client.get_cookie("federation_session")
    new = create_app({**app_config, "SECRET_KEY": "the-new-key",
                      "SECRET_KEY_FALLBACKS": ["the-old-key"]})
    other = new.test_client()
    other.set_cookie("federation_session", cookie.value)
    assert other.get("/account/").status_code == 200
    stranger = create_app({**app_config, "SECRET_KEY": "the-new-key"}).test_client()
    stranger.set_cookie("federation_session", cookie.value)
    assert stranger.get("/account/").status_code in (302, 401)


def test_json_log_lines_carry_the_request_id():
    token = bind_request_id("abc-123")
    try:
        record = logging.LogRecord("federation.security", logging.WARNING, __file__, 1,
                                   "sign-in failed for %s", ("a@example.jp",), None)
        record.request_id = request_id.get()
        record.event = "login_failed"
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["request_id"] == "abc-123" and line["logger"] == "federation.security"
    assert line["message"] == "sign-in failed for a@example.jp" and line["event"] == "login_failed"


def test_every_response_carries_a_request_id(client):
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "edge-42"}).headers["X-Request-ID"] == "edge-42"
    junk = client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert junk != "<script>" and len(junk) == 32


def test_readyz_says_what_is_missing(client):
    # The test database is built without migrations: not at head.
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["database"]["ok"] and body["checks"]["queue"]["ok"]
    assert body["checks"]["migrations"]["ok"] is False


def test_sqlite_backup_while_live_then_restore_passes_readyz(app_config, tmp_path):
    if ON_POSTGRES:
        pytest.skip("the SQLite backup")
    from flask_migrate import upgrade

    live = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": live})
    with app.app_context():
        upgrade()
        db.session.add(User(email="kept@alumni.example.jp", password_hash="x", family_name="山田",
                            given_name="花子", family_name_kana="やまだ", given_name_kana="はなこ"))
        db.session.commit()
        # A writer holds an open transaction while the backup runs.
        writer = create_engine(live).connect()
        writer.exec_driver_sql("UPDATE outbox_mail SET attempts = attempts")  # takes the write lock
        result = app.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "b.sqlite3")])
        writer.rollback()
        writer.close()
        assert result.exit_code == 0, result.output
        restored = tmp_path / "restored.sqlite3"
        result = app.test_cli_runner().invoke(
            args=["backup", "restore", str(tmp_path / "b.sqlite3"), "--into", f"sqlite:///{restored}"])
        assert result.exit_code == 0, result.output
        again = app.test_cli_runner().invoke(
            args=["backup", "restore", str(tmp_path / "b.sqlite3"), "--into", f"sqlite:///{restored}"])
        assert again.exit_code != 0 and "new file" in again.output
        db.engine.dispose()
    fresh = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{restored}"})
    with fresh.app_context():
        assert fresh.test_client().get("/readyz").status_code == 200
        assert db.session.scalar(select(User.email)) == "kept@alumni.example.jp"
        db.engine.dispose()


@pytest.mark.skipif(not ON_POSTGRES, reason="pg_dump/pg_restore need PostgreSQL")
def test_postgres_backup_restores_into_a_fresh_database_that_is_ready(app_config, make):
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    from flask_migrate import upgrade
    from sqlalchemy.engine import make_url

    base = make_url(DATABASE_URL)
    admin = create_engine(base.set(drivername="postgresql+psycopg", database="postgres"),
                          isolation_level="AUTOCOMMIT")
    names = [f"{base.database}_bk_src", f"{base.database}_bk_dst"]
    with admin.connect() as conn:
        for name in names:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    src, dst = (str(base.set(drivername="postgresql+psycopg", database=n).render_as_string(
        hide_password=False)) for n in names)
    try:
        app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": src})
        with app.app_context():
            upgrade()
            db.session.add(User(email="kept@alumni.example.jp", password_hash="x", family_name="山田",
                                given_name="花子", family_name_kana="やまだ", given_name_kana="はなこ"))
            db.session.commit()
            dump = "/tmp/" + names[0] + ".dump"
            result = app.test_cli_runner().invoke(args=["backup", "create", dump])
            assert result.exit_code == 0, result.output
            result = app.test_cli_runner().invoke(args=["backup", "restore", dump, "--into", dst])
            assert result.exit_code == 0, result.output
            db.engine.dispose()
        fresh = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": dst})
        with fresh.app_context():
            assert fresh.test_client().get("/readyz").status_code == 200
            assert db.session.scalar(select(User.email)) == "kept@alumni.example.jp"
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
        subprocess.run(["rm", "-f", "/tmp/" + names[0] + ".dump"], check=False)

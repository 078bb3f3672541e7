"""Issue 12, hardening: mail links, redirects, rate limits, the security log,
tokens kept out of access logs, accounts and sessions, bounded input."""
from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from federation.extensions import db
from federation.models import ApiToken, LoginSession, OutboxMail, Role, User
from federation.services.mail import deliver_outbox
from tests.factories import PASSWORD


def security_lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "federation.security"]


# --- 1. mail links from EXTERNAL_URL ------------------------------------------------

def test_reset_link_ignores_a_forged_host_header(client, make, smtp):
    user = make.user()
    response = client.post("/auth/forgot", data={"email": user.email},
                           headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    assert response.status_code == 302
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.template == "reset_password"))
    assert "evil.example" not in mail.body_text and "evil.example" not in mail.body_html
    assert "http://localhost/auth/reset#" in mail.body_text


def test_links_use_external_url_with_its_scheme_and_path(app, make, client, login):
    from federation.links import external_url

    app.config["EXTERNAL_URL"] = "https://federation.example.jp/app/"
    with app.test_request_context("/", base_url="http://evil.example"):
        assert external_url("auth.login") == "https://federation.example.jp/app/auth/login"
    # Without a request (CLI, workers) too.
    assert external_url("directory.matches") == "https://federation.example.jp/app/directory/matches"
    # The calendar feed address shown on a page comes from the setting too.
    login(make.user())
    cookie = client.get_cookie("federation_session")
    client.set_cookie("federation_session", cookie.value, domain="evil.example")
    page = client.get("/events/calendar", base_url="http://evil.example").get_data(as_text=True)
    assert "evil.example" not in page and "https://federation.example.jp/app/calendar/" in page


def test_no_mail_link_is_built_from_the_request_anywhere():
    """One builder: no url_for(..., _external=True) left in the code."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "federation"
    import re

    offenders = [str(p) for p in root.rglob("*.py")
                 if re.search(r"url_for\([^)]*_external=True", p.read_text())]
    assert offenders == []


# --- 2. open redirects ------------------------------------------------------------

BYPASSES = [
    "http://evil.example", "https://evil.example/", "http:///evil.example", "https:///evil.example",
    "//evil.example", "///evil.example", "////evil.example", "/\\evil.example", "\\\\evil.example",
    "\\/evil.example", "/\\/evil.example", "/\t/evil.example", "/\n/evil.example", "/\r/evil.example",
    "\t//evil.example", " //evil.example", "/%09/evil.example", "/%2F/evil.example",
    "%2F%2Fevil.example", "/%5Cevil.example", "/%5c%5cevil.example", "https:evil.example",
    "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "//user@evil.example", "http://localhost@evil.example", "//localhost%40evil.example",
    "/%2e%2e//evil.example", "/%2E%2E/%2E%2E//evil.example", "/../evil.example", "/./evil",
    "/\x00/evil.example", "/\x7f/evil.example", "ｈttp://evil.example", "/\u3000/evil.example",
    "/\u2028/evil.example", "", "evil.example", "?next=//evil.example",
]


@pytest.mark.parametrize("target", [b for b in BYPASSES if "\x00" not in b])
def test_sign_in_never_redirects_off_site(client, make, target):
    user = make.user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                                "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/", repr(target)


@pytest.mark.parametrize("target", BYPASSES[:20])
def test_language_switch_never_redirects_off_site(client, target):
    response = client.post("/language", data={"locale": "en", "next": target})
    assert response.headers["Location"] == "/", repr(target)


@pytest.mark.parametrize("target,sent", [
    ("/directory/?q=a&page=2", "/directory/?q=a&page=2"),
    ("/events/12#seats", "/events/12#seats"),
    ("/directory/?q=山田", "/directory/?q=%E5%B1%B1%E7%94%B0"),
    ("/@evil.example", "/@evil.example"),  # a path on this site
])
def test_same_site_targets_are_sent_as_checked(client, make, target, sent):
    user = make.user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                                "next": target})
    assert response.headers["Location"] == sent


def test_the_checker_returns_what_it_checked():
    from federation.security import safe_redirect_target

    for target in BYPASSES:
        assert safe_redirect_target(target, "/") == "/", repr(target)


# --- 3. rate limits -----------------------------------------------------------------

@pytest.mark.rate_limited
def test_others_failures_do_not_lock_the_owner_out(app, make):
    """Strangers from many addresses use up the account's limit; the owner's
    browser, which signed in before, still gets in."""
    user = make.user()
    owner = app.test_client()
    assert owner.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                      environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 302
    owner.post("/auth/logout")
    statuses = []
    for n in range(12):
        stranger = app.test_client()
        statuses.append(stranger.post("/auth/login", data={"email": user.email, "password": "guess guess"},
                                      environ_base={"REMOTE_ADDR": f"10.0.1.{n}"}).status_code)
    assert statuses[-1] == 429
    # A new stranger with the right password is limited too (that is the limit)...
    assert app.test_client().post("/auth/login", data={"email": user.email, "password": PASSWORD},
                                  environ_base={"REMOTE_ADDR": "10.0.2.1"}).status_code == 429
    # ...but the owner's own browser is not.
    assert owner.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                      environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 302


@pytest.mark.rate_limited
def test_successful_sign_ins_behind_one_proxy_address_do_not_count(app, make):
    """Behind a proxy everyone shares an address: only failures count."""
    people = [make.user(email=f"p{n}@alumni.example.jp") for n in range(12)]
    for person in people:
        client = app.test_client()
        assert client.post("/auth/login", data={"email": person.email, "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 302


@pytest.mark.rate_limited
def test_reset_mails_are_limited_per_account_whoever_asks(app, make):
    user = make.user()
    for n in range(5):
        response = app.test_client().post("/auth/forgot", data={"email": user.email.upper()},
                                          environ_base={"REMOTE_ADDR": f"10.0.3.{n}"})
        assert response.status_code == 302  # the same answer every time
    sent = db.session.scalar(select(func.count(OutboxMail.id)).where(
        OutboxMail.template == "reset_password"))
    assert sent == 3


@pytest.mark.rate_limited
def test_verification_mails_are_limited_per_account(app, make, login):
    user = make.user(verified=False)
    client = login(user, on=app.test_client())
    for _ in range(5):
        client.post("/account/resend-verification")
    sent = db.session.scalar(select(func.count(OutboxMail.id)).where(
        OutboxMail.template == "verify_email", OutboxMail.recipient == user.email))
    assert sent == 3


@pytest.mark.rate_limited
def test_rate_limited_answers_a_page_or_the_error_shape_with_retry_after(app, make, caplog):
    caplog.set_level(logging.INFO, "federation.security")
    user = make.user()
    client = app.test_client()
    for _ in range(10):
        client.post("/auth/login", data={"email": user.email, "password": "wrong wrong"})
    page = client.post("/auth/login", data={"email": user.email, "password": "wrong wrong"})
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    assert "<html" in page.get_data(as_text=True)
    api = client.post("/auth/login", data={"email": user.email, "password": "wrong wrong"},
                      headers={"Accept": "application/json"})
    assert api.status_code == 429 and int(api.headers["Retry-After"]) > 0
    assert api.get_json()["error"]["code"] == "rate_limited"
    assert any(line["event"] == "rate_limited" for line in security_lines(caplog))


def _redis_or_skip():
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")


@pytest.mark.rate_limited
def test_per_account_limits_are_shared_by_processes_through_redis(app_config, make):
    import uuid

    from federation import create_app
    from tests.conftest import RequestClient

    _redis_or_skip()
    config = {**app_config, "RATELIMIT_ENABLED": True,
              "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
              "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    first, second = create_app(config), create_app(config)
    first.test_client_class = second.test_client_class = RequestClient
    user = make.user()
    data = {"email": user.email, "password": "wrong password!"}
    statuses = []
    for n in range(11):
        instance = first if n % 2 else second
        statuses.append(instance.test_client().post(
            "/auth/login", data=data, environ_base={"REMOTE_ADDR": f"10.0.4.{n}"}).status_code)
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    # Reset mails per account, counted across both processes.
    for n in range(4):
        instance = first if n % 2 else second
        instance.test_client().post("/auth/forgot", data={"email": user.email},
                                    environ_base={"REMOTE_ADDR": f"10.0.5.{n}"})
    assert db.session.scalar(select(func.count(OutboxMail.id)).where(
        OutboxMail.template == "reset_password")) == 3


# --- 4. the security log and access logs --------------------------------------------

REQUIRED = {"time", "event", "user_id", "client", "request_id"}


def test_security_events_are_json_lines_without_secrets(app, make, client, login, caplog,
                                                        token_for):
    caplog.set_level(logging.INFO, "federation.security")
    admin = make.user(role=Role.admin, email="admin@alumni.example.jp")
    user = make.user()
    client.post("/auth/login", data={"email": user.email, "password": "wrong password 1"})
    login(user)
    client.post("/account/password", data={"current_password": PASSWORD,
                                           "new_password": "new secret passphrase"})
    assert client.get("/admin/users").status_code == 403
    client.post("/auth/logout")
    login(admin)
    client.post(f"/admin/users/{user.id}/role", data={"role": "coordinator"})
    client.post(f"/admin/users/{user.id}/deactivate")
    client.post("/auth/forgot", data={"email": admin.email})
    lines = security_lines(caplog)
    events = [line["event"] for line in lines]
    for expected in ("login.failure", "login.success", "password.changed", "forbidden",
                     "role.changed", "admin.account_deactivated"):
        assert expected in events, events
    for line in lines:
        assert REQUIRED <= set(line), line
        assert line["time"].endswith("Z")
    failure = next(line for line in lines if line["event"] == "login.failure")
    assert failure["target_user_id"] == user.id and failure["user_id"] is None
    role = next(line for line in lines if line["event"] == "role.changed")
    assert role["user_id"] == admin.id and role["target_user_id"] == user.id
    raw = "\n".join(r.getMessage() for r in caplog.records)
    token = db.session.scalar(select(OutboxMail).where(OutboxMail.template == "reset_password"))
    secret = token.body_text.split("/auth/reset#")[1].split()[0]
    for forbidden in ("wrong password 1", "new secret passphrase", PASSWORD, secret):
        assert forbidden not in raw


def test_csrf_failures_are_logged(app, make, caplog):
    caplog.set_level(logging.INFO, "federation.security")
    app.config["WTF_CSRF_ENABLED"] = True
    app.test_client().post("/auth/login", data={"email": "a@b.example", "password": "x" * 12})
    assert [line["event"] for line in security_lines(caplog)] == ["csrf.failure"]


def test_log_refuses_fields_that_could_carry_secrets(app):
    from federation.security_log import log_event

    with pytest.raises(ValueError):
        log_event("login.failure", password="hunter2")
    with pytest.raises(ValueError):
        log_event("x", link="https://x/auth/reset#abc")


def test_tokens_never_reach_the_access_log(app, make, smtp, caplog):
    """Against a real server (werkzeug's, which logs every request line):
    follow the reset and verification mails the way a browser does."""
    import threading
    import urllib.parse
    import urllib.request

    from werkzeug.serving import make_server

    caplog.set_level(logging.INFO, "werkzeug")
    user = make.user()
    fresh = make.user(email="fresh@alumni.example.jp", verified=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["EXTERNAL_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        db.session.commit()

        def post(path, **data):
            body = urllib.parse.urlencode(data).encode()
            request = urllib.request.Request(base + path, data=body, method="POST")
            try:
                return urllib.request.urlopen(request).status
            except urllib.error.HTTPError as error:
                return error.code

        assert post("/auth/forgot", email=user.email) == 200  # (after the redirect)
        from federation.services import accounts

        db.session.commit()  # a fresh snapshot after the server's write
        with app.test_request_context():
            accounts.send_verification(fresh, fresh.email)
        db.session.commit()
        deliver_outbox()
        links = [smtp.link_in(smtp.to(user.email)[-1], "#"),
                 smtp.link_in(smtp.to(fresh.email)[-1], "#")]
        assert all(link.startswith(base) for link in links)
        secrets = []
        for link in links:
            page_url, token = link.split("#", 1)
            secrets.append(token)
            # A browser never sends the fragment.
            assert urllib.request.urlopen(link).status == 200
            path = urllib.parse.urlsplit(page_url).path
            extra = {"password": "brand new passphrase"} if path.endswith("reset") else {}
            assert post(path, token=token, **extra) == 200
    finally:
        server.shutdown()
    access = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("/auth/reset" in line for line in access)
    assert any("/auth/verify" in line for line in access)
    for token in secrets:
        assert not any(token in line for line in access)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, fresh.id).is_verified


# --- 7. accounts and sessions ---------------------------------------------------------

def test_admin_deactivation_ends_sessions_and_tokens_at_once(app, make, client, login, token_for):
    admin = make.user(role=Role.admin, email="admin@alumni.example.jp")
    user = make.user()
    browser = login(user, on=app.test_client())
    headers = token_for(user)
    assert browser.get("/account/").status_code == 200
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 200
    login(admin)
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "無効にする" in page
    assert client.post(f"/admin/users/{user.id}/deactivate").status_code == 302
    assert browser.get("/account/").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    assert app.test_client().post("/auth/login", data={
        "email": user.email, "password": PASSWORD}).status_code == 200
    assert client.post(f"/admin/users/{user.id}/reactivate").status_code == 302
    assert login(user, on=app.test_client()).get("/account/").status_code == 200
    # The old token stays revoked.
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401


def test_admin_removal_needs_the_address_typed(app, make, client, login):
    admin = make.user(role=Role.admin, email="admin@alumni.example.jp")
    user = make.user(email="leaving@alumni.example.jp")
    browser = login(user, on=app.test_client())
    login(admin)
    wrong = client.post(f"/admin/users/{user.id}/remove", data={"confirm_email": "someone@else.jp"})
    assert wrong.status_code == 422 and 'role="alert"' in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "leaving@alumni.example.jp"
    assert client.post(f"/admin/users/{user.id}/remove",
                       data={"confirm_email": "Leaving@alumni.example.jp"}).status_code == 302
    db.session.expire_all()
    removed = db.session.get(User, user.id)
    assert removed.email.endswith("@deleted.invalid") and removed.deactivated_at is not None
    assert browser.get("/account/").status_code == 302
    assert client.post(f"/admin/users/{user.id}/reactivate").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).deactivated_at is not None


def test_only_admins_deactivate_and_not_themselves(app, make, client, login):
    coordinator = make.user(role=Role.coordinator)
    user = make.user()
    login(coordinator)
    assert client.post(f"/admin/users/{user.id}/deactivate").status_code == 403
    assert client.post(f"/admin/users/{user.id}/remove",
                       data={"confirm_email": user.email}).status_code == 403
    client.post("/auth/logout")
    admin = make.user(role=Role.admin, email="admin@alumni.example.jp")
    login(admin)
    client.post(f"/admin/users/{admin.id}/deactivate")
    db.session.expire_all()
    assert db.session.get(User, admin.id).deactivated_at is None
    assert client.get("/admin/users/99999999999").status_code == 404


def test_people_see_their_sessions_and_sign_out_everywhere(app, make, client, login):
    user = make.user()
    other = app.test_client()
    other.post("/auth/login", data={"email": user.email, "password": PASSWORD},
               headers={"User-Agent": "PhoneBrowser/1.0"})
    login(user)
    page = client.get("/account/sessions").get_data(as_text=True)
    assert "PhoneBrowser/1.0" in page and "この端末" in page
    assert client.post("/account/sessions/end-all").status_code == 302
    assert other.get("/account/").status_code == 302
    assert client.get("/account/").status_code == 302
    assert db.session.scalar(select(func.count(LoginSession.id))) == 0


def test_ending_one_session_and_others_sessions_are_not_mine(app, make, client, login):
    user, stranger = make.user(), make.user(email="stranger@alumni.example.jp")
    other = login(user, on=app.test_client())
    login(stranger, on=app.test_client())
    login(user)
    sessions = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all()
    strangers = db.session.scalar(select(LoginSession).where(LoginSession.user_id == stranger.id))
    assert client.post(f"/account/sessions/{strangers.id}/end").status_code == 404
    first = min(s.id for s in sessions)
    client.post(f"/account/sessions/{first}/end")
    assert other.get("/account/").status_code == 302
    assert client.get("/account/").status_code == 200


def test_password_change_and_reset_revoke_api_tokens(app, make, client, login, token_for, smtp):
    user = make.user()
    headers = token_for(user)
    login(user)
    client.post("/account/password", data={"current_password": PASSWORD,
                                           "new_password": "another good passphrase"})
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    headers = token_for(user)
    client.post("/auth/logout")
    client.post("/auth/forgot", data={"email": user.email})
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.template == "reset_password"))
    token = mail.body_text.split("/auth/reset#")[1].split()[0]
    assert client.post("/auth/reset", data={"token": token,
                                            "password": "third good passphrase"}).status_code == 302
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    assert db.session.scalar(select(func.count(ApiToken.id)).where(
        ApiToken.revoked_at.is_(None))) == 0


def test_sign_in_starts_a_clean_session(client, make):
    user = make.user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["locale"] = "en"
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("locale") == "en"


# --- 8. smaller -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["山田\r\nBcc: x@evil.example", "山田\n", "山\t田", "山田\x00",
                                  "山田\u202e", "山\u2028田"])
def test_names_refuse_line_breaks_and_control_characters(client, make, login, token_for, name):
    user = make.user()
    original = user.family_name
    login(user)
    page = client.post("/account/", data={"family_name": name, "given_name": "花子",
                                          "family_name_kana": "やまだ", "given_name_kana": "はなこ"})
    assert page.status_code in (200, 400, 422)
    db.session.expire_all()
    assert db.session.get(User, user.id).family_name == original
    api = client.patch("/api/v1/me", json={"family_name": name}, headers=token_for(user))
    assert api.status_code in (400, 422) and "error" in api.get_json()
    db.session.expire_all()
    assert db.session.get(User, user.id).family_name == original


def test_csp_forbids_base_elements(client):
    assert "base-uri 'none'" in client.get("/").headers["Content-Security-Policy"]


def test_photo_file_is_written_only_when_its_row_commits(app, make, tmp_path):
    import io
    from pathlib import Path

    from werkzeug.datastructures import FileStorage

    from federation.services import uploads

    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    owner = make.user(role=Role.operator)
    asset = make.asset(make.group(operators=(owner,)), "venue")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    uploads.add_photo(owner, asset, FileStorage(io.BytesIO(png), "a.png"))
    assert list(Path(app.config["UPLOAD_DIR"]).iterdir()) == []
    db.session.rollback()
    db.session.commit()
    assert list(Path(app.config["UPLOAD_DIR"]).iterdir()) == []
    photo = uploads.add_photo(owner, asset, FileStorage(io.BytesIO(png), "a.png"))
    db.session.commit()
    assert [p.name for p in Path(app.config["UPLOAD_DIR"]).iterdir()] == [photo.stored_name]


# --- 9. bounded input ---------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/directory/2147483648", "/directory/9223372036854775808", "/directory/" + "9" * 40,
    "/events/2147483648", "/applications/9223372036854775808", "/admin/users/2147483648",
    "/api/v1/events/2147483648", "/api/v1/applications/9223372036854775808",
    "/api/v1/tokens/99999999999999999999",
])
def test_huge_ids_are_404_not_500(client, make, login, path):
    login(make.user(role=Role.admin))
    assert client.get(path).status_code == 404
    if path.startswith("/api/"):
        assert client.get(path).get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("query", ["page=2147483648", "page=9223372036854775808",
                                   "page=" + "9" * 400, "page=-1", "per_page=99999999999999999999",
                                   "page=²", "capacity=99999999999999999999", "capacity=²",
                                   "maturity=99999999999999999999", "older_than=9999999999999"])
@pytest.mark.parametrize("base", ["/admin/users", "/groups/", "/assets/", "/applications/",
                                  "/directory/", "/admin/outbox"])
def test_huge_numbers_in_query_strings_are_no_server_error(client, make, login, base, query):
    login(make.user(role=Role.admin))
    assert client.get(f"{base}?{query}").status_code in (200, 400, 404)


@pytest.mark.parametrize("query", ["page=9223372036854775808", "page=" + "9" * 400, "page=0"])
def test_api_refuses_huge_pages_with_the_error_shape(client, make, token_for, query):
    response = client.get(f"/api/v1/tokens?{query}", headers=token_for(make.user()))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"


def test_nul_characters_are_400_with_the_error_shape(client, make, login, token_for):
    user = make.user()
    headers = token_for(user)
    response = client.get("/directory/?q=a%00b")
    assert response.status_code == 400
    api = client.get("/api/v1/groups?q=%00", headers=headers)
    assert api.status_code == 400 and api.get_json()["error"]["code"] == "bad_request"
    # In a JSON body, the schema names the field (422), as for any invalid value.
    api = client.patch("/api/v1/me", json={"family_name": "山\u0000田"}, headers=headers)
    assert api.status_code == 422 and "family_name" in api.get_json()["error"]["fields"]
    api = client.post("/api/v1/tokens", json={"name\u0000": "x"}, headers=headers)
    assert api.status_code == 422
    form = client.post("/auth/login", data={"email": "a\x00@b.example", "password": "x" * 12})
    assert form.status_code == 400
    assert client.get("/groups/a%00b").status_code in (400, 404)


def test_deeply_nested_json_is_400(client, make, token_for):
    headers = {**token_for(make.user()), "Content-Type": "application/json"}
    for depth in (100, 5000, 100_000):
        body = "[" * depth + "]" * depth
        response = client.post("/api/v1/tokens", data=body, headers=headers)
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "bad_request"
    # Brackets inside strings are text, not nesting.
    ok = client.post("/api/v1/tokens", json={"name": "[" * 200}, headers=headers)
    assert ok.status_code in (201, 422)

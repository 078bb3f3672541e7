"""The API base: tokens, the error shape, pagination, CSRF, OpenAPI."""
import pytest
from sqlalchemy import select

from federation.extensions import db
from federation.models import ApiToken
from federation.services import accounts



def assert_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


def test_me_with_a_token(client, make, token_for):
    user = make.user(email="api@alumni.example.jp")
    response = client.get("/api/v1/me", headers=token_for(user))
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == "api@alumni.example.jp"
    assert body["role"] == "member" and body["email_verified"] is True
    assert "password_hash" not in body


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer "])
def test_missing_or_bad_token_is_401(client, header):
    headers = {"Authorization": header} if header else {}
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthorized")


def test_tokens_are_stored_hashed_and_revocable(client, make, token_for):
    user = make.user()
    headers = token_for(user)
    raw = headers["Authorization"].split()[1]
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash != raw and raw not in stored.token_hash and stored.prefix == raw[:12]

    created = client.post("/api/v1/tokens", json={"name": "sync script"}, headers=headers)
    assert created.status_code == 201
    new = created.get_json()
    assert new["token"].startswith("fed_") and new["name"] == "sync script"

    listing = client.get("/api/v1/tokens", headers=headers).get_json()
    assert listing["total"] == 2 and listing["page"] == 1 and listing["per_page"] == 20
    assert all("token" not in item for item in listing["items"])

    assert client.delete(f"/api/v1/tokens/{new['id']}", headers=headers).status_code == 204
    assert_error(client.get("/api/v1/me", headers={"Authorization": f"Bearer {new['token']}"}),
                 401, "unauthorized")


def test_cannot_revoke_someone_elses_token(client, make, token_for):
    alice, bob = make.user(), make.user()
    bob_token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == bob.id)) or \
        accounts.create_api_token(bob, "bob")[0]
    db.session.commit()
    assert_error(client.delete(f"/api/v1/tokens/{bob_token.id}", headers=token_for(alice)),
                 404, "not_found")
    db.session.expire_all()
    assert db.session.get(ApiToken, bob_token.id).revoked_at is None


def test_validation_errors_name_the_fields(client, make, token_for):
    headers = token_for(make.user())
    error = assert_error(client.post("/api/v1/tokens", json={"name": ""}, headers=headers),
                         422, "validation_error")
    assert "name" in error["fields"]
    error = assert_error(client.post("/api/v1/tokens", json={"nam": "x"}, headers=headers),
                         422, "validation_error")
    assert set(error["fields"]) == {"name", "nam"}
    error = assert_error(client.patch("/api/v1/me", json={"locale": "fr"}, headers=headers),
                         422, "validation_error")
    assert "locale" in error["fields"]
    error = assert_error(client.patch("/api/v1/me", json={"given_name_kana": "Hana"},
                                      headers=headers), 422, "validation_error")
    assert "given_name_kana" in error["fields"]


def test_patch_me_updates_language(client, make, token_for):
    user = make.user()
    response = client.patch("/api/v1/me", json={"locale": "en"}, headers=token_for(user))
    assert response.status_code == 200 and response.get_json()["locale"] == "en"


def test_malformed_json_is_400_not_500(client, make, token_for):
    headers = {**token_for(make.user()), "Content-Type": "application/json"}
    assert_error(client.post("/api/v1/tokens", data="{not json", headers=headers), 400, "bad_request")
    assert_error(client.post("/api/v1/tokens", data="[1, 2]", headers=headers), 422, "validation_error")


def test_body_too_large_is_413(client, make, token_for, app):
    headers = token_for(make.user())
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    assert_error(client.post("/api/v1/tokens", json={"name": big}, headers=headers),
                 413, "payload_too_large")


@pytest.mark.parametrize("query,field", [("per_page=101", "per_page"), ("page=0", "page"),
                                         ("page=abc", "page"), ("per_page=-1", "per_page")])
def test_bad_pagination_is_422(client, make, token_for, query, field):
    error = assert_error(client.get(f"/api/v1/tokens?{query}", headers=token_for(make.user())),
                         422, "validation_error")
    assert field in error["fields"]


def test_unknown_path_and_method_answer_json(client, make, token_for):
    headers = token_for(make.user())
    assert_error(client.get("/api/v1/nothing-here", headers=headers), 404, "not_found")
    response = client.put("/api/v1/me", headers=headers)
    assert_error(response, 405, "method_not_allowed")


def test_cookie_authenticated_api_writes_need_csrf(app, make, login):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    user = make.user()
    # Sign in through the form with its CSRF token.
    page = client.get("/auth/login").get_data(as_text=True)
    csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/auth/login", data={"email": user.email, "password": "correct horse battery",
                                            "csrf_token": csrf}).status_code == 302
    assert client.get("/api/v1/me").status_code == 200  # reads need no token
    # The session (and its CSRF token) is renewed at sign-in: take the new one.
    page = client.get("/account/tokens").get_data(as_text=True)
    csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert_error(client.post("/api/v1/tokens", json={"name": "x"}), 400, "csrf_failed")
    ok = client.post("/api/v1/tokens", json={"name": "x"}, headers={"X-CSRFToken": csrf})
    assert ok.status_code == 201


def test_openapi_document_is_generated_from_the_schemas(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert {"/me", "/tokens", "/tokens/{token_id}"} <= set(doc["paths"])
    post = doc["paths"]["/tokens"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/Token")
    assert "422" in post["responses"] and "401" in post["responses"]
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "Error" in doc["components"]["schemas"]
    listing = doc["paths"]["/tokens"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"page", "per_page"}


def test_open_endpoints_document_the_401_of_a_bad_token(client):
    # Visitors need no token, but a revoked or mistyped one is refused.
    response = client.get("/api/v1/articles", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "401" in doc["paths"]["/articles"]["get"]["responses"]


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/v1/conferences/2147483648/registrations"),  # POST shares the path
    ("PATCH", "/api/v1/articles/2147483648"),  # GET shares the path
    ("GET", "/api/v1/articles/9999999999"),
])
def test_ids_past_int4_are_404_whatever_the_method(client, make, token_for, method, path):
    response = client.open(path, method=method, json={}, headers=token_for(make.member()))
    assert_error(response, 404, "not_found")


def test_api_messages_follow_the_callers_language(client, make, token_for):
    japanese = make.user(locale="ja")
    english = make.user(locale="en")
    ja = client.post("/api/v1/tokens", data="{", headers={**token_for(japanese),
                                                          "Content-Type": "application/json"})
    en = client.post("/api/v1/tokens", data="{", headers={**token_for(english),
                                                          "Content-Type": "application/json"})
    assert en.get_json()["error"]["message"] == "The body is not valid JSON."
    assert ja.get_json()["error"]["message"] != en.get_json()["error"]["message"]


def test_validation_messages_are_in_the_callers_language(client, make, token_for):
    japanese = client.post("/api/v1/tokens", json={}, headers=token_for(make.user(locale="ja")))
    english = client.post("/api/v1/tokens", json={}, headers=token_for(make.user(locale="en")))
    assert english.get_json()["error"]["fields"]["name"] == ["This field is required."]
    assert japanese.get_json()["error"]["fields"]["name"] == ["この項目は必須です。"]
    long_name = client.post("/api/v1/tokens", json={"name": "x" * 81},
                            headers=token_for(make.user(locale="en")))
    assert long_name.get_json()["error"]["fields"]["name"] == ["Use 1 to 80 characters."]

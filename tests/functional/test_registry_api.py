"""The registry and asset endpoints of the API."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from federation.extensions import db
from federation.models import AlumniGroup, OutboxMail, Role
from tests.functional.test_assets import slot



@pytest.fixture
def setup(make, token_for):
    owner = make.user(role=Role.operator, email="owner@alumni.example.jp")
    asker = make.user(role=Role.operator, email="asker@alumni.example.jp")
    a = make.group(slug="group-a", operators=(owner,), name_ja="大洋商事 アルムナイ")
    b = make.group(slug="group-b", operators=(asker,), is_public=False)
    return token_for(owner), token_for(asker), a, b


def test_groups_list_get_and_patch(client, setup):
    owner_h, asker_h, a, b = setup
    listing = client.get("/api/v1/groups?q=大洋", headers=owner_h).get_json()
    assert listing["total"] == 1 and listing["items"][0]["slug"] == "group-a"
    assert client.get("/api/v1/groups/group-b", headers=owner_h).status_code == 200
    assert client.get("/api/v1/groups/nope", headers=owner_h).status_code == 404

    patched = client.patch("/api/v1/groups/group-a", headers=owner_h, json={
        "maturity_level": 4, "need_pairs": ["pr"], "registered_members": 1200,
        "revenue_model": "company_paid"})
    assert patched.status_code == 200, patched.get_json()
    body = patched.get_json()
    assert body["maturity_level"] == 4 and body["need_pairs"] == ["pr"]
    assert body["member_counts"][-1]["members"] == 1200

    forbidden = client.patch("/api/v1/groups/group-a", headers=asker_h, json={"name_ja": "x"})
    assert forbidden.status_code == 403 and forbidden.get_json()["error"]["code"] == "forbidden"
    bad = client.patch("/api/v1/groups/group-a", headers=owner_h, json={"maturity_level": 9,
                                                                         "name_ja": ""})
    assert bad.status_code == 422 and "maturity_level" in bad.get_json()["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(AlumniGroup, a.id).name_ja == "大洋商事 アルムナイ"


def test_visitors_get_401_from_the_api(client, setup):
    assert client.get("/api/v1/groups").status_code == 401


def test_assets_and_requests_through_the_api(client, setup):
    owner_h, asker_h, a, b = setup
    start, end = slot()
    created = client.post("/api/v1/groups/group-a/assets", headers=owner_h, json={
        "kind": "venue", "title": "大会議室", "area": "千代田区", "capacity": 100,
        "availability": [{"weekday": d, "start": "09:00", "end": "21:00"} for d in range(7)]})
    assert created.status_code == 201, created.get_json()
    asset_id = created.get_json()["id"]
    assert client.post("/api/v1/groups/group-a/assets", headers=asker_h,
                       json={"kind": "content", "title": "x",
                             "content_type": "video"}).status_code == 403
    assert client.patch(f"/api/v1/assets/{asset_id}", headers=asker_h,
                        json={"title": "x"}).status_code == 403
    assert client.get("/api/v1/assets?kind=venue", headers=asker_h).get_json()["total"] == 1

    naive = client.post(f"/api/v1/assets/{asset_id}/requests", headers=asker_h, json={
        "starts_at": start.replace(tzinfo=None).isoformat(), "ends_at": end.isoformat()})
    assert naive.status_code == 422
    ids = []
    for offset in (0, 1):
        response = client.post(f"/api/v1/assets/{asset_id}/requests", headers=asker_h, json={
            "message": "お願いします", "starts_at": (start + timedelta(hours=offset)).isoformat(),
            "ends_at": (end + timedelta(hours=offset)).isoformat()})
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    incoming = client.get("/api/v1/asset-requests?box=incoming", headers=owner_h).get_json()
    assert incoming["total"] == 2
    assert client.get("/api/v1/asset-requests?box=incoming", headers=asker_h).get_json()["total"] == 0
    assert client.post(f"/api/v1/asset-requests/{ids[0]}/accept", headers=asker_h,
                       json={}).status_code == 403
    accepted = client.post(f"/api/v1/asset-requests/{ids[0]}/accept", headers=owner_h,
                           json={"message": "どうぞ"})
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    conflict = client.post(f"/api/v1/asset-requests/{ids[1]}/accept", headers=owner_h, json={})
    assert conflict.status_code == 409 and conflict.get_json()["error"]["code"] == "conflict"
    cancelled = client.post(f"/api/v1/asset-requests/{ids[1]}/cancel", headers=asker_h, json={})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert client.delete(f"/api/v1/assets/{asset_id}", headers=owner_h).status_code == 204
    assert client.get(f"/api/v1/assets/{asset_id}", headers=owner_h).status_code == 404
    templates = db.session.scalars(select(OutboxMail.template).order_by(OutboxMail.id)).all()
    assert templates == ["asset_request_new", "asset_request_new", "asset_request_accepted",
                         "asset_request_cancelled"]


def test_openapi_lists_the_registry_paths(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/groups", "/groups/{slug}", "/assets", "/groups/{slug}/assets",
                 "/assets/{asset_id}", "/assets/{asset_id}/requests", "/asset-requests",
                 "/asset-requests/{request_id}/accept"):
        assert path in paths

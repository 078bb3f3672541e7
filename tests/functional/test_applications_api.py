"""The applications API: 201 with the assessment, visibility, decisions, 409."""
from datetime import date, timedelta

from sqlalchemy import func, select

from federation.extensions import db
from federation.models import AlumniGroup, OperatorApplication, Role
from tests.functional.test_api_base import assert_error


def body(**overrides) -> dict:
    today = date.today()
    data = {
        "name_ja": "青葉銀行 アルムナイ", "name_en": "Aoba Bank Alumni",
        "company_name": "青葉銀行", "founded_on": "2017-10-01",
        "registered_members": 1500, "members_counted_on": (today - timedelta(days=10)).isoformat(),
        "events_last_12_months": 6,
        "event_examples": [{"title": "Autumn meetup", "held_on": "2025-10-10", "attendance": 60}],
        "governance_type": "company_hosted", "liaison_department": "人事部",
        "membership_scope": "group_companies", "admits_outsiders": False,
        "audience": "working", "purpose": "co_creation",
        "operating_since": (today - timedelta(days=400)).isoformat(), "involvement": "weekly",
        "role_description": "Events and newsletters",
    }
    data.update(overrides)
    return data


def test_apply_answers_201_with_the_assessment(client, make, token_for):
    headers = token_for(make.user(locale="en"))
    response = client.post("/api/v1/applications", json=body(registered_members=10),
                           headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    data = response.get_json()
    assert [c["key"] for c in data["assessment"]] == [
        "track_record", "officialness", "alumni_membership", "active_professionals",
        "operating_member"]
    track = data["assessment"][0]
    assert track["verdict"] == "fail" and "below the minimum of 300" in track["reason"]
    assert {c["verdict"] for c in data["assessment"][1:]} == {"pass"}
    assert data["status"] == "pending"


def test_validation_and_second_open_application(client, make, token_for):
    headers = token_for(make.user())
    bad = client.post("/api/v1/applications", json=body(involvement="sometimes",
                                                        registered_members=-1), headers=headers)
    error = assert_error(bad, 422, "validation_error")
    assert {"involvement", "registered_members"} <= set(error["fields"])
    missing = client.post("/api/v1/applications", json=body(name_ja=""), headers=headers)
    assert "name_ja" in assert_error(missing, 422, "validation_error")["fields"]
    assert db.session.scalar(select(func.count(OperatorApplication.id))) == 0
    assert client.post("/api/v1/applications", json=body(), headers=headers).status_code == 201
    assert_error(client.post("/api/v1/applications", json=body(), headers=headers), 409,
                 "conflict")


def test_second_operator_by_group_slug(client, make, token_for):
    group = make.group(slug="aoba-bank")
    headers = token_for(make.user())
    response = client.post("/api/v1/applications", json={
        "group": "aoba-bank", "operating_since": "2020-01-01", "involvement": "monthly",
        "role_description": "広報"}, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["group"] == group.slug
    unknown = client.post("/api/v1/applications", json={
        "group": "nope", "operating_since": "2020-01-01", "involvement": "monthly",
        "role_description": "広報"}, headers=headers)
    assert "group" in assert_error(unknown, 422, "validation_error")["fields"]


def test_visibility_and_decisions(client, make, token_for):
    applicant, stranger = make.user(), make.user()
    coordinator = make.user(role=Role.coordinator)
    mine = make.application(applicant)
    make.application(stranger)
    as_applicant, as_stranger = token_for(applicant), token_for(stranger)
    as_coordinator = token_for(coordinator)

    listed = client.get("/api/v1/applications", headers=as_applicant).get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == mine.id
    assert client.get("/api/v1/applications", headers=as_coordinator).get_json()["total"] == 2
    assert client.get(f"/api/v1/applications/{mine.id}", headers=as_applicant).status_code == 200
    assert_error(client.get(f"/api/v1/applications/{mine.id}", headers=as_stranger), 404,
                 "not_found")

    decision = {"decision": "approve", "message": "ようこそ"}
    assert_error(client.post(f"/api/v1/applications/{mine.id}/decision", json=decision,
                             headers=as_stranger), 404, "not_found")
    assert_error(client.post(f"/api/v1/applications/{mine.id}/decision", json=decision,
                             headers=as_applicant), 403, "forbidden")
    assert_error(client.post(f"/api/v1/applications/{mine.id}/decision",
                             json={"decision": "maybe", "message": ""},
                             headers=as_coordinator), 422, "validation_error")
    response = client.post(f"/api/v1/applications/{mine.id}/decision", json=decision,
                           headers=as_coordinator)
    assert response.status_code == 200 and response.get_json()["status"] == "approved"
    assert db.session.scalar(select(func.count(AlumniGroup.id))) == 1
    assert_error(client.post(f"/api/v1/applications/{mine.id}/decision",
                             json={"decision": "reject", "message": "no"},
                             headers=as_coordinator), 409, "conflict")
    assert client.get("/api/v1/applications", headers={}).status_code == 401


def test_openapi_lists_the_application_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post", "get"} <= set(paths["/applications"])
    assert "post" in paths["/applications/{application_id}/decision"]

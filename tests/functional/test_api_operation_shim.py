"""Modules still declared with the old `@operation` keep working and are
documented, until they are ported (see blueprints/api/__init__.py)."""
import pytest
from sqlalchemy import select

from federation.blueprints.api import Blueprint, operation
from federation.models import ApiToken
from federation.schemas.account import TokenSchema
from tests.functional.test_api_base import assert_error


@pytest.fixture
def legacy_client(app):
    legacy = Blueprint("legacy", __name__)

    @operation("/things/<int:thing_id>", "POST", summary="A legacy write", tag="legacy",
               body=TokenSchema, response=TokenSchema, status=201, errors=(404,),
               blueprint=legacy)
    def legacy_write(actor, thing_id, data):
        return {"id": thing_id, "name": data["name"]}

    @operation("/things", summary="A legacy list", tag="legacy", response=TokenSchema,
               paginated=True, query={"q": {"type": "string"}}, blueprint=legacy)
    def legacy_list(actor):
        return select(ApiToken).where(ApiToken.user_id == actor.id)

    api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    api.register_blueprint(legacy, url_prefix="/api/v1/legacy")
    return app.test_client()


def test_old_style_operations_serve_validate_and_are_documented(legacy_client, make,
                                                                token_for):
    headers = token_for(make.user())
    created = legacy_client.post("/api/v1/legacy/things/7", headers=headers,
                                 json={"name": "x"})
    assert created.status_code == 201 and created.get_json()["id"] == 7
    assert "name" in assert_error(legacy_client.post("/api/v1/legacy/things/7",
                                                     headers=headers, json={}),
                                  422, "validation_error")["fields"]
    listing = legacy_client.get("/api/v1/legacy/things?q=a", headers=headers).get_json()
    assert listing["total"] == 1 and listing["page"] == 1
    assert_error(legacy_client.get("/api/v1/legacy/things"), 401, "unauthorized")
    doc = legacy_client.get("/api/v1/openapi.json").get_json()
    post = doc["paths"]["/legacy/things/{thing_id}"]["post"]
    assert {"201", "401", "404", "422"} <= set(post["responses"])
    assert {p["name"] for p in doc["paths"]["/legacy/things"]["get"]["parameters"]} >= {
        "page", "per_page", "q"}

"""The contract of api.md as a client sees it: typed query values, status
codes, headers, conditional GETs, bounded inputs, and the endpoints that
complete the workflows (propose → publish, the introductions inbox, blocks
and reports, the personal calendar feed)."""
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from federation.extensions import db
from federation.models import (AbuseReport, DirectoryBlock, Introduction, IntroductionStatus,
                               Role)
from tests.functional.test_api_base import assert_error
from tests.functional.test_events import local, world  # noqa: F401  (fixture)


@pytest.mark.parametrize("url,field", [
    ("/api/v1/assets?kind=bogus", "kind"),
    ("/api/v1/assets?capacity=abc", "capacity"),
    ("/api/v1/events?month=2030-13", "month"),
    # Year 1 in Japan time is before year 1 in UTC: refused, not a 500.
    ("/api/v1/events?month=0001-01", "month"),
    ("/api/v1/events?month=9999-12", "month"),
    ("/api/v1/events?when=soon", "when"),
    ("/api/v1/groups?maturity=9", "maturity"),
    ("/api/v1/asset-requests?box=sideways", "box"),
    ("/api/v1/introductions?box=sideways", "box"),
    ("/api/v1/directory?need=bogus", "need"),
    ("/api/v1/applications?status=bogus", "status"),
])
def test_query_values_outside_their_type_are_422(client, make, token_for, url, field):
    error = assert_error(client.get(url, headers=token_for(make.user())), 422,
                         "validation_error")
    assert field in error["fields"]


def test_401_says_bearer_and_tokens_get_no_cookie(client, make, token_for):
    response = client.get("/api/v1/me")
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    ok = client.get("/api/v1/me", headers=token_for(make.user()))
    assert ok.status_code == 200 and "Set-Cookie" not in ok.headers
    assert "private" in ok.headers["Cache-Control"]


def test_405_and_unknown_paths_answer_the_error_shape_and_are_documented(client, make,
                                                                          token_for):
    response = client.put("/api/v1/tokens", headers=token_for(make.user()))
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    doc = client.get("/api/v1/openapi.json").get_json()
    post = doc["paths"]["/tokens"]["post"]["responses"]
    assert {"201", "400", "401", "413", "422"} <= set(post)
    assert "default" not in post  # every status is listed
    assert "429" in doc["paths"]["/directory"]["get"]["responses"]
    page = doc["components"]["schemas"]["ProfilePage"]
    assert {"items", "page", "per_page", "total", "total_capped"} <= set(page["properties"])


def test_bodies_are_bounded_in_the_schemas(client, make, token_for):
    operator = make.user(role=Role.operator)
    group = make.group(operators=(operator,))
    headers = token_for(operator)
    huge = client.post(f"/api/v1/groups/{group.slug}/assets", headers=headers, json={
        "kind": "venue", "title": "会議室", "area": "丸の内", "capacity": 2**40,
        "availability": [{"weekday": 0, "start": "18:00", "end": "21:00"}]})
    assert "capacity" in assert_error(huge, 422, "validation_error")["fields"]
    nul = client.post("/api/v1/tokens", headers=headers, json={"name": "a\x00b"})
    assert "name" in assert_error(nul, 422, "validation_error")["fields"]
    far = client.post("/api/v1/events", headers=headers, json={
        "group": group.slug, "title_ja": "x", "format": "online", "capacity": 10,
        "starts_at": "9999-12-31T23:00:00-05:00", "ends_at": "9999-12-31T23:30:00-05:00"})
    assert "starts_at" in assert_error(far, 422, "validation_error")["fields"]
    for url in ("/api/v1/events/99999999999999999999", f"/api/v1/groups/{group.slug}%00"):
        assert_error(client.get(url, headers=headers), 404, "not_found")


def test_second_rsvp_is_409_with_the_registration(client, world, make, token_for):
    event = make.event(world["lead"])
    headers = token_for(world["member"])
    url = f"/api/v1/events/{event.id}/registrations"
    first = client.post(url, headers=headers, json={})
    assert first.status_code == 201
    again = client.post(url, headers=headers)
    assert again.status_code == 409 and again.get_json() == first.get_json()


def test_second_conference_registration_is_409(client, make, token_for):
    make.edition(2031, phase="decided")
    headers = token_for(make.member())
    first = client.post("/api/v1/conferences/2031/registrations", headers=headers)
    assert first.status_code == 201
    again = client.post("/api/v1/conferences/2031/registrations", headers=headers)
    assert again.status_code == 409 and again.get_json()["id"] == first.get_json()["id"]


@pytest.mark.parametrize("body", [{}, {"year": "abc"}, {"year": 2031, "capacity": -1}])
def test_member_creating_a_conference_is_403_whatever_the_body(client, make, token_for, body):
    response = client.post("/api/v1/conferences", headers=token_for(make.user()), json=body)
    assert_error(response, 403, "forbidden")


def test_single_resources_answer_304_on_a_matching_etag(client, world, make, token_for):
    event = make.event(world["lead"])
    headers = token_for(world["member"])
    first = client.get(f"/api/v1/events/{event.id}", headers=headers)
    etag = first.headers["ETag"]
    again = client.get(f"/api/v1/events/{event.id}", headers={**headers,
                                                             "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    event.title_ja = "変更後"
    db.session.commit()
    changed = client.get(f"/api/v1/events/{event.id}", headers={**headers,
                                                               "If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["title_ja"] == "変更後"


def test_an_event_is_published_through_the_api_alone(client, world, token_for):
    lead_h, coord_h = token_for(world["lead_op"]), token_for(world["coordinator"])
    start = local(days=20)
    created = client.post("/api/v1/events", headers=lead_h, json={
        "group": "lead", "title_ja": "API だけの会", "format": "online", "capacity": 10,
        "online_url": "https://meet.example.jp/api", "audience": "members",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()})
    assert created.status_code == 201, created.get_json()
    event_id = created.get_json()["id"]
    assert client.post(f"/api/v1/events/{event_id}/propose",
                       headers=token_for(world["member"])).status_code == 404
    proposed = client.post(f"/api/v1/events/{event_id}/propose", headers=lead_h)
    assert proposed.status_code == 200 and proposed.get_json()["status"] == "proposed"
    assert_error(client.post(f"/api/v1/events/{event_id}/propose", headers=lead_h), 409,
                 "conflict")
    published = client.post(f"/api/v1/events/{event_id}/publish", headers=coord_h)
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    board = client.get("/api/v1/events", headers=token_for(world["member"])).get_json()
    assert [e["title_ja"] for e in board["items"]] == ["API だけの会"]


def test_introductions_inbox_block_and_report(client, make, token_for):
    me, sender, coordinator = make.user(), make.user(), make.user(role=Role.coordinator)
    first = Introduction(sender_id=sender.id, recipient_id=me.id, message="はじめまして")
    db.session.add(first)
    db.session.commit()
    headers = token_for(me)
    incoming = client.get("/api/v1/introductions?box=incoming", headers=headers).get_json()
    assert [i["id"] for i in incoming["items"]] == [first.id]
    assert incoming["items"][0]["sender_name"] == sender.display_name
    outgoing = client.get("/api/v1/introductions?box=outgoing", headers=token_for(sender))
    assert outgoing.get_json()["items"][0]["status"] == "pending"
    # The sender cannot block or report themselves through their own request.
    assert_error(client.post(f"/api/v1/introductions/{first.id}/block",
                             headers=token_for(sender)), 403, "forbidden")
    reported = client.post(f"/api/v1/introductions/{first.id}/report", headers=headers,
                           json={"reason": "勧誘目的でした"})
    assert reported.status_code == 201 and reported.get_json()["reported_id"] == sender.id
    blocked = client.post(f"/api/v1/introductions/{first.id}/block", headers=headers)
    assert blocked.status_code == 200 and blocked.get_json()["blocked_id"] == sender.id
    db.session.expire_all()
    assert db.session.get(Introduction, first.id).status == IntroductionStatus.declined
    assert db.session.scalar(select(func.count(DirectoryBlock.id))) == 1
    reports = client.get("/api/v1/abuse-reports", headers=token_for(coordinator)).get_json()
    assert reports["total"] == 1 and reports["items"][0]["reason"] == "勧誘目的でした"
    assert db.session.scalar(select(func.count(AbuseReport.id))) == 1


def test_personal_calendar_feed_url_reset_and_conditional_get(client, world, make, token_for,
                                                              app):
    event = make.event(world["lead"], title_ja="申し込んだ会")
    make.registration(event, world["member"])
    headers = token_for(world["member"])
    url = client.get("/api/v1/me/calendar", headers=headers).get_json()["url"]
    assert url.startswith(app.config["EXTERNAL_URL"].rstrip("/") + "/calendar/")
    path = "/calendar/" + url.rsplit("/calendar/", 1)[1]
    feed = client.get(path)
    assert feed.status_code == 200
    calendar = Calendar.from_ical(feed.data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    again = client.get(path)
    assert again.data == feed.data  # DTSTAMP does not move between fetches
    assert client.get(path, headers={"If-None-Match": feed.headers["ETag"]}).status_code == 304
    assert {"private", "no-cache"} <= {d.strip() for d in feed.headers["Cache-Control"].split(",")}
    new_url = client.post("/api/v1/me/calendar/reset", headers=headers).get_json()["url"]
    assert new_url != url
    assert client.get(path).status_code == 404
    assert client.get("/calendar/" + new_url.rsplit("/calendar/", 1)[1]).status_code == 200


def test_calendar_name_is_escaped(client, make, world):
    group = make.group(slug="comma", name_ja="大洋, 青葉; 合同", is_public=True)
    feed = client.get(f"/calendar/groups/{group.slug}.ics")
    assert feed.status_code == 200
    line = next(line for line in feed.get_data(as_text=True).splitlines()
                if line.startswith("X-WR-CALNAME:"))
    assert line == "X-WR-CALNAME:大洋\\, 青葉\\; 合同"


def test_event_ics_is_conditional(client, world, make):
    event = make.event(world["lead"], audience="public")
    first = client.get(f"/events/{event.id}.ics")
    assert first.status_code == 200 and first.headers["ETag"]
    assert client.get(f"/events/{event.id}.ics",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_gunicorn_limit_errors_answer_the_error_shape(database_uri):
    """A request line past gunicorn's limit never reaches the app: gunicorn's
    own answer is in the error shape too."""
    import http.client
    import json
    import os
    import subprocess
    import sys
    import time

    from tests.functional.test_events_api import ROOT, _free_port

    port = _free_port()
    env = {**os.environ, "FEDERATION_CONFIG": "testing", "DATABASE_URL": database_uri,
           "SECRET_KEY": "testing-secret", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        answers = {}
        for name, path, headers in (
                ("line", "/api/v1/events?q=" + "x" * 9000, {}),
                ("headers", "/api/v1/events", {f"X-Filler-{n}": "y" for n in range(120)})):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            answers[name] = (response.status, response.getheader("Content-Type"),
                             json.loads(response.read()))
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert answers["line"][:2] == (414, "application/json")
    assert answers["line"][2]["error"]["code"] == "uri_too_long"
    assert answers["headers"][:2] == (431, "application/json")
    assert set(answers["headers"][2]["error"]) == {"code", "message", "fields"}


def test_knowledge_lists_in_bodies_are_bounded(client, make, token_for):
    operator = make.user(role=Role.operator)
    make.group(operators=(operator,))
    response = client.post("/api/v1/articles", headers=token_for(operator), json={
        "title_ja": "記事", "body_ja": "本文", "category": "operations",
        "maturity_levels": [1, 2, 3, 4, 5, 1]})
    assert_error(response, 422, "validation_error")
    assert "maturity_levels" in response.get_json()["error"]["fields"]


def test_every_operation_documents_the_servers_414(client):
    """gunicorn answers a request line past its limit with 414 in the error
    shape before the app runs; the fuzzer reached it with a long query."""
    doc = client.get("/api/v1/openapi.json").get_json()
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in doc["paths"].items()
        for method, operation in operations.items()
        if method in {"get", "post", "put", "patch", "delete"} and "414" not in operation["responses"]
    ]
    assert undocumented == []


def test_every_get_documents_its_304_and_every_status_is_an_enum(client):
    """Every successful GET answers 304 on a matching ETag (api_headers), so
    each lists it; a status a client branches on is a typed enum."""
    doc = client.get("/api/v1/openapi.json").get_json()
    without_304 = [path for path, operations in doc["paths"].items()
                   if "get" in operations and "304" not in operations["get"]["responses"]]
    assert without_304 == []
    untyped = [name for name, schema in doc["components"]["schemas"].items()
               if "status" in schema.get("properties", {})
               and "enum" not in schema["properties"]["status"]
               and "$ref" not in str(schema["properties"]["status"])]
    assert untyped == []
    assert "MethodNotAllowed" in doc["components"]["responses"]
    assert "431" in doc["paths"]["/tokens"]["post"]["responses"]

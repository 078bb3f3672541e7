"""The joint-event API, calendar files parsed with icalendar, and the
no-overbooking rule under concurrent registrations (threads and processes)."""
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import json
import urllib.error
import urllib.request

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from federation.extensions import db
from federation.models import (EventRegistration, JointEvent, OutboxMail, RegistrationStatus,
                               Role, User)
from federation.services import accounts
from tests.conftest import ON_POSTGRES
from tests.functional.test_events import local, world  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def token_for(app):
    def issue(user):
        _token, raw = accounts.create_api_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {raw}"}
    return issue


def test_create_confirm_publish_register_through_the_api(client, world, token_for):
    lead_h, co_h = token_for(world["lead_op"]), token_for(world["co_op"])
    coord_h, member_h = token_for(world["coordinator"]), token_for(world["member"])
    start = local()
    created = client.post("/api/v1/events", headers=lead_h, json={
        "group": "lead", "title_en": "Cross-industry night", "format": "in_person",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
        "capacity": 1, "audience": "public", "tags": ["networking"]})
    assert created.status_code == 201, created.get_json()
    event = created.get_json()
    assert event["status"] == "draft" and event["hosts"][0]["group"] == "lead"
    bad = client.post("/api/v1/events", headers=lead_h, json={"group": "lead", "format": "x",
                                                              "capacity": 0})
    assert bad.status_code == 422 and {"format", "capacity", "starts_at"} <= set(
        bad.get_json()["error"]["fields"])
    # Someone else's draft: invisible.
    assert client.get(f"/api/v1/events/{event['id']}", headers=member_h).status_code == 404
    assert client.post(f"/api/v1/events/{event['id']}/publish", headers=coord_h).status_code == 409
    from federation.services import events as service
    service.invite_host(world["lead_op"], db.session.get(JointEvent, event["id"]), world["co"])
    db.session.commit()
    assert client.post(f"/api/v1/events/{event['id']}/hosts/co/confirm",
                       headers=member_h).status_code == 404
    assert client.post(f"/api/v1/events/{event['id']}/hosts/co/confirm",
                       headers=lead_h).status_code == 403
    confirmed = client.post(f"/api/v1/events/{event['id']}/hosts/co/confirm", headers=co_h)
    assert confirmed.status_code == 200
    assert client.post(f"/api/v1/events/{event['id']}/hosts/co/confirm",
                       headers=co_h).status_code == 409
    service.propose_event(world["lead_op"], db.session.get(JointEvent, event["id"]))
    db.session.commit()
    assert client.post(f"/api/v1/events/{event['id']}/publish", headers=lead_h).status_code == 403
    published = client.post(f"/api/v1/events/{event['id']}/publish", headers=coord_h)
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    # Visitors see a public event on the API board.
    assert client.get("/api/v1/events").get_json()["total"] == 1

    first = client.post(f"/api/v1/events/{event['id']}/registrations", headers=member_h, json={})
    assert first.status_code == 201 and first.get_json()["status"] == "confirmed"
    again = client.post(f"/api/v1/events/{event['id']}/registrations", headers=member_h, json={})
    assert again.get_json()["id"] == first.get_json()["id"]
    waiting = client.post(f"/api/v1/events/{event['id']}/registrations", headers=co_h, json={})
    assert waiting.status_code == 201 and waiting.get_json()["status"] == "waitlisted"
    assert client.delete(f"/api/v1/events/{event['id']}/registrations/me",
                         headers=member_h).status_code == 204
    assert client.delete(f"/api/v1/events/{event['id']}/registrations/me",
                         headers=member_h).status_code == 404
    assert db.session.scalar(select(EventRegistration.status).where(
        EventRegistration.user_id == world["co_op"].id)) == RegistrationStatus.confirmed
    assert db.session.scalar(select(func.count(OutboxMail.id)).where(
        OutboxMail.template == "event_promoted")) == 1
    # The online link shows only to confirmed attendees and hosts.
    patched = client.patch(f"/api/v1/events/{event['id']}", headers=lead_h,
                           json={"format": "hybrid", "online_url": "https://meet.example.jp/x"})
    assert patched.status_code == 200 and patched.get_json()["sequence"] >= 1
    assert client.get(f"/api/v1/events/{event['id']}").get_json()["online_url"] is None
    assert client.get(f"/api/v1/events/{event['id']}",
                      headers=co_h).get_json()["online_url"] == "https://meet.example.jp/x"
    assert client.patch(f"/api/v1/events/{event['id']}", headers=member_h,
                        json={"capacity": 5}).status_code == 403


def _parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def test_event_ics_is_valid_with_tokyo_time_stable_uid_and_rising_sequence(client, login, world,
                                                                           make):
    event = make.event(world["lead"], audience="public", title_ja="合同勉強会")
    response = client.get(f"/events/{event.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = _parse(response.data)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "合同勉強会"
    assert vevent["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert vevent.decoded("DTSTART") == event.starts_at
    assert "secret-room" not in response.get_data(as_text=True)  # not confirmed
    uid, sequence = str(vevent["UID"]), int(vevent["SEQUENCE"])
    login(world["lead_op"])
    client.post(f"/events/{event.id}/edit", data={
        "title_ja": "合同勉強会", "format": "hybrid",
        "starts_at": local(days=20).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local(days=20) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "online_url": "https://meet.example.jp/secret-room", "capacity": "50",
        "audience": "public"})
    (updated,) = _parse(client.get(f"/events/{event.id}.ics").data).walk("VEVENT")
    assert str(updated["UID"]) == uid and int(updated["SEQUENCE"]) > sequence
    assert "secret-room" in str(updated["DESCRIPTION"])  # hosts see the link


def test_personal_feed_by_secret_and_reset(client, login, world, make):
    mine = make.event(world["lead"], title_ja="申し込んだ会")
    make.event(world["co"], title_ja="関係ない会")
    hidden = make.event(world["co"], title_ja="主催限定の会", audience="hosts")
    make.registration(mine, world["member"])
    make.registration(hidden, world["member"])  # registered, but no longer in the audience
    login(world["member"])
    page = client.get("/events/calendar").get_data(as_text=True)
    import re
    url = re.search(r'value="(http://localhost/calendar/[^"]+\.ics)"', page).group(1)
    client.post("/auth/logout")
    feed = client.get(url.replace("http://localhost", ""))
    assert feed.status_code == 200
    summaries = [str(e["SUMMARY"]) for e in _parse(feed.data).walk("VEVENT")]
    assert summaries == ["申し込んだ会"]
    assert "secret-room" in feed.get_data(as_text=True)  # confirmed: the link is in it
    login(world["member"])
    client.post("/events/calendar")
    client.post("/auth/logout")
    assert client.get(url.replace("http://localhost", "")).status_code == 404
    assert client.get("/calendar/1-1-deadbeef.ics").status_code == 404
    assert client.get("/calendar/garbage.ics").status_code == 404
    # The group feed shows what the viewer's audience allows.
    group_feed = _parse(client.get("/calendar/groups/co.ics").data) if client.get(
        "/calendar/groups/co.ics").status_code == 200 else None
    assert group_feed is None or not group_feed.walk("VEVENT")


def _fire(app, event_id: int, users: list[User], headers=None):
    """Each registration is its own request with its own test client."""
    def one(user_id):
        with app.app_context():
            client = app.test_client()
            return client.post(f"/api/v1/events/{event_id}/registrations",
                               headers=headers[user_id], json={})

    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(one, [u.id for u in users]))


def test_no_overbooking_under_concurrent_registrations(app, make, world):
    event = make.event(world["lead"], cohosts=(world["co"],), capacity=20, quotas={"co": 5})
    people = []
    for n in range(60):
        user = make.member(email=f"rush{n}@alumni.example.jp")
        people.append(user)
    from federation.services.groups import add_operator
    for user in people[:15]:
        add_operator(world["co"], user)
    db.session.commit()
    headers = {}
    for user in people:
        _token, raw = accounts.create_api_token(user, "rush")
        headers[user.id] = {"Authorization": f"Bearer {raw}"}
    db.session.commit()
    db.session.commit()
    responses = _fire(app, event.id, people, headers)
    assert all(r.status_code == 201 for r in responses), {r.status_code for r in responses}
    statuses = [r.get_json()["status"] for r in responses]
    assert statuses.count("confirmed") == 20 and statuses.count("waitlisted") == 40
    db.session.rollback()
    assert db.session.scalar(select(func.count(EventRegistration.id)).where(
        EventRegistration.status == RegistrationStatus.confirmed)) == 20
    # The co-host's quota is never exceeded. (Not "exactly 5": which of the 60
    # racing requests gets the lock first is up to the scheduler; SQLite's busy
    # handler is not first-come-first-served, so under load the 20 seats can go
    # before five of the co-host's operators were served.)
    assert db.session.scalar(select(func.count(EventRegistration.id)).where(
        EventRegistration.status == RegistrationStatus.confirmed,
        EventRegistration.group_id == world["co"].id)) <= 5
    # The seat counters agree with COUNT after the race (services/seats.py).
    from federation.services import seats
    db.session.expire_all()
    assert db.session.get(type(event), event.id).seats_taken == 20
    assert seats.counter_drift() == []


def _http(method: str, url: str, headers: dict | None = None, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_no_overbooking_under_a_multi_process_server(app, make, world, database_uri, tmp_path):
    """Three gunicorn workers, 90 registrations at once for 30 seats."""
    event = make.event(world["lead"], capacity=30)
    raw_tokens = []
    for n in range(90):
        user = make.member(email=f"proc{n}@alumni.example.jp")
        raw_tokens.append(accounts.create_api_token(user, "rush")[1])
    db.session.commit()
    url = f"/api/v1/events/{event.id}/registrations"
    port = _free_port()
    env = {**os.environ, "FEDERATION_CONFIG": "testing", "DATABASE_URL": database_uri,
           "SECRET_KEY": "testing-secret", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "3", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if _http("GET", base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        with ThreadPoolExecutor(max_workers=30) as pool:
            responses = list(pool.map(lambda raw: _http(
                "POST", base + url,
                {"Authorization": f"Bearer {raw}"}, {}), raw_tokens))
    finally:
        server.terminate()
        server.wait(timeout=60)  # a loaded machine takes a while to stop three workers
    assert {status for status, _body in responses} == {201}
    statuses = [body["status"] for _status, body in responses]
    assert statuses.count("confirmed") == 30 and statuses.count("waitlisted") == 60
    db.session.rollback()
    assert db.session.scalar(select(func.count(EventRegistration.id)).where(
        EventRegistration.status == RegistrationStatus.confirmed)) == 30


def test_openapi_lists_the_event_operations(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post", "get"} <= set(paths["/events"])
    assert "delete" in paths["/events/{event_id}/registrations/me"]

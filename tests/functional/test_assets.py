"""Shared assets: each kind, requests and their mails, the venue slot rule
(including two acceptances racing), and someone else's asset."""
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from federation.extensions import db
from federation.models import (AssetKind, AssetRequest, OutboxMail, RequestStatus, Role,
                               SharedAsset)
from tests.conftest import ON_POSTGRES

TOKYO = ZoneInfo("Asia/Tokyo")


def slot(days=7, hour=10, hours=2):
    """A future slot in Tokyo time, inside the factories' 09:00-21:00 windows."""
    start = (datetime.now(TOKYO) + timedelta(days=days)).replace(hour=hour, minute=0, second=0,
                                                                 microsecond=0)
    return start, start + timedelta(hours=hours)


@pytest.fixture
def two_groups(make):
    owner = make.user(role=Role.operator, email="owner@alumni.example.jp")
    asker = make.user(role=Role.operator, email="asker@alumni.example.jp", locale="en")
    group_a = make.group(slug="group-a", operators=(owner,))
    group_b = make.group(slug="group-b", operators=(asker,))
    return owner, asker, group_a, group_b


FORMS = {
    "venue": {"title": "本社 大会議室", "area": "東京都港区", "address": "芝公園1-2-3",
              "capacity": "120", "is_free": "y", "availability": "月 18:00-21:30\nSat 10:00-17:00",
              "blocked_dates": "2030-01-01", "equipment": "プロジェクター、マイク"},
    "pr_channel": {"title": "公式メルマガ", "channel_type": "newsletter", "reach": "2400",
                   "audience": "卒業生", "url": "https://example.jp/news", "lead_time_days": "14"},
    "content": {"title": "グラレコ", "content_type": "graphic_recording", "turnaround_days": "5"},
    "speaker": {"title": "DXの実践", "speaker_name": "星野 光", "speaker_name_kana": "ほしの ひかる",
                "topics": "DX 新規事業", "languages": "日本語", "consent_confirmed": "y"},
}


@pytest.mark.parametrize("kind", list(FORMS))
def test_operator_lists_each_kind_of_asset(client, login, two_groups, kind):
    owner, _asker, group_a, _group_b = two_groups
    login(owner)
    response = client.post(f"/groups/group-a/assets/new?kind={kind}", data=FORMS[kind])
    assert response.status_code == 302, response.get_data(as_text=True)
    asset = db.session.scalar(select(SharedAsset))
    assert asset.kind == AssetKind(kind) and asset.group_id == group_a.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert FORMS[kind]["title"] in page
    listing = client.get("/assets/", query_string={"kind": kind}).get_data(as_text=True)
    assert FORMS[kind]["title"] in listing
    if kind == "venue":
        assert asset.availability == [{"weekday": 0, "start": "18:00", "end": "21:30"},
                                      {"weekday": 5, "start": "10:00", "end": "17:00"}]
        assert asset.capacity == 120 and asset.blocked_dates == ["2030-01-01"]
    if kind == "speaker":
        assert asset.consent_confirmed_at is not None


@pytest.mark.parametrize("kind,data,field", [
    ("venue", {"title": "会場", "area": "", "capacity": "50", "availability": "funday 1-2"},
     "availability"),
    ("venue", {"title": "会場", "area": "渋谷", "capacity": "", "availability": "月 10:00-12:00"},
     "capacity"),
    ("speaker", {"title": "講演", "speaker_name": "星野", "speaker_name_kana": "hoshino"},
     "speaker_name_kana"),
    ("speaker", {"title": "講演", "speaker_name": "星野", "speaker_name_kana": "ほしの"},
     "consent_confirmed"),
    ("pr_channel", {"title": "PR", "channel_type": ""}, "channel_type"),
])
def test_bad_asset_input_shows_field_errors_and_stores_nothing(client, login, two_groups, kind,
                                                               data, field):
    owner, *_ = two_groups
    login(owner)
    response = client.post(f"/groups/group-a/assets/new?kind={kind}", data=data)
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SharedAsset.id))) == 0


def test_someone_elses_asset_cannot_be_changed(client, make, login, two_groups):
    owner, asker, group_a, _group_b = two_groups
    asset = make.asset(group_a, "speaker")
    login(asker)
    assert client.post("/groups/group-a/assets/new?kind=venue", data=FORMS["venue"]).status_code == 403
    assert client.get(f"/assets/{asset.id}/edit").status_code == 403
    assert client.post(f"/assets/{asset.id}/edit", data={"title": "x"}).status_code == 403
    assert client.post(f"/assets/{asset.id}/delete").status_code == 403
    assert client.post(f"/assets/{asset.id}/pause").status_code == 403
    assert client.get("/assets/999999").status_code == 404
    db.session.expire_all()
    assert db.session.get(SharedAsset, asset.id).title != "x"


def test_asset_search_looks_in_each_field_and_follows_edits(client, make, login, two_groups):
    owner, asker, group_a, group_b = two_groups
    group_a.name_ja = "港アルムナイ会"
    venue = make.asset(group_a, "venue", title="ＤＸラボ　大会議室", area="横浜市")
    speaker = make.asset(group_b, "speaker", speaker_name_kana="ほしの ひかる")
    login(asker)

    def found(q):
        page = client.get("/assets/", query_string={"q": q}).get_data(as_text=True)
        return {a.id for a in (venue, speaker) if f"/assets/{a.id}\"" in page}

    assert found("dxラボ") == {venue.id}  # full-width Latin and case folded
    assert found("横浜") == {venue.id}  # the area, a two-character word
    assert found("ほしの") == {speaker.id}  # the speaker's reading
    assert found("港アルムナイ") == {venue.id}  # the owning group's name
    assert found("存在しない言葉") == set()
    client.post("/auth/logout")
    login(owner)
    form = {"title": "屋上テラス", "area": "横浜市", "address": "", "capacity": "30",
            "is_free": "y", "availability": "月 18:00-21:00"}
    assert client.post(f"/assets/{venue.id}/edit", data=form).status_code == 302
    assert found("屋上テラス") == {venue.id}
    assert found("大会議室") == set()


def test_paused_and_removed_assets_leave_the_lists(client, make, login, two_groups):
    owner, asker, group_a, _group_b = two_groups
    asset = make.asset(group_a, "pr_channel")
    login(owner)
    assert client.post(f"/assets/{asset.id}/pause").status_code == 302
    client.post("/auth/logout")
    login(asker)
    assert client.get(f"/assets/{asset.id}").status_code == 404
    assert asset.title not in client.get("/assets/").get_data(as_text=True)
    client.post("/auth/logout")
    login(owner)
    assert client.get(f"/assets/{asset.id}").status_code == 200  # its own group still sees it
    assert client.post(f"/assets/{asset.id}/delete").status_code == 302
    assert client.get(f"/assets/{asset.id}").status_code == 404


def test_request_accept_flow_with_mails_and_balance(client, app, make, login, two_groups):
    owner, asker, group_a, group_b = two_groups
    venue = make.asset(group_a, "venue")
    start, end = slot()
    login(asker)
    response = client.post(f"/assets/{venue.id}/request", data={
        "group": "group-b", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"), "message": "合同勉強会で使わせてください",
        "joint_event": "合同DX勉強会"})
    assert response.status_code == 302, response.get_data(as_text=True)
    request_row = db.session.scalar(select(AssetRequest))
    assert request_row.status == RequestStatus.pending
    assert request_row.starts_at == start.astimezone(request_row.starts_at.tzinfo)
    mails = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()
    assert [(m.recipient, m.template) for m in mails] == [
        ("owner@alumni.example.jp", "asset_request_new")]
    assert "合同勉強会で使わせてください" in mails[0].body_text

    client.post("/auth/logout")
    login(owner)
    incoming = client.get("/assets/requests?box=incoming").get_data(as_text=True)
    assert "合同勉強会で使わせてください" in incoming
    response = client.post(f"/assets/requests/{request_row.id}/accept",
                           data={"message": "どうぞご利用ください"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AssetRequest, request_row.id).status == RequestStatus.accepted
    accepted = db.session.scalar(select(OutboxMail).where(
        OutboxMail.template == "asset_request_accepted"))
    assert accepted.recipient == "asker@alumni.example.jp" and accepted.locale == "en"
    assert "accepted" in accepted.subject

    page = client.get(f"/assets/{venue.id}").get_data(as_text=True)
    assert "booking-accepted" in page
    balance_a = client.get("/groups/group-a").get_data(as_text=True)
    assert balance_a  # given 1 venue
    from federation.services.groups import give_balance
    assert give_balance(group_a)["given"]["venue"] == 1
    assert give_balance(group_b)["received"]["venue"] == 1
    # Each side once: what one group gave is not also counted as received.
    assert give_balance(group_a)["received"]["venue"] == 0
    assert give_balance(group_b)["given"]["venue"] == 0

    # Answering twice: 409, nothing changes.
    assert client.post(f"/assets/requests/{request_row.id}/decline").status_code == 302  # back to the page, the reason flashed


def test_decline_and_cancel_mail_the_other_side(client, make, login, two_groups):
    owner, asker, group_a, group_b = two_groups
    speaker = make.asset(group_a, "speaker")
    first = make.asset_request(speaker, group_b, asker)
    second = make.asset_request(speaker, group_b, asker)
    login(owner)
    assert client.post(f"/assets/requests/{first.id}/decline",
                       data={"message": "今回は日程が合いません"}).status_code == 302
    # The owner may not cancel the other group's request.
    assert client.post(f"/assets/requests/{second.id}/cancel").status_code == 403
    client.post("/auth/logout")
    login(asker)
    assert client.post(f"/assets/requests/{second.id}/cancel").status_code == 302
    assert client.post(f"/assets/requests/{first.id}/accept").status_code == 403
    templates = db.session.execute(select(OutboxMail.template, OutboxMail.recipient)
                                   .order_by(OutboxMail.id)).all()
    assert [tuple(t) for t in templates] == [
        ("asset_request_declined", "asker@alumni.example.jp"),
        ("asset_request_cancelled", "owner@alumni.example.jp")]
    db.session.expire_all()
    assert db.session.get(AssetRequest, second.id).status == RequestStatus.cancelled
    # A stranger does not even see the request.
    client.post("/auth/logout")
    login(make.user())
    assert client.post(f"/assets/requests/{second.id}/cancel").status_code == 404


@pytest.mark.parametrize("case", ["past", "outside_window", "blocked", "reversed", "across_days"])
def test_venue_slot_rules(client, make, login, two_groups, case):
    owner, asker, group_a, _group_b = two_groups
    start, end = slot(days=10)
    venue = make.asset(group_a, "venue", availability=[
        {"weekday": start.weekday(), "start": "09:00", "end": "18:00"}],
        blocked_dates=[start.date().isoformat()] if case == "blocked" else [])
    if case == "past":
        start, end = start - timedelta(days=14), end - timedelta(days=14)
    elif case == "outside_window":
        start, end = start.replace(hour=17), start.replace(hour=19)
    elif case == "reversed":
        start, end = end, start
    elif case == "across_days":
        end = end + timedelta(days=1)
    login(asker)
    response = client.post(f"/assets/{venue.id}/request", data={
        "group": "group-b", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"), "message": "お願いします"})
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AssetRequest.id))) == 0


def test_overlapping_accepted_slot_is_a_conflict(client, make, login, two_groups):
    owner, asker, group_a, group_b = two_groups
    venue = make.asset(group_a, "venue")
    start, end = slot()
    first = make.asset_request(venue, group_b, asker, start, end)
    second = make.asset_request(venue, group_b, asker, start + timedelta(hours=1),
                                end + timedelta(hours=1))
    adjacent = make.asset_request(venue, group_b, asker, end, end + timedelta(hours=1))
    login(owner)
    assert client.post(f"/assets/requests/{first.id}/accept").status_code == 302
    assert client.post(f"/assets/requests/{second.id}/accept").status_code == 302  # back to the page, the reason flashed
    assert client.post(f"/assets/requests/{adjacent.id}/accept").status_code == 302
    db.session.expire_all()
    assert db.session.get(AssetRequest, second.id).status == RequestStatus.pending
    # A new request for a booked slot is refused at once.
    client.post("/auth/logout")
    login(asker)
    response = client.post(f"/assets/{venue.id}/request", data={
        "group": "group-b", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"), "message": "再度"})
    # The form comes back with what was typed and why the slot is refused.
    assert response.status_code in (409, 422)
    assert "再度" in response.get_data(as_text=True)


def test_two_acceptances_racing_one_wins(app, make, login, two_groups):
    owner, asker, group_a, group_b = two_groups
    second_operator = make.user(role=Role.operator)
    from federation.services.groups import add_operator
    add_operator(group_a, second_operator)
    db.session.commit()
    venue = make.asset(group_a, "venue")
    start, end = slot()
    one = make.asset_request(venue, group_b, asker, start, end)
    two = make.asset_request(venue, group_b, asker, start + timedelta(minutes=30), end)
    clients = [login(owner, on=app.test_client()), login(second_operator, on=app.test_client())]
    barrier = threading.Barrier(2)
    results = []

    def accept(client, request_id):
        with app.app_context():
            barrier.wait()
            results.append(client.post(f"/assets/requests/{request_id}/accept").status_code)
            db.session.remove()

    threads = [threading.Thread(target=accept, args=(c, r.id))
               for c, r in zip(clients, (one, two))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [302, 302]  # the loser is sent back with the reason
    db.session.commit()  # end the test's own snapshot
    statuses = sorted(s.value for s in db.session.scalars(select(AssetRequest.status)))
    assert statuses == ["accepted", "pending"], statuses


@pytest.mark.skipif(not ON_POSTGRES, reason="the exclusion constraint is PostgreSQL's")
def test_database_refuses_overlapping_accepted_bookings(make, two_groups):
    _owner, asker, group_a, group_b = two_groups
    venue = make.asset(group_a, "venue")
    start, end = slot()
    make.asset_request(venue, group_b, asker, start, end, status="accepted")
    with pytest.raises(IntegrityError):
        make.asset_request(venue, group_b, asker, start + timedelta(hours=1),
                           end + timedelta(hours=1), status="accepted")
    db.session.rollback()


def test_the_requests_page_offers_each_side_what_it_may_do(client, login, make, two_groups):
    """request_actions decides the buttons: the owner answers a waiting
    request, the requester cancels it, and nobody cancels a slot that began."""
    from federation.services import assets

    owner, asker, group_a, group_b = two_groups
    venue = make.asset(group_a, "venue")
    start, end = slot()
    waiting = make.asset_request(venue, group_b, asker, start, end)
    begun = make.asset_request(venue, group_b, asker, datetime.now(TOKYO) - timedelta(hours=1),
                               datetime.now(TOKYO) + timedelta(hours=1), status="accepted")
    assert assets.request_actions(owner, waiting) == {"accept", "decline"}
    assert assets.request_actions(asker, waiting) == {"cancel"}
    assert assets.request_actions(asker, begun) == frozenset()
    assert assets.request_actions(owner, begun) == frozenset()

    login(asker)
    page = client.get("/assets/requests?box=outgoing").get_data(as_text=True)
    assert f"/assets/requests/{waiting.id}/cancel" in page
    assert f"/assets/requests/{begun.id}/cancel" not in page
    assert f"/assets/requests/{waiting.id}/accept" not in page
    client.post("/auth/logout")
    login(owner)
    page = client.get("/assets/requests").get_data(as_text=True)
    assert f"/assets/requests/{waiting.id}/accept" in page
    assert f"/assets/requests/{waiting.id}/decline" in page

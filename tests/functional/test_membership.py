"""Who is a member (one rule), and joining a member group by a join request."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from federation.extensions import db
from federation.models import (GroupMembership, JoinRequest, JoinRequestStatus, OutboxMail, Role,
                               User)
from federation.permissions import access_level, is_member
from federation.services import membership


@pytest.fixture
def world(make):
    op_a = make.user(role=Role.operator, email="op-a@alumni.example.jp")
    op_a2 = make.user(role=Role.operator, email="op-a2@alumni.example.jp", locale="en")
    op_b = make.user(role=Role.operator, email="op-b@alumni.example.jp")
    group_a = make.group(slug="toko", name_ja="東光コンサルティング アルムナイ", operators=(op_a, op_a2),
                         eligibility_rule="正社員として1年以上在籍した方")
    group_b = make.group(slug="aoba", name_ja="青葉銀行 アルムナイ", operators=(op_b,))
    stranger = make.user(email="stranger@alumni.example.jp", locale="en")
    return {"a": group_a, "b": group_b, "op_a": op_a, "op_a2": op_a2, "op_b": op_b,
            "stranger": stranger}


def unverified(app, make, **kwargs) -> User:
    with app.test_request_context():  # registering queues the verification mail
        return make.user(verified=False, **kwargs)


def mails_to(address: str) -> list[OutboxMail]:
    db.session.commit()
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == address)
                                   .order_by(OutboxMail.id)))


# --- who is a member ------------------------------------------------------------------

def test_the_rule_verified_and_an_accepted_membership_or_a_role(app, make):
    group = make.group()
    pending = unverified(app, make)
    db.session.add(GroupMembership(group_id=group.id, user_id=pending.id))
    db.session.commit()
    visitor = make.user()
    member = make.member(group)
    operator = make.user(role=Role.operator)
    coordinator = make.user(role=Role.coordinator)
    deactivated = make.member(group)
    deactivated.deactivated_at = datetime.now(timezone.utc)
    db.session.commit()
    assert [is_member(u) for u in (None, pending, visitor, member, operator, coordinator,
                                   deactivated)] == [False, False, False, True, True, True, False]
    assert [access_level(u) for u in (None, pending, visitor, member)] == [
        "anonymous", "unverified", "visitor", "member"]


def test_is_member_costs_one_query_per_request_whatever_the_callers(app, make, count_queries):
    member = make.member()
    assert member.email  # loaded before counting
    with app.test_request_context():
        with count_queries() as statements:
            assert all(is_member(member) for _ in range(50))
    assert len(statements) == 1


def test_unverified_accounts_can_verify_and_nothing_else(app, client, make, login, world):
    make.member(world["a"], email="found@alumni.example.jp")
    person = unverified(app, make, email="unverified@alumni.example.jp")
    login(person)
    for path in ("/directory/", "/assets/", "/groups/", "/events/", "/join",
                 "/applications/new", "/conferences/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/account/" in response.headers["Location"], path
    assert client.get("/account/").status_code == 200
    assert client.post("/groups/toko/join", data={}).status_code == 403
    api = client.get("/api/v1/directory")
    assert api.status_code == 403 and api.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/me").status_code == 200
    assert client.post("/account/tokens", data={"name": "x"}).status_code == 403
    assert client.post("/auth/logout").status_code == 302


def test_verified_non_members_see_public_pages_their_account_and_how_to_join(
        client, make, login, token_for, world):
    hidden = make.group(slug="hidden", name_ja="非公開アルムナイ", is_public=False)
    member = make.member(world["a"], email="found@alumni.example.jp", family_name="発見")
    from federation.services import directory

    with client.application.test_request_context():
        directory.update_profile(member, {"bio": "投資の相談", **make.shared()})
    db.session.commit()
    event = make.event(world["a"], audience="members")
    asset = make.asset(world["a"])
    visitor = world["stranger"]
    login(visitor)
    home = client.get("/").get_data(as_text=True)
    assert "/join" in home  # the navigation points the way in
    page = client.get("/join")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "/groups/toko/join" in body and "正社員として1年以上在籍した方" in body
    assert "/applications/new" in body
    for path in ("/directory/", "/assets/", f"/assets/{asset.id}"):
        response = client.get(path)
        assert response.status_code in (302, 403, 404), path
        assert "発見" not in response.get_data(as_text=True)
    assert client.get(f"/groups/{hidden.slug}").status_code == 404
    assert client.get(f"/events/{event.id}").status_code == 404
    assert client.post(f"/events/{event.id}/register").status_code == 404
    assert client.get(f"/events/{event.id}/attendees").status_code == 404
    assert client.get("/account/").status_code == 200
    assert client.get("/applications/new").status_code == 200
    headers = token_for(visitor)
    assert client.get("/api/v1/directory", headers=headers).status_code in (403, 404)
    assert client.get(f"/api/v1/events/{event.id}", headers=headers).status_code == 404
    assert client.get("/api/v1/assets", headers=headers).status_code in (403, 404)
    groups = client.get("/api/v1/groups", headers=headers).get_json()["items"]
    assert "hidden" not in {g["slug"] for g in groups}


def test_members_by_membership_see_the_directory(client, make, login, world):
    make.member(world["a"], email="found@alumni.example.jp", family_name="発見")
    login(make.member(world["b"]))
    assert client.get("/directory/").status_code == 200
    assert client.get("/groups/").status_code == 200


# --- the CLI and the demo -------------------------------------------------------------------

def test_cli_creates_a_member_of_a_group(runner, world):
    result = runner.invoke(args=["users", "create", "--email", "cli@alumni.example.jp",
                                 "--name", "山田 花子", "--kana", "やまだ はなこ", "--role", "member",
                                 "--group", "toko", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "cli@alumni.example.jp"))
    assert is_member(user)
    assert db.session.scalar(select(GroupMembership.group_id).where(
        GroupMembership.user_id == user.id)) == world["a"].id
    result = runner.invoke(args=["users", "create", "--email", "lone@alumni.example.jp",
                                 "--name", "一人 です", "--kana", "ひとり です", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0 and "not a member" in result.output
    lone = db.session.scalar(select(User).where(User.email == "lone@alumni.example.jp"))
    assert not is_member(lone)
    bad = runner.invoke(args=["users", "create", "--email", "x@alumni.example.jp", "--name",
                              "x y", "--group", "nowhere", "--password-stdin"], input="pw pw pw pw pw\n")
    assert bad.exit_code != 0 and "nowhere" in bad.output
    assert db.session.scalar(select(User).where(User.email == "x@alumni.example.jp")) is None


# Demo logins that belong to no member group, by design: the newcomer, an
# invited conference reviewer, a would-be operator applying and a practice
# community beginner (their pages do not need membership). The rest are members.
DEMO_NON_MEMBERS = {"verified non-member", "reviewer", "applicant", "practice community"}


def test_every_demo_member_login_is_a_member_and_the_newcomer_is_not(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    # Role labels have spaces ("verified non-member"): the address ends the label.
    printed = re.findall(r"^\s+(.+?)\s+(\S+@\S+)\s+password:", result.output, re.MULTILINE)
    roles = dict(printed)
    assert {"member", "verified non-member"} <= set(roles)
    assert DEMO_NON_MEMBERS <= set(roles)
    for role, email in roles.items():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None, email
        assert is_member(user) == (role not in DEMO_NON_MEMBERS), role


# --- joining a member group ---------------------------------------------------------------

ANSWERS = {"full_name": "見知 らぬ", "birth_date": "1984-05-06",
           "company_left": "戦略部門 2017年3月退職", "current_job": "事業会社 経営企画"}


def test_ask_approve_welcome_and_the_birth_date_is_erased(client, make, login, world, smtp):
    membership.update_settings(world["op_a"], world["a"], {
        "is_open": True, "builtin": list(membership.BUILTIN_QUESTIONS),
        "custom": "紹介者がいればお名前", "founding_statement_url": "https://toko.example.jp/statement",
        "approve_template": "ようこそ、東光アルムナイへ。", "decline_template": "",
        "approvers": [world["op_a"].id]})
    db.session.commit()
    login(world["stranger"])
    form = client.get("/groups/toko/join").get_data(as_text=True)
    assert "紹介者がいればお名前" in form and "正社員として1年以上在籍した方" in form
    missing = client.post("/groups/toko/join", data={**ANSWERS, "full_name": ""})
    assert missing.status_code == 422
    text = missing.get_data(as_text=True)
    assert "戦略部門 2017年3月退職" in text and 'aria-invalid="true"' in text
    sent = client.post("/groups/toko/join", data=ANSWERS)
    assert sent.status_code == 302
    request_row = db.session.scalar(select(JoinRequest))
    assert request_row.status == JoinRequestStatus.pending
    assert str(request_row.birth_date) == "1984-05-06"
    own = client.get(f"/join-requests/{request_row.id}").get_data(as_text=True)
    assert "1984" not in own and "Withdraw" in own
    again = client.post("/groups/toko/join", data=ANSWERS)
    assert again.status_code == 422 and "already asked" in again.get_data(as_text=True)  # en
    assert db.session.scalar(select(func.count(JoinRequest.id))) == 1
    client.post("/auth/logout")

    login(world["op_b"])  # an operator of another group sees nothing of it
    assert client.get(f"/join-requests/{request_row.id}").status_code == 404
    assert client.get("/groups/toko/join-requests").status_code == 404
    client.post("/auth/logout")
    login(world["op_a2"])  # an operator of the group who is not a named approver
    assert client.get("/groups/toko/join-requests").status_code == 404
    client.post("/auth/logout")

    login(world["op_a"])
    queue = client.get("/groups/toko/join-requests").get_data(as_text=True)
    assert "見知 らぬ" in queue
    detail = client.get(f"/join-requests/{request_row.id}").get_data(as_text=True)
    assert "1984" in detail and "ようこそ、東光アルムナイへ。" in detail
    done = client.post(f"/join-requests/{request_row.id}/approve",
                       data={"message": "ようこそ、東光アルムナイへ。"})
    assert done.status_code == 302
    db.session.expire_all()
    request_row = db.session.get(JoinRequest, request_row.id)
    assert request_row.status == JoinRequestStatus.approved and request_row.birth_date is None
    assert is_member(world["stranger"])
    [welcome] = mails_to(world["stranger"].email)
    assert welcome.template == "join_request_approved" and welcome.locale == "en"
    assert "https://toko.example.jp/statement" in welcome.body_text
    assert "/groups/toko/introduction" in welcome.body_text
    assert "ようこそ、東光アルムナイへ。" in welcome.body_text
    # A second approval (another approver, a double click) is a clear conflict.
    twice = client.post(f"/join-requests/{request_row.id}/approve", data={"message": ""})
    assert twice.status_code == 409 and "すでに回答済みです（承認済み）" in twice.get_data(as_text=True)
    client.post("/auth/logout")

    login(world["stranger"])
    assert client.get("/directory/").status_code == 200
    client.post("/groups/toko/introduction", data={"text": "戦略コンサル出身です。よろしくお願いします。"})
    members = client.get("/groups/toko/members").get_data(as_text=True)
    assert "戦略コンサル出身です" in members
    client.post("/auth/logout")
    login(make.member(world["b"]))  # a member of another group
    assert client.get("/groups/toko/members").status_code == 404


def test_welcome_mail_in_business_japanese(app, make, world):
    person = make.user(email="ja@alumni.example.jp", locale="ja")
    row = make.join_request(world["a"], person)
    with app.test_request_context():
        membership.approve(world["op_a"], row)
    db.session.commit()
    [mail] = mails_to(person.email)
    assert "様" in mail.body_text and "自己紹介" in mail.body_text


def test_decline_with_the_template_and_withdraw(client, make, login, world):
    asker = make.user(email="asker@alumni.example.jp")
    row = make.join_request(world["a"], asker)
    login(world["op_a"])
    import html

    page = html.unescape(client.get(f"/join-requests/{row.id}").get_data(as_text=True))
    default = membership.default_template("decline", "ja")
    assert default in page
    assert client.post(f"/join-requests/{row.id}/decline", data={"message": ""}).status_code == 302
    db.session.expire_all()
    row = db.session.get(JoinRequest, row.id)
    assert row.status == JoinRequestStatus.declined and row.decision_message == default
    assert row.birth_date is None and not is_member(asker)
    assert mails_to(asker.email)[-1].template == "join_request_declined"
    client.post("/auth/logout")

    login(asker)
    second = make.join_request(world["a"], asker)  # decided requests do not block a new one
    assert client.post(f"/join-requests/{second.id}/approve").status_code == 403
    assert client.post(f"/join-requests/{second.id}/withdraw").status_code == 302
    db.session.expire_all()
    assert db.session.get(JoinRequest, second.id).status == JoinRequestStatus.withdrawn
    late = client.post(f"/join-requests/{second.id}/withdraw")
    assert late.status_code == 409 and "Withdraw my request" not in late.get_data(as_text=True)


def test_members_cannot_ask_twice_and_closed_groups_take_no_requests(app, make, world):
    member = make.member(world["a"])
    with pytest.raises(membership.JoinRequestConflict):
        membership.ask_to_join(member, world["a"], ANSWERS)
    membership.update_settings(world["op_b"], world["b"], {"is_open": False, "builtin": []})
    db.session.commit()
    from federation.errors import NotFound

    with pytest.raises(NotFound):
        membership.joinable_group(member, "aoba")


def test_settings_only_for_the_groups_operators_and_errors_in_place(client, make, login, world):
    login(world["op_b"])
    assert client.get("/groups/toko/join-settings").status_code == 403
    client.post("/auth/logout")
    login(world["op_a"])
    bad = client.post("/groups/toko/join-settings", data={
        "is_open": "1", "builtin": ["full_name"], "custom": "\n".join(f"質問{n}" for n in range(7)),
        "founding_statement_url": "javascript:alert(1)", "approvers": [str(world["op_b"].id)]})
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert "質問6" in body and "javascript:alert(1)" in body
    ok = client.post("/groups/toko/join-settings", data={
        "is_open": "1", "builtin": ["full_name", "current_job"], "custom": "紹介者",
        "founding_statement_url": "https://toko.example.jp/s", "approve_template": "歓迎します",
        "decline_template": "またの機会に", "approvers": [str(world["op_a2"].id)]})
    assert ok.status_code == 302
    questions = [q["key"] for q in membership.questions_of(membership.settings_of(world["a"]))]
    assert questions == ["full_name", "current_job", "custom_1"]
    from federation.permissions import join_approver_ids

    assert join_approver_ids(world["a"]) == {world["op_a2"].id}


def test_one_digest_per_approver_on_their_days(app, make, runner, world):
    # Both op_a and op_b approve two groups' requests; op_a also approves b.
    from federation.services import groups as group_service

    group_service.add_operator(world["b"], world["op_a"])
    db.session.commit()
    for n in range(3):
        make.join_request(world["a"], make.user(email=f"a{n}@alumni.example.jp"))
    make.join_request(world["b"], make.user(email="b0@alumni.example.jp"))
    with app.test_request_context():
        membership.set_digest_weekdays(world["op_b"], world["b"], ["1"])  # Tuesday only
    db.session.commit()
    monday = datetime(2031, 6, 2, 0, 30, tzinfo=timezone.utc)  # Monday 09:30 in Tokyo
    tuesday = datetime(2031, 6, 3, 0, 30, tzinfo=timezone.utc)
    with app.test_request_context():
        assert membership.send_approver_digests(monday) == 2  # op_a and op_a2 (default Mon/Thu)
        assert membership.send_approver_digests(monday) == 0  # once a day
    db.session.commit()
    [digest] = mails_to(world["op_a"].email)
    assert digest.template == "join_requests_digest"
    assert "東光コンサルティング アルムナイ" in digest.body_text and "青葉銀行" in digest.body_text
    assert digest.body_text.count("/join-requests") == 2
    assert mails_to(world["op_b"].email) == []
    with app.test_request_context():
        assert membership.send_approver_digests(tuesday) == 1  # op_b only
    db.session.commit()
    result = runner.invoke(args=["join-requests", "digest"])
    assert result.exit_code == 0 and "digest" in result.output


def test_concurrent_decisions_one_wins(app, make, world):
    from concurrent.futures import ThreadPoolExecutor

    row = make.join_request(world["a"], make.user(email="race@alumni.example.jp"))

    def decide(args):
        user_id, action = args
        from federation.extensions import writing

        with app.app_context(), app.test_request_context(), writing():
            actor = db.session.get(User, user_id)
            target = db.session.get(JoinRequest, row.id)
            try:
                getattr(membership, action)(actor, target, "")
                db.session.commit()
                return "ok"
            except membership.JoinRequestConflict:
                db.session.rollback()
                return "conflict"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(decide, [(world["op_a"].id, "approve"),
                                         (world["op_a2"].id, "decline")]))
    assert sorted(results) == ["conflict", "ok"]
    db.session.expire_all()
    status = db.session.get(JoinRequest, row.id).status
    members = db.session.scalar(select(func.count(GroupMembership.id)))
    assert (status == JoinRequestStatus.approved) == (members == 1)


def test_queue_and_member_pages_in_bounded_queries(client, make, login, world, count_queries):
    login(world["op_a"])

    def count(path):
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    make.join_request(world["a"])
    make.member(world["a"])
    few = (count("/groups/toko/join-requests"), count("/groups/toko/members"),
           count("/api/v1/groups/toko/join-requests"))
    for _ in range(8):
        make.join_request(world["a"])
        make.member(world["a"])
    many = (count("/groups/toko/join-requests"), count("/groups/toko/members"),
            count("/api/v1/groups/toko/join-requests"))
    assert many == few


# --- the API ------------------------------------------------------------------------------

def test_join_requests_through_the_api(client, make, token_for, world):
    asker = make.user(email="api@alumni.example.jp")
    mine, approver, other = token_for(asker), token_for(world["op_a"]), token_for(world["op_b"])
    created = client.post("/api/v1/groups/toko/join-requests", headers=mine,
                          json={"answers": ANSWERS})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "pending" and body["birth_date"] is None
    assert body["actions"] == ["withdraw"]
    duplicate = client.post("/api/v1/groups/toko/join-requests", headers=mine,
                            json={"answers": ANSWERS})
    assert duplicate.status_code == 409
    assert duplicate.get_json()["join_request"]["id"] == body["id"]
    assert duplicate.get_json()["error"]["code"] == "conflict"
    invalid = client.post("/api/v1/groups/toko/join-requests", headers=token_for(make.user()),
                          json={"answers": {"birth_date": "someday"}})
    assert invalid.status_code == 422 and "birth_date" in invalid.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/join-requests/{body['id']}", headers=other).status_code == 404
    assert client.post(f"/api/v1/join-requests/{body['id']}/approve", headers=other,
                       json={}).status_code == 404
    seen = client.get(f"/api/v1/join-requests/{body['id']}", headers=approver).get_json()
    assert seen["birth_date"] == "1984-05-06" and set(seen["actions"]) == {"approve", "decline"}
    queue = client.get("/api/v1/groups/toko/join-requests", headers=approver).get_json()
    assert queue["total"] == 1 and "birth_date" not in queue["items"][0]
    assert client.get("/api/v1/groups/toko/join-requests", headers=other).get_json()["total"] == 0
    assert client.post(f"/api/v1/join-requests/{body['id']}/approve", headers=mine,
                       json={}).status_code == 403
    approved = client.post(f"/api/v1/join-requests/{body['id']}/approve", headers=approver,
                           json={"message": "ようこそ"})
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert approved.get_json()["birth_date"] is None
    again = client.post(f"/api/v1/join-requests/{body['id']}/decline", headers=approver, json={})
    assert again.status_code == 409 and again.get_json()["join_request"]["status"] == "approved"
    late = client.post(f"/api/v1/join-requests/{body['id']}/withdraw", headers=mine)
    assert late.status_code == 409
    assert client.post("/api/v1/groups/nowhere/join-requests", headers=mine,
                       json={"answers": {}}).status_code == 404
    assert client.get("/api/v1/groups/toko/join-requests").status_code == 401
    assert client.get("/api/v1/join-requests/999999", headers=mine).status_code == 404

"""The co-creation directory: bringing alumni in, visibility and consent,
search (two-character Japanese words on both databases), matches,
introductions, and personal data."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from federation.extensions import db
from federation.models import (AbuseReport, AlumniInvitation, DirectoryProfile, GroupMembership,
                               Introduction, IntroductionStatus, Role, User)
from federation.permissions import is_alumnus_of
from federation.services import directory

CSV_HEAD = "family_name,given_name,family_name_kana,given_name_kana,email,year_left,organisation\n"


def _to(smtp, address):
    from federation.services.mail import deliver_outbox

    deliver_outbox()
    return smtp.to(address)


# --- bringing alumni in -------------------------------------------------------------

def test_operator_invites_and_the_invitee_joins_as_verified_alumni(client, make, login, smtp):
    operator = make.user(role=Role.operator)
    group = make.group(operators=(operator,))
    login(operator)
    response = client.post(f"/directory/groups/{group.slug}/invite", data={
        "invite-email": "Hanako@Example.jp", "invite-family_name": "山田",
        "invite-given_name": "花子", "invite-family_name_kana": "やまだ",
        "invite-given_name_kana": "はなこ", "invite-year_left": "2018",
        "invite-organisation": "未来ベンチャーズ"})
    assert response.status_code == 302
    invitation = db.session.scalar(select(AlumniInvitation))
    assert invitation.email == "hanako@example.jp" and invitation.token_hash
    link = smtp.link_in(_to(smtp, "hanako@example.jp")[0], "/directory/join/")
    path = link.split("localhost", 1)[1]
    client.post("/auth/logout")
    anonymous = client.application.test_client()
    page = anonymous.get(path)
    assert page.status_code == 200 and "hanako@example.jp" in page.get_data(as_text=True)
    response = anonymous.post(path, data={
        "family_name": "山田", "given_name": "花子", "family_name_kana": "やまだ",
        "given_name_kana": "はなこ", "password": "a long enough password"})
    assert response.status_code == 302, response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "hanako@example.jp"))
    assert user.is_verified and is_alumnus_of(user, group)
    assert db.session.scalar(select(DirectoryProfile.organisation)
                             .where(DirectoryProfile.user_id == user.id)) == "未来ベンチャーズ"
    # The link works once.
    assert anonymous.get(path).status_code == 400


def test_an_existing_member_accepts_an_invitation_to_a_second_group(client, make, login, smtp):
    person = make.user(email="two@example.jp")
    first, second = make.group(), make.group()
    make.alumnus(first, person)
    operator = make.user(role=Role.operator)
    second.operators  # noqa: B018
    from federation.services import groups
    groups.add_operator(second, operator)
    db.session.commit()
    with client.application.test_request_context():
        directory.invite(operator, second, {"email": "two@example.jp", "family_name": "佐藤",
                                            "given_name": "健太", "family_name_kana": "さとう",
                                            "given_name_kana": "けんた"})
        db.session.commit()
    path = smtp.link_in(_to(smtp, "two@example.jp")[0], "/directory/join/").split("localhost", 1)[1]
    login(person)
    assert client.post(path).status_code == 302
    assert is_alumnus_of(person, first) and is_alumnus_of(person, second)


def test_only_the_groups_operators_invite(client, make, login):
    group = make.group(operators=(make.user(role=Role.operator),))
    login(make.user(role=Role.operator))
    assert client.get(f"/directory/groups/{group.slug}/invite").status_code == 403
    assert client.post(f"/directory/groups/{group.slug}/import/confirm",
                       data={"confirm-content": CSV_HEAD}).status_code == 403
    assert db.session.scalar(select(func.count(AlumniInvitation.id))) == 0


def test_csv_import_previews_reports_bad_and_duplicate_rows_and_imports_the_good(
        client, make, login, smtp):
    operator = make.user(role=Role.operator)
    group = make.group(operators=(operator,))
    make.alumnus(group, make.user(email="member@example.jp"))
    text = CSV_HEAD + (
        "山田,花子,やまだ,はなこ,hanako@example.jp,2018,未来商事\n"
        "佐藤,健太,さとう,けんた,not-an-email,2015,\n"
        "鈴木,一郎,すずき,いちろう,HANAKO@example.jp,2019,\n"
        "高橋,美咲,たかはし,みさき,member@example.jp,2010,\n"
        "田中,翔,tanaka,しょう,sho@example.jp,1800,\n"
        "伊藤,陽菜,いとう,ひな,hina@example.jp,,青葉銀行\n")
    login(operator)
    from io import BytesIO
    preview = client.post(f"/directory/groups/{group.slug}/import", data={
        "import-file": (BytesIO(text.encode("utf-8")), "members.csv")},
        content_type="multipart/form-data")
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert body.count("import-ok") == 2 and body.count("import-duplicate") == 2
    assert body.count("import-error") == 2
    assert db.session.scalar(select(func.count(AlumniInvitation.id))) == 0  # preview only
    response = client.post(f"/directory/groups/{group.slug}/import/confirm",
                           data={"confirm-content": text})
    assert response.status_code == 302
    emails = set(db.session.scalars(select(AlumniInvitation.email)))
    assert emails == {"hanako@example.jp", "hina@example.jp"}
    assert len(_to(smtp, "hina@example.jp")) == 1
    # Importing the same file again invites nobody twice.
    client.post(f"/directory/groups/{group.slug}/import/confirm", data={"confirm-content": text})
    assert db.session.scalar(select(func.count(AlumniInvitation.id))) == 2


def test_a_file_without_the_required_columns_imports_nothing(client, make, login):
    operator = make.user(role=Role.operator)
    group = make.group(operators=(operator,))
    login(operator)
    from io import BytesIO
    response = client.post(f"/directory/groups/{group.slug}/import", data={
        "import-file": (BytesIO("番号,備考\nx,y\n".encode()), "x.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    # The mapping step says, in the reader's language, which columns it needs.
    body = response.get_data(as_text=True)
    assert 'id="mapping-missing"' in body and "メールアドレス" in body
    assert "family_name" not in body.split('id="mapping-missing"')[1].split("</div>")[0]
    assert db.session.scalar(select(func.count(AlumniInvitation.id))) == 0


# --- visibility and consent ---------------------------------------------------------

@pytest.fixture
def people(make):
    """Aya (group A) with every kind of field; Ben shares group A; Chie is in group B."""
    a, b = make.group(slug="a"), make.group(slug="b")
    aya = make.alumnus(a, make.user(email="aya@example.jp"), organisation="東光商事",
                       bio="投資と人事の経験があります", skills="財務", industries=["金融"],
                       visibility={"name": "public", "organisation": "federation",
                                   "bio": "groups", "skills": "public",
                                   "offers": "federation"},
                       consent=True,
                       needs=[{"need": "investment_fundraising", "side": "offer",
                               "detail": "シード投資"}])
    ben = make.alumnus(a, make.user(email="ben@example.jp"))
    chie = make.alumnus(b, make.user(email="chie@example.jp"))
    return {"aya": aya, "ben": ben, "chie": chie, "a": a, "b": b}


def _profile_id(user):
    return db.session.scalar(select(DirectoryProfile.id).where(DirectoryProfile.user_id == user.id))


def test_each_visibility_level_as_seen_by_each_kind_of_viewer(client, app, people, login):
    aya_id = _profile_id(people["aya"])
    anonymous = app.test_client().get(f"/directory/{aya_id}").get_data(as_text=True)
    assert "財務" in anonymous and "東光商事" not in anonymous and "人事の経験" not in anonymous
    login(people["chie"])  # another group's member
    other = client.get(f"/directory/{aya_id}").get_data(as_text=True)
    assert "財務" in other and "東光商事" in other and "人事の経験" not in other
    same = app.test_client()
    login(people["ben"], on=same)  # shares group A
    mine = same.get(f"/directory/{aya_id}").get_data(as_text=True)
    assert "財務" in mine and "東光商事" in mine and "人事の経験" in mine


def test_without_consent_nothing_is_shown_outside_the_groups(client, app, people, login):
    aya = people["aya"]
    with app.test_request_context():
        directory.update_profile(aya, {"consent": False})
        db.session.commit()
    aya_id = _profile_id(aya)
    assert app.test_client().get(f"/directory/{aya_id}").status_code == 404
    login(people["chie"])
    assert client.get(f"/directory/{aya_id}").status_code == 404
    assert client.get("/directory/?q=財務").get_data(as_text=True).count("directory-card") == 0
    other = app.test_client()
    login(people["ben"], on=other)
    assert other.get(f"/directory/{aya_id}").status_code == 200
    profile = db.session.get(DirectoryProfile, aya_id)
    assert profile.consented_at is None and profile.consent_version is None


def test_consent_is_recorded_with_its_version(people):
    profile = db.session.scalar(select(DirectoryProfile).where(
        DirectoryProfile.user_id == people["aya"].id))
    assert profile.consented_at is not None and profile.consent_version == directory.CONSENT_VERSION


# --- search -------------------------------------------------------------------------

def _names(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_two_character_japanese_words_are_found(client, people, login, make):
    login(people["ben"])
    # 人事 and 投資 are in Aya's bio, which group A may see.
    for word in ("投資", "人事", "ｼｰﾄﾞ", "シード投資"):
        assert _names(client.get(f"/directory/?q={word}")).count("directory-card") == 1, word
    assert _names(client.get("/directory/?q=広報")).count("directory-card") == 0


def test_hidden_fields_are_not_searchable_by_those_who_may_not_see_them(client, people, login):
    login(people["chie"])
    # 人事 only appears in Aya's bio, kept to her groups.
    assert _names(client.get("/directory/?q=人事")).count("directory-card") == 0
    assert _names(client.get("/directory/?q=財務")).count("directory-card") == 1
    assert _names(client.get("/directory/?q=投資")).count("directory-card") == 1  # the offer


def test_facets_and_kana_order(client, make, login):
    group = make.group(slug="g")
    wide = make.shared()
    make.alumnus(group, make.user(family_name_kana="わたなべ"), industries=["IT"], **wide,
                 needs=[{"need": "pr", "side": "ask"}])
    make.alumnus(group, make.user(family_name_kana="あべ"), industries=["金融"], **wide,
                 needs=[{"need": "pr", "side": "offer"}])
    viewer = make.alumnus(make.group(), make.user())
    login(viewer)
    page = _names(client.get("/directory/"))
    assert page.index("あべ") < page.index("わたなべ") if "あべ" in page else True
    assert _names(client.get("/directory/?industry=金融")).count("directory-card") == 1
    assert _names(client.get("/directory/?need=pr&side=ask")).count("directory-card") == 1
    assert _names(client.get("/directory/?need=pr")).count("directory-card") == 2
    assert _names(client.get("/directory/?group=g")).count("directory-card") == 2
    assert _names(client.get("/directory/?group=nope")).count("directory-card") == 0


def test_search_is_for_members_only(app):
    response = app.test_client().get("/directory/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_search_list_runs_a_bounded_number_of_queries(client, make, login, count_queries):
    group = make.group()
    viewer = make.alumnus(group, make.user())
    login(viewer)

    def run():
        with count_queries() as statements:
            assert client.get("/directory/?q=新規事業").status_code == 200
        return len(statements)

    for _ in range(3):
        make.alumnus(group, make.user(), bio="新規事業の立ち上げ", **make.shared())
    few = run()
    for _ in range(10):
        make.alumnus(make.group(), make.user(), bio="新規事業の立ち上げ", **make.shared())
    assert run() == few


@pytest.mark.rate_limited
def test_search_is_rate_limited(client, make, login, app):
    app.config["RATELIMIT_DIRECTORY_SEARCH"] = "3 per minute"
    login(make.alumnus(make.group(), make.user()))
    statuses = [client.get("/directory/?q=投資").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_text_tokens_are_bigrams_and_words():
    assert directory.text_tokens("新規事業 DX") == {"新規", "規事", "事業", "dx"}
    assert directory.text_tokens("スタートアップ") >= {"すた", "ぷ"} - {"ぷ"}
    assert "投資" in directory.text_tokens("ＶＣ投資")


# --- matches ------------------------------------------------------------------------

def test_matches_pair_asks_with_offers_and_rank_other_companies_first(client, make, login):
    a, b = make.group(), make.group()
    me = make.alumnus(a, make.user(), **make.shared(),
                      needs=[{"need": "investment_fundraising", "side": "ask",
                              "detail": "シリーズAの資金調達"},
                             {"need": "job_hiring", "side": "offer", "detail": "エンジニア採用"}])
    colleague = make.alumnus(a, make.user(family_name_kana="あいかわ"),
                             needs=[{"need": "investment_fundraising", "side": "offer",
                                     "detail": "同期の投資"}])
    stranger = make.alumnus(b, make.user(family_name_kana="わだ"), **make.shared(),
                            needs=[{"need": "investment_fundraising", "side": "offer",
                                    "detail": "エンジェル投資"}])
    make.alumnus(b, make.user(), **make.shared(),
                 needs=[{"need": "investment_fundraising", "side": "ask"}])  # same side: no match
    with client.application.test_request_context():
        matches, total = directory.list_matches(me)
    assert total == 2
    assert [m.view.profile.user_id for m in matches] == [stranger.id, colleague.id]
    assert matches[0].other_company and not matches[1].other_company
    mine, theirs = matches[0].reasons[0]
    assert mine.side.value == "ask" and theirs.detail == "エンジェル投資"
    login(me)
    page = _names(client.get("/directory/matches"))
    assert "エンジェル投資" in page and page.index("エンジェル投資") < page.index("同期の投資")


def test_the_weekly_digest_is_opt_in_and_idempotent(runner, make, smtp):
    a, b = make.group(), make.group()
    make.alumnus(a, make.user(email="digest@example.jp"), digest_opt_in=True,
                 needs=[{"need": "pr", "side": "ask"}])
    make.alumnus(a, make.user(email="nodigest@example.jp"), needs=[{"need": "pr", "side": "ask"}])
    make.alumnus(b, make.user(), **make.shared(), needs=[{"need": "pr", "side": "offer"}])
    from federation.services.mail import deliver_outbox
    assert "1 digest" in runner.invoke(args=["directory", "digest"]).output
    assert "0 digest" in runner.invoke(args=["directory", "digest"]).output
    deliver_outbox()
    assert len(_to(smtp, "digest@example.jp")) == 1 and not _to(smtp, "nodigest@example.jp")


# --- introductions ------------------------------------------------------------------

def test_introduction_accepted_shares_contact_details_by_mail(client, app, people, login, smtp):
    aya_id = _profile_id(people["aya"])
    login(people["chie"])
    page = _names(client.get(f"/directory/{aya_id}"))
    assert "aya@example.jp" not in page  # no contact details before an introduction
    response = client.post(f"/directory/{aya_id}/introduce", data={"message": "投資のご相談です"})
    assert response.status_code == 302
    intro = db.session.scalar(select(Introduction))
    assert "chie@example.jp" not in smtp.text_of(_to(smtp, "aya@example.jp")[0])
    aya = app.test_client()
    login(people["aya"], on=aya)
    assert "投資のご相談です" in _names(aya.get("/directory/introductions"))
    assert aya.post(f"/directory/introductions/{intro.id}/accept").status_code == 302
    db.session.refresh(intro)
    assert intro.status == IntroductionStatus.accepted
    assert "aya@example.jp" in smtp.text_of(_to(smtp, "chie@example.jp")[-1])
    assert "chie@example.jp" in smtp.text_of(_to(smtp, "aya@example.jp")[-1])
    # Only the recipient decides, and only once.
    with app.test_request_context():
        from federation.errors import Conflict, Forbidden
        from federation.services import introductions
        with pytest.raises(Conflict):
            introductions.decline(people["aya"], intro)
        with pytest.raises(Forbidden):
            introductions.accept(people["chie"], intro)


def test_introductions_to_hidden_profiles_are_not_found(client, people, login, make):
    hidden = make.alumnus(make.group(), make.user())
    login(people["chie"])
    response = client.post("/api/v1/introductions",
                           json={"profile_id": _profile_id(hidden), "message": "こんにちは"})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Introduction.id))) == 0


def test_the_per_sender_daily_cap(client, app, make, login):
    app.config["DIRECTORY_INTRODUCTIONS_PER_DAY"] = 2
    group = make.group()
    targets = [make.alumnus(group, make.user(), **make.shared()) for _ in range(3)]
    login(make.alumnus(make.group(), make.user()))
    statuses = [client.post("/api/v1/introductions", json={
        "profile_id": _profile_id(t), "message": "よろしくお願いします"}).status_code
        for t in targets]
    assert statuses == [201, 201, 429]
    assert db.session.scalar(select(func.count(Introduction.id))) == 2


@pytest.mark.rate_limited
def test_introduction_requests_are_rate_limited_per_sender(client, app, make, login):
    app.config["RATELIMIT_INTRODUCTION"] = "2 per minute"
    target = make.alumnus(make.group(), make.user(), **make.shared())
    login(make.alumnus(make.group(), make.user()))
    statuses = [client.post(f"/directory/{_profile_id(target)}/introduce",
                            data={"message": "x"}).status_code for _ in range(3)]
    assert statuses[-1] == 429


def test_a_blocked_sender_gets_a_neutral_refusal_and_abuse_is_reported(
        client, app, people, login, make, smtp):
    coordinator = make.user(email="coord@example.jp", role=Role.coordinator)
    aya_id = _profile_id(people["aya"])
    login(people["chie"])
    client.post("/api/v1/introductions", json={"profile_id": aya_id, "message": "しつこい勧誘"})
    intro = db.session.scalar(select(Introduction))
    aya = app.test_client()
    login(people["aya"], on=aya)
    assert aya.post(f"/directory/introductions/{intro.id}/report",
                    data={"reason": "勧誘でした"}).status_code == 302
    assert aya.post(f"/directory/introductions/{intro.id}/block").status_code == 302
    assert len(_to(smtp, "coord@example.jp")) == 1
    again = client.post("/api/v1/introductions", json={"profile_id": aya_id, "message": "再度"})
    assert again.status_code == 409
    assert "block" not in again.get_json()["error"]["message"].lower()
    assert db.session.scalar(select(func.count(AbuseReport.id))) == 1
    # Reports are for coordinators only.
    assert client.get("/directory/reports").status_code == 403
    login(coordinator, on=aya)
    assert "勧誘でした" in _names(aya.get("/directory/reports"))


# --- personal data ------------------------------------------------------------------

def test_export_and_deletion_keep_introduction_history_anonymised(client, app, people, login):
    login(people["chie"])
    client.post("/api/v1/introductions",
                json={"profile_id": _profile_id(people["aya"]), "message": "はじめまして"})
    aya = app.test_client()
    login(people["aya"], on=aya)
    exported = aya.get("/account/export").get_json() if aya.get("/account/export").is_json else None
    from federation.services.privacy import delete_account, export_personal_data
    data = export_personal_data(people["aya"])
    assert data["directory"]["profile"]["bio"] == "投資と人事の経験があります"
    assert data["directory"]["introductions"][0]["message"] == "はじめまして"
    assert exported is None or "directory" in exported
    with app.test_request_context():
        delete_account(people["aya"], "correct horse battery")
        db.session.commit()
    assert db.session.scalar(select(func.count(DirectoryProfile.id))
                             .where(DirectoryProfile.user_id == people["aya"].id)) == 0
    assert db.session.scalar(select(func.count(GroupMembership.id))
                             .where(GroupMembership.user_id == people["aya"].id)) == 0
    intro = db.session.scalar(select(Introduction))
    assert intro is not None and intro.message == "" and intro.recipient.email.endswith(".invalid")

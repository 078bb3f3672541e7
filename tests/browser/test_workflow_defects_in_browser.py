"""The defects a new user hit (issue 15), each walked in Chromium as the user
would: click, fill, read what the page shows. Each test fails on the defect
it names (see tests/functional/test_workflow_defects.py for the stored side)."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from federation.extensions import db
from federation.models import EventHost, HostStatus, Role
from tests.browser.test_venue_booking_in_browser import sign_in, sign_out

pytestmark = pytest.mark.browser
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module (each test still gets its own context, so no
    cookie or storage crosses tests): fifteen launches cost more than the tests."""
    from tests.browser import conftest

    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=conftest.CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield browser
        browser.close()


def submit(page, name: str, exact: bool = True):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=exact).click()


def main_text(page) -> str:
    return page.locator("main").inner_text()


def fresh():
    """End the test thread's read transaction: see what the server committed."""
    db.session.rollback()


def two_groups(make):
    lead_op = make.user(role=Role.operator, email="lead@alumni.example.jp")
    co_op = make.user(role=Role.operator, email="co@alumni.example.jp")
    lead = make.group(slug="lead", operators=(lead_op,), name_ja="大洋商事 アルムナイ")
    co = make.group(slug="co", operators=(co_op,), name_ja="青葉銀行 OB・OG会")
    return lead_op, co_op, lead, co


# --- events -----------------------------------------------------------------------------

def test_an_invited_cohost_sees_accept_and_decline_and_cannot_manage(live_server, page, make):
    """Defect: every host not declined could edit, cancel and read the attendees."""
    lead_op, co_op, lead, co = two_groups(make)
    event = make.event(lead, status="draft", title_ja="業界横断 新規事業ナイト")
    event.hosts.append(EventHost(group=co, status=HostStatus.invited))
    db.session.commit()

    sign_in(page, live_server, co_op.email)
    page.goto(f"{live_server}/events/{event.id}")
    invitation = page.get_by_role("region", name="共催のお誘い")
    assert "青葉銀行 OB・OG会" in invitation.inner_text()
    assert page.get_by_role("button", name="共催を承諾").is_visible()
    assert page.get_by_role("button", name="お断り", exact=True).is_visible()
    assert page.get_by_role("link", name="イベントを編集").count() == 0
    assert page.get_by_role("link", name="参加者", exact=True).count() == 0
    assert page.get_by_role("link", name="イベントを中止…").count() == 0
    response = page.goto(f"{live_server}/events/{event.id}/attendees")
    assert response.status == 403
    page.goto(f"{live_server}/events/{event.id}")
    submit(page, "共催を承諾")
    assert page.get_by_role("button", name="共催を承諾").count() == 0
    with page.expect_navigation():
        page.get_by_role("link", name="イベントを編集").click()
    assert page.get_by_label("タイトル（日本語）").input_value() == "業界横断 新規事業ナイト"


def test_quota_full_is_told_apart_from_event_full_with_seats_and_position(
        live_server, page, make):
    """Defect: "満席のため、キャンセル待ち" beside 残席 4/5 when only the group's quota
    was full, and the waitlist position shown nowhere."""
    lead_op, co_op, lead, co = two_groups(make)
    quota_event = make.event(lead, cohosts=(co,), capacity=5, quotas={"co": 1},
                             title_ja="青葉の夕べ")
    small_event = make.event(lead, capacity=1, title_ja="少人数の朝会")
    first = make.alumnus(co, make.user(email="first@alumni.example.jp"))
    second = make.alumnus(co, make.user(email="second@alumni.example.jp"))

    sign_in(page, live_server, first.email)
    for event in (quota_event, small_event):
        page.goto(f"{live_server}/events/{event.id}")
        submit(page, "申し込む")
        assert "参加確定" in page.locator("#my-registration").inner_text()
    sign_out(page)

    sign_in(page, live_server, second.email)
    page.goto(f"{live_server}/events/{quota_event.id}")
    assert "残席：4 / 5" in main_text(page)
    submit(page, "申し込む")
    shown = main_text(page)
    assert "満席" not in shown
    assert "青葉銀行 OB・OG会 の割り当て枠が埋まっているため、キャンセル待ち1番目" in shown
    assert "他団体の方向けには残り4席あります" in shown
    position = page.locator("#waitlist-position").inner_text()
    assert "割り当て枠（1席）は埋まっています" in position and "キャンセル待ち1番目です" in position

    page.goto(f"{live_server}/events/{small_event.id}")
    submit(page, "申し込む")
    assert "満席のため、キャンセル待ち1番目で承りました" in main_text(page)
    position = page.locator("#waitlist-position").inner_text()
    assert "イベントは満席です" in position and "キャンセル待ち1番目です" in position


def _download_csv(page, link_name: str) -> bytes:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    with open(download_info.value.path(), "rb") as downloaded:
        return downloaded.read()


def test_attendee_csv_lead_host_gets_everyone_a_cohost_its_own(live_server, page, make):
    """Defect: the lead host's CSV was empty and attendees of no host group were in
    nobody's; now in the reader's language, and UTF-8 with a BOM for Japanese Excel."""
    lead_op, co_op, lead, co = two_groups(make)
    event = make.event(lead, cohosts=(co,), title_ja="業界横断 新規事業ナイト")
    outsider_group = make.group(slug="other", name_ja="東光 OB 会")
    make.registration(event, make.user(email="nobody@alumni.example.jp"), group=None)
    make.registration(event, make.user(email="other@alumni.example.jp"), group=outsider_group)
    make.registration(event, make.user(email="coalum@alumni.example.jp"), group=co)

    sign_in(page, live_server, lead_op.email)
    page.goto(f"{live_server}/events/{event.id}")
    with page.expect_navigation():
        page.get_by_role("link", name="参加者", exact=True).click()
    raw = _download_csv(page, "大洋商事 アルムナイ の参加者CSV")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    header = [cell.lstrip("\ufeff") for cell in rows[0]]
    assert header[0] == "姓" and "ステータス" in header
    email, status = header.index("メールアドレス"), header.index("ステータス")
    assert {row[email] for row in rows[1:]} == {
        "nobody@alumni.example.jp", "other@alumni.example.jp", "coalum@alumni.example.jp"}
    assert {row[status] for row in rows[1:]} == {"参加確定"}
    sign_out(page)

    sign_in(page, live_server, co_op.email)
    page.goto(f"{live_server}/events/{event.id}/attendees")
    assert page.get_by_role("link", name="大洋商事 アルムナイ の参加者CSV").count() == 0
    raw = _download_csv(page, "青葉銀行 OB・OG会 の参加者CSV")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row[rows[0].index("メールアドレス")] for row in rows[1:]] == [
        "coalum@alumni.example.jp"]


def test_a_coordinator_plans_a_joint_event(live_server, page, make):
    """Defect: coordinators plan joint events but got 403 on the form."""
    lead_op, co_op, lead, co = two_groups(make)
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    start = (datetime.now(TOKYO) + timedelta(days=12)).replace(
        hour=19, minute=0, second=0, microsecond=0)

    sign_in(page, live_server, coordinator.email)
    page.goto(live_server + "/events/")
    with page.expect_navigation():
        page.get_by_role("link", name="合同イベントを企画").click()
    page.get_by_label("主幹グループ", exact=True).select_option("co")
    submit(page, "選択")
    assert "主幹グループ：青葉銀行 OB・OG会" in main_text(page)
    page.get_by_label("タイトル（日本語）").fill("連合 新年交流会")
    page.get_by_label("説明（日本語）").fill("各団体の運営者が集まります。")
    page.get_by_label("開催形式").select_option("in_person")
    page.get_by_label("場所", exact=True).fill("丸の内ホール 3F")
    page.get_by_label("開始（日本時間）").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("終了（日本時間）").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("定員").fill("60")
    submit(page, "保存")
    page.get_by_role("heading", name="連合 新年交流会").wait_for()
    assert "青葉銀行 OB・OG会" in main_text(page)
    assert page.locator("#event-status").inner_text() == "下書き"


# --- the conference ---------------------------------------------------------------------

def test_an_operator_opens_the_proposal_their_group_nominates(live_server, page, make):
    """Defect: the nominating operator got 404 on the proposal they were to judge."""
    operator = make.user(role=Role.operator, email="op@alumni.example.jp")
    make.group(slug="toko", operators=(operator,), name_ja="東光 OB 会")
    edition = make.edition(phase="proposals")
    make.proposal(edition, make.member(email="speaker@alumni.example.jp"),
                  title="社内起業とアルムナイ", abstract="出戻り社員と社内起業の実践談です。")

    sign_in(page, live_server, operator.email)
    page.goto(live_server + "/conferences/2031/proposals")
    with page.expect_navigation():
        page.get_by_role("link", name="社内起業とアルムナイ").click()
    assert page.get_by_role("heading", name="社内起業とアルムナイ").is_visible()
    assert "出戻り社員と社内起業の実践談です。" in main_text(page)
    page.go_back()
    submit(page, "推薦")
    assert "グループとしてこの登壇案を推薦しました。" in main_text(page)
    with page.expect_navigation():
        page.get_by_role("link", name="社内起業とアルムナイ").click()
    assert "東光 OB 会 が推薦" in main_text(page)
    assert "出戻り社員と社内起業の実践談です。" in main_text(page)


def test_reviewers_are_blind_and_the_coordinator_is_not(live_server, page, make):
    """Defect: coordinators were blinded too, against the edition form's own text."""
    from federation.models import ConferenceReviewer, utcnow

    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    reviewer = make.member(email="reviewer@alumni.example.jp")
    speaker = make.member(email="speaker@alumni.example.jp", family_name="登壇",
                          given_name="花子")
    edition = make.edition(phase="review")
    proposal = make.proposal(edition, speaker, title="出戻り社員が拓く新規事業")
    db.session.add(ConferenceReviewer(edition_id=edition.id, user_id=reviewer.id,
                                      invited_at=utcnow()))
    db.session.commit()

    for person, sees_names in ((coordinator, True), (reviewer, False)):
        sign_in(page, live_server, person.email)
        page.goto(live_server + "/conferences/2031/proposals")
        with page.expect_navigation():
            page.get_by_role("link", name="出戻り社員が拓く新規事業").first.click()
        assert page.url.endswith(f"/conferences/proposals/{proposal.id}")
        shown = main_text(page)
        assert ("登壇 花子" in shown) is sees_names, person.email
        assert ("ブラインド審査中は非表示" in shown) is not sees_names, person.email
        sign_out(page)


# --- operator applications --------------------------------------------------------------

def _endorsement_link(live_server) -> str:
    """The link in the mail the company's liaison got."""
    from sqlalchemy import select

    from federation.models import OutboxMail

    fresh()
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.template == "endorsement_request"))
    url = re.search(r"https?://[^/\s]+(/\S+)", mail.body_text)
    return live_server + url.group(1)


def test_approval_carries_endorsement_department_and_platforms_to_the_group_page(
        live_server, page, make):
    """Defect: approving dropped the verified endorsement, the liaison department and
    the platforms from the new group's profile."""
    make.application(make.user(email="applicant@alumni.example.jp"),
                     governance_type="company_backed",
                     liaison_email="kimura@toko-consulting.co.jp",
                     platforms="Facebookグループ、Slack、独自アプリ")
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")

    page.goto(_endorsement_link(live_server))  # the liaison, signed in nowhere
    page.get_by_label("お名前").fill("人事部 木村")
    submit(page, "企業として認めていることを確認する")
    assert "ありがとうございます。確認を記録しました。" in main_text(page)

    sign_in(page, live_server, coordinator.email)
    page.goto(live_server + "/applications/")
    with page.expect_navigation():
        page.get_by_role("link", name="東光コンサルティング アルムナイ").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="承認…").click()
    submit(page, "判断を送信")
    assert page.locator("#application-status").inner_text() == "承認済み"
    page.goto(live_server + "/groups/")
    with page.expect_navigation():
        page.get_by_role("link", name="東光コンサルティング アルムナイ").first.click()
    shown = main_text(page)
    assert "人事部 アルムナイ担当" in shown
    endorsement = page.locator("#verified-endorsement").inner_text()
    assert "人事部 木村" in endorsement and "@toko-consulting.co.jp" in endorsement
    platforms = page.locator("dt:has-text('利用プラットフォーム') + dd").inner_text()
    assert "Facebook グループ" in platforms and "Slack" in platforms


def test_the_liaison_declines_and_an_odd_address_is_flagged_to_the_reviewer(
        live_server, page, make):
    """Defect: the liaison could only confirm, and any address passed as theirs."""
    application = make.application(governance_type="company_backed",
                                   liaison_email="kimura.private@gmail.com")
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")

    link = _endorsement_link(live_server)
    page.goto(link)
    page.get_by_label("お名前").fill("木村")
    submit(page, "承認しない（企業としてこの団体を認めていない）")
    assert "企業としてこの団体を認めていない旨をコーディネーターに伝えます" in main_text(page)
    page.goto(link)  # the link is used up
    assert page.get_by_role("button", name="企業として認めていることを確認する").count() == 0

    sign_in(page, live_server, coordinator.email)
    page.goto(f"{live_server}/applications/{application.id}")
    warning = page.locator("#liaison-warning").inner_text()
    assert "kimura.private@gmail.com" in warning and "フリーメール" in warning
    assert "企業の窓口が、団体を企業として認めていることの確認を辞退しました" in main_text(page)


def test_the_decision_page_suggests_precedents_for_the_criteria_under_review(
        live_server, page, make):
    """Defect: the precedent log was never shown where a decision is made."""
    from flask import current_app

    from federation.services import applications as service

    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    earlier = make.application(membership_scope="school", name_ja="北斗大学 校友会")
    with current_app.test_request_context():
        service.decide(coordinator, earlier, "reject", "今回は見送ります",
                       note="企業内大学の修了生は対象外")
        db.session.commit()
    current = make.application(make.user(), membership_scope="school",
                               name_ja="南星学院 同窓会")

    sign_in(page, live_server, coordinator.email)
    page.goto(f"{live_server}/applications/{current.id}")
    with page.expect_navigation():
        page.get_by_role("link", name="見送り…").click()
    precedents = page.get_by_role("region", name="確認中の基準に関する先例").inner_text()
    assert "北斗大学 校友会" in precedents and "企業内大学の修了生は対象外" in precedents


# --- accounts and stored text -----------------------------------------------------------

def test_a_deleted_account_releases_its_conference_seat_and_the_waitlist_moves_up(
        live_server, page, make):
    """Defect: a deleted account kept its conference (and event) seat."""
    from federation.services import conferences
    from federation.services import events as event_service
    from tests.factories import PASSWORD

    lead_op, co_op, lead, co = two_groups(make)
    leaver = make.member(email="leaver@alumni.example.jp")
    waiting = make.member(email="waiting@alumni.example.jp")
    edition = make.edition(phase="decided", capacity=1)
    event = make.event(lead, capacity=1, title_ja="少人数の朝会")
    for person in (leaver, waiting):
        conferences.register(person, edition)
        event_service.register(person, event)
        db.session.commit()

    sign_in(page, live_server, waiting.email)
    page.goto(live_server + "/conferences/2031")
    assert "キャンセル待ち" in page.locator("#my-registration").inner_text()
    sign_out(page)

    sign_in(page, live_server, leaver.email)
    page.goto(live_server + "/account/data")
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    submit(page, "アカウントを削除")
    assert page.get_by_role("link", name="ログイン").first.is_visible()

    sign_in(page, live_server, waiting.email)
    page.goto(live_server + "/conferences/2031")
    assert "参加確定" in page.locator("#my-registration").inner_text()
    page.goto(f"{live_server}/events/{event.id}")
    assert "参加確定" in page.locator("#my-registration").inner_text()


def test_text_is_stored_as_typed(live_server, page, make):
    """Defect: "（日本橋）" typed in a form came back as "(日本橋)"."""
    lead_op, co_op, lead, co = two_groups(make)
    event = make.event(lead, status="draft", title_ja="交流会")

    sign_in(page, live_server, lead_op.email)
    page.goto(f"{live_server}/events/{event.id}/edit")
    page.get_by_label("タイトル（日本語）").fill("交流会（日本橋）")
    page.get_by_label("場所", exact=True).fill("日本橋ビル３Ｆ")
    submit(page, "保存")
    assert page.get_by_role("heading", level=1).inner_text() == "交流会（日本橋）"
    assert "日本橋ビル３Ｆ" in main_text(page)
    page.goto(f"{live_server}/events/{event.id}/edit")
    assert page.get_by_label("タイトル（日本語）").input_value() == "交流会（日本橋）"
    assert page.get_by_label("場所", exact=True).input_value() == "日本橋ビル３Ｆ"


# --- the alumni import ------------------------------------------------------------------

JAPANESE_SHEET = ("氏名,フリガナ,メールアドレス,退職年,所属\n"
                  "山田　花子,ヤマダ ハナコ,hanako@example.jp,2018年,未来商事\n"
                  "佐藤 健太,サトウ ケンタ,kenta@example.jp,2015,\n")


def _xlsx(sheet_text: str) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [line.split(",") for line in sheet_text.strip().splitlines()]:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(page, live_server, slug: str, name: str, body: bytes, mime: str):
    page.goto(f"{live_server}/directory/groups/{slug}/invite")
    page.get_by_label("会員名簿（CSV または XLSX）").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": body}])
    submit(page, "プレビュー")


def test_a_japanese_sheet_is_mapped_in_the_preview_and_an_xlsx_accepted(
        live_server, page, make):
    """Defect: a sheet with 氏名, フリガナ, 退職年, 所属 was refused with an error naming
    internal English columns; XLSX was not accepted."""
    from sqlalchemy import select

    from federation.models import AlumniInvitation

    operator = make.user(role=Role.operator, email="op@alumni.example.jp")
    make.group(slug="toko", operators=(operator,), name_ja="東光 OB 会")

    sign_in(page, live_server, operator.email)
    _upload(page, live_server, "toko", "会員名簿.csv", JAPANESE_SHEET.encode("cp932"), "text/csv")
    assert page.get_by_role("heading", name="取り込みのプレビュー").is_visible()
    chosen = [page.locator(f"#map-{column}").input_value() for column in range(5)]
    assert chosen == ["full_name", "full_kana", "email", "year_left", "organisation"]
    assert page.get_by_label("氏名").locator("option:checked").inner_text() != "（取り込まない）"
    rows = page.locator("table.import-preview tbody tr")
    assert rows.count() == 2
    assert "山田 花子" in rows.nth(0).inner_text() and "招待します" in rows.nth(0).inner_text()
    assert "full_name" not in main_text(page)
    submit(page, "取り込んで招待を送る")
    fresh()
    invited = {i.email: i for i in db.session.scalars(select(AlumniInvitation))}
    hanako = invited["hanako@example.jp"]
    assert (hanako.family_name, hanako.given_name, hanako.year_left) == ("山田", "花子", 2018)

    _upload(page, live_server, "toko", "会員名簿.xlsx",
            _xlsx(JAPANESE_SHEET.replace("example.jp", "example.co.jp")),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    rows = page.locator("table.import-preview tbody tr.import-ok")
    assert rows.count() == 2
    assert "kenta@example.co.jp" in rows.nth(1).inner_text()


# --- conflicts answered where the user is -----------------------------------------------

def test_a_double_booking_comes_back_on_the_form_with_the_input_and_the_booking(
        live_server, page, make):
    """Defect: a venue request overlapping a booking ended on a bare 409 page and the
    message typed was lost."""
    from federation.models import RequestStatus

    owner = make.user(role=Role.operator, email="owner@alumni.example.jp")
    asker = make.user(role=Role.operator, email="asker@alumni.example.jp")
    rival = make.user(role=Role.operator, email="rival@alumni.example.jp")
    group_a = make.group(slug="group-a", operators=(owner,))
    make.group(slug="group-b", operators=(asker,))
    group_c = make.group(slug="group-c", operators=(rival,), name_ja="東光 OB 会")
    venue = make.asset(group_a, "venue", title="本社 大会議室")
    start = (datetime.now(TOKYO) + timedelta(days=7)).replace(
        hour=10, minute=0, second=0, microsecond=0)
    booked = make.asset_request(venue, group_c, rival, start, start + timedelta(hours=2))
    booked.status, booked.joint_event = RequestStatus.accepted, "新春交流会"
    db.session.commit()

    sign_in(page, live_server, asker.email)
    page.goto(f"{live_server}/assets/{venue.id}")
    page.get_by_label("開始（日本時間）").fill(start.replace(hour=11).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("終了（日本時間）").fill(start.replace(hour=13).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("メッセージ").fill("勉強会で使います")
    submit(page, "依頼を送る")
    shown = main_text(page)
    assert "東光 OB 会" in shown and "新春交流会" in shown  # which booking
    assert "12:00" in shown and "14:00" in shown  # the next free slot of the same length
    assert page.get_by_label("メッセージ").input_value() == "勉強会で使います"
    assert page.locator(".error-page").count() == 0


def test_a_state_change_no_longer_allowed_lands_back_on_the_page_with_the_reason(
        live_server, page, make):
    """Defect: "mark as held" before the start, or a button clicked in a stale tab,
    landed on a bare "409 … ホームに戻る" page. Chromium sends an absolute Referer."""
    lead_op, co_op, lead, co = two_groups(make)
    future = make.event(lead, days=20, title_ja="業界横断 新規事業ナイト")
    draft = make.event(lead, status="draft", title_ja="下書きの勉強会")

    sign_in(page, live_server, lead_op.email)
    page.goto(f"{live_server}/events/{future.id}")
    submit(page, "開催済みにする")
    assert page.locator(".error-page").count() == 0
    assert page.url == f"{live_server}/events/{future.id}"
    assert page.locator(".notice-error").is_visible()
    assert page.locator("#event-status").inner_text() == "公開中"

    # The same button in two tabs: the second click is no longer allowed.
    stale = page.context.new_page()
    stale.goto(f"{live_server}/events/{draft.id}")
    page.goto(f"{live_server}/events/{draft.id}")
    submit(page, "掲載を申請")
    assert page.locator("#event-status").inner_text() == "申請中"
    submit(stale, "掲載を申請")
    assert stale.locator(".error-page").count() == 0
    assert stale.url == f"{live_server}/events/{draft.id}"
    assert stale.locator(".notice-error").is_visible()
    assert stale.locator("#event-status").inner_text() == "申請中"


def test_an_introduction_answered_in_another_tab_comes_back_with_the_reason(
        live_server, page, make):
    """Accepted in one tab, declined in a stale one: the answer comes back on the
    introductions page, not on a bare 409 page."""
    from flask import current_app

    from federation.services import directory, introductions

    group_a, group_b = make.group(slug="group-a"), make.group(slug="group-b")
    receiver = make.alumnus(group_a, make.user(email="aya@alumni.example.jp"), **make.shared())
    sender = make.alumnus(group_b, make.user(email="chie@alumni.example.jp"), **make.shared())
    with current_app.test_request_context():
        introductions.request_introduction(
            sender, directory.get_own_profile(receiver).id, "投資のご相談です")
    db.session.commit()

    sign_in(page, live_server, receiver.email)
    stale = page.context.new_page()
    stale.goto(live_server + "/directory/introductions")
    page.goto(live_server + "/directory/introductions")
    submit(page, "承諾")
    submit(stale, "お断り")
    assert stale.locator(".error-page").count() == 0
    assert stale.url == live_server + "/directory/introductions"
    assert "この依頼にはすでに回答済みです" in stale.locator(".notice-error").inner_text()

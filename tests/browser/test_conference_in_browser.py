"""The annual conference in Chromium: a member submits a proposal, the
coordinator moves the edition into its review on the edit page, scores the
proposal (the ranking shows during the review), closes the review, accepts,
schedules the session in a room and slot, and another member registers."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from federation.extensions import db
from federation.models import ConferenceSession, Proposal, ProposalStatus, Review, Role
from tests.browser.test_venue_booking_in_browser import sign_in, sign_out

pytestmark = pytest.mark.browser
TOKYO = ZoneInfo("Asia/Tokyo")


def local(value: datetime) -> str:
    return value.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M")


def submit(page, name: str, exact: bool = True):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=exact).click()


def fresh():
    """End the test thread's read transaction: see what the server committed."""
    db.session.rollback()


def set_windows(page, live_server, **windows):
    """The coordinators' edit page, as they would use it."""
    page.goto(live_server + "/conferences/2031/edit")
    for label, value in windows.items():
        page.get_by_label(label).fill(local(value))
    submit(page, "保存")
    page.get_by_role("heading", name="アルムナイがつなぐ次の一歩").wait_for()


def test_submit_review_accept_schedule_register(live_server, page, make, screenshot):
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    speaker = make.member(email="speaker@alumni.example.jp", family_name="登壇",
                          given_name="花子")
    attendee = make.member(email="attendee@alumni.example.jp")
    edition = make.edition(phase="proposals", capacity=50)
    first_day = edition.starts_on
    now = datetime.now(TOKYO)

    # A member proposes a session while the call is open.
    sign_in(page, live_server, speaker.email)
    page.goto(live_server + "/conferences/2031")
    with page.expect_navigation():
        page.get_by_role("link", name="登壇に応募").click()
    page.get_by_label("タイトル").fill("出戻り社員が拓く新規事業")
    page.get_by_label("概要").fill("アルムナイ採用で戻った社員が新規事業を立ち上げた実践談です。")
    page.get_by_label("開催形式").select_option("talk")
    page.get_by_label("長さ（分）").fill("40")
    page.locator("#language").select_option("ja")
    page.get_by_label("トラック").select_option("キャリア")
    submit(page, "登壇案を提出")
    assert "登壇案を提出しました" in page.content()
    assert page.locator("#proposal-status").inner_text() == "提出済み（審査待ち）"
    proposal_url = page.url
    sign_out(page)

    # The coordinator closes the call and opens the review on the edit page.
    sign_in(page, live_server, coordinator.email)
    set_windows(page, live_server, **{
        "登壇募集の締切（日本時間）": now - timedelta(hours=1),
        "審査の開始（日本時間）": now - timedelta(hours=1),
        "審査の終了（日本時間）": now + timedelta(days=3)})
    fresh()
    assert edition.review_close_at > now and edition.proposals_close_at < now

    # ... and scores the proposal. Reviewers are blind; the coordinator who
    # runs the review sees the speakers.
    page.goto(live_server + "/conferences/2031/proposals")
    with page.expect_navigation():
        page.get_by_role("link", name="出戻り社員が拓く新規事業").first.click()
    assert "登壇 花子" in page.content()
    page.get_by_label("テーマとの関連 (重み 2)").select_option("5")
    page.get_by_label("独自性 (重み 1)").select_option("4")
    page.get_by_label("伝わりやすさ (重み 1)").select_option("3")
    page.get_by_label("コメント").fill("実践に基づき、他社にも応用できます。")
    submit(page, "審査を保存")
    assert "審査を保存しました" in page.content()
    fresh()
    assert db.session.scalar(db.select(Review.scores)) == {"relevance": 5, "originality": 4,
                                                          "delivery": 3}
    # The ranking is there for coordinators while the review runs.
    page.goto(live_server + "/conferences/2031/proposals")
    ranking = page.locator("table.conference-ranking")
    assert "出戻り社員が拓く新規事業" in ranking.inner_text() and "4.25" in ranking.inner_text()
    screenshot("conference-review-ranking")

    # The review closes; the coordinator accepts with a message.
    set_windows(page, live_server, **{"審査の終了（日本時間）": now - timedelta(minutes=1)})
    page.goto(proposal_url)
    page.get_by_label("登壇者へのメッセージ").fill("採択おめでとうございます。")
    submit(page, "承諾")
    assert "採否を保存し、登壇者に通知しました" in page.content()
    assert page.locator("#proposal-status").inner_text() == "承諾済み"
    fresh()
    assert db.session.scalar(db.select(Proposal.status)) == ProposalStatus.accepted

    # ... and places it in a room and slot of the first day.
    page.goto(live_server + "/conferences/2031/proposals")
    page.get_by_label("セッション", exact=True).select_option(label="出戻り社員が拓く新規事業")
    page.get_by_label("部屋").select_option("Hall A")
    starts = datetime.combine(first_day, datetime.min.time(), TOKYO).replace(hour=13)
    page.get_by_label("開始（日本時間）").fill(local(starts))
    submit(page, "タイムテーブルに入れる")
    assert "セッションをタイムテーブルに入れました" in page.content()
    fresh()
    session = db.session.scalar(db.select(ConferenceSession))
    assert session.room == "Hall A" and session.starts_at == starts
    assert session.ends_at == starts + timedelta(minutes=40)
    sign_out(page)

    # A member registers and sees the programme.
    sign_in(page, live_server, attendee.email)
    page.goto(live_server + "/conferences/2031")
    row = page.locator(f"#session-{session.id}")
    assert "出戻り社員が拓く新規事業" in row.inner_text() and "登壇 花子" in row.inner_text()
    assert "13:00" in row.inner_text()
    submit(page, "カンファレンスに申し込む")
    assert "参加確定" in page.locator("#my-registration").inner_text()
    assert "残席：49 / 50" in page.content()
    screenshot("conference-registered")

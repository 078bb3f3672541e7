"""Two groups co-host an event, a coordinator publishes it, a member registers
and downloads the .ics: in Chromium."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from federation.models import Role
from tests.browser.test_venue_booking_in_browser import sign_in
from tests.browser.waits import gone, shows

pytestmark = pytest.mark.browser


def sign_out(page):
    page.get_by_role("button", name="ログアウト").click()


def test_cohost_publish_register_download_ics(live_server, page, make, screenshot):
    lead_op = make.user(role=Role.operator, email="lead@alumni.example.jp")
    co_op = make.user(role=Role.operator, email="co@alumni.example.jp")
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    member = make.member(email="member@alumni.example.jp")
    make.group(slug="lead", name_ja="東光コンサルティング アルムナイ", operators=(lead_op,))
    make.group(slug="co", name_ja="青葉銀行 アルムナイ", operators=(co_op,))
    start = (datetime.now(ZoneInfo("Asia/Tokyo")) + timedelta(days=9)).replace(
        hour=19, minute=0, second=0, microsecond=0)

    sign_in(page, live_server, lead_op.email)
    page.goto(live_server + "/events/new")
    page.get_by_label("タイトル（日本語）").fill("業界横断 新規事業ナイト")
    page.get_by_label("説明（日本語）").fill("**新規事業**の実践者が集まります。")
    page.get_by_label("開催形式").select_option("in_person")
    page.get_by_label("開始（日本時間）").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("終了（日本時間）").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("場所", exact=True).fill("丸の内ホール 3F")
    page.get_by_label("定員").fill("40")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("heading", name="業界横断 新規事業ナイト").wait_for()
    event_url = page.url
    page.get_by_label("共催グループ").select_option("co")
    page.get_by_role("button", name="招待", exact=True).click()
    shows(page, "招待中")
    sign_out(page)

    sign_in(page, live_server, co_op.email)
    page.goto(event_url)
    page.get_by_role("button", name="共催を承諾").click()
    gone(page.get_by_role("button", name="共催を承諾"))
    assert "共催を承諾" not in page.content()
    sign_out(page)

    sign_in(page, live_server, lead_op.email)
    page.goto(event_url)
    page.get_by_role("button", name="掲載を申請").click()
    assert page.locator("#event-status").inner_text() == "申請中"
    sign_out(page)

    sign_in(page, live_server, coordinator.email)
    page.goto(event_url)
    page.get_by_role("button", name="公開", exact=True).click()
    assert page.locator("#event-status").inner_text() == "公開中"
    screenshot("event-published")
    sign_out(page)

    sign_in(page, live_server, member.email)
    page.goto(live_server + "/events/")
    page.get_by_role("link", name="業界横断 新規事業ナイト").click()
    page.get_by_role("button", name="申し込む").click()
    assert "参加確定" in page.locator("#my-registration").inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="カレンダーに追加（.ics）").click()
    path = download_info.value.path()
    calendar = Calendar.from_ical(open(path, "rb").read())
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "業界横断 新規事業ナイト"
    assert vevent.decoded("DTSTART") == start
    screenshot("event-registered")

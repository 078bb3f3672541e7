"""Group A offers a venue, group B's operator asks for a slot, A accepts, and
the slot shows as booked: in Chromium."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from federation.models import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, live_server, email):
    page.goto(live_server + "/auth/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()


def sign_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name="ログアウト").click()


def test_offer_request_accept_booked(live_server, page, make, screenshot):
    owner = make.user(role=Role.operator, email="owner@alumni.example.jp")
    asker = make.user(role=Role.operator, email="asker@alumni.example.jp")
    make.group(slug="group-a", name_ja="東光コンサルティング アルムナイ", operators=(owner,))
    make.group(slug="group-b", name_ja="青葉銀行 アルムナイ", operators=(asker,))

    sign_in(page, live_server, owner.email)
    page.goto(live_server + "/groups/group-a/assets/new?kind=venue")
    page.get_by_label("タイトル").fill("本社 大会議室")
    page.get_by_label("エリア").fill("東京都千代田区")
    page.get_by_label("収容人数").fill("100")
    page.get_by_label("毎週の利用可能時間（日本時間）").fill(
        "\n".join(f"{d} 09:00-21:00" for d in "月火水木金土日"))
    page.get_by_role("button", name="保存").click()
    page.get_by_role("heading", name="本社 大会議室").wait_for()
    venue_url = page.url
    screenshot("venue-offered")
    sign_out(page)

    start = (datetime.now(ZoneInfo("Asia/Tokyo")) + timedelta(days=8)).replace(
        hour=18, minute=0, second=0, microsecond=0)
    sign_in(page, live_server, asker.email)
    page.goto(venue_url)
    page.get_by_label("開始（日本時間）").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("終了（日本時間）").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("メッセージ").fill("合同勉強会で使わせてください。")
    page.get_by_role("button", name="依頼を送る").click()
    page.wait_for_url("**/assets/requests?box=outgoing")
    assert "回答待ち" in page.content()
    sign_out(page)

    sign_in(page, live_server, owner.email)
    page.goto(live_server + "/assets/requests?box=incoming")
    with page.expect_navigation():
        page.get_by_role("button", name="承諾").click()
    assert "承諾済み" in page.content()
    page.goto(venue_url)
    booked = page.locator("tr.booking-accepted")
    assert booked.count() == 1
    assert "予約済み" in booked.inner_text() and "青葉銀行" in booked.inner_text()
    screenshot("venue-booked")

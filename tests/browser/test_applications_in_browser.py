"""Apply as an operator, a coordinator approves, the new operator sees their group."""
from datetime import date, timedelta

import pytest

from federation.models import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, live_server, user):
    page.goto(live_server + "/auth/login")
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(live_server + "/")


def test_apply_approve_and_see_the_group(browser, live_server, page, make, screenshot):
    applicant = make.user()
    coordinator = make.user(role=Role.coordinator)
    today = date.today()

    sign_in(page, live_server, applicant)
    page.get_by_role("link", name="参加申請").click()
    page.get_by_role("link", name="運営者として申請").first.click()
    page.get_by_label("グループ名（日本語）").fill("北斗商事 アルムナイ")
    page.get_by_label("グループ名（英語）").fill("Hokuto Trading Alumni")
    page.get_by_label("企業", exact=True).fill("北斗商事株式会社")
    page.get_by_label("設立日").fill("2019-04-01")
    page.get_by_label("登録者数", exact=True).fill("900")
    page.get_by_label("直近12か月のイベント数").fill("6")
    page.get_by_label("運営タイプ").select_option(label="運営委任型")
    page.get_by_label("会社の窓口部署").fill("人事部")
    page.get_by_label("参加資格").select_option(value="company")
    page.get_by_label("対象", exact=True).select_option(value="working")
    page.get_by_label("目的", exact=True).select_option(value="co_creation")
    page.get_by_label("運営メンバーになった時期").fill((today - timedelta(days=500)).isoformat())
    page.get_by_label("関わる頻度").select_option(value="monthly")
    page.get_by_label("グループで担っていること").fill("イベント企画と会報の編集")
    page.get_by_role("button", name="申請する").click()
    page.wait_for_url("**/applications/*")
    assert page.locator(".criterion-pass").count() == 5
    screenshot("application-assessment-ja")

    reviewer = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    sign_in(reviewer, live_server, coordinator)
    reviewer.goto(live_server + "/applications/")
    reviewer.get_by_role("link", name="北斗商事 アルムナイ").click()
    reviewer.get_by_role("link", name="承認…").click()
    assert "コミュニティへようこそ" in reviewer.get_by_label("申請者へのメッセージ").input_value()
    reviewer.get_by_role("button", name="判断を送信").click()
    reviewer.wait_for_url("**/applications/*")
    assert reviewer.locator("#application-status").inner_text() == "承認済み"
    reviewer.context.close()

    page.goto(live_server + "/account/")
    groups = page.get_by_role("region", name="あなたのグループ")
    assert "北斗商事 アルムナイ" in groups.inner_text()
    assert "運営者" in page.locator("main").inner_text()
    screenshot("new-operator-profile-ja")

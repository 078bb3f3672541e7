"""A stranger registers and verifies, sees only the join page, asks to join a
group; an approver approves from the queue; the newcomer now finds people in
the directory: in Chromium."""
import pytest

from federation.extensions import db
from federation.models import Role
from federation.services import directory
from federation.services.mail import deliver_outbox
from tests.browser.waits import shows
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, live_server, email, password=PASSWORD):
    page.goto(live_server + "/auth/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(live_server + "/")


def test_stranger_joins_a_group_and_finds_people(app, live_server, page, smtp, make, screenshot):
    approver = make.user(role=Role.operator, email="approver@alumni.example.jp")
    toko = make.group(slug="toko", name_ja="東光コンサルティング アルムナイ", operators=(approver,),
                      eligibility_rule="正社員として1年以上在籍した方")
    aoba = make.group(slug="aoba", name_ja="青葉銀行 アルムナイ")
    found = make.alumnus(aoba, make.user(email="found@alumni.example.jp", family_name="岡田",
                                         given_name="真由"), bio="シード期の投資を支援しています。")
    with app.test_request_context():
        directory.update_profile(found, make.shared())
    db.session.commit()

    page.goto(live_server + "/auth/register")
    page.get_by_label("姓", exact=True).fill("新井")
    page.get_by_label("名", exact=True).fill("実")
    page.get_by_label("姓（ふりがな）").fill("あらい")
    page.get_by_label("名（ふりがな）").fill("みのる")
    page.get_by_label("メールアドレス").fill("newcomer@alumni.example.jp")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="アカウントを作成").click()
    page.wait_for_url("**/auth/check-mail")
    assert deliver_outbox()["sent"] == 1
    [mail] = smtp.to("newcomer@alumni.example.jp")
    page.goto(smtp.link_in(mail, "/auth/verify#"))
    page.get_by_role("button", name="メールアドレスを確認する").click()
    page.wait_for_url("**/auth/login")
    sign_in(page, live_server, "newcomer@alumni.example.jp")

    # Verified but in no member group: the way in is the join page, nothing more.
    nav = page.get_by_role("navigation", name="メイン")
    assert nav.get_by_role("link", name="参加するには").is_visible()
    assert nav.get_by_role("link", name="ディレクトリ").count() == 0
    page.goto(live_server + "/directory/?q=投資")
    assert "岡田" not in page.content()
    page.goto(live_server + "/join")
    screenshot("join-page")
    page.get_by_role("link", name="入会を申請").first.click()
    page.wait_for_url("**/groups/toko/join")
    assert "正社員として1年以上在籍した方" in page.content()
    page.get_by_label("氏名（在籍時の登録名）").fill("新井 実")
    page.get_by_label("生年月日").fill("1986-07-15")
    page.get_by_label("退職された会社・部署と時期").fill("戦略部門 2019年3月退職")
    page.get_by_label("現在のお仕事").fill("事業会社 経営企画")
    page.get_by_role("button", name="申請を送信").click()
    page.get_by_text("申請を送信しました").wait_for()
    assert "判断待ち" in page.content()
    page.get_by_role("button", name="ログアウト").click()

    sign_in(page, live_server, approver.email)
    page.goto(live_server + f"/groups/{toko.slug}")
    page.get_by_role("link", name="入会申請", exact=True).click()
    page.get_by_role("link", name="新井 実").click()
    shows(page, "1986")  # the approver sees the birth date
    screenshot("join-request-decision")
    page.get_by_role("button", name="承認", exact=True).click()
    page.get_by_text("承認しました").wait_for()
    page.get_by_role("button", name="ログアウト").click()

    sign_in(page, live_server, "newcomer@alumni.example.jp")
    page.get_by_role("navigation", name="メイン").get_by_role("link", name="ディレクトリ").click()
    page.goto(live_server + "/directory/?q=投資")
    page.get_by_role("link", name="岡田 真由").wait_for()
    screenshot("newcomer-finds-people")

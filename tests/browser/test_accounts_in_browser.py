"""Register, confirm from the delivered mail, sign in, switch language: in Chromium."""
import pytest

from federation.services.mail import deliver_outbox
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_register_verify_login_and_switch_language(live_server, page, smtp, make, screenshot):
    make.group(name_ja="東光コンサルティング アルムナイ", is_public=True)
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    screenshot("home-ja")

    page.get_by_role("link", name="新規登録").click()
    page.get_by_label("姓", exact=True).fill("山田")
    page.get_by_label("名", exact=True).fill("花子")
    page.get_by_label("姓（ふりがな）").fill("やまだ")
    page.get_by_label("名（ふりがな）").fill("はなこ")
    page.get_by_label("メールアドレス").fill("hanako@alumni.example.jp")
    page.get_by_label("パスワード").fill("short")
    page.get_by_role("button", name="アカウントを作成").click()
    # The error is next to the password field, the other fields keep their values.
    assert page.locator("#password-error").is_visible()
    assert page.get_by_label("姓", exact=True).input_value() == "山田"
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="アカウントを作成").click()
    page.wait_for_url("**/auth/check-mail")

    assert deliver_outbox()["sent"] == 1
    [mail] = smtp.to("hanako@alumni.example.jp")
    assert mail["Subject"] == "メールアドレスの確認"
    link = smtp.link_in(mail, "/auth/verify#")
    assert link.startswith(live_server)

    page.goto(link)
    page.get_by_role("button", name="メールアドレスを確認する").click()
    page.wait_for_url("**/auth/login")
    page.get_by_label("メールアドレス").fill("hanako@alumni.example.jp")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(live_server + "/")
    assert "山田 花子" in page.locator("main").inner_text()

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Account").is_visible()
    screenshot("home-en-signed-in")

    # The choice sticks to the account: a new browser context gets English after sign-in.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.goto(live_server + "/auth/login")
    page.get_by_label("Email address").fill("hanako@alumni.example.jp")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_home_page_on_a_phone(browser, live_server, make):
    make.group(name_ja="青葉銀行 アルムナイ", is_public=True)
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(live_server + "/")
    # Nothing wider than the screen: no sideways scrolling on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-ja-phone.png"), full_page=True)
    context.close()

"""Invite -> join -> fill offers -> another member finds them -> introduction
accepted: in Chromium."""
import re

import pytest
from sqlalchemy import select

from federation.extensions import db
from federation.models import OutboxMail, Role
from tests.browser.waits import shows
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, live_server, email, password=PASSWORD):
    page.goto(live_server + "/auth/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


def last_mail_to(address: str) -> str:
    db.session.commit()
    return db.session.scalars(select(OutboxMail.body_text).where(OutboxMail.recipient == address)
                              .order_by(OutboxMail.id.desc())).first()


def test_invite_join_offer_found_and_introduced(live_server, page, make, screenshot):
    operator = make.user(role=Role.operator, email="op@alumni.example.jp")
    make.group(slug="toko", name_ja="東光コンサルティング アルムナイ", operators=(operator,))
    seeker = make.alumnus(make.group(slug="aoba", name_ja="青葉銀行 アルムナイ"),
                          make.user(email="seeker@alumni.example.jp"))

    sign_in(page, live_server, operator.email)
    page.goto(live_server + "/directory/groups/toko/invite")
    page.locator("#invite-email").fill("newbie@alumni.example.jp")
    page.locator("#invite-family_name").fill("星野")
    page.locator("#invite-given_name").fill("光")
    page.locator("#invite-family_name_kana").fill("ほしの")
    page.locator("#invite-given_name_kana").fill("ひかる")
    page.get_by_role("button", name="招待を送る").click()
    shows(page, "招待を送りました")
    page.get_by_role("button", name="ログアウト").click()

    link = re.search(r"https?://\S*/directory/join/\S+", last_mail_to("newbie@alumni.example.jp"))
    page.goto(live_server + "/directory" + link.group(0).split("/directory", 1)[1])
    page.get_by_label("パスワード").fill("a long enough password")
    page.get_by_role("button", name="アカウントを作成して参加").click()
    page.wait_for_url("**/directory/me")
    page.locator("#offer_investment_fundraising_on").check()
    page.locator("#offer_investment_fundraising").fill("シード期のエンジェル投資")
    for name in ("name", "offers", "organisation"):
        page.locator(f"#visibility_{name}").select_option("federation")
    page.locator("#consent").check()
    page.get_by_role("button", name="プロフィールを保存").click()
    page.get_by_role("heading", name="星野 光").wait_for()
    screenshot("directory-profile")
    page.get_by_role("button", name="ログアウト").click()

    sign_in(page, live_server, seeker.email)
    page.goto(live_server + "/directory/?q=投資")
    page.get_by_role("link", name="星野 光").click()
    page.get_by_role("heading", name="星野 光").wait_for()
    assert "newbie@alumni.example.jp" not in page.content()
    page.get_by_label("メッセージ").fill("資金調達のご相談をさせてください。")
    page.get_by_role("button", name="紹介を依頼").click()
    shows(page, "依頼を送りました")
    page.get_by_role("button", name="ログアウト").click()

    sign_in(page, live_server, "newbie@alumni.example.jp", "a long enough password")
    page.goto(live_server + "/directory/introductions")
    assert "資金調達のご相談" in page.content()
    page.get_by_role("button", name="承諾").click()
    shows(page, "承諾しました")
    screenshot("introduction-accepted")
    assert "newbie@alumni.example.jp" in last_mail_to("seeker@alumni.example.jp")

"""A practice member reads a textbook chapter, asks in the beginners' space;
an operator whose topic matches hears of it in the daily digest and answers;
the asker marks it solved and it becomes an article: in Chromium."""
import re

import pytest
from sqlalchemy import select

from federation.extensions import db, writing
from federation.models import Article, Consultation, OutboxMail, TextbookChapter, TextbookEntry
from federation.services.knowledge import consultations
from tests.browser.waits import shows
from tests.factories import PASSWORD
from tests.functional.knowledge_helpers import article, operator, practice_member

pytestmark = pytest.mark.browser


def sign_in(page, live_server, email, password=PASSWORD):
    page.goto(live_server + "/auth/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


def test_practice_member_asks_operator_answers_it_becomes_an_article(live_server, page, make,
                                                                    app, screenshot):
    author, _g = operator(make)
    first = article(app, author, title_ja="はじめての運営", body_ja="まずは**運営メンバーを2人**に。",
                    visibility="practice", category="mindset", topic="")
    article(app, author, title_ja="会員限定の事例", visibility="members")
    chapter = TextbookChapter(position=1, title_ja="はじめの一歩", title_en="First steps")
    chapter.entries.append(TextbookEntry(article_id=first.id, position=1))
    db.session.add(chapter)
    db.session.commit()
    helper, _g2 = operator(make)
    with app.test_request_context():
        consultations.set_topics(helper, ["governance"])
        db.session.commit()
    beginner = practice_member(make)

    sign_in(page, live_server, beginner.email)
    page.goto(live_server + "/knowledge/textbook")
    assert "会員限定の事例" not in page.content()
    page.get_by_role("link", name="はじめの一歩").click()
    page.get_by_role("heading", name="第1章：はじめの一歩").wait_for()
    page.get_by_role("link", name="はじめての運営").click()
    page.get_by_role("heading", name="はじめての運営").wait_for()
    assert "<strong>運営メンバーを2人</strong>" in page.content()
    screenshot("knowledge-textbook-article")

    page.goto(live_server + "/consultations/new")
    page.get_by_label("どんな課題ですか？").fill("会社に公認してもらうには")
    page.get_by_label("カテゴリ").select_option("governance")
    page.get_by_label("詳細").fill("有志で35人集まりました。人事部に何を持っていけばよいでしょうか。")
    page.get_by_role("button", name="相談を投稿する").click()
    page.get_by_role("heading", name="会社に公認してもらうには").wait_for()
    assert "ビギナー向けスペース" in page.content()
    page.get_by_role("button", name="ログアウト").click()

    db.session.commit()  # end the test's read snapshot; the digest runs as a writer (cron)
    with writing(), app.test_request_context():
        assert consultations.send_consultation_digests() == 1
        db.session.commit()
    digest = db.session.scalar(select(OutboxMail.body_text).where(
        OutboxMail.recipient == helper.email, OutboxMail.template == "consultation_digest"))
    link = re.search(r"https?://\S*/consultations/\d+", digest).group(0)

    sign_in(page, live_server, helper.email)
    page.goto(live_server + "/consultations" + link.split("/consultations", 1)[1])
    page.get_by_label("回答", exact=True).fill("まず設立趣意書を作り、人事部のアルムナイ担当に見せましょう。")
    page.get_by_role("button", name="回答する").click()
    shows(page, "回答を投稿しました")
    page.get_by_role("button", name="ログアウト").click()

    sign_in(page, live_server, beginner.email)
    page.goto(live_server + "/consultations" + link.split("/consultations", 1)[1])
    page.locator("input[name=helpful]").first.check()
    page.get_by_role("button", name="解決済みにする").click()
    page.locator("#consultation-status", has_text="解決済み").wait_for()
    page.get_by_label(re.compile("実践知の記事として公開することに同意します")).check()
    page.get_by_role("button", name="記事にする").click()
    page.get_by_role("heading", name="会社に公認してもらうには").wait_for()
    assert "設立趣意書を作り" in page.content()
    screenshot("knowledge-from-consultation")
    db.session.commit()
    made = db.session.scalar(select(Article).where(Article.title_ja == "会社に公認してもらうには"))
    assert made is not None and made.visibility.value == "practice"
    assert db.session.scalar(select(Consultation.article_id)) == made.id

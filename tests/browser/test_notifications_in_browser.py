"""The inbox in Chromium: an event is proposed, the coordinator sees the
notification, returns it with a reason, and the proposer reads the reason in
the inbox and in the mail."""
import re

import pytest

from federation.extensions import db
from federation.models import Role
from federation.services.mail import deliver_outbox
from tests.browser.test_events_in_browser import sign_out
from tests.browser.test_venue_booking_in_browser import sign_in
from tests.browser.waits import shows

pytestmark = pytest.mark.browser


def test_proposal_returned_with_a_reason_reaches_the_proposer(live_server, page, make, smtp,
                                                              screenshot):
    lead_op = make.user(role=Role.operator, email="lead@alumni.example.jp")
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    lead = make.group(slug="lead", name_ja="東光コンサルティング アルムナイ", operators=(lead_op,))
    event = make.event(lead, status="draft", by=lead_op, title_ja="業界横断 新規事業ナイト")

    sign_in(page, live_server, lead_op.email)
    page.goto(f"{live_server}/events/{event.id}")
    page.get_by_role("button", name="掲載を申請").click()
    assert page.locator("#event-status").inner_text() == "申請中"
    sign_out(page)

    sign_in(page, live_server, coordinator.email)
    badge = page.locator(".inbox-link .unread-count")
    assert badge.inner_text().startswith("1")
    page.locator(".inbox-link").click()
    page.get_by_role("link", name=re.compile("イベントの承認依頼")).click()
    page.get_by_role("link", name="開く").click()
    reason = "会場が未定です。会場を確保してから再度ご提案ください。"
    page.get_by_label("主催者への差し戻し理由").fill(reason)
    page.get_by_role("button", name="主催者に差し戻す").click()
    shows(page, "差し戻しました")
    assert page.locator("#event-status").inner_text() == "下書き"
    sign_out(page)

    sign_in(page, live_server, lead_op.email)
    page.locator(".inbox-link").click()
    page.get_by_role("link", name=re.compile("イベントの修正をお願いします")).click()
    assert reason in page.locator("article.notification").inner_text()
    screenshot("notification-returned-event")
    page.get_by_role("link", name="開く").click()
    assert reason in page.locator("#return-reason").inner_text()
    assert page.locator(".inbox-link .unread-count").count() == 0

    db.session.commit()  # end the test's own snapshot: the server wrote the outbox
    deliver_outbox()
    mails = smtp.to("lead@alumni.example.jp")
    assert len(mails) == 1 and reason in smtp.text_of(mails[0])

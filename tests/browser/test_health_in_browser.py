"""A coordinator sees a flagged group, opens its dashboard, and the group's
operator prints the impact report and downloads its PDF: in Chromium."""
import io

import pytest
from pypdf import PdfReader

from federation.extensions import db
from federation.models import GroupNeed, NeedPair, Role
from federation.services.health import settings, snapshots
from tests.browser.test_venue_booking_in_browser import sign_in, sign_out
from tests.functional.test_health import at, attend, last_month, make_event

pytestmark = pytest.mark.browser


def test_coordinator_sees_flag_and_operator_prints_report(live_server, page, make, screenshot):
    operator = make.user(role=Role.operator, email="op@alumni.example.jp")
    other_op = make.user(role=Role.operator, email="other@alumni.example.jp")
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    guest = make.user(email="guest@alumni.example.jp")
    group = make.group(slug="taiyo", name_ja="大洋商事 アルムナイ", operators=(operator,))
    other = make.group(slug="aoba", name_ja="青葉銀行 OB・OG会", operators=(other_op,),
                       company_name="青葉銀行株式会社")
    db.session.add_all([GroupNeed(group_id=group.id, need=NeedPair.job_hiring),
                        GroupNeed(group_id=other.id, need=NeedPair.job_hiring)])
    month = last_month()
    for day in (3, 10, 17):
        event = make_event(group, at(month, day), operator)
        attend(event, guest, other)
    joint = make_event(group, at(month, 24), operator, cohosts=(other,))
    attend(joint, guest, other)
    settings.update_thresholds(coordinator, {"leader_share_pct": 60})
    db.session.commit()
    snapshots.compute_snapshots(month)
    db.session.commit()

    sign_in(page, live_server, coordinator.email)
    page.get_by_role("link", name="健全性", exact=True).click()
    page.get_by_role("heading", name="連合の健全性").wait_for()
    page.get_by_label("フラグのある団体のみ").check()
    with page.expect_navigation():
        page.get_by_role("button", name="絞り込む").click()
    row = page.get_by_role("row").filter(has_text="大洋商事 アルムナイ")
    assert "一人のリーダーに依存" in row.inner_text()
    assert page.locator("figure img").first.evaluate("img => img.naturalWidth") > 0
    screenshot("health-federation")
    with page.expect_navigation():
        row.get_by_role("link", name="大洋商事 アルムナイ").click()
    page.get_by_role("heading", name="大洋商事 アルムナイ の健全性").wait_for()
    assert "理由:" in page.content() and "青葉銀行 OB・OG会" in page.content()
    screenshot("health-group")
    sign_out(page)

    sign_in(page, live_server, operator.email)
    page.get_by_role("link", name="自団体の健全性").click()
    page.get_by_role("link", name="インパクトレポート").click()
    page.get_by_label("開始").fill(month.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="レポートを表示").click()
    assert "青葉銀行株式会社" in page.locator(".impact-report").inner_text()
    # The print button is shown by the page's own script (CSP: script-src 'self').
    page.get_by_role("button", name="印刷").wait_for(state="visible")
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".report-options").is_hidden()
    assert page.locator(".impact-report").is_visible()
    screenshot("health-report-print")
    page.emulate_media(media="screen")
    pdf_url = page.url + "&format=pdf"
    response = page.request.get(pdf_url)
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "インパクトレポート" in text and "青葉銀行株式会社" in text

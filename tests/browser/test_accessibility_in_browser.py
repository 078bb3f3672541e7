"""axe-core on the main pages, in Japanese and English, at 1280 and 375 pixels
wide, error states included; the focus ring's contrast; keyboard paths."""
from __future__ import annotations

from pathlib import Path

import pytest

from federation.models import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 375)


def _axe_violations(page) -> list[str]:
    assert AXE.exists(), "axe-core is missing: scripts/test.sh installs it (npm)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document);
        return {passed: r.passes.length, bad: r.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))};
    }""")
    assert result["passed"] > 10, "axe-core did not check the page"
    return result["bad"]


def _sign_in(page, base, email):
    page.goto(base + "/auth/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    # Wait for the response page itself: the current one is already "loaded".
    with page.expect_navigation():
        page.locator("form button[type=submit], form input[type=submit]").last.click()


@pytest.fixture
def site(make):
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    english = make.user(role=Role.coordinator, email="coord.en@alumni.example.jp", locale="en")
    admin = make.user(role=Role.admin, email="admin@alumni.example.jp")
    operator = make.user(role=Role.operator)
    group = make.group(slug="aozora", operators=(operator,), is_public=True)
    make.alumnus(group, coordinator, **make.shared())
    make.asset(group)
    event = make.event(group, audience="public")
    make.edition(2031)
    return {"coordinator": coordinator, "english": english, "admin": admin,
            "pages": ["/", "/groups/", f"/groups/{group.slug}", "/events/",
                      f"/events/{event.id}", "/assets/", "/directory/", "/directory/?q=投",
                      "/conferences/", "/conferences/2031", "/applications/", "/account/",
                      "/knowledge/", "/knowledge/articles/new",
                      "/knowledge/textbook", "/consultations/", "/consultations/new",
                      "/health/", f"/health/groups/{group.slug}", "/notifications/",
                      "/notifications/settings", "/join", f"/groups/{group.slug}/members"]}


@pytest.mark.parametrize("width", WIDTHS)
def test_main_pages_have_no_serious_violations(live_server, browser, site, width):
    found = {}
    for who, locale in (("coordinator", "ja-JP"), ("english", "en-US")):
        context = browser.new_context(locale=locale, timezone_id="Asia/Tokyo", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        # Visitors' pages and their error states.
        for path in ("/auth/login", "/auth/register"):
            page.goto(live_server + path)
            found[(who, width, path)] = _axe_violations(page)
            with page.expect_navigation():
                page.locator("main form button[type=submit], main form input[type=submit]").last.click()
            found[(who, width, path + " (errors)")] = _axe_violations(page)
        _sign_in(page, live_server, site[who].email)
        for path in site["pages"]:
            response = page.goto(live_server + path)
            assert response is not None and response.status == 200, (who, path)
            found[(who, width, path)] = _axe_violations(page)
        context.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_admin_users_fits_a_small_screen(live_server, browser, site):
    # bypass_csp: axe-core is injected as an inline script.
    context = browser.new_context(locale="ja-JP", viewport={"width": 375, "height": 800},
                                  bypass_csp=True)
    page = context.new_page()
    _sign_in(page, live_server, site["admin"].email)
    page.goto(live_server + "/admin/users")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert _axe_violations(page) == []
    context.close()


def _luminance(rgb: str) -> float:
    parts = [float(x) for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4
              for c in parts]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_focus_ring_error_summary_and_skip_link(live_server, page, site):
    page.goto(live_server + "/auth/login")
    page.keyboard.press("Tab")
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    width = page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    lighter, darker = sorted((_luminance(ring), _luminance(background)), reverse=True)
    assert width >= 2 and (lighter + 0.05) / (darker + 0.05) >= 3

    # After a failed submit the keyboard starts at the error summary.
    with page.expect_navigation():
        page.locator("main form input[type=submit]").last.click()
    # Chromium applies autofocus at a rendering update after load, not at once.
    # (Awaited by the locator, not by wait_for_function: a string predicate is
    # compiled inside the page, and the page's CSP, which forbids eval, may
    # refuse it; it did when the machine was busy.)
    from playwright.sync_api import expect

    expect(page.locator(".error-summary").first).to_be_focused(timeout=5000)

    # One Tab stop skips the event filters.
    page.goto(live_server + "/events/")
    page.locator(".skip-filters").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "event-results"

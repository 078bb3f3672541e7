"""Waiting for what a click leads to."""

from __future__ import annotations


def shows(page, text: str) -> None:
    """The page shows `text`, once the navigation a click began has loaded:
    page.content() read at once can be the document being replaced (it was
    empty once, with the two suites running side by side)."""
    from playwright.sync_api import expect

    expect(page.locator("body")).to_contain_text(text)


def gone(locator) -> None:
    """What the locator finds is gone, once the navigation has loaded."""
    from playwright.sync_api import expect

    expect(locator).to_have_count(0)

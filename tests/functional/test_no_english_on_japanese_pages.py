"""Every page, rendered in Japanese for each role, shows no English words but
data and allow-listed names (products, acronyms). Missing translations and
templates outside the extraction (templates/_partials) show up here."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from werkzeug.routing import BuildError

from federation.extensions import db
from federation.models import Role

# Names that are written in Latin letters in Japanese too.
ALLOWED = {
    "api", "csv", "css", "dx", "email", "english", "facebook", "github", "give", "google",
    "drive", "ics", "id", "json", "linkedin", "note", "openapi", "peatix", "pr", "slack",
    "sns", "url", "web", "x", "youtube", "zoom", "instagram", "ical", "icalendar", "ok",
    "asia", "tokyo", "utc", "jst", "pdf", "png", "jpeg", "webp", "qr", "faq", "it",
    "john", "smith",  # the example of a name written given first
    "smtp", "markdown", "http", "xlsx",
    "organisation",  # a column name of the invitation CSV
    "authorization", "bearer",  # the HTTP header to send, written as it is
}
VISIBLE_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
DATA = re.compile(r"\S+@\S+|https?://\S+|\w*_\w*|[\w.-]+\.(?:jp|com|example|invalid|ics|csv|json)\b")


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code", "pre"):
            self._skip += 1
        attrs = dict(attrs)
        if attrs.get("lang") == "en":  # the language switch's own name
            return
        for name in VISIBLE_ATTRIBUTES & attrs.keys():
            self.parts.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "pre") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def english_words(html: str, data_words: set[str]) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    text = DATA.sub(" ", " ".join(parser.parts))
    return {w for w in WORD.findall(text)
            if w.lower() not in ALLOWED and w.lower() not in data_words}


@pytest.fixture
def world(make):
    coordinator = make.user(role=Role.coordinator)
    admin = make.user(role=Role.admin)
    operator = make.user(role=Role.operator)
    group = make.group(slug="aozora", name_en="", operators=(operator,), is_public=True)
    other = make.group(slug="nihonbashi", name_en="", is_public=True)
    member = make.alumnus(group, make.user(), organisation="青空商事", bio="新規事業",
                          **make.shared())
    venue = make.asset(group)
    make.asset(group, kind="speaker", languages="日本語")
    make.asset_request(venue, other, coordinator)
    event = make.event(group, cohosts=(other,), title_en="", audience="public", by=operator)
    make.registration(event, member)
    edition = make.edition(2031, theme_en="", rooms=["ホールA", "会議室B"], by=coordinator)
    proposal = make.proposal(edition, operator)
    application = make.application(make.user(), name_en="", platforms="Facebook, Slack")
    from federation.models import DirectoryProfile, OutboxMail
    profile = db.session.scalar(db.select(DirectoryProfile).limit(1))
    mail = db.session.scalar(db.select(OutboxMail).limit(1))
    return {
        "people": {None: None, "member": member, "operator": operator,
                   "coordinator": coordinator, "admin": admin},
        "values": {"slug": group.slug, "event_id": event.id, "year": edition.year,
                   "asset_id": venue.id, "application_id": application.id,
                   "proposal_id": proposal.id, "profile_id": profile.id if profile else 0,
                   "mail_id": mail.id if mail else 0},
    }


def _pages(app, values):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(("/api", "/static", "/healthz")):
            continue
        if any(arg not in values for arg in rule.arguments):
            continue  # tokens and secrets: pages reached from a mail
        if rule.rule.endswith((".ics", ".csv", ".json")):
            continue
        with app.test_request_context():
            try:
                from flask import url_for
                yield url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
            except BuildError:
                continue


@pytest.mark.parametrize("role", [None, "member", "operator", "coordinator", "admin"])
def test_japanese_pages_show_no_english(app, client, login, world, role):
    person = world["people"][role]
    if person is not None:
        login(person)
    # Data: the slugs, and the test client's user agent ("Werkzeug/…") that the
    # session list shows as each browser's name.
    data_words = {"aozora", "nihonbashi", "werkzeug"}
    leaks = {}
    for path in sorted(set(_pages(app, world["values"]))):
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        found = english_words(response.get_data(as_text=True), data_words)
        if found:
            leaks[path] = sorted(found)
    assert leaks == {}, f"English on Japanese pages for {role or 'a visitor'}"


def test_error_states_and_the_pager_are_japanese_too(client, make, login):
    for path in ("/auth/register", "/auth/login", "/auth/forgot"):
        page = client.post(path, data={}).get_data(as_text=True)
        assert "field-error" in page, path
        assert english_words(page, set()) == set(), path
    login(make.user(role=Role.coordinator))
    for _ in range(3):
        make.group(name_en="", is_public=True)
    page = client.get("/groups/?per_page=1").get_data(as_text=True)
    assert 'class="pager"' in page
    assert english_words(page, set()) == set()

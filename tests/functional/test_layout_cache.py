"""The member layout's cached fragments never show one person another's
data: two people of different roles and languages, served one after the
other from the same warm cache, each see their own navigation, language and
unread count (issue 19)."""

import re

from flask import current_app

from federation import fragments
from federation.extensions import db
from federation.models import Notification, Role, utcnow


def nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(0)) if nav else []


def unread_badge(html: str) -> str | None:
    match = re.search(r'class="badge unread-count">(\d+)', html)
    return match.group(1) if match else None


def test_two_people_of_different_roles_and_languages_see_their_own_layout(app, make, login):
    coordinator = make.user(role=Role.coordinator, locale="ja")
    make.group(slug="home", operators=(coordinator,))
    member = make.member(locale="en")
    for _ in range(3):
        db.session.add(Notification(user_id=coordinator.id, kind="event_registered", subject="お知らせ",
                                    created_at=utcnow()))
    db.session.commit()
    coord_client, member_client, visitor = app.test_client(), app.test_client(), app.test_client()
    login(coordinator, on=coord_client)
    login(member, on=member_client)

    for _ in range(2):  # the second round is served from the warm cache
        coord = coord_client.get("/events/").get_data(as_text=True)
        theirs = member_client.get("/events/").get_data(as_text=True)
        anonymous = visitor.get("/events/").get_data(as_text=True)

        assert "/health/" in nav_links(coord) and "合同イベント" in coord
        assert unread_badge(coord) == "3"
        assert "/health/" not in nav_links(theirs) and "/events/" in nav_links(theirs)
        assert "Joint events" in theirs and "合同イベント" not in theirs
        assert unread_badge(theirs) is None
        assert "/directory/" not in nav_links(anonymous) and unread_badge(anonymous) is None
        # The per-person parts stay per request: each page carries its own
        # sign-out form and language switch back to its own path.
        assert 'value="/events/"' in theirs

    store = current_app.extensions["fragments"]
    assert isinstance(store, fragments.LocalStore) and len(store._items) >= 4


def test_a_fragment_is_rebuilt_after_invalidation(app):
    builds = []

    def build():
        builds.append(1)
        return "<p>x</p>"

    with app.test_request_context():
        assert fragments.cached("labels", ("ja",), build) == "<p>x</p>"
        fragments.cached("labels", ("ja",), build)
        assert len(builds) == 1
        fragments.cached("labels", ("en",), build)  # another key: built on its own
        assert len(builds) == 2
        fragments.invalidate("labels")
        fragments.cached("labels", ("ja",), build)
        assert len(builds) == 3


def test_redis_is_used_when_configured():
    store = fragments.store_for("redis://127.0.0.1:1/0")  # nothing listens: rendering goes on
    assert isinstance(store, fragments.RedisStore)
    assert store.get("k") is None and store.version("n") == -1
    store.set("k", "v")
    store.bump("n")
    assert isinstance(fragments.store_for(""), fragments.LocalStore)


def test_a_board_card_follows_its_event_seats_and_hosts(client, make, login):
    """Cached cards are keyed by what they show: a new registration, a
    renamed host group or a retitled event shows at once."""
    group = make.group(slug="cardhost", name_ja="大洋商事 アルムナイ")
    event = make.event(group, capacity=5, title_ja="合同交流会A")
    login(make.member())
    first = client.get("/events/").get_data(as_text=True)
    make.registration(event, make.member())
    group.name_ja = "大洋商事 OB会"
    event.title_ja = "合同交流会B"
    db.session.commit()
    second = client.get("/events/").get_data(as_text=True)
    assert "合同交流会A" in first and "大洋商事 アルムナイ" in first
    assert "合同交流会B" in second and "大洋商事 OB会" in second and "合同交流会A" not in second
    assert _seats_line(first) != _seats_line(second)


def _seats_line(html: str) -> str:
    return re.search(r'<p class="small">([^<]*)</p>', html).group(1)

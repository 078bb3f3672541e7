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


def _registry_row(html: str, slug: str) -> str:
    return re.search(rf'<tr>\s*<th scope="row"><a href="/groups/{slug}">.*?</tr>', html, re.S).group(0)


def test_a_registry_row_follows_its_group_and_the_viewers_language(app, make, login):
    """Cached registry rows are keyed by every column they show: a renamed
    group, a new member count and a need pair added (which changes no column
    of the group itself) show at once, and an English reader gets the English
    row, never the cached Japanese one."""
    from federation.models import GroupNeed, NeedPair

    group = make.group(slug="rowcache", name_ja="大洋商事 アルムナイ", name_en="Taiyo Alumni",
                       registered_members=800)
    db.session.add(GroupNeed(group_id=group.id, need=NeedPair.networking))
    db.session.commit()
    japanese, english = app.test_client(), app.test_client()
    login(make.member(locale="ja"), on=japanese)
    login(make.member(locale="en"), on=english)

    first = _registry_row(japanese.get("/groups/").get_data(as_text=True), "rowcache")
    group.name_ja, group.registered_members = "大洋商事 OB会", 1200
    db.session.commit()
    renamed = _registry_row(japanese.get("/groups/").get_data(as_text=True), "rowcache")
    db.session.add(GroupNeed(group_id=group.id, need=NeedPair.investment_fundraising))
    db.session.commit()
    with_need = _registry_row(japanese.get("/groups/").get_data(as_text=True), "rowcache")
    in_english = _registry_row(english.get("/groups/").get_data(as_text=True), "rowcache")

    assert "大洋商事 アルムナイ" in first and "800" in first and "交流" in first
    assert "大洋商事 OB会" in renamed and "1,200" in renamed and "大洋商事 アルムナイ" not in renamed
    assert "出資" in with_need and "出資" not in renamed
    assert "Taiyo Alumni" in in_english and "Investment ↔ fundraising" in in_english
    assert "大洋商事" not in in_english.split("</a>")[0]


def _queue_row(html: str, application_id: int) -> str:
    return re.search(rf'<tr>\s*<td><a href="/applications/{application_id}">.*?</tr>', html, re.S).group(0)


def test_a_queue_row_follows_its_application_and_applicant(app, make, login):
    """Cached queue rows are keyed by every column they show: a decision, an
    applicant's new name and a group name given in the application show at
    once, and an English reader gets English labels."""
    from federation.models import ApplicationStatus

    application = make.application(name_ja="北海商事 アルムナイ", name_en="Hokkai Alumni")
    japanese, english = app.test_client(), app.test_client()
    login(make.user(role=Role.coordinator, locale="ja"), on=japanese)
    login(make.user(role=Role.coordinator, locale="en"), on=english)

    first = _queue_row(japanese.get("/applications/").get_data(as_text=True), application.id)
    application.applicant.family_name = "御手洗"
    application.name_ja = "北海商事 OB会"
    application.status = ApplicationStatus.approved
    db.session.commit()
    changed = _queue_row(japanese.get("/applications/").get_data(as_text=True), application.id)
    in_english = _queue_row(english.get("/applications/").get_data(as_text=True), application.id)

    assert "北海商事 アルムナイ" in first and "status-pending" in first and "御手洗" not in first
    assert "北海商事 OB会" in changed and "御手洗" in changed and "status-approved" in changed
    assert "Hokkai Alumni" in in_english and "Approved" in in_english

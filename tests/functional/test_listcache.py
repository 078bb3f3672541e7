"""Whole lists served from the cache (federation/listcache.py, issue 19):
never one person's list to another, never older than the data, and never
missing a table a list reads."""

import re

import pytest
from sqlalchemy import delete, event, insert, select, update

from federation import listcache
from federation.extensions import db
from federation.models import (
    AlumniGroup,
    ApplicationStatus,
    GroupNeed,
    ListVersion,
    NeedPair,
    OperatorApplication,
    Role,
)
from federation.models.cache import EPOCH


def version_of(table: str) -> int:
    return db.session.scalar(select(ListVersion.version).where(ListVersion.name == table)) or 0


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- the versions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement, table",
    [
        ("INSERT INTO alumni_group (slug) VALUES (?)", "alumni_group"),
        ('UPDATE "user" SET locale=%(locale)s', "user"),
        ("DELETE FROM group_need WHERE group_need.group_id = ?", "group_need"),
        ("INSERT OR REPLACE INTO shared_asset (id) VALUES (1)", "shared_asset"),
        ("  insert into event_host (event_id) values (1)", "event_host"),
        ("SELECT alumni_group.id FROM alumni_group", None),
        ("WITH t AS (SELECT 1) SELECT * FROM t", None),
        ("PRAGMA foreign_keys=ON", None),
    ],
)
def test_the_table_a_statement_writes(statement, table):
    assert listcache.written_table(statement) == table


def test_a_write_raises_its_tables_version_when_it_commits_and_not_when_it_rolls_back(app, make):
    group = make.group()
    before = version_of("alumni_group")

    group.name_ja = "改名アルムナイ"
    db.session.commit()
    assert version_of("alumni_group") == before + 1

    group.name_ja = "取り消される名前"
    db.session.flush()
    db.session.rollback()
    assert version_of("alumni_group") == before + 1

    # Core statements and association rows count as writes too.
    db.session.execute(insert(GroupNeed).values(group_id=group.id, need=NeedPair.job_hiring))
    db.session.commit()
    needs = version_of("group_need")
    db.session.execute(delete(GroupNeed).where(GroupNeed.group_id == group.id))
    db.session.execute(update(AlumniGroup).where(AlumniGroup.id == group.id).values(maturity_level=4))
    db.session.commit()
    assert version_of("group_need") == needs + 1
    assert version_of("alumni_group") == before + 2
    # A table no list reads has no version row.
    assert version_of("outbox_mail") == 0


def test_every_database_gets_its_own_epoch(app):
    # Lists kept in a shared Redis never outlive the database they were read
    # from: each database built gets a random epoch of its own.
    epochs = []
    for _ in range(2):
        db.session.execute(delete(ListVersion).where(ListVersion.name == EPOCH))
        ListVersion.__table__.dispatch.after_create(ListVersion.__table__, db.session.connection())
        epochs.append(version_of(EPOCH))
    assert 0 not in epochs and epochs[0] != epochs[1]


def test_the_in_process_store_is_bounded_in_entries_and_in_text_and_entries_expire(monkeypatch):
    from federation import fragments

    store = fragments.LocalStore(max_items=3, max_chars=10)
    for key in "abc":
        store.set(key, "xx")
    store.get("a")  # used: "b" is now the oldest
    store.set("d", "xx")
    assert [store.get(k) for k in "abcd"] == ["xx", None, "xx", "xx"]
    store.set("big", "x" * 8)  # over the text budget: the oldest go first
    assert store.get("big") == "x" * 8 and store.get("a") is None and store.get("c") is None

    now = [1000.0]
    monkeypatch.setattr(fragments.time, "monotonic", lambda: now[0])
    store.set("soon", "y", ttl=5)
    assert store.get("soon") == "y"
    now[0] += 6
    assert store.get("soon") is None


# --- the lists show every write at once -------------------------------------------------------


def test_the_registry_is_served_from_the_cache_and_shows_a_write_at_once(app, make, login, client, count_queries):
    member = make.member()
    group = make.group(name_ja="旧名アルムナイ", is_public=True)
    login(member)

    assert "旧名アルムナイ" in page(client, "/groups/")
    with count_queries(rebuild_lists=False) as statements:
        assert "旧名アルムナイ" in page(client, "/groups/")
    # Served from the cache: the list's own statements did not run.
    assert not [s for s in statements if "group_need" in s]

    group.name_ja = "新名アルムナイ"
    db.session.commit()
    html = page(client, "/groups/")
    assert "新名アルムナイ" in html and "旧名アルムナイ" not in html

    # A need pair is a row of another table: the registry shows it at once too.
    db.session.add(GroupNeed(group_id=group.id, need=NeedPair.job_hiring))
    db.session.commit()
    assert "転職↔採用" in page(client, "/groups/").split("新名アルムナイ", 1)[1].split("</tr>", 1)[0]


def test_the_queue_shows_a_decision_at_once(app, make, login, client):
    coordinator = make.user(role=Role.coordinator)
    application = make.application()
    login(coordinator)
    assert 'status-pending' in page(client, "/applications/")

    db.session.execute(
        update(OperatorApplication)
        .where(OperatorApplication.id == application.id)
        .values(status=ApplicationStatus.approved)
    )
    db.session.commit()
    html = page(client, "/applications/")
    assert "status-approved" in html and "status-pending" not in html


def test_the_board_shows_a_new_event_at_once(app, make, login, client):
    member = make.member()
    login(member)
    group = make.group()
    make.event(group, title_ja="最初の交流会")
    assert "最初の交流会" in page(client, "/events/")
    make.event(group, title_ja="追加の交流会")
    assert "追加の交流会" in page(client, "/events/")


# --- never one person's list to another ---------------------------------------------------------


def test_the_publishing_setting_beside_a_cached_board_shows_a_change_at_once_with_each_coordinators_token(
    app, make, login
):
    group = make.group()
    first, second = make.user(role=Role.coordinator), make.user(role=Role.coordinator)
    member = make.member(group=group)
    clients = {name: app.test_client() for name in ("first", "second", "member")}
    for name, user in (("first", first), ("second", second), ("member", member)):
        login(user, on=clients[name])
    app.config["WTF_CSRF_ENABLED"] = True

    def panel(name: str) -> str:
        text = page(clients[name], "/events/")
        return text[text.index('id="setting-title"') :] if 'id="setting-title"' in text else ""

    def token(html: str) -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)

    before = panel("first")
    assert 'name="enabled"' in before and "checked" not in before.split("</form>")[0]
    assert panel("member") == ""
    saved = clients["first"].post("/events/settings", data={"csrf_token": token(before), "enabled": "y"})
    assert saved.status_code == 302
    after_first, after_second = panel("first"), panel("second")
    assert "checked" in after_first.split("</form>")[0] and "checked" in after_second.split("</form>")[0]
    assert token(after_first) != token(after_second)
    refused = clients["second"].post("/events/settings", data={"csrf_token": token(after_first), "enabled": ""})
    assert refused.status_code in (302, 400) and "checked" in panel("second").split("</form>")[0]


def test_a_cached_registry_never_shows_the_members_only_groups_to_an_outsider(app, make, login):
    hidden = make.group(name_ja="非公開アルムナイ", is_public=False)
    make.group(name_ja="公開アルムナイ", is_public=True)
    member, outsider = make.member(group=hidden), make.user()  # a verified account of no group
    member_client, outsider_client = app.test_client(), app.test_client()
    login(member, on=member_client)
    login(outsider, on=outsider_client)

    for _ in range(2):  # the second round is served from the warm cache
        theirs = page(member_client, "/groups/")
        outsiders = page(outsider_client, "/groups/")
        assert "非公開アルムナイ" in theirs and "公開アルムナイ" in theirs
        assert "非公開アルムナイ" not in outsiders and "公開アルムナイ" in outsiders


def test_the_cached_home_page_keeps_private_groups_to_members_and_greets_each_viewer(app, make, login):
    public = make.group(name_ja="公開の会", is_public=True)
    make.group(name_ja="非公開の会", is_public=False)
    alice, bob = make.member(group=public), make.member(group=public)
    alice.family_name, bob.family_name = "青木", "馬場"
    db.session.commit()
    clients = {"visitor": app.test_client(), "alice": app.test_client(), "bob": app.test_client()}
    login(alice, on=clients["alice"])
    login(bob, on=clients["bob"])
    for _ in range(2):
        seen = {name: page(c, "/") for name, c in clients.items()}
        assert "非公開の会" in seen["alice"] and "非公開の会" not in seen["visitor"]
        assert "青木" in seen["alice"] and "青木" not in seen["bob"] and "馬場" in seen["bob"]
        assert all("公開の会" in text for text in seen.values())
    make.group(name_ja="新しい会", is_public=True)
    assert "新しい会" in page(clients["visitor"], "/")


def test_a_cached_registry_is_per_language(app, make, login):
    make.group(name_ja="日本語名アルムナイ", name_en="English Name Alumni", is_public=True)
    ja, en = make.member(locale="ja"), make.member(locale="en")
    ja_client, en_client = app.test_client(), app.test_client()
    login(ja, on=ja_client)
    login(en, on=en_client)
    for _ in range(2):
        assert "日本語名アルムナイ" in page(ja_client, "/groups/")
        english = page(en_client, "/groups/")
        assert "English Name Alumni" in english and "日本語名アルムナイ" not in english


def test_a_cached_queue_shows_each_applicant_only_their_own(app, make, login):
    coordinator = make.user(role=Role.coordinator)
    first = make.user(family_name="一番", given_name="太郎")
    second = make.user(family_name="二番", given_name="花子")
    make.application(first, name_ja="一番目の会 アルムナイ")
    make.application(second, name_ja="二番目の会 アルムナイ")
    clients = {who: app.test_client() for who in ("coordinator", "first", "second")}
    login(coordinator, on=clients["coordinator"])
    login(first, on=clients["first"])
    login(second, on=clients["second"])

    for _ in range(2):
        everyone = page(clients["coordinator"], "/applications/")
        mine = page(clients["first"], "/applications/")
        theirs = page(clients["second"], "/applications/")
        assert "一番目の会" in everyone and "二番目の会" in everyone
        assert "一番目の会" in mine and "二番目の会" not in mine
        assert "二番目の会" in theirs and "一番目の会" not in theirs


def test_a_cached_board_keeps_a_host_only_event_to_the_hosts_members(app, make, login):
    hosts, others = make.group(), make.group()
    make.event(hosts, title_ja="主催者だけの勉強会", audience="hosts")
    make.event(hosts, title_ja="下書きの交流会", status="draft")
    insider, outsider = make.member(group=hosts), make.member(group=others)
    coordinator = make.user(role=Role.coordinator)
    clients = {who: app.test_client() for who in ("insider", "outsider", "coordinator", "visitor")}
    login(insider, on=clients["insider"])
    login(outsider, on=clients["outsider"])
    login(coordinator, on=clients["coordinator"])

    for _ in range(2):
        assert "主催者だけの勉強会" in page(clients["insider"], "/events/")
        assert "主催者だけの勉強会" not in page(clients["outsider"], "/events/")
        assert "主催者だけの勉強会" not in page(clients["visitor"], "/events/")
        assert "下書きの交流会" in page(clients["coordinator"], "/events/")
        assert "下書きの交流会" not in page(clients["insider"], "/events/")


def test_a_cached_catalogue_is_still_refused_to_an_outsider(app, make, login):
    group = make.group()
    make.asset(group, title="会議室アルファ")
    member, outsider = make.member(group=group), make.user()
    member_client, outsider_client = app.test_client(), app.test_client()
    login(member, on=member_client)
    login(outsider, on=outsider_client)
    for _ in range(2):
        assert "会議室アルファ" in page(member_client, "/assets/")
        response = outsider_client.get("/assets/")
        assert response.status_code == 404 and "会議室アルファ" not in response.get_data(as_text=True)


def test_a_cached_federation_health_is_still_refused_to_an_operator_and_shows_a_snapshot_at_once(
    app, make, login, client, token_for
):
    from federation.services.health import snapshots

    coordinator = make.user(role=Role.coordinator)
    operator = make.user()
    make.group(name_ja="青葉銀行 OB・OG会", operators=(operator,))
    coordinator_headers, operator_headers = token_for(coordinator), token_for(operator)
    login(coordinator)
    assert client.get("/api/v1/federation/health", headers=coordinator_headers).get_json()["month"] is None
    first = page(client, "/health/")
    assert "青葉銀行 OB・OG会" in first and "対象月: " not in first
    operator_client = app.test_client()
    login(operator, on=operator_client)
    for _ in range(2):
        refused = operator_client.get("/health/")
        assert refused.status_code == 403 and "青葉銀行" not in refused.get_data(as_text=True)
        answer = client.get("/api/v1/federation/health", headers=operator_headers)
        assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "forbidden"
    snapshots.compute_snapshots()
    db.session.commit()
    served = client.get("/api/v1/federation/health", headers=coordinator_headers).get_json()
    assert served["month"] is not None and served["groups"][0]["snapshot"] is not None
    assert "対象月: " in page(client, "/health/")


def test_the_api_event_list_shows_the_online_link_only_to_a_confirmed_attendee(app, make, client, token_for):
    group = make.group()
    event = make.event(group, online_url="https://meet.example.jp/room-42")
    attendee, other = make.member(), make.member()
    make.registration(event, attendee)
    coordinator = make.user(role=Role.coordinator)
    headers = {who: token_for(user) for who, user in
               (("attendee", attendee), ("other", other), ("coordinator", coordinator))}

    def link(who):
        response = client.get("/api/v1/events", headers=headers[who])
        assert response.status_code == 200
        [item] = response.get_json()["items"]
        return item["online_url"]

    for _ in range(2):
        assert link("attendee") == "https://meet.example.jp/room-42"
        assert link("other") is None
        assert link("coordinator") == "https://meet.example.jp/room-42"


def test_a_cached_inbox_is_its_owners_alone_and_shows_a_new_notification(app, make, client, token_for):
    from federation.models import Notification, utcnow

    first, second = make.member(), make.member()
    db.session.add(Notification(user_id=first.id, kind="event_registered", subject="一通目", created_at=utcnow()))
    db.session.commit()
    mine, theirs = token_for(first), token_for(second)

    def subjects(headers):
        return [n["subject"] for n in client.get("/api/v1/notifications", headers=headers).get_json()["items"]]

    for _ in range(2):
        assert subjects(mine) == ["一通目"] and subjects(theirs) == []
    db.session.add(Notification(user_id=second.id, kind="event_registered", subject="二通目", created_at=utcnow()))
    db.session.commit()
    assert subjects(theirs) == ["二通目"] and subjects(mine) == ["一通目"]


def test_a_cached_api_list_still_answers_304_and_its_body_is_the_built_one(app, make, client, token_for):
    make.group(name_ja="一覧の会 アルムナイ", is_public=True)
    headers = token_for(make.member())
    built = client.get("/api/v1/groups", headers=headers)
    served = client.get("/api/v1/groups", headers=headers)
    assert built.get_json() == served.get_json() and built.headers["ETag"] == served.headers["ETag"]
    assert served.headers["Content-Type"] == "application/json"
    again = client.get("/api/v1/groups", headers={**headers, "If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


# --- every table a list reads is one it is versioned by ------------------------------------------

TABLE_IN_STATEMENT = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)


def tables_read_while_building(app, name: str, request) -> set[str]:
    """The tables named by the statements the list `name` runs while it is
    built (a cache miss), for one request."""
    known = set(db.metadata.tables)
    seen: set[str] = set()
    building = []

    def record(_conn, _cursor, statement, *_args):
        if building:
            seen.update(t for t in TABLE_IN_STATEMENT.findall(statement) if t in known)

    original = listcache.cached

    def cached(list_name, parts, build):
        def watched():
            building.append(1)
            try:
                return build()
            finally:
                building.pop()

        return original(list_name, parts, watched if list_name == name else build)

    event.listen(db.engine, "before_cursor_execute", record)
    listcache.cached = cached
    try:
        response = request()
    finally:
        listcache.cached = original
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return seen


def test_each_list_is_versioned_by_every_table_it_reads(app, make, login, client):
    from federation.models import Notification, utcnow
    from federation.services import applications, assets, directory, events, groups, notifications
    from federation.services.health import snapshots

    coordinator = make.user(role=Role.coordinator)
    group = make.group(operators=(coordinator,))
    make.alumnus(group, make.user(), **make.shared(), organisation="新規事業開発室")
    db.session.add(Notification(user_id=coordinator.id, kind="event_registered", subject="件名", created_at=utcnow()))
    db.session.add(GroupNeed(group_id=group.id, need=NeedPair.job_hiring))
    db.session.commit()
    make.asset(group)
    make.event(group, cohosts=(make.group(),))
    make.application(coordinator)
    snapshots.compute_snapshots()
    db.session.commit()
    login(coordinator)

    lists = [
        (groups.REGISTRY_LIST, "/groups/?has_venue=1&has_speaker=1&need=job_hiring"),
        (applications.QUEUE_LIST, "/applications/?older_than=0"),
        (events.BOARD_LIST, "/events/?group=" + group.slug),
        (assets.CATALOGUE_LIST, "/assets/?q=セミナー"),
        (groups.REGISTRY_LIST, "/api/v1/groups?has_venue=true&need=job_hiring"),
        (events.BOARD_LIST, "/api/v1/events?group=" + group.slug),
        (assets.CATALOGUE_LIST, "/api/v1/assets?q=セミナー"),
        (directory.SEARCH_LIST, "/api/v1/directory?q=新規事業"),
        (directory.SEARCH_LIST, "/api/v1/directory"),
        (notifications.INBOX_LIST, "/api/v1/notifications?unread=true"),
        (groups.HOME_LIST, "/"),
        (snapshots.FEDERATION_HEALTH_LIST, "/health/?sort=name&size=<300"),
        (snapshots.FEDERATION_HEALTH_LIST, "/api/v1/federation/health"),
    ]
    for name, path in lists:
        read = tables_read_while_building(app, name, lambda path=path: client.get(path))
        assert read, f"{path}: nothing read (was it served from the cache?)"
        assert read <= listcache.LISTS[name], f"{path} reads {sorted(read - listcache.LISTS[name])}"

"""Every API list answers in a bounded number of queries: the same at 1 item
as at 50 (schemas are pure; services build the view data per page)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from federation.extensions import db
from federation.models import (AbuseReport, AlumniGroup, ConferenceRegistration,
                               ConferenceSession, Introduction, Notification, RegistrationStatus,
                               Role, utcnow)
from federation.services import accounts
from tests.functional.knowledge_helpers import article, consultation


def statements_for(client, count_queries, url, headers):
    client.get(url, headers=headers)  # once first: a token's first use is recorded
    with count_queries() as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return len(statements), response.get_json()


def assert_bounded(client, count_queries, url, headers, add, expected_total=None, limit=None):
    """`add(n)` brings the list to n items; the statements must not grow."""
    add(1)
    few, body = statements_for(client, count_queries, url, headers)
    assert len(body["items"]) == 1, body
    add(50)
    many, body = statements_for(client, count_queries, url, headers)
    assert len(body["items"]) == 50 and body["total"] == 50
    assert many == few, f"{url}: {few} statements for 1 item, {many} for 50"
    assert few <= (limit or API_LIST_LIMIT), f"{url}: {few} statements"


# No API list runs more statements than this (issue 19), token check included.
API_LIST_LIMIT = 6
# Not yet 6: the match list plans each complementary need by its frequency
# (a count, then the candidates) and ranks them before it loads the page's
# profiles (with their needs and groups: one statement each).
MATCHES_NOW = 8


def grower(make_one):
    made = []

    def add(n):
        while len(made) < n:
            made.append(make_one(len(made)))

    return add


class _Url:
    @staticmethod
    def format(path):
        return f"/api/v1{path}{'&' if '?' in path else '?'}per_page=100"


URL = _Url()


def test_tokens(client, make, token_for, count_queries):
    user = make.user()
    headers = token_for(user)  # one token already

    few, _ = statements_for(client, count_queries, URL.format("/tokens"), headers)
    for _ in range(49):
        accounts.create_api_token(user, "more")
    db.session.commit()
    many, body = statements_for(client, count_queries, URL.format("/tokens"), headers)
    assert body["total"] == 50 and many == few


def test_events(client, make, token_for, count_queries):
    operator = make.user(role=Role.operator)
    lead = make.group(operators=(operator,))
    viewer = make.member()
    headers = token_for(viewer)

    def one(i):
        event = make.event(lead, audience="members", capacity=5)
        make.registration(event, viewer)
        return event

    assert_bounded(client, count_queries, URL.format("/events"), headers, grower(one))
    body = client.get(URL.format("/events"), headers=headers).get_json()
    # Confirmed: the link is there; seats counted per event.
    assert body["items"][0]["online_url"] and body["items"][0]["seats_left"] == 4


def test_an_event_in_the_list_is_the_event_itself(client, make, token_for):
    """The list reads its hosts as rows, the event's own address as objects:
    both answer the same hosts, quotas and lead group."""
    lead = make.group(slug="lead-host", name_ja="主催商事 アルムナイ")
    cohost = make.group(slug="co-host", name_ja="共催物産 OB会")
    event = make.event(lead, cohosts=(cohost,), quotas={"co-host": 7})
    headers = token_for(make.member())

    listed = client.get("/api/v1/events", headers=headers).get_json()["items"]
    single = client.get(f"/api/v1/events/{event.id}", headers=headers).get_json()

    assert listed == [single]
    assert single["lead_group"] == "lead-host"
    assert [(h["group"], h["name"], h["status"], h["seat_quota"]) for h in single["hosts"]] == [
        ("lead-host", "主催商事 アルムナイ", "confirmed", None), ("co-host", "共催物産 OB会", "confirmed", 7)]


def test_groups(client, make, token_for, count_queries):
    # The registry is members-only: the viewer's own group is the first item.
    home = make.group()
    headers = token_for(make.member(home))
    assert_bounded(client, count_queries, URL.format("/groups"), headers,
                   grower(lambda i: home if i == 0 else make.group()))


def test_assets(client, make, token_for, count_queries):
    group = make.group()
    headers = token_for(make.member())
    assert_bounded(client, count_queries, URL.format("/assets"), headers,
                   grower(lambda i: make.asset(group)))


def test_asset_requests(client, make, token_for, count_queries):
    owner, asker = make.user(role=Role.operator), make.user(role=Role.operator)
    mine, theirs = make.group(operators=(owner,)), make.group(operators=(asker,))
    asset = make.asset(mine, kind="speaker")
    assert_bounded(client, count_queries, URL.format("/asset-requests?box=incoming"),
                   token_for(owner),
                   grower(lambda i: make.asset_request(asset, theirs, by=asker)))


def test_applications(client, make, token_for, count_queries):
    headers = token_for(make.user(role=Role.coordinator))
    assert_bounded(client, count_queries, URL.format("/applications"), headers,
                   grower(lambda i: make.application()))


def test_directory(client, make, token_for, count_queries):
    group = make.group()
    viewer = make.alumnus(group, make.user(), **make.shared())
    headers = token_for(viewer)
    people = grower(lambda i: make.alumnus(group, make.user(), **make.shared()))
    people(1)
    few, body = statements_for(client, count_queries, URL.format("/directory"), headers)
    assert body["total"] == 2 and body["total_capped"] is False
    people(50)
    many, body = statements_for(client, count_queries, URL.format("/directory"), headers)
    assert len(body["items"]) == 51 and many == few and few <= API_LIST_LIMIT


def test_a_profile_in_the_search_is_the_profile_itself(client, make, token_for):
    """The search reads a page's needs and groups as rows, a profile's own
    address as objects: both answer the same offers, asks and affiliations,
    in the same order, for a viewer who shares a group and for one who does
    not (who sees only what is shared beyond the groups)."""
    from federation.models import GroupMembership

    first = make.group(slug="kita-alumni", name_kana="きた")
    second = make.group(slug="minami-ob", name_kana="みなみ")
    needs = [{"need": "pr", "side": "ask", "detail": "広報の相談"},
             {"need": "learning_speaking", "side": "offer", "detail": "登壇"},
             {"need": "investment_fundraising", "side": "offer", "detail": "シード投資"}]
    person = make.alumnus(second, make.user(), **make.shared(), organisation="北光商事", needs=needs)
    db.session.add(GroupMembership(group_id=first.id, user_id=person.id, verified_at=utcnow()))
    db.session.commit()
    for viewer in (make.alumnus(first, make.user(), **make.shared()), make.member()):
        headers = token_for(viewer)
        found = client.get("/api/v1/directory?q=北光商事", headers=headers).get_json()["items"]
        assert len(found) == 1, found
        single = client.get(f"/api/v1/directory/{found[0]['id']}", headers=headers).get_json()
        assert found == [single]
    assert single["affiliations"] == ["kita-alumni", "minami-ob"]
    assert [n["need"] for n in single["offers"]] == ["investment_fundraising", "learning_speaking"]
    assert single["asks"] == [{"need": "pr", "side": "ask", "detail": "広報の相談"}]


def test_directory_matches(client, make, token_for, count_queries):
    group, other = make.group(), make.group()
    ask = [{"need": "investment_fundraising", "side": "ask", "detail": "資金調達"}]
    offer = [{"need": "investment_fundraising", "side": "offer", "detail": "投資"}]
    me = make.alumnus(group, make.user(), **make.shared(), needs=ask)
    assert_bounded(client, count_queries, URL.format("/directory/matches"), token_for(me),
                   grower(lambda i: make.alumnus(other, make.user(), **make.shared(),
                                                 needs=offer)), limit=MATCHES_NOW)
    item = client.get(URL.format("/directory/matches"), headers=token_for(me)).get_json()
    reason = item["items"][0]["reasons"][0]
    assert reason["mine"] == {"need": "investment_fundraising", "side": "ask"}
    assert reason["theirs"]["side"] == "offer"


def test_introductions(client, make, token_for, count_queries):
    me = make.user()

    def one(i):
        row = Introduction(sender_id=make.user().id, recipient_id=me.id, message="はじめまして")
        db.session.add(row)
        db.session.commit()
        return row

    assert_bounded(client, count_queries, URL.format("/introductions?box=incoming"),
                   token_for(me), grower(one))
    body = client.get(URL.format("/introductions?box=outgoing"), headers=token_for(me))
    assert body.get_json()["total"] == 0


def test_abuse_reports(client, make, token_for, count_queries):
    reported = make.user()

    def one(i):
        row = AbuseReport(reporter_id=make.user().id, reported_id=reported.id, reason="勧誘",
                          created_at=utcnow())
        db.session.add(row)
        db.session.commit()
        return row

    assert_bounded(client, count_queries, URL.format("/abuse-reports"),
                   token_for(make.user(role=Role.coordinator)), grower(one))
    response = client.get("/api/v1/abuse-reports", headers=token_for(make.user()))
    assert response.status_code == 403


def test_conference_editions(client, make, count_queries):
    assert_bounded(client, count_queries, URL.format("/conferences"), {},
                   grower(lambda i: make.edition(year=2040 + i)))


@pytest.mark.parametrize("ranked", ["0", "1"])
def test_conference_proposals(client, make, token_for, count_queries, ranked):
    edition = make.edition(2031, phase="review")
    headers = token_for(make.user(role=Role.coordinator))
    assert_bounded(client, count_queries,
                   URL.format("/conferences/2031/proposals") + f"&ranked={ranked}", headers,
                   grower(lambda i: make.proposal(edition, make.user())))


def test_conference_sessions(client, make, count_queries):
    edition = make.edition(2031, phase="decided")
    start = utcnow() + timedelta(days=40)

    def one(i):
        proposal = make.proposal(edition, make.user(), status="accepted")
        row = ConferenceSession(edition_id=edition.id, proposal_id=proposal.id, room=f"R{i}",
                                starts_at=start, ends_at=start + timedelta(minutes=30))
        db.session.add(row)
        db.session.commit()
        return row

    assert_bounded(client, count_queries, URL.format("/conferences/2031/sessions"), {},
                   grower(one))


def test_conference_registrations(client, make, token_for, count_queries):
    edition = make.edition(2031, phase="decided")

    def one(i):
        row = ConferenceRegistration(edition_id=edition.id, user_id=make.user().id,
                                     status=RegistrationStatus.confirmed, queued_at=utcnow())
        db.session.add(row)
        db.session.commit()
        return row

    assert_bounded(client, count_queries, URL.format("/conferences/2031/registrations"),
                   token_for(make.user(role=Role.coordinator)), grower(one))


# --- the modules ported by hand: memberships, notifications, knowledge, health ----------

def test_join_requests(client, make, token_for, count_queries):
    approver = make.user(role=Role.operator)
    group = make.group(operators=(approver,))
    assert_bounded(client, count_queries, URL.format(f"/groups/{group.slug}/join-requests"),
                   token_for(approver), grower(lambda i: make.join_request(group)))


def test_notifications(client, make, token_for, count_queries):
    me = make.member()

    def one(i):
        row = Notification(user_id=me.id, kind="event_proposed", subject=f"お知らせ{i}",
                           body="本文", link="/events/1")
        db.session.add(row)
        db.session.commit()
        return row

    assert_bounded(client, count_queries, URL.format("/notifications"), token_for(me),
                   grower(one))


def test_articles(app, client, make, token_for, count_queries):
    # A different author each time: the authors are loaded per page, not per item.
    assert_bounded(client, count_queries, URL.format("/articles"), token_for(make.member()),
                   grower(lambda i: article(app, make.user(role=Role.operator),
                                            title_ja=f"記事{i}")))


def test_article_versions(app, client, make, token_for, count_queries):
    from federation.services.knowledge import articles

    row = article(app, make.user(role=Role.operator))

    def one(i):
        if i == 0:
            return row  # version 1, written on creation
        editor = make.user(role=Role.coordinator)  # an author per version
        with app.test_request_context():
            articles.update_article(editor, row, {"body_ja": f"改訂{i}", "note": f"第{i}版"})
            db.session.commit()
        return row

    assert_bounded(client, count_queries, URL.format(f"/articles/{row.id}/versions"),
                   token_for(make.member()), grower(one))


def test_consultations(app, client, make, token_for, count_queries):
    viewer = make.user(role=Role.operator)
    assert_bounded(client, count_queries, URL.format("/consultations"), token_for(viewer),
                   grower(lambda i: consultation(app, make.user(role=Role.operator),
                                                 title=f"相談{i}")))


def test_federation_health(client, make, token_for, count_queries):
    """Not paginated (every group, one row each): the same statements for 1
    group as for 50."""
    from federation.services.health import snapshots

    headers = token_for(make.user(role=Role.coordinator))
    url = "/api/v1/federation/health"

    def rows_at(n):
        while db.session.scalar(select(func.count(AlumniGroup.id))) < n:
            make.group()
        snapshots.compute_snapshots()
        db.session.commit()
        client.get(url, headers=headers)
        with count_queries() as statements:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        assert len(body["groups"]) == n and all(row["snapshot"] for row in body["groups"])
        return len(statements)

    few = rows_at(1)
    assert rows_at(50) == few


# The list operations the tests above hold bounded; a new list in the API
# document fails here until it has its query-count test.
COVERED_LISTS = {
    "/abuse-reports", "/applications", "/articles", "/articles/{article_id}/versions",
    "/asset-requests", "/assets", "/conferences", "/conferences/{year}/proposals",
    "/conferences/{year}/registrations", "/conferences/{year}/sessions", "/consultations",
    "/directory", "/directory/matches", "/events", "/groups", "/groups/{slug}/join-requests",
    "/introductions", "/notifications", "/tokens",
}


def test_every_api_list_has_a_query_count_test(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]

    def resolve(schema):
        while "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    lists = set()
    for path, operations in spec["paths"].items():
        answer = operations.get("get", {}).get("responses", {}).get("200", {})
        schema = answer.get("content", {}).get("application/json", {}).get("schema")
        if schema and "items" in resolve(schema).get("properties", {}):
            lists.add(path)
    assert lists == COVERED_LISTS

"""Every key page answers in at most 8 SQL statements, the same with one item
as with many (issue 19): what the benchmark measures per request, held here
so that a change that adds a query per row or per page fails a test."""

import pytest

from federation.extensions import db
from federation.models import JoinSettings, Role
from tests.functional.knowledge_helpers import article

LIMIT = 8
MANY = 12


@pytest.fixture
def viewer(make, login):
    """A coordinator who runs a group and has a directory profile: every page
    below is open to them, with its fullest layout."""
    user = make.user(role=Role.coordinator, email="viewer@alumni.example.jp")
    group = make.group(slug="home", operators=(user,))
    make.alumnus(
        group,
        user,
        **make.shared(),
        needs=[{"need": "investment_fundraising", "side": "ask", "detail": "シリーズAの資金調達"}],
    )
    login(user)
    return {"user": user, "group": group}


def statements(client, count_queries, url) -> int:
    client.get(url)  # once first: per-process caches fill, as in a running server
    with count_queries() as seen:
        response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return len(seen)


def assert_flat(client, count_queries, url, add, limit=LIMIT):
    add(1)
    few = statements(client, count_queries, url)
    add(MANY)
    many = statements(client, count_queries, url)
    assert few <= limit, f"{url}: {few} statements"
    assert many == few, f"{url}: {few} statements for 1 item, {many} for {MANY}"


def grower(make_one):
    made = []

    def add(n):
        while len(made) < n:
            made.append(make_one(len(made)))

    return add


def test_event_board(client, make, viewer, count_queries):
    co = make.group()
    assert_flat(client, count_queries, "/events/",
                grower(lambda n: make.registration(make.event(viewer["group"], cohosts=(co,)),
                                                   make.member())))


def test_event_page(client, make, viewer, count_queries):
    event = make.event(viewer["group"], capacity=100)

    def one(n):
        make.registration(event, make.member(), listed=True)

    assert_flat(client, count_queries, f"/events/{event.id}", grower(one))


def test_match_list(client, make, viewer, count_queries):
    def one(n):
        make.alumnus(make.group(), make.user(), **make.shared(),
                     needs=[{"need": "investment_fundraising", "side": "offer",
                             "detail": f"エンジェル投資{n}"}])

    assert_flat(client, count_queries, "/directory/matches", grower(one))


def test_match_list_statements_do_not_grow_with_my_needs(client, make, viewer, count_queries):
    """Each complementary need is a window of candidates: all of them are
    planned and read in a fixed number of statements, for one need as for
    five (a window's count and read were two statements each)."""
    from federation.services import directory

    for n, need in enumerate(["investment_fundraising", "job_hiring", "pr", "networking",
                              "sales_procurement"]):
        make.alumnus(make.group(), make.user(), **make.shared(),
                     needs=[{"need": need, "side": "offer", "detail": f"提供{n}"},
                            {"need": need, "side": "ask", "detail": f"相談{n}"}])
    one = statements(client, count_queries, "/directory/matches")
    needs = [{"need": need, "side": "ask", "detail": "相談したい"}
             for need in ["investment_fundraising", "job_hiring", "pr", "networking",
                          "sales_procurement"]]
    with client.application.test_request_context():
        directory.update_profile(viewer["user"], {"needs": needs})
    db.session.commit()
    five = statements(client, count_queries, "/directory/matches")
    page = client.get("/directory/matches").get_data(as_text=True)
    assert page.count("directory-card") == 5
    assert five == one <= LIMIT, f"{one} statements for one need, {five} for five"


def test_directory_search(client, make, viewer, count_queries):
    def one(n):
        make.alumnus(make.group(), make.user(), bio="新規事業の立ち上げ", **make.shared())

    assert_flat(client, count_queries, "/directory/?q=新規事業", grower(one))


def test_application_queue(client, make, viewer, count_queries):
    assert_flat(client, count_queries, "/applications/", grower(lambda n: make.application()))


def test_asset_search(client, make, viewer, count_queries):
    assert_flat(client, count_queries, "/assets/?q=会議室",
                grower(lambda n: make.asset(make.group(), title=f"大会議室{n}")))


def test_group_registry(client, make, viewer, count_queries):
    assert_flat(client, count_queries, "/groups/", grower(lambda n: make.group()))


def test_member_home(client, make, viewer, count_queries):
    assert_flat(client, count_queries, "/",
                grower(lambda n: make.event(viewer["group"])))


def test_knowledge_list(app, client, make, viewer, count_queries):
    assert_flat(client, count_queries, "/knowledge/",
                grower(lambda n: article(app, viewer["user"], title_ja=f"参加承認のプロセス{n}")))


def test_health_dashboard(client, make, viewer, count_queries):
    assert_flat(client, count_queries, "/health/", grower(lambda n: make.group()))


def test_group_dashboard(client, make, viewer, count_queries):
    def one(n):
        make.registration(make.event(viewer["group"]), make.member())

    assert_flat(client, count_queries, "/health/groups/home", grower(one))


def test_group_page_for_its_operator(client, make, viewer, count_queries):
    def one(n):
        make.registration(make.event(viewer["group"]), make.member())
        make.asset(viewer["group"], title=f"会議室{n}")

    assert_flat(client, count_queries, "/groups/home", grower(one))


@pytest.mark.parametrize("is_open", [None, True, False])
def test_group_page_for_a_member_who_may_ask_to_join(client, make, login, count_queries, is_open):
    """Another group's alumna: whether the page offers to join comes from the
    group's join setting (a saved row, or the defaults: open), read with the
    group."""
    reader = make.member(group=make.group(slug="other"))
    group = make.group(slug="home", operators=(make.user(role=Role.operator),))
    if is_open is not None:
        db.session.add(JoinSettings(group_id=group.id, is_open=is_open, questions=[]))
        db.session.commit()
    login(reader)

    def one(n):
        make.registration(make.event(group), make.member())
        make.asset(group, title=f"会議室{n}")

    assert_flat(client, count_queries, "/groups/home", grower(one))
    offered = "/groups/home/join" in client.get("/groups/home").get_data(as_text=True)
    assert offered is (is_open is not False)

"""The directory stays bounded at scale: a search reaches at most SEARCH_CAP
people (the total says so), both query plans give the same answer, and the
match list looks at a bounded window of candidates."""
from __future__ import annotations

from federation.services import directory
from federation.services.directory import matches as directory_matches
from federation.services.directory import searching as directory_search


def _cards(response) -> int:
    return response.get_data(as_text=True).count('class="directory-card"')


def test_a_search_beyond_the_cap_says_so_and_stops(client, make, login, monkeypatch, token_for):
    group = make.group()
    viewer = make.alumnus(group, make.user())
    for _ in range(5):
        make.alumnus(make.group(), make.user(), bio="新規事業の立ち上げ", **make.shared())
    monkeypatch.setattr(directory_search, "SEARCH_CAP", 3)
    login(viewer)
    page = client.get("/directory/?q=新規事業&per_page=2")
    text = page.get_data(as_text=True)
    assert _cards(page) == 2 and ("3人以上" in text or "3+ people" in text)
    assert _cards(client.get("/directory/?q=新規事業&per_page=2&page=2")) == 1
    assert _cards(client.get("/directory/?q=新規事業&per_page=2&page=3")) == 0
    body = client.get("/api/v1/directory?q=新規事業&per_page=2",
                      headers=token_for(viewer)).get_json()
    assert body["total"] == 3 and body["total_capped"] is True and len(body["items"]) == 2
    monkeypatch.setattr(directory_search, "SEARCH_CAP", 100)
    body = client.get("/api/v1/directory?q=新規事業",
                      headers=token_for(viewer)).get_json()
    assert body["total"] == 5 and body["total_capped"] is False


def test_rare_and_common_plans_find_the_same_people_in_kana_order(app, make, monkeypatch):
    group = make.group()
    viewer = make.alumnus(group, make.user())
    for kana in ("わだ", "あべ", "かとう", "さいとう"):
        make.alumnus(make.group(), make.user(family_name_kana=kana), bio="投資と人事",
                     **make.shared())
    make.alumnus(make.group(), make.user(family_name_kana="いとう"), bio="投資だけ", **make.shared())
    # hidden from the viewer: consent not given
    make.alumnus(make.group(), make.user(family_name_kana="うえだ"), bio="投資と人事")
    answers = []
    for cap in (100, 1):  # 100: a rare token drives; 1: every token is "common", walk the index
        monkeypatch.setattr(directory_search, "SEARCH_CAP", cap)
        found = directory.search(viewer, 1, 1000 if cap == 100 else 1, q="投資 人事")
        answers.append([p.user.family_name_kana for p in found.items])
    assert answers[0] == ["あべ", "かとう", "さいとう", "わだ"]
    assert answers[1] == ["あべ"]
    monkeypatch.setattr(directory_search, "SEARCH_CAP", 100)
    for sort in ("kana", "recent"):
        assert directory.search(viewer, 1, 20, q="投資", sort=sort).total == 5


def test_the_match_list_looks_at_a_bounded_window(app, make, monkeypatch):
    group = make.group()
    me = make.alumnus(group, make.user(), needs=[{"need": "pr", "side": "ask"}], **make.shared())
    for _ in range(4):
        make.alumnus(make.group(), make.user(), needs=[{"need": "pr", "side": "offer"}],
                     **make.shared())
    assert directory.list_matches(me)[1] == 4
    monkeypatch.setattr(directory_matches, "MATCH_WINDOW", 2)
    matches, total = directory.list_matches(me)
    assert total == 2 and len(matches) == 2 and all(m.other_company for m in matches)

"""あいうえお order as a native reader expects it, identical on SQLite and
PostgreSQL: ICU's Japanese collation stored as a key (federation.text)."""
from __future__ import annotations

from federation.extensions import db
from federation.services import admin, groups

# (family, given, family kana, given kana), in the expected order.
PEOPLE = [
    ("相川", "葵", "あいかわ", "あおい"),
    ("阿部", "一郎", "アベ", "イチロウ"),          # katakana reading sorts with hiragana
    ("伊藤", "翔", "いとう", "しょう"),
    ("大野", "誠", "おおの", "まこと"),
    ("小野", "恵", "おの", "めぐみ"),
    ("我家", "真", "がか", "まこと"),              # が is か at the first level: before かき
    ("柿崎", "宏", "かきざき", "ひろし"),
    ("京谷", "輝", "きょうや", "ひかる"),
    ("佐藤", "花子", "さとう", "はなこ"),
    ("鈴木", "太郎", "すずき", "たろう"),
    ("千代", "薫", "ちよ", "かおる"),              # ちよ is a prefix of ちょう (small ょ = よ)
    ("張", "偉", "ちょう", "うぇい"),
    ("朴", "智恩", "パク", "チウン"),              # パク = はく at the first level
    ("長谷川", "陽", "はせがわ", "よう"),
    ("羽田", "学", "はた", "まなぶ"),              # no mark < dakuten < handakuten
    ("秦", "学", "はだ", "まなぶ"),
    ("畑", "学", "ばた", "まなぶ"),
    ("馬場", "純", "ばば", "じゅん"),
    ("山田", "太郎", "やまだ", "たろう"),
    ("山田", "花子", "やまだ", "はなこ"),
    ("ラーマン", "アミール", "", ""),              # a kana name reads itself; ー = あ here
    ("雷電", "為右衛門", "らいでん", "ためえもん"),
    ("渡辺", "健太", "わたなべ", "けんた"),
    ("Adams", "Zoe", "", ""),                      # no reading: after everyone who has one
    ("Smith", "John", "", ""),
]

# (name, kana), in the expected order.
GROUPS = [
    ("あおぞら会", "あおぞらかい"),
    ("アルムナイ倶楽部", "あるむないくらぶ"),
    ("グラレコ部", "ぐられこぶ"),
    ("公平会", "こうへいかい"),
    ("コーヒー会", "コーヒーかい"),                 # ー repeats the vowel: こおひい
    ("氷会", "こおりかい"),
    ("日本橋会", "にほんばしかい"),
    ("読みのない会", ""),                            # no reading: last
]


def test_people_are_listed_in_aiueo_order(make):
    for family, given, family_kana, given_kana in reversed(PEOPLE):
        make.user(family_name=family, given_name=given, family_name_kana=family_kana,
                  given_name_kana=given_kana)
    listed = [(u.family_name, u.given_name) for u in db.session.scalars(admin.users_query())]
    assert listed == [(family, given) for family, given, _fk, _gk in PEOPLE]


def test_groups_are_listed_in_aiueo_order(make):
    admin_user = make.user(role="admin")
    for name, kana in reversed(GROUPS):
        make.group(name_ja=name, name_kana=kana, is_public=True)
    listed = [g.name_ja for g in db.session.scalars(groups.registry_query(admin_user))]
    assert listed == [name for name, _kana in GROUPS]


def test_the_reading_is_stored_as_typed(make):
    group = make.group(name_ja="グラレコ部", name_kana="グラレコブ")
    user = make.user(family_name="朴", given_name="智恩", family_name_kana="パク",
                     given_name_kana="チウン")
    db.session.expire_all()
    assert group.name_kana == "グラレコブ" and user.family_name_kana == "パク"


def test_registry_and_asset_search_fold_kana_and_width(make):
    from federation.services import assets

    viewer = make.user(role="admin")
    aozora = make.group(name_ja="あおぞら会", name_kana="あおぞらかい", is_public=True)
    alumni = make.group(name_ja="アルムナイ倶楽部", name_kana="あるむないくらぶ", is_public=True)
    make.group(name_ja="日本橋会", name_kana="にほんばしかい", is_public=True)
    make.asset(alumni, kind="content", title="グラレコ制作")

    def registry(q):
        return {g.name_ja for g in db.session.scalars(groups.registry_query(viewer, q=q))}

    for query in ("アオゾラ", "ｱｵｿﾞﾗ", "あおぞら"):
        assert registry(query) == {aozora.name_ja}, query
    assert registry("あるむない") == {alumni.name_ja}

    def found_assets(q):
        return {a.title for a in db.session.scalars(assets.assets_query(viewer, q=q))}

    assert found_assets("ぐられこ") == {"グラレコ制作"}
    assert found_assets("ｸﾞﾗﾚｺ") == {"グラレコ制作"}
    # The group's name is searched, folded, too.
    assert found_assets("あるむない") == {"グラレコ制作"}


def test_attendee_exports_follow_the_same_order(make):
    from federation.models import Role
    from federation.services import events

    operator = make.user(role=Role.operator)
    group = make.group(operators=(operator,))
    event = make.event(group)
    for family, given, family_kana, given_kana in (PEOPLE[6], PEOPLE[5], PEOPLE[-1]):
        make.registration(event, make.user(family_name=family, given_name=given,
                                           family_name_kana=family_kana,
                                           given_name_kana=given_kana), group=group)
    rows = events.export_attendees_csv(operator, event, group).splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["我家", "柿崎", "Smith"]

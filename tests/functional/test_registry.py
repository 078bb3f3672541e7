"""The registry of member groups: visibility, filters, search, editing, CSV."""
import csv
import io

from sqlalchemy import select

from federation.extensions import db
from federation.models import AlumniGroup, GovernanceType, GroupMemberCount, Role
from federation.services import groups as group_service


def test_visitors_see_only_public_groups_and_a_short_page(client, make):
    make.group(slug="open", is_public=True, description="公開の説明")
    make.group(slug="closed", is_public=False)
    page = client.get("/groups/open")
    assert page.status_code == 200 and "公開の説明" in page.get_data(as_text=True)
    assert client.get("/groups/closed").status_code == 404
    assert client.get("/groups/").status_code == 302  # the registry is for members


def test_members_search_in_japanese_and_english_and_filter(client, make, login):
    login(make.member())
    make.group(slug="taiyo", name_ja="大洋商事 アルムナイ", name_en="Taiyo Alumni",
               company_name="大洋商事株式会社", name_kana="たいようしょうじ")
    bank = make.group(slug="aoba", name_ja="青葉銀行 OB会", name_en="Aoba Bank Alumni",
                      company_name="株式会社青葉銀行", name_kana="あおばぎんこう",
                      governance_type=GovernanceType.company_hosted, maturity_level=5)
    group_service.update_group(make.user(role=Role.coordinator), bank,
                               {"need_pairs": ["investment_fundraising"]})
    db.session.commit()
    make.asset(bank, "venue")

    def names(**query):
        body = client.get("/groups/", query_string=query).get_data(as_text=True)
        return [slug for slug in ("taiyo", "aoba") if f"/groups/{slug}\"" in body]

    assert names(q="商事") == ["taiyo"]
    assert names(q="銀行") == ["aoba"]
    assert names(q="aoba bank") == ["aoba"]
    assert names(q="ＴＡＩＹＯ") == ["taiyo"]  # full-width folds
    assert names(governance="company_hosted") == ["aoba"]
    assert names(maturity="5") == ["aoba"]
    assert names(need="investment_fundraising") == ["aoba"]
    assert names(has_venue="1") == ["aoba"]
    assert names(q="%") == []
    body = client.get("/groups/?sort=kana").get_data(as_text=True)
    assert body.index("/groups/aoba\"") < body.index("/groups/taiyo\"")


def test_registry_list_query_count_is_bounded(client, make, login, count_queries):
    login(make.member())

    def count():
        with count_queries() as statements:
            assert client.get("/groups/").status_code == 200
        return len(statements)

    for _ in range(3):
        make.group()
    small = count()
    for _ in range(10):
        make.group()
    assert count() == small


def test_operator_edits_profile_and_member_history(client, make, login):
    operator = make.user(role=Role.operator)
    group = make.group(operators=(operator,), registered_members=800)
    login(operator)
    response = client.post(f"/groups/{group.slug}/edit", data={
        "name_ja": "新しい名前", "name_en": "New name", "name_kana": "アタラシイ",
        "company_name": "テスト商事", "governance_type": "delegated", "maturity_level": "4",
        "revenue_model": "fixed_income", "registered_members": "950",
        "members_counted_on": "2025-04-01", "platforms": ["slack", "facebook"],
        "need_pairs": ["pr", "networking"], "company_hopes": ["rehiring"],
        "eligibility_rule": "1年以上在籍した社員・契約社員", "is_public": "y",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    group = db.session.get(AlumniGroup, group.id)
    assert group.name_ja == "新しい名前" and group.name_kana == "アタラシイ"  # as typed
    assert group.registered_members == 950 and group.maturity_level == 4
    assert {n.value for n in group.need_pairs} == {"pr", "networking"}
    assert group.platforms == ["slack", "facebook"] and group.is_public
    [row] = db.session.scalars(select(GroupMemberCount)).all()
    assert (str(row.counted_on), row.members) == ("2025-04-01", 950)
    page = client.get(f"/groups/{group.slug}").get_data(as_text=True)
    assert "1年以上在籍した社員・契約社員" in page


def test_bad_profile_input_shows_field_errors_and_stores_nothing(client, make, login):
    operator = make.user(role=Role.operator)
    group = make.group(operators=(operator,), name_ja="元の名前")
    login(operator)
    response = client.post(f"/groups/{group.slug}/edit", data={
        "name_ja": "", "company_name": "x", "governance_type": "nope", "maturity_level": "9",
        "name_kana": "kanji漢字"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="name_ja-error"' in body
    db.session.expire_all()
    assert db.session.get(AlumniGroup, group.id).name_ja == "元の名前"


def test_someone_elses_group_cannot_be_edited(client, make, login):
    other_operator = make.user(role=Role.operator)
    make.group(operators=(other_operator,))
    group = make.group(is_public=False)
    login(other_operator)
    assert client.get(f"/groups/{group.slug}/edit").status_code == 403
    assert client.post(f"/groups/{group.slug}/edit", data={"name_ja": "乗っ取り",
                                                            "company_name": "x"}).status_code == 403
    assert client.get("/groups/no-such-group/edit").status_code == 404
    db.session.expire_all()
    assert db.session.get(AlumniGroup, group.id).name_ja != "乗っ取り"


def test_coordinator_exports_csv_safe_against_formulas(client, make, login):
    make.group(name_ja="=HYPERLINK(\"http://evil\")", description="+cmd|' /C calc'!A0",
               company_name="@SUM(1)")
    member = make.member()
    login(member)
    assert client.get("/groups/export.csv").status_code == 403
    client.post("/auth/logout")
    login(make.user(role=Role.coordinator))
    response = client.get("/groups/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, row = rows[0], rows[1]
    record = dict(zip(header, row))
    assert record["name_ja"].startswith("'=")
    assert record["description"].startswith("'+")
    assert record["company_name"].startswith("'@")


def test_csv_safe_cells():
    for raw in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert group_service.csv_safe(raw) == "'" + raw
    assert group_service.csv_safe("普通の値") == "普通の値"

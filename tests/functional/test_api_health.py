"""The health API answers a flagged group with its partners (a 500 once:
the partner groups were objects inside a bare Dict field)."""
from federation.extensions import db
from federation.models import GroupNeed, NeedPair
from federation.services.health import settings, snapshots
from tests.functional.test_health import world  # noqa: F401  (fixture)


def test_flagged_group_health_names_its_partners(world, client, token_for):  # noqa: F811
    db.session.add_all([GroupNeed(group_id=world["a"].id, need=NeedPair.job_hiring),
                        GroupNeed(group_id=world["b"].id, need=NeedPair.job_hiring)])
    db.session.commit()
    settings.update_thresholds(world["coordinator"], {"leader_share_pct": 50})
    db.session.commit()
    snapshots.compute_snapshots(world["month"])
    db.session.commit()
    response = client.get("/api/v1/groups/taiyo/health",
                          headers=token_for(world["coordinator"]))
    assert response.status_code == 200, response.get_data(as_text=True)
    flag = response.get_json()["flags"][0]
    assert flag["why"] and flag["next_step"]
    assert flag["partners"] == [{"group": "aoba", "name_ja": "青葉銀行 OB・OG会",
                                 "name_en": world["b"].name_en, "shared_needs": 1,
                                 "venue": False}]

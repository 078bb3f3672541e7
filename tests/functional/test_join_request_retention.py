"""Decided join requests lose their answers and the decision message after the
configured period; pending and recent ones keep them."""
from datetime import timedelta

from federation.extensions import db
from federation.models import JoinRequest, utcnow
from federation.services import membership


def test_decided_join_requests_are_erased_after_their_period(app, make, runner):
    operator = make.user(role="operator")
    group = make.group(slug="toko", operators=(operator,))
    old = make.join_request(group, make.user(email="old@alumni.example.jp"))
    recent = make.join_request(group, make.user(email="recent@alumni.example.jp"))
    waiting = make.join_request(group, make.user(email="waiting@alumni.example.jp"))
    membership.decline(operator, old, "今回は見送らせていただきます。")
    membership.approve(operator, recent, "ようこそ。")
    db.session.commit()
    old.decided_at = utcnow() - app.config["RETENTION_DECIDED_JOIN_REQUESTS"] - timedelta(days=1)
    db.session.commit()

    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "decided_join_requests: 1 erased" in result.output
    db.session.expire_all()
    erased = db.session.get(JoinRequest, old.id)
    assert (erased.answers, erased.decision_message, erased.birth_date) == ({}, "", None)
    assert erased.status.value == "declined"  # the fact of the request stays
    assert db.session.get(JoinRequest, recent.id).answers["company_left"] == "営業部 2019年3月退職"
    kept = db.session.get(JoinRequest, waiting.id)
    assert kept.answers["full_name"] and kept.birth_date is not None
    again = runner.invoke(args=["privacy", "purge"])
    assert "decided_join_requests: 0 erased" in again.output

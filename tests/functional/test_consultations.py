"""Consultations [壁打ち]: who sees which space, replies, solving, turning one
into an article, the daily digest, 1:1 sessions, reports and rate limits."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from federation.extensions import db
from federation.models import (AbuseReport, Article, Consultation, ConsultationSession,
                               GovernanceType, OutboxMail, Role)
from federation.services.knowledge import consultations as service
from tests.functional.knowledge_helpers import consultation, operator, practice_member


def _mails(template: str) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.template == template)
                                   .order_by(OutboxMail.id)))


def test_the_post_carries_the_groups_context(client, make, login):
    asker, group = operator(make, governance_type=GovernanceType.delegated, maturity_level=2,
                            registered_members=450)
    login(asker)
    response = client.post("/consultations/new", data={
        "title": "運営メンバーが増えません", "category": "governance",
        "body": "立ち上げから2年、運営が2人のままです。", "group": group.slug})
    assert response.status_code == 302
    row = db.session.scalar(select(Consultation))
    assert row.context == {"group": group.name_ja, "governance_type": "delegated",
                           "maturity_level": 2, "registered_members": 450}
    page = client.get(f"/consultations/{row.id}").get_data(as_text=True)
    assert "運営委任型" in page and "450" in page
    bad = client.post("/consultations/new", data={"title": "", "category": "cooking",
                                                  "body": "x"})
    assert bad.status_code == 200 and "has-error" in bad.get_data(as_text=True)


@pytest.mark.parametrize("role,federation_space,practice_space", [
    ("anonymous", 302, 302),
    ("member", 404, 404),
    ("practice", 404, 200),
    ("operator", 200, 200),
    ("coordinator", 200, 200),
])
def test_who_sees_which_space(client, app, make, login, token_for, role, federation_space,
                              practice_space):
    asker, _g = operator(make)
    beginner = practice_member(make)
    in_federation = consultation(app, asker)
    in_practice = consultation(app, beginner, title="会社の公認を得るには")
    viewer = {"anonymous": None, "member": make.user(), "practice": practice_member(make),
              "operator": operator(make)[0] if role == "operator" else None,
              "coordinator": make.user(role=Role.coordinator)}[role]
    if viewer:
        login(viewer)
    assert client.get(f"/consultations/{in_federation.id}").status_code == federation_space
    assert client.get(f"/consultations/{in_practice.id}").status_code == practice_space
    if viewer:
        headers = token_for(viewer)
        api = {c["id"] for c in client.get("/api/v1/consultations",
                                           headers=headers).get_json().get("items", [])}
        assert (in_federation.id in api) == (federation_space == 200)
        assert (in_practice.id in api) == (practice_space == 200)
        assert client.get(f"/api/v1/consultations/{in_federation.id}",
                          headers=headers).status_code == federation_space


def test_members_and_visitors_cannot_post(client, make, login, token_for):
    member = make.user()
    login(member)
    assert client.get("/consultations/new").status_code == 403
    assert client.post("/api/v1/consultations", headers=token_for(member), json={
        "title": "x", "body": "y", "category": "mindset"}).status_code == 403


def test_reply_solve_and_turn_into_an_article_linked_both_ways(client, app, make, login):
    asker, _g = operator(make)
    helper, _g2 = operator(make)
    row = consultation(app, asker)
    login(helper)
    assert client.post(f"/consultations/{row.id}/replies",
                       data={"body": "初回参加者にお礼を送り、分科会に誘っています。"}).status_code == 302
    assert client.post(f"/consultations/{row.id}/replies", data={"body": ""}).status_code == 422
    assert _mails("consultation_reply")[0].recipient == asker.email
    # Only the asker solves: anyone else is refused before the form is read.
    reply_id = db.session.get(Consultation, row.id).replies[0].id
    assert client.post(f"/consultations/{row.id}/solve",
                       data={"helpful": [str(reply_id)]}).status_code == 403
    assert db.session.get(Consultation, row.id).status.value == "open"
    login(asker)
    assert client.post(f"/consultations/{row.id}/article", data={"consent": "y"}).status_code == 422
    client.post(f"/consultations/{row.id}/solve", data={"helpful": [str(reply_id)]})
    db.session.expire_all()
    solved = db.session.get(Consultation, row.id)
    assert solved.status.value == "solved" and solved.replies[0].helpful
    # No consent, no article.
    response = client.post(f"/consultations/{row.id}/article", data={})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Article.id))) == 0
    response = client.post(f"/consultations/{row.id}/article", data={"consent": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    article = db.session.scalar(select(Article))
    assert db.session.get(Consultation, row.id).article_id == article.id
    assert article.author_id == asker.id and "分科会" in article.body_ja
    assert article.visibility.value == "members"
    page = client.get(f"/knowledge/articles/{article.id}").get_data(as_text=True)
    assert f"/consultations/{row.id}" in page
    assert f"/knowledge/articles/{article.id}" in client.get(
        f"/consultations/{row.id}").get_data(as_text=True)
    # Twice: a conflict, not a second article.
    assert client.post(f"/consultations/{row.id}/article", data={"consent": "y"}).status_code == 422
    assert db.session.scalar(select(func.count(Article.id))) == 1


def test_the_daily_digest_batches_and_can_be_turned_off(app, make, smtp):
    asker, _g = operator(make)
    helper, _g2 = operator(make)
    quiet, _g3 = operator(make)
    elsewhere, _g4 = operator(make)
    with app.test_request_context():
        service.set_topics(helper, ["activation", "governance"])
        service.set_topics(quiet, ["activation"], digest_enabled=False)
        service.set_topics(elsewhere, ["promotion"])
        service.set_topics(asker, ["activation"])
        db.session.commit()
    for n in range(3):
        consultation(app, asker, title=f"相談{n}")
    consultation(app, asker, title="発信の相談", category="promotion")
    assert _mails("consultation_digest") == []  # never a mail per post
    with app.test_request_context():
        assert service.send_consultation_digests() == 2
        db.session.commit()
    mails = {m.recipient: m for m in _mails("consultation_digest")}
    assert set(mails) == {helper.email, elsewhere.email}
    text = mails[helper.email].body_text
    assert all(f"相談{n}" in text for n in range(3)) and "発信の相談" not in text
    assert "発信の相談" in mails[elsewhere.email].body_text
    # The same day again: nothing; the next day: only what is new.
    with app.test_request_context():
        assert service.send_consultation_digests() == 0
        db.session.commit()
        consultation(app, asker, title="新しい相談")
        assert service.send_consultation_digests(datetime.now(timezone.utc)
                                                 + timedelta(days=1)) == 1
        db.session.commit()
    latest = _mails("consultation_digest")[-1]
    assert latest.recipient == helper.email and "新しい相談" in latest.body_text
    assert "相談0" not in latest.body_text


def test_digest_command(runner, app, make):
    asker, _g = operator(make)
    helper, _g2 = operator(make)
    with app.test_request_context():
        service.set_topics(helper, ["activation"])
        db.session.commit()
    consultation(app, asker)
    # The command runs without any request (as cron or the queue runs it):
    # every link comes from EXTERNAL_URL.
    result = runner.invoke(args=["consultations", "digest"])
    assert result.exit_code == 0 and "1 digest(s) queued." in result.output
    (mail,) = _mails("consultation_digest")
    external = app.config["EXTERNAL_URL"].rstrip("/")
    assert f"{external}/consultations/" in mail.body_text


def test_topics_page(client, make, login):
    helper, _g = operator(make)
    login(helper)
    client.post("/consultations/topics", data={"categories": ["operations", "mindset"]})
    helper_row = service.helper_of(helper)
    assert helper_row.categories == ["mindset", "operations"] and not helper_row.digest_enabled
    login(make.user())
    assert client.get("/consultations/topics").status_code == 403


def answered_consultation(app, make):
    """(asker, helper, consultation): an operator's consultation another
    operator has replied to, so the asker may propose a 1:1 session."""
    asker, _g = operator(make)
    helper, _g2 = operator(make)
    row = consultation(app, asker)
    with app.test_request_context():
        service.reply(helper, db.session.get(Consultation, row.id), "ぜひ一度お話ししましょう。")
        db.session.commit()
    return asker, helper, row


def test_session_form_refuses_times_at_the_ends_of_the_calendar(client, app, make, login):
    asker, helper, row = answered_consultation(app, make)
    login(asker)
    for moment in ("0001-01-01T00:00", "9999-12-31T23:59"):
        response = client.post(f"/consultations/{row.id}/sessions",
                               data={"helper_id": str(helper.id), "time_1": moment})
        body = response.get_data(as_text=True)
        # Back on the form with the input kept and the reason by the field.
        assert response.status_code == 422 and moment in body
        assert "has-error" in body
    assert db.session.scalar(select(func.count(ConsultationSession.id))) == 0


def test_one_to_one_session_accept_and_cancel(client, app, make, login, token_for):
    asker, helper, row = answered_consultation(app, make)
    soon = (datetime.now(timezone.utc) + timedelta(days=3)).replace(microsecond=0, second=0)
    times = [(soon + timedelta(hours=h)).isoformat() for h in (0, 2, 4)]
    headers = token_for(asker)
    too_many = client.post(f"/api/v1/consultations/{row.id}/sessions", headers=headers,
                           json={"helper_id": helper.id, "times": times + [times[0]]})
    assert too_many.status_code == 422
    stranger = operator(make)[0]
    assert client.post(f"/api/v1/consultations/{row.id}/sessions", headers=headers,
                       json={"helper_id": stranger.id, "times": times}).status_code == 422
    created = client.post(f"/api/v1/consultations/{row.id}/sessions", headers=headers,
                          json={"helper_id": helper.id, "times": times})
    assert created.status_code == 201, created.get_json()
    session_id = created.get_json()["id"]
    assert created.get_json()["helper_email"] is None
    proposed = db.session.get(ConsultationSession, session_id)
    assert service.session_actions(helper, proposed) == {"accept", "cancel"}
    assert service.session_actions(asker, proposed) == {"cancel"}
    assert service.session_actions(stranger, proposed) == frozenset()
    assert _mails("consultation_session_request")[0].recipient == helper.email
    # The asker cannot accept; someone else cannot even see it.
    assert client.post(f"/api/v1/consultation-sessions/{session_id}/accept", headers=headers,
                       json={"time": times[1]}).status_code == 403
    assert client.post(f"/api/v1/consultation-sessions/{session_id}/accept",
                       headers=token_for(stranger), json={"time": times[1]}).status_code == 404
    helper_headers = token_for(helper)
    wrong = client.post(f"/api/v1/consultation-sessions/{session_id}/accept",
                        headers=helper_headers,
                        json={"time": (soon + timedelta(hours=9)).isoformat()})
    assert wrong.status_code == 422
    accepted = client.post(f"/api/v1/consultation-sessions/{session_id}/accept",
                           headers=helper_headers, json={"time": times[1]})
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assert accepted.get_json()["asker_email"] == asker.email
    mails = {m.recipient: m for m in _mails("consultation_session_accepted")}
    assert helper.email in mails[asker.email].body_text
    assert asker.email in mails[helper.email].body_text
    assert ".ics" in mails[asker.email].body_text
    # The invitation itself rides with each mail, and both people find it in their inbox.
    from federation.models import Notification, OutboxAttachment
    for mail in mails.values():
        attached = db.session.scalars(select(OutboxAttachment).where(
            OutboxAttachment.mail_id == mail.id)).all()
        assert [a.filename for a in attached] == ["consultation.ics"]
        assert b"METHOD:REQUEST" in attached[0].data
    assert {n.user_id for n in db.session.scalars(select(Notification).where(
        Notification.kind == "consultation_session"))} == {asker.id, helper.id}
    login(asker)
    ics = client.get(f"/consultations/sessions/{session_id}/invite.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert b"METHOD:REQUEST" in ics.data and b"BEGIN:VEVENT" in ics.data
    again = client.post(f"/api/v1/consultation-sessions/{session_id}/accept",
                        headers=helper_headers, json={"time": times[0]})
    assert again.status_code == 409
    cancelled = client.post(f"/api/v1/consultation-sessions/{session_id}/cancel",
                            headers=headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert len(_mails("consultation_session_cancelled")) == 2
    assert b"METHOD:CANCEL" in client.get(f"/consultations/sessions/{session_id}/invite.ics").data
    assert client.post(f"/api/v1/consultation-sessions/{session_id}/cancel",
                       headers=helper_headers).status_code == 409
    ended = db.session.get(ConsultationSession, session_id)
    assert ended.status.value == "cancelled"
    assert service.session_actions(asker, ended) == service.session_actions(helper, ended) == frozenset()
    page = client.get(f"/consultations/{row.id}").get_data(as_text=True)
    assert f"/consultations/sessions/{session_id}/cancel" not in page


def test_reports_go_to_the_directorys_queue(client, app, make, login):
    asker, _g = operator(make)
    rude, _g2 = operator(make)
    coordinator = make.user(role=Role.coordinator)
    row = consultation(app, asker)
    with app.test_request_context():
        service.reply(rude, db.session.get(Consultation, row.id), "営業のご案内です。")
        db.session.commit()
    reply_id = db.session.get(Consultation, row.id).replies[0].id
    login(asker)
    assert client.post(f"/consultations/{row.id}/report",
                       data={"reply_id": reply_id, "reason": ""}).status_code == 422
    assert client.post(f"/consultations/{row.id}/report",
                       data={"reply_id": reply_id, "reason": "勧誘です"}).status_code == 302
    report = db.session.scalar(select(AbuseReport))
    assert report.reported_id == rude.id and report.consultation_id == row.id
    assert _mails("abuse_report")[0].recipient == coordinator.email
    login(coordinator)
    reports = client.get("/directory/reports").get_data(as_text=True)
    assert "勧誘です" in reports and f"/consultations/{row.id}" in reports


@pytest.mark.rate_limited
def test_posting_and_replying_are_rate_limited(client, app, make, login, token_for):
    app.config["RATELIMIT_CONSULTATION_POST"] = "2 per hour"
    app.config["RATELIMIT_CONSULTATION_REPLY"] = "2 per hour"
    asker, _g = operator(make)
    headers = token_for(asker)
    body = {"title": "相談", "body": "内容", "category": "mindset"}
    codes = [client.post("/api/v1/consultations", headers=headers, json=body).status_code
             for _ in range(3)]
    assert codes == [201, 201, 429]
    assert client.post("/api/v1/consultations", headers=headers,
                       json=body).get_json()["error"]["code"] == "rate_limited"
    target = db.session.scalar(select(Consultation.id))
    codes = [client.post(f"/api/v1/consultations/{target}/replies", headers=headers,
                         json={"body": "追記"}).status_code for _ in range(3)]
    assert codes == [201, 201, 429]


def test_consultation_lists_take_a_fixed_number_of_queries(client, app, make, login,
                                                           count_queries):
    viewer, _g = operator(make)
    login(viewer)

    def queries(path):
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    consultation(app, operator(make)[0])
    few = [queries("/consultations/"), queries("/api/v1/consultations")]
    for _ in range(6):
        consultation(app, operator(make)[0])
    assert [queries("/consultations/"), queries("/api/v1/consultations")] == few


def test_pages_in_english(client, app, make, login):
    asker = make.user(role=Role.operator, locale="en")
    make.group(operators=(asker,))
    row = consultation(app, asker)
    login(asker)
    page = client.get(f"/consultations/{row.id}").get_data(as_text=True)
    assert '<html lang="en">' in page and "Replies" in page and "Activation" in page
    assert "Knowledge hub" in client.get("/knowledge/").get_data(as_text=True)


def test_personal_data_export_and_erasure(app, make):
    from federation.models import KnowledgeHelper, PracticeMembership
    from federation.services import privacy
    from tests.factories import PASSWORD

    beginner = practice_member(make)
    row = consultation(app, beginner, title="公認の取り方")
    helper, _g = operator(make)
    with app.test_request_context():
        service.set_topics(helper, ["governance"])
        service.reply(helper, db.session.get(Consultation, row.id), "人事部に相談を")
        data = privacy.export_personal_data(beginner)["knowledge"]
        assert data["consultations"][0]["title"] == "公認の取り方"
        assert data["practice_community"]["registered_members"] == 35
        assert privacy.export_personal_data(helper)["knowledge"]["helper_topics"] == {
            "categories": ["governance"], "digest_enabled": True}
        privacy.delete_account(beginner, PASSWORD)
        privacy.delete_account(helper, PASSWORD)
        db.session.commit()
    assert db.session.scalar(select(func.count(PracticeMembership.id))) == 0
    assert db.session.get(KnowledgeHelper, helper.id) is None
    # The shared thread stays, under the anonymised accounts.
    assert db.session.get(Consultation, row.id).replies[0].body == "人事部に相談を"


def test_digest_in_the_helpers_language(app, make):
    asker, _g = operator(make)
    helper = make.user(role=Role.operator, locale="en")
    make.group(operators=(helper,))
    with app.test_request_context():
        service.set_topics(helper, ["activation"])
        db.session.commit()
    consultation(app, asker, title="リピーターを増やしたい")
    with app.test_request_context():
        service.send_consultation_digests()
        db.session.commit()
    mail = _mails("consultation_digest")[0]
    assert mail.subject == "New consultations on your topics"
    assert "リピーターを増やしたい" in mail.body_text and "stop this daily digest" in mail.body_text

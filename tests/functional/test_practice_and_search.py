"""The practice community's boundaries and its way back into the federation,
and the one Japanese search over articles and consultations."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from federation.extensions import db
from federation.models import ApplicationStatus, OutboxMail, PracticeMembership, Role
from federation.permissions import is_member, knowledge_audiences
from federation.services.knowledge import index
from tests.functional.knowledge_helpers import article, consultation, operator, practice_member


def _failing_track_record(make):
    applicant = make.user()
    application = make.application(applicant, founded_on=None, registered_members=30,
                                   events_last_12_months=1, name_ja="若葉フーズ 卒業生の会")
    return applicant, application


def test_failing_criterion_1_offers_the_practice_community(client, app, make, login):
    applicant, application = _failing_track_record(make)
    login(applicant)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert 'id="practice-offer"' in page and "実践コミュニティに参加する" in page
    # Someone passing criterion 1 is not offered it.
    other = make.user()
    passing = make.application(other)
    login(other)
    assert 'id="practice-offer"' not in client.get(
        f"/applications/{passing.id}").get_data(as_text=True)
    # Nor can they join from it.
    client.post(f"/knowledge/practice/join/{passing.id}")
    assert db.session.scalar(select(PracticeMembership.id).where(
        PracticeMembership.user_id == other.id)) is None
    login(applicant)
    assert client.post(f"/knowledge/practice/join/{application.id}").status_code == 302
    row = db.session.scalar(select(PracticeMembership))
    assert row.user_id == applicant.id and row.registered_members == 30
    assert row.group_name == "若葉フーズ 卒業生の会"
    assert 'id="practice-offer"' not in client.get(
        f"/applications/{application.id}").get_data(as_text=True)


def test_the_rejection_message_offers_it_too(client, make, login):
    applicant, application = _failing_track_record(make)
    login(make.user(role=Role.coordinator))
    client.post(f"/applications/{application.id}/decision", data={
        "decision": "reject", "message": "今回は見送らせていただきます。"})
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.template == "application_reject"))
    assert mail is not None and "実践コミュニティ" in mail.body_text
    _other, passing = make.user(), make.application(make.user())
    client.post(f"/applications/{passing.id}/decision", data={
        "decision": "reject", "message": "見送ります。"})
    mails = db.session.scalars(select(OutboxMail).where(
        OutboxMail.template == "application_reject").order_by(OutboxMail.id)).all()
    assert "実践コミュニティ" not in mails[-1].body_text


def test_practice_members_read_and_ask_in_their_space_only(client, app, make, login):
    author, _g = operator(make)
    practice_article = article(app, author, title_ja="はじめての運営", visibility="practice")
    members_article = article(app, author, title_ja="会員限定の事例", visibility="members")
    federation_question = consultation(app, author)
    beginner = practice_member(make)
    login(beginner)
    assert client.get(f"/knowledge/articles/{practice_article.id}").status_code == 200
    assert client.get(f"/knowledge/articles/{members_article.id}").status_code == 404
    assert client.get(f"/consultations/{federation_question.id}").status_code == 404
    assert client.post(f"/consultations/{federation_question.id}/replies",
                       data={"body": "x"}).status_code == 404
    response = client.post("/consultations/new", data={
        "title": "会社に公認してもらうには", "category": "governance",
        "body": "有志で35人集まりました。"})
    assert response.status_code == 302
    mine = db.session.scalar(select(PracticeMembership).where(
        PracticeMembership.user_id == beginner.id))
    from federation.models import Consultation

    question = db.session.scalar(select(Consultation).where(Consultation.asker_id == beginner.id))
    assert question.space.value == "practice"
    assert question.context["registered_members"] == mine.registered_members
    # Practice members do not answer; federation operators do.
    other_beginner = practice_member(make)
    login(other_beginner)
    assert client.get(f"/consultations/{question.id}").status_code == 200
    assert client.post(f"/consultations/{question.id}/replies",
                       data={"body": "私も知りたいです"}).status_code == 403
    login(author)
    assert client.post(f"/consultations/{question.id}/replies",
                       data={"body": "まず人事部のアルムナイ担当に趣意書を見せましょう。"}
                       ).status_code == 302


def test_practice_membership_is_not_federation_membership(make):
    beginner = practice_member(make)
    assert "members" not in knowledge_audiences(beginner)
    assert "c:federation" not in knowledge_audiences(beginner)
    assert {"public", "practice", "c:practice"} <= knowledge_audiences(beginner)


@pytest.fixture
def membership_rule_in_place(make):
    """The directory, assets and members-only events are guarded by
    `is_member` (H1's rule: membership of a member group). Before that rule is
    merged every signed-in person passes it, so these checks wait for it."""
    if is_member(make.user()):
        pytest.skip("needs the membership rule of issue 12 (is_member by group membership)")


@pytest.mark.usefixtures("membership_rule_in_place")
def test_practice_members_do_not_see_directory_assets_or_members_events(client, make, login):
    _op, group = operator(make)
    event = make.event(group, audience="members")
    login(practice_member(make))
    assert client.get("/directory/").status_code in (403, 404)
    assert client.get("/assets/").status_code in (403, 404)
    assert client.get(f"/events/{event.id}").status_code == 404


def test_apply_again_from_the_practice_profile_is_prefilled(client, make, login):
    applicant, application = _failing_track_record(make)
    db.session.get(type(application), application.id).status = ApplicationStatus.rejected
    db.session.commit()
    login(applicant)
    client.post(f"/knowledge/practice/join/{application.id}")
    client.post("/knowledge/practice", data={"group_name": "若葉フーズ 卒業生の会",
                                             "registered_members": "320",
                                             "events_last_12_months": "6"})
    profile = client.get("/knowledge/practice").get_data(as_text=True)
    assert 'id="apply-again"' in profile
    form = client.get("/applications/new?from=practice").get_data(as_text=True)
    assert 'value="320"' in form and 'value="6"' in form
    # The rest comes from the last application.
    assert 'value="東光コンサルティング株式会社"' in form and 'value="若葉フーズ 卒業生の会"' in form
    # Not in the practice community: no prefill, no profile.
    stranger = make.user()
    login(stranger)
    assert client.get("/knowledge/practice").status_code == 404


# --- search ---------------------------------------------------------------------------

def test_two_character_words_find_articles_and_consultations(client, app, make, login,
                                                             token_for):
    author, _g = operator(make)
    approval = article(app, author, title_ja="参加承認のプロセス", body_ja="週2回、2名で承認します。",
                       category="operations", governance_types=["delegated"],
                       maturity_levels=[2])
    article(app, author, title_ja="投資家との付き合い方", body_ja="出資の相談は慎重に。",
            category="promotion", topic="")
    question = consultation(app, author, title="人事部との連携", body="承認フローを相談したい",
                            category="governance")
    login(author)

    def found(query):
        page = client.get(f"/knowledge/?{query}").get_data(as_text=True)
        return page

    page = found("q=承認")
    assert f"/knowledge/articles/{approval.id}\"" in page
    assert f"/consultations/{question.id}\"" in page and "投資家" not in page
    assert "投資家" in found("q=投資") and "参加承認" not in found("q=投資")
    assert "人事部との連携" in found("q=人事")
    assert "参加承認" in found("q=参加")
    # Facets: category, governance type, maturity level, kind.
    assert "人事部との連携" not in found("q=承認&category=operations")
    assert "参加承認" in found("q=承認&governance=delegated")
    assert "参加承認" in found("maturity=2") and "投資家" not in found("maturity=2")
    assert "参加承認" not in found("q=承認&kind=consultation")
    # An unknown facet value is ignored, not an error.
    assert client.get("/knowledge/?category=cooking&sort=weird").status_code == 200


def test_relevance_puts_title_hits_first_and_recent_sorts_by_date(app, make):
    author, _g = operator(make)
    body_hit = article(app, author, title_ja="運営の記録", body_ja="承認について少し触れます。")
    title_hit = article(app, author, title_ja="承認の手順", body_ja="手順です。")
    with app.test_request_context():
        relevant = index.search(author, q="承認", sort="relevance")
        recent = index.search(author, q="承認", sort="recent")
    assert [h.item.id for h in relevant.items] == [title_hit.id, body_hit.id]
    assert [h.item.id for h in recent.items] == [title_hit.id, body_hit.id]
    with app.test_request_context():
        from federation.services.knowledge import articles

        articles.update_article(author, body_hit, {"body_ja": "承認の話を追記しました。"})
        db.session.commit()
        recent = index.search(author, q="承認", sort="recent")
        relevant = index.search(author, q="承認", sort="relevance")
        faceted = index.search(author, q="承認", kind="article", sort="relevance")
    assert [h.item.id for h in recent.items] == [body_hit.id, title_hit.id]
    # The newer body hit still ranks below the title hit, with a facet too.
    assert [h.item.id for h in relevant.items] == [title_hit.id, body_hit.id]
    assert [h.item.id for h in faceted.items] == [title_hit.id, body_hit.id] and faceted.total == 2


def test_a_ranked_search_counts_what_the_viewer_may_see_on_every_page(app, make):
    """The relevance order counts its matches over the rows it ranks; a page
    past the end still says how many there are, and what the viewer may not
    read is in neither the rows nor the total."""
    author, _g = operator(make)
    for n in range(5):
        article(app, author, title_ja=f"承認の手順 その{n}", visibility="public")
    article(app, author, title_ja="会員向けの承認手順", visibility="members")
    article(app, author, title_ja="運営の記録", body_ja="手順だけ。")
    beginner = practice_member(make)
    with app.test_request_context():
        pages = [index.search(beginner, page=n, per_page=2, q="承認 手順") for n in (1, 2, 3, 4)]
        member_total = index.search(author, q="承認 手順", per_page=2).total
    assert [len(p.items) for p in pages] == [2, 2, 1, 0]
    assert [p.total for p in pages] == [5, 5, 5, 5] and not any(p.capped for p in pages)
    assert member_total == 6


def test_search_never_reveals_what_the_viewer_may_not_see(app, make):
    author, _g = operator(make)
    article(app, author, title_ja="会員向けの承認手順", visibility="members")
    article(app, author, title_ja="公開の承認手順", visibility="public")
    consultation(app, author, title="承認に困っています")
    beginner = practice_member(make)
    with app.test_request_context():
        titles = [getattr(h.item, "title_ja", None) or h.item.title
                  for h in index.search(beginner, q="承認").items]
        anonymous = [h.item.title_ja for h in index.search(None, q="承認").items]
    assert titles == ["公開の承認手順"] and anonymous == ["公開の承認手順"]


def test_search_counts_are_bounded(client, app, make, login, count_queries):
    author, _g = operator(make)
    login(author)
    article(app, author, title_ja="承認の手順")
    consultation(app, author, title="承認の手順の相談")

    def queries():
        with count_queries() as statements:
            client.get("/knowledge/?q=承認の手順")
        return len(statements)

    few = queries()
    for n in range(5):
        article(app, author, title_ja=f"承認の手順{n}")
        consultation(app, author, title=f"承認の手順の相談{n}")
    assert queries() == few


def test_the_directory_search_shares_the_tokenizer(app):
    from federation import search
    from federation.services import directory

    assert directory.text_tokens is search.text_tokens
    assert search.text_tokens("参加承認") == {"参加", "加承", "承認"}
    assert date.today()  # the module imports cleanly alongside

"""Operator applications: assessment of the five criteria, endorsement,
review, decisions, approval, settings, reminders, permissions (web)."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from federation.extensions import db
from federation.models import (AlumniGroup, ApplicationStatus, GroupEndorsement, GroupOperator,
                               OperatorApplication, OutboxMail, Role, SettingChange, User,
                               utcnow)
from federation.services import applications as service
from tests.factories import Factory


def verdicts(application) -> dict:
    return {item["key"]: item["verdict"] for item in application.assessment}


def codes(application) -> dict:
    return {item["key"]: item["code"] for item in application.assessment}


# --- assessment --------------------------------------------------------------

def test_all_five_criteria_pass(make):
    application = make.application()
    assert verdicts(application) == {
        "track_record": "pass", "officialness": "pass", "alumni_membership": "pass",
        "active_professionals": "pass", "operating_member": "pass"}
    assert application.status == ApplicationStatus.pending


@pytest.mark.parametrize("overrides, key, code", [
    ({"registered_members": 50}, "track_record", "few_members"),
    ({"events_last_12_months": 1}, "track_record", "few_events"),
    ({"founded_on": None}, "track_record", "not_founded"),
    ({"governance_type": "independent"}, "officialness", "independent"),
    ({"membership_scope": "school"}, "alumni_membership", "school"),
    ({"admits_outsiders": True}, "alumni_membership", "outsiders"),
    ({"audience": "retirees"}, "active_professionals", "retirees"),
    ({"purpose": "reminiscing"}, "active_professionals", "reminiscing"),
    ({"involvement": "single_event"}, "operating_member", "single_event"),
])
def test_each_criterion_fails_on_its_own(make, overrides, key, code):
    application = make.application(**overrides)
    result = verdicts(application)
    assert result[key] == "fail" and codes(application)[key] == code
    assert all(v == "pass" for k, v in result.items() if k != key)


@pytest.mark.parametrize("overrides, key, code", [
    ({"registered_members": 280}, "track_record", "members_near"),
    ({"events_last_12_months": 3}, "track_record", "events_near"),
    ({"governance_type": "company_backed"}, "officialness", "await_endorsement"),
    ({"liaison_department": ""}, "officialness", "no_liaison"),
    ({"audience": "mixed"}, "active_professionals", "audience_mixed"),
    ({"involvement": "few_times_a_year"}, "operating_member", "occasional"),
    ({"operating_since": date.today() - timedelta(days=20)}, "operating_member",
     "recent_operator"),
])
def test_borderline_cases_go_to_review(make, overrides, key, code):
    application = make.application(**overrides)
    assert verdicts(application)[key] == "review"
    assert codes(application)[key] == code


def test_thresholds_are_settings_and_every_change_is_logged(client, make, login):
    coordinator = make.user(role=Role.coordinator)
    login(coordinator)
    response = client.post("/applications/settings", data={
        "min_members": 2000, "min_events_12m": 4, "reminder_days": 7})
    assert response.status_code == 302
    [change] = db.session.scalars(select(SettingChange)).all()
    assert (change.key, change.old_value, change.new_value, change.actor_id) == (
        "min_members", 300, 2000, coordinator.id)
    application = make.application()
    assert codes(application)["track_record"] == "few_members"
    page = client.get("/applications/settings").get_data(as_text=True)
    assert "2000" in page and coordinator.display_name in page

    bad = client.post("/applications/settings", data={
        "min_members": -5, "min_events_12m": 4, "reminder_days": 7})
    assert bad.status_code == 200 and 'id="min_members-error"' in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SettingChange.id))) == 1


def test_members_may_not_change_settings(client, make, login):
    login(make.user())
    assert client.get("/applications/settings").status_code == 403
    assert client.post("/applications/settings", data={
        "min_members": 1, "min_events_12m": 1, "reminder_days": 1}).status_code == 403
    assert client.get("/applications/precedents").status_code == 403


def test_reason_is_shown_in_the_viewers_language(client, make, login):
    applicant = make.user(locale="en")
    application = make.application(applicant, registered_members=50)
    login(applicant)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "50 registered members is below the minimum of 300" in page
    applicant.locale = "ja"
    db.session.commit()
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "登録者数 50 人は最低基準の 300 人に届いていません" in page


# --- applying on the web -------------------------------------------------------

def web_form(**overrides) -> dict:
    data = Factory.evidence(**overrides)
    form = {k: ("" if v is None else v) for k, v in data.items()
            if k not in ("event_examples", "admits_outsiders")}
    for key in ("founded_on", "members_counted_on", "operating_since"):
        form[key] = data[key].isoformat() if data[key] else ""
    form["group_id"] = data["group_id"] or ""
    form["event_examples-0-title"] = "新春交流会"
    form["event_examples-0-held_on"] = (date.today() - timedelta(days=60)).isoformat()
    form["event_examples-0-attendance"] = "80"
    if data["admits_outsiders"]:
        form["admits_outsiders"] = "y"
    return form


def test_apply_on_the_web_shows_the_assessment(client, make, login):
    applicant = make.user()
    login(applicant)
    assert client.get("/applications/new").status_code == 200
    response = client.post("/applications/new", data=web_form(registered_members=50))
    assert response.status_code == 302
    application = db.session.scalar(select(OperatorApplication))
    assert application.event_examples[0]["title"] == "新春交流会"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "criterion-fail" in page and "ビギナーズ" in page


def test_bad_input_shows_field_errors_and_stores_nothing(client, make, login):
    login(make.user())
    response = client.post("/applications/new", data=web_form(
        name_ja="", operating_since=None, liaison_email="not-an-address",
        founded_on=date.today() + timedelta(days=30), registered_members="many"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="registered_members-error"' in page
    assert db.session.scalar(select(func.count(OperatorApplication.id))) == 0
    response = client.post("/applications/new", data=web_form(
        name_ja="", operating_since=None, liaison_email="not-an-address",
        founded_on=date.today() + timedelta(days=30)))
    page = response.get_data(as_text=True)
    for field in ("name_ja", "operating_since", "liaison_email", "founded_on"):
        assert f'id="{field}-error"' in page
    assert db.session.scalar(select(func.count(OperatorApplication.id))) == 0


def test_unverified_people_cannot_apply(client, app, make, login):
    with app.test_request_context():
        unverified = make.user(verified=False)
    login(unverified)
    response = client.post("/applications/new", data=web_form())
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(OperatorApplication.id))) == 0


def test_one_open_application_at_a_time(client, make, login):
    applicant = make.user()
    make.application(applicant)
    login(applicant)
    assert client.post("/applications/new", data=web_form()).status_code == 409


def test_second_operator_of_a_member_group(make):
    group = make.group(operators=(make.user(),))
    application = make.application(group_id=group.id, name_ja="", company_name="",
                                   governance_type="", membership_scope="", audience="",
                                   purpose="")
    assert codes(application)["track_record"] == "member_group"
    assert verdicts(application)["operating_member"] == "pass"


# --- endorsement --------------------------------------------------------------

def endorsement_link(application_id) -> str:
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.template == "endorsement_request"))
    start = mail.body_text.index("http://localhost")
    return mail.body_text[start:].split()[0].split("localhost", 1)[1]


def test_endorsement_works_once_and_strengthens_officialness(client, make):
    application = make.application(governance_type="company_backed",
                                   liaison_email="Liaison@Toko.example.co.jp")
    assert codes(application)["officialness"] == "await_endorsement"
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.template == "endorsement_request"))
    assert mail.recipient == "liaison@toko.example.co.jp"
    path = endorsement_link(application.id)
    assert client.get(path).status_code == 200
    empty = client.post(path, data={"confirmer_name": ""})
    assert 'id="confirmer_name-error"' in empty.get_data(as_text=True)
    assert client.post(path, data={"confirmer_name": "人事部 木村"}).status_code == 200
    db.session.refresh(application)
    endorsement = db.session.scalar(select(GroupEndorsement))
    assert endorsement.confirmer_name == "人事部 木村" and endorsement.confirmed_at
    assert verdicts(application)["officialness"] == "pass"
    assert codes(application)["officialness"] == "endorsed"
    # Second use: refused.
    assert client.post(path, data={"confirmer_name": "someone else"}).status_code == 410
    assert db.session.scalar(select(GroupEndorsement)).confirmer_name == "人事部 木村"


def test_endorsement_link_expires(client, make):
    application = make.application(liaison_email="liaison@toko.example.co.jp")
    path = endorsement_link(application.id)
    endorsement = db.session.scalar(select(GroupEndorsement))
    endorsement.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.post(path, data={"confirmer_name": "木村"}).status_code == 410
    assert db.session.scalar(select(GroupEndorsement)).confirmed_at is None
    assert client.get("/applications/endorse/made-up").status_code == 410


# --- reviewing and deciding ----------------------------------------------------

def test_approval_makes_an_operator_of_a_new_group_in_one_go(client, make, login):
    applicant = make.user(locale="en")
    application = make.application(applicant, liaison_email="liaison@toko.example.co.jp")
    coordinator = make.user(role=Role.coordinator)
    login(coordinator)
    form = client.get(f"/applications/{application.id}/decision?decision=approve")
    assert "Welcome to the federation" in form.get_data(as_text=True)  # applicant's language
    response = client.post(f"/applications/{application.id}/decision", data={
        "decision": "approve", "message": "Welcome aboard!", "note": "clear case"})
    assert response.status_code == 302
    db.session.expire_all()
    application = db.session.get(OperatorApplication, application.id)
    assert application.status == ApplicationStatus.approved
    group = db.session.scalar(select(AlumniGroup))
    assert group.slug == "toko-consulting-alumni" and group.registered_members == 1200
    assert [op.user_id for op in group.operators] == [applicant.id]
    assert db.session.get(User, applicant.id).role == Role.operator
    assert db.session.scalar(select(GroupEndorsement)).group_id == group.id
    welcome = db.session.scalar(select(OutboxMail).where(
        OutboxMail.template == "application_approve"))
    assert welcome.recipient == applicant.email and welcome.locale == "en"
    assert "Welcome aboard!" in welcome.body_text and "self-introduction" in welcome.body_text
    # A second decision on the decided application: 409.
    again = client.post(f"/applications/{application.id}/decision", data={
        "decision": "reject", "message": "no"})
    assert again.status_code == 409
    assert db.session.get(OperatorApplication, application.id).status == ApplicationStatus.approved


def test_approving_a_second_operator_adds_them_to_the_group(client, make, login):
    first = make.user(role=Role.operator)
    group = make.group(operators=(first,))
    applicant = make.user()
    application = make.application(applicant, group_id=group.id)
    login(make.user(role=Role.coordinator))
    client.post(f"/applications/{application.id}/decision", data={
        "decision": "approve", "message": "ようこそ"})
    assert db.session.scalar(select(func.count(AlumniGroup.id))) == 1
    assert db.session.scalar(select(func.count(GroupOperator.id)).where(
        GroupOperator.group_id == group.id)) == 2


def test_request_info_then_edit_and_resubmit_is_reassessed(client, app, make, login):
    applicant = make.user()
    application = make.application(applicant, registered_members=50)
    coordinator_client = login(make.user(role=Role.coordinator), on=app.test_client())
    response = coordinator_client.post(f"/applications/{application.id}/decision", data={
        "decision": "request_info", "message": "最新の登録者数を教えてください。"})
    assert response.status_code == 302
    mail = db.session.scalar(select(OutboxMail).where(
        OutboxMail.template == "application_request_info"))
    assert "最新の登録者数" in mail.body_text

    login(applicant)
    edit_page = client.get(f"/applications/{application.id}/edit")
    assert edit_page.status_code == 200 and 'value="50"' in edit_page.get_data(as_text=True)
    response = client.post(f"/applications/{application.id}/edit",
                           data=web_form(registered_members=900))
    assert response.status_code == 302
    db.session.expire_all()
    application = db.session.get(OperatorApplication, application.id)
    assert application.status == ApplicationStatus.pending
    assert verdicts(application)["track_record"] == "pass"
    assert [e.kind.value for e in application.events] == [
        "submitted", "info_requested", "resubmitted"]
    # Not editable once pending again.
    assert client.post(f"/applications/{application.id}/edit",
                       data=web_form()).status_code == 409


def test_override_with_a_note_and_the_precedent_log(client, make, login):
    application = make.application(membership_scope="school")
    login(make.user(role=Role.coordinator))
    no_note = client.post(f"/applications/{application.id}/override", data={
        "criterion": "alumni_membership", "verdict": "pass", "note": ""})
    assert no_note.status_code == 302
    assert not db.session.get(OperatorApplication, application.id).overrides
    client.post(f"/applications/{application.id}/override", data={
        "criterion": "alumni_membership", "verdict": "pass",
        "note": "元社員で現在は社外取締役: 企業内大学ではなく社員研修の卒業生"})
    db.session.expire_all()
    application = db.session.get(OperatorApplication, application.id)
    item = {i["key"]: i for i in service.assessment_of(application)}["alumni_membership"]
    assert item["verdict"] == "pass" and item["overridden"]
    client.post(f"/applications/{application.id}/decision", data={
        "decision": "reject", "message": "今回は見送ります", "note": "境界事例: 社外取締役"})
    log = client.get("/applications/precedents?q=社外取締役").get_data(as_text=True)
    assert log.count("社外取締役") >= 2
    assert "社外取締役" not in client.get("/applications/precedents?q=無関係").get_data(as_text=True)


def test_decision_needs_a_message(client, make, login):
    application = make.application()
    login(make.user(role=Role.coordinator))
    response = client.post(f"/applications/{application.id}/decision", data={
        "decision": "approve", "message": ""})
    assert response.status_code == 200 and 'id="message-error"' in response.get_data(as_text=True)
    assert db.session.get(OperatorApplication, application.id).status == ApplicationStatus.pending


def test_concurrent_decisions_one_wins(app, make):
    application = make.application()
    first, second = make.user(role=Role.coordinator), make.user(role=Role.coordinator)
    with app.test_request_context():
        service.decide(first, application, "approve", "ようこそ")
        db.session.commit()
    from federation.errors import Conflict

    stale = db.session.get(OperatorApplication, application.id)
    with app.test_request_context(), pytest.raises(Conflict):
        service.decide(second, stale, "reject", "見送り")
    db.session.rollback()
    assert db.session.get(OperatorApplication, application.id).status == ApplicationStatus.approved
    assert db.session.scalar(select(func.count(AlumniGroup.id))) == 1


# --- permissions ---------------------------------------------------------------

def test_permission_boundaries(client, app, make, login):
    applicant = make.user()
    application = make.application(applicant)
    stranger = make.user()
    login(stranger)
    assert client.get(f"/applications/{application.id}").status_code == 404
    assert client.post(f"/applications/{application.id}/decision", data={
        "decision": "approve", "message": "x"}).status_code == 404
    assert client.post(f"/applications/{application.id}/override", data={
        "criterion": "track_record", "verdict": "pass", "note": "x"}).status_code == 404
    assert client.get(f"/applications/{application.id}/edit").status_code == 404
    assert application.group_name_ja not in client.get("/applications/").get_data(as_text=True)

    own = login(applicant, on=app.test_client())
    assert own.get(f"/applications/{application.id}").status_code == 200
    assert own.post(f"/applications/{application.id}/decision", data={
        "decision": "approve", "message": "me!"}).status_code == 403
    assert own.post(f"/applications/{application.id}/override", data={
        "criterion": "track_record", "verdict": "pass", "note": "x"}).status_code == 403
    assert application.group_name_ja in own.get("/applications/").get_data(as_text=True)
    assert db.session.get(OperatorApplication, application.id).status == ApplicationStatus.pending

    anonymous = app.test_client()
    assert anonymous.get(f"/applications/{application.id}").status_code == 302


def test_queue_filters_and_bounded_queries(client, make, login, count_queries):
    coordinator = make.user(role=Role.coordinator)
    login(coordinator)

    def load():
        with count_queries() as statements:
            assert client.get("/applications/?status=pending").status_code == 200
        return len(statements)

    for _n in range(3):
        make.application()
    few = load()
    for _n in range(10):
        make.application()
    assert load() == few
    old = make.application()
    old.submitted_at = utcnow() - timedelta(days=20)
    db.session.commit()
    page = client.get("/applications/?older_than=10").get_data(as_text=True)
    assert page.count("/applications/") and page.count('class="tag status-') == 1


# --- reminders and profile ----------------------------------------------------

def test_reminder_command_mails_coordinators(runner, make):
    coordinator = make.user(role=Role.coordinator, locale="en")
    fresh = make.application()
    old = make.application()
    old.submitted_at = utcnow() - timedelta(days=10)
    db.session.commit()
    result = runner.invoke(args=["applications", "remind"])
    assert result.exit_code == 0, result.output
    assert "1 application" in result.output
    [mail] = db.session.scalars(select(OutboxMail).where(
        OutboxMail.template == "applications_reminder")).all()
    assert mail.recipient == coordinator.email
    assert old.name_en in mail.body_text
    assert fresh.id != old.id


def test_self_introduction_on_the_profile(client, make, login):
    user = make.user(role=Role.operator)
    group = make.group(operators=(user,))
    login(user)
    page = client.get("/account/").get_data(as_text=True)
    assert group.name_ja in page
    response = client.post("/account/", data={
        "family_name": user.family_name, "given_name": user.given_name,
        "family_name_kana": user.family_name_kana, "given_name_kana": user.given_name_kana,
        "self_introduction": "東光コンサルティングのアルムナイ運営をしています。"})
    assert response.status_code == 302
    assert db.session.get(User, user.id).self_introduction.startswith("東光")


def test_two_coordinators_deciding_at_once_one_wins(app, make):
    """Real concurrent requests (threads, own connections): exactly one 302, one 409."""
    import threading

    from flask.testing import FlaskClient

    from tests.factories import PASSWORD

    application_id = make.application().id
    coordinators = [make.user(role=Role.coordinator) for _n in range(2)]
    emails = [c.email for c in coordinators]
    db.session.commit()
    clients = []
    for email in emails:
        c = FlaskClient(app, use_cookies=True)
        assert c.post("/auth/login", data={"email": email,
                                           "password": PASSWORD}).status_code == 302
        clients.append(c)
        db.session.commit()  # the login ran in this context: end its transaction
    barrier = threading.Barrier(2)
    statuses = []

    def decide(c, decision):
        barrier.wait()
        response = c.post(f"/applications/{application_id}/decision",
                          data={"decision": decision, "message": "結果のお知らせ"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=decide, args=(c, d))
               for c, d in zip(clients, ("approve", "reject"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(statuses) == [302, 409]
    db.session.expire_all()
    decided = db.session.get(OperatorApplication, application_id)
    assert decided.status in (ApplicationStatus.approved, ApplicationStatus.rejected)
    decisions = [e for e in decided.events if e.kind.value in ("approved", "rejected")]
    assert len(decisions) == 1
    assert db.session.scalar(select(func.count(AlumniGroup.id))) == (
        1 if decided.status == ApplicationStatus.approved else 0)


def test_pages_in_english(client, make, login):
    login(make.user(locale="en"))
    page = client.get("/applications/new").get_data(as_text=True)
    assert "Apply as an operator" in page and "Governance type" in page
    assert "Company-hosted" in page


def test_the_application_page_offers_what_each_person_may_do(client, make, login):
    """application_actions decides the page: the coordinator decides and
    overrides a waiting case; asked for information, the applicant edits and
    resubmits; a decided case offers nothing."""
    from federation.models import Role

    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    application = make.application()
    applicant = application.applicant
    assert service.application_actions(coordinator, application) == {"decide", "override"}
    assert service.application_actions(applicant, application) == frozenset()

    login(coordinator)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f"/applications/{application.id}/decision" in page
    assert f"/applications/{application.id}/override" in page
    client.post(f"/applications/{application.id}/decision",
                data={"decision": "request_info", "message": "会員数の根拠を教えてください。"})
    db.session.expire_all()
    assert application.status == ApplicationStatus.info_requested
    assert service.application_actions(coordinator, application) == {"override"}
    assert service.application_actions(applicant, application) == {"resubmit"}
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f"/applications/{application.id}/decision" not in page

    client.post("/auth/logout")
    login(applicant)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f"/applications/{application.id}/edit" in page

"""Defects a new user hit (issue 15), each with the test that failed before."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from federation.extensions import db
from federation.models import EventHost, HostStatus, JointEvent, Role


def _groups(make):
    lead_op = make.user(role=Role.operator, email="lead@alumni.example.jp")
    co_op = make.user(role=Role.operator, email="co@alumni.example.jp")
    lead = make.group(slug="lead", operators=(lead_op,), name_ja="大洋商事 アルムナイ")
    co = make.group(slug="co", operators=(co_op,), name_ja="青葉銀行 OB・OG会")
    return lead_op, co_op, lead, co


def test_an_invited_cohost_answers_first_and_cannot_manage(client, login, make):
    lead_op, co_op, lead, co = _groups(make)
    event = make.event(lead, status="draft")
    event.hosts.append(EventHost(group=co, status=HostStatus.invited))
    db.session.commit()
    login(co_op)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "共催を承諾" in page and f"/events/{event.id}/edit" not in page
    assert client.get(f"/events/{event.id}/edit").status_code == 403
    assert client.get(f"/events/{event.id}/attendees").status_code == 403
    assert client.post(f"/events/{event.id}/state/cancel").status_code == 403
    assert client.post(f"/events/{event.id}/hosts/co/confirm").status_code == 302
    assert client.get(f"/events/{event.id}/edit").status_code == 200


def test_quota_full_is_not_event_full_and_the_position_is_shown(client, login, make, token_for):
    lead_op, co_op, lead, co = _groups(make)
    event = make.event(lead, cohosts=(co,), capacity=5, quotas={"co": 1})
    alumni = [make.alumnus(co, make.user(email=f"co{n}@alumni.example.jp")) for n in range(3)]
    login(alumni[0])
    client.post(f"/events/{event.id}/register")
    client.post("/auth/logout")
    login(alumni[1])
    flashed = client.post(f"/events/{event.id}/register", follow_redirects=True)
    text = flashed.get_data(as_text=True)
    assert "満席" not in text
    assert "青葉銀行 OB・OG会" in text and "4" in text  # the group's seats; 4 remain for others
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert 'id="waitlist-position"' in page and "1番目" in page
    # The API answers the position too.
    response = client.post(f"/api/v1/events/{event.id}/registrations",
                           headers=token_for(alumni[2]), json={})
    assert response.status_code == 201
    assert response.get_json()["status"] == "waitlisted"
    assert response.get_json()["waitlist_position"] == 2


def test_attendee_csv_lead_gets_everyone_cohost_its_own_in_the_readers_language(
        client, login, make):
    lead_op, co_op, lead, co = _groups(make)
    event = make.event(lead, cohosts=(co,))
    outsider_group = make.group(slug="other", name_ja="東光 OB 会")
    make.registration(event, make.user(email="nobody@alumni.example.jp"), group=None)
    make.registration(event, make.user(email="other@alumni.example.jp"), group=outsider_group)
    make.registration(event, make.user(email="coalum@alumni.example.jp"), group=co)
    login(lead_op)
    response = client.get(f"/events/{event.id}/attendees.csv?group=lead")
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())  # Japanese Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "姓" and "ステータス" in rows[0]
    emails = {row[4] for row in rows[1:]}
    assert emails == {"nobody@alumni.example.jp", "other@alumni.example.jp",
                      "coalum@alumni.example.jp"}
    assert all(row[6] == "参加確定" for row in rows[1:])
    client.post("/auth/logout")
    login(co_op)
    rows = list(csv.reader(io.StringIO(client.get(
        f"/events/{event.id}/attendees.csv?group=co").get_data(as_text=True).lstrip("\ufeff"))))
    assert {row[4] for row in rows[1:]} == {"coalum@alumni.example.jp"}


def test_coordinators_plan_joint_events(client, login, make):
    from tests.functional.test_events import event_form

    lead_op, co_op, lead, co = _groups(make)
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    login(coordinator)
    assert "/events/new" in client.get("/events/").get_data(as_text=True)
    assert client.get("/events/new").status_code == 200
    response = client.post("/events/new?group=co", data=event_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    event = db.session.scalar(select(JointEvent))
    assert event.lead_group_id == co.id and event.created_by_id == coordinator.id


def test_an_operator_opens_the_proposal_before_and_after_nominating(client, login, make):
    operator = make.user(role=Role.operator, email="op@alumni.example.jp")
    make.group(slug="toko", operators=(operator,))
    speaker = make.user(email="speaker@alumni.example.jp")
    edition = make.edition(phase="proposals")
    proposal = make.proposal(edition, speaker, title="社内起業とアルムナイ")
    login(operator)
    listing = client.get("/conferences/2031/proposals").get_data(as_text=True)
    assert f"/conferences/proposals/{proposal.id}\"" in listing
    assert client.get(f"/conferences/proposals/{proposal.id}").status_code == 200
    assert client.post(f"/conferences/proposals/{proposal.id}/nominate",
                       data={"group": "toko"}).status_code == 302
    page = client.get(f"/conferences/proposals/{proposal.id}")
    assert page.status_code == 200 and "社内起業とアルムナイ" in page.get_data(as_text=True)
    # A member who runs no group still cannot read others' proposals.
    client.post("/auth/logout")
    login(make.user(email="nosy@alumni.example.jp"))
    assert client.get(f"/conferences/proposals/{proposal.id}").status_code == 404


def test_coordinators_are_not_blinded_in_a_blind_review(client, login, make):
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    reviewer = make.user(email="reviewer@alumni.example.jp")
    speaker = make.user(email="speaker@alumni.example.jp")
    edition = make.edition(phase="review")
    proposal = make.proposal(edition, speaker)
    from federation.models import ConferenceReviewer, utcnow

    db.session.add(ConferenceReviewer(edition_id=edition.id, user_id=reviewer.id,
                                      invited_at=utcnow()))
    db.session.commit()
    login(coordinator)
    assert speaker.display_name in client.get(
        f"/conferences/proposals/{proposal.id}").get_data(as_text=True)
    client.post("/auth/logout")
    login(reviewer)
    assert speaker.display_name not in client.get(
        f"/conferences/proposals/{proposal.id}").get_data(as_text=True)


# --- operator applications ------------------------------------------------------

def _endorsement_path():
    from federation.models import OutboxMail

    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.template == "endorsement_request"))
    start = mail.body_text.index("http://localhost")
    return mail.body_text[start:].split()[0].split("localhost", 1)[1]


def test_approval_carries_endorsement_department_and_platforms_to_the_group(client, make, login):
    from federation.models import AlumniGroup

    applicant = make.user(email="applicant@alumni.example.jp")
    application = make.application(applicant, governance_type="company_backed",
                                   liaison_email="kimura@toko-consulting.co.jp",
                                   platforms="Facebookグループ、Slack、独自アプリ")
    assert client.post(_endorsement_path(), data={"confirmer_name": "人事部 木村"}).status_code == 200
    coordinator = make.user(role=Role.coordinator)
    login(coordinator)
    assert client.post(f"/applications/{application.id}/decision", data={
        "decision": "approve", "message": "ようこそ", "note": ""}).status_code == 302
    group = db.session.scalar(select(AlumniGroup))
    assert group.liaison_department == "人事部 アルムナイ担当"
    assert group.platforms == ["facebook", "slack", "other"]
    page = client.get(f"/groups/{group.slug}").get_data(as_text=True)
    assert 'id="verified-endorsement"' in page and "人事部 木村" in page
    assert "@toko-consulting.co.jp" in page


def test_the_liaison_declines_and_an_odd_address_is_flagged(client, make, login):
    from federation.models import GroupEndorsement

    application = make.application(governance_type="company_backed",
                                   liaison_email="kimura.private@gmail.com")
    path = _endorsement_path()
    assert "承認しない" in client.get(path).get_data(as_text=True) or \
        "Decline" in client.get(path).get_data(as_text=True)
    assert client.post(path, data={"confirmer_name": "木村", "decline": "1"}).status_code == 200
    endorsement = db.session.scalar(select(GroupEndorsement))
    assert endorsement.declined_at is not None and endorsement.confirmed_at is None
    db.session.refresh(application)
    officialness = {i["key"]: i for i in application.assessment}["officialness"]
    assert officialness["code"] == "endorsement_declined"
    assert client.post(path, data={"confirmer_name": "木村"}).status_code == 410  # used up
    login(make.user(role=Role.coordinator))
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert 'id="liaison-warning"' in page and "gmail.com" in page


def test_a_company_address_is_not_flagged(make):
    from federation.services.applications import liaison_address_warning

    application = make.application(liaison_email="kimura@toko.example.co.jp")
    assert liaison_address_warning(application) is None


def test_the_decision_page_suggests_precedents_for_the_open_criteria(client, make, login):
    coordinator = make.user(role=Role.coordinator)
    earlier = make.application(membership_scope="school")
    login(coordinator)
    client.post(f"/applications/{earlier.id}/decision", data={
        "decision": "reject", "message": "今回は見送ります", "note": "企業内大学の修了生は対象外"})
    current = make.application(make.user(), membership_scope="school")
    page = client.get(f"/applications/{current.id}/decision?decision=reject")
    text = page.get_data(as_text=True)
    assert 'id="suggested-precedents"' in text and "企業内大学の修了生は対象外" in text
    clean = make.application(make.user())
    assert 'id="suggested-precedents"' not in client.get(
        f"/applications/{clean.id}/decision").get_data(as_text=True)


def test_deciding_what_another_coordinator_just_decided_keeps_the_message(client, make, login):
    first = make.user(role=Role.coordinator, family_name="佐藤", given_name="一郎")
    application = make.application()
    from flask import current_app

    from federation.services import applications as service

    with current_app.test_request_context():
        service.decide(first, application, "approve", "ようこそ")
        db.session.commit()
    login(make.user(role=Role.coordinator))
    response = client.post(f"/applications/{application.id}/decision", data={
        "decision": "reject", "message": "今回は見送ります"})
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and "今回は見送ります" in text and "佐藤" in text


def test_text_is_stored_as_typed(client, make, login):
    from federation.models import SharedAsset

    operator = make.user(role=Role.operator, email="op@alumni.example.jp")
    group = make.group(slug="toko", operators=(operator,))
    from federation.services import events as event_service

    event = make.event(group, status="draft")
    event_service.update_event(operator, event, {"title_ja": "交流会（日本橋）", "place": "３Ｆ"})
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(JointEvent, event.id)
    assert stored.title_ja == "交流会（日本橋）" and stored.place == "３Ｆ"
    asset = make.asset(group, "venue")
    from federation.services import assets as asset_service

    asset_service.update_asset(operator, asset, {"title": "会議室（日本橋）",
                                                 "address": "日本橋１－１－１"})
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(SharedAsset, asset.id)
    assert stored.title == "会議室（日本橋）" and stored.address == "日本橋１－１－１"
    # Only the search key is folded: a half-width query finds the full-width text.
    for query in ("(日本橋)", "（日本橋）"):
        assert stored in db.session.scalars(asset_service.assets_query(operator, q=query)).all()


def test_a_deleted_account_releases_its_seats_and_the_waitlists_move_up(client, make, login):
    from federation.models import ConferenceRegistration, EventRegistration, RegistrationStatus
    from federation.services import conferences
    from federation.services import events as event_service
    from tests.factories import PASSWORD

    lead_op, co_op, lead, co = _groups(make)
    leaver = make.member(email="leaver@alumni.example.jp")
    waiting = make.member(email="waiting@alumni.example.jp")
    edition = make.edition(phase="decided", capacity=1)
    event = make.event(lead, capacity=1)
    for person in (leaver, waiting):
        conferences.register(person, edition)
        event_service.register(person, event)
        db.session.commit()
    login(leaver)
    assert client.post("/account/data/delete", data={"password": PASSWORD}).status_code == 302
    db.session.expire_all()
    seat = db.session.scalar(select(ConferenceRegistration).where(
        ConferenceRegistration.user_id == waiting.id))
    assert seat.status == RegistrationStatus.confirmed
    rsvp = db.session.scalar(select(EventRegistration).where(
        EventRegistration.user_id == waiting.id))
    assert rsvp.status == RegistrationStatus.confirmed


# --- the alumni import: mapping step, remembered per group, XLSX ------------------------

JAPANESE_SHEET = ("氏名,フリガナ,メールアドレス,退職年,所属\n"
                  "山田　花子,ヤマダ ハナコ,hanako@example.jp,2018年,未来商事\n"
                  "佐藤 健太,サトウ ケンタ,kenta@example.jp,2015,\n")


def _upload(client, group, body: bytes, name="members.csv", **extra):
    from io import BytesIO

    return client.post(f"/directory/groups/{group.slug}/import", data={
        "import-file": (BytesIO(body), name), **extra}, content_type="multipart/form-data")


def test_a_japanese_sheet_is_mapped_split_and_imported(client, make, login):
    from federation.models import AlumniInvitation

    operator = make.user(role=Role.operator)
    group = make.group(operators=(operator,))
    login(operator)
    preview = _upload(client, group, JAPANESE_SHEET.encode("cp932"))
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200, body
    assert body.count("import-ok") == 2
    mapping = body.split('class="import-mapping"')[1]
    for column, field in enumerate(("full_name", "full_kana", "email", "year_left",
                                    "organisation")):
        chosen = mapping.split(f'name="map-{column}"')[1].split("</select>")[0]
        assert f'value="{field}" selected' in chosen
    confirm = client.post(f"/directory/groups/{group.slug}/import/confirm", data={
        "confirm-content": JAPANESE_SHEET, "map-0": "full_name", "map-1": "full_kana",
        "map-2": "email", "map-3": "year_left", "map-4": "organisation"})
    assert confirm.status_code == 302
    invited = {i.email: i for i in db.session.scalars(select(AlumniInvitation))}
    hanako = invited["hanako@example.jp"]
    assert (hanako.family_name, hanako.given_name, hanako.year_left) == ("山田", "花子", 2018)


def test_the_mapping_is_changed_in_the_preview_and_remembered_per_group(client, make, login):
    operator = make.user(role=Role.operator)
    group = make.group(operators=(operator,))
    other = make.group(operators=(operator,))
    sheet = "お名前,よみ,連絡先,備考\n山田 花子,やまだ はなこ,hanako@example.jp,\n"
    login(operator)
    first = _upload(client, group, sheet.encode())
    assert first.status_code == 422  # "連絡先" is not a known header: the email is missing
    remapped = client.post(f"/directory/groups/{group.slug}/import", data={
        "import-content": sheet, "map-0": "full_name", "map-1": "full_kana", "map-2": "email",
        "map-3": ""})
    assert remapped.status_code == 200 and "import-ok" in remapped.get_data(as_text=True)
    client.post(f"/directory/groups/{group.slug}/import/confirm", data={
        "confirm-content": sheet, "map-0": "full_name", "map-1": "full_kana", "map-2": "email",
        "map-3": ""})
    # Next month's sheet: the same headers are mapped as chosen, for this group only.
    again = _upload(client, group, sheet.replace("hanako", "taro").encode())
    page = again.get_data(as_text=True)
    assert again.status_code == 200
    assert 'value="email" selected' in page.split('name="map-2"')[1].split("</select>")[0]
    assert _upload(client, other, sheet.encode()).status_code == 422


def test_an_xlsx_sheet_is_accepted_and_a_zip_bomb_refused(client, make, login):
    import io
    import zipfile

    import openpyxl

    operator = make.user(role=Role.operator)
    group = make.group(operators=(operator,))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [line.split(",") for line in JAPANESE_SHEET.strip().splitlines()]:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    login(operator)
    preview = _upload(client, group, buffer.getvalue(), name="会員名簿.xlsx")
    assert preview.status_code == 200 and preview.get_data(as_text=True).count("import-ok") == 2
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    refused = _upload(client, group, bomb.getvalue(), name="bomb.xlsx")
    assert refused.status_code == 422 and "CSV" in refused.get_data(as_text=True)
    broken = _upload(client, group, b"PK\x03\x04 not really a zip", name="broken.xlsx")
    assert broken.status_code == 422


# --- confirm before what cannot be undone -----------------------------------------------

def _confirm_then_post(client, page_url: str):
    """The confirmation page (plain HTML, no script) says what will happen and
    posts to the real action; return its text and the result of confirming."""
    import re

    page = client.get(page_url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="consequences"' in text and "<script" not in text
    action = re.search(r'<form method="post" action="([^"]+)"', text.split('confirm-step')[1])
    return text, client.post(action.group(1))


def test_cancelling_an_event_is_confirmed_first_and_says_who_is_told(client, login, make):
    from federation.models import EventStatus

    lead_op, co_op, lead, co = _groups(make)
    event = make.event(lead)
    for n in range(2):
        make.registration(event, make.user(email=f"r{n}@alumni.example.jp"))
    login(lead_op)
    detail = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f'href="/events/{event.id}/cancel"' in detail
    text, done = _confirm_then_post(client, f"/events/{event.id}/cancel")
    assert "2" in text.split('id="consequences"')[1].split("</ul>")[0]
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(JointEvent, event.id).status == EventStatus.cancelled


def test_cancelling_a_registration_withdrawing_a_proposal_removing_an_asset_are_confirmed(
        client, login, make):
    from federation.models import AssetStatus, EventRegistration, Proposal, ProposalStatus
    from federation.models import RegistrationStatus, SharedAsset

    lead_op, co_op, lead, co = _groups(make)
    member = make.member(email="member@alumni.example.jp")
    event = make.event(lead)
    make.registration(event, member)
    edition = make.edition(phase="proposals")
    proposal = make.proposal(edition, member)
    login(member)
    _text, done = _confirm_then_post(client, f"/events/{event.id}/unregister")
    assert done.status_code == 302
    assert db.session.scalar(select(EventRegistration.status)) == RegistrationStatus.cancelled
    _text, done = _confirm_then_post(client, f"/conferences/proposals/{proposal.id}/withdraw")
    assert done.status_code == 302
    assert db.session.scalar(select(Proposal.status)) == ProposalStatus.withdrawn
    client.post("/auth/logout")
    asset = make.asset(co)
    login(co_op)
    _text, done = _confirm_then_post(client, f"/assets/{asset.id}/delete")
    assert done.status_code == 302
    assert db.session.scalar(select(SharedAsset.status)) == AssetStatus.removed


# --- conflicts answered where the user is ----------------------------------------------

def _slot(days=7, hour=10, hours=2):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    start = (datetime.now(ZoneInfo("Asia/Tokyo")) + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0)
    return start, start + timedelta(hours=hours)


def test_a_double_booking_names_the_booking_and_the_next_free_slot(client, make, login):
    from federation.models import RequestStatus

    owner = make.user(role=Role.operator, email="owner@alumni.example.jp")
    asker = make.user(role=Role.operator, email="asker@alumni.example.jp")
    rival = make.user(role=Role.operator, email="rival@alumni.example.jp")
    group_a = make.group(slug="group-a", operators=(owner,))
    group_b = make.group(slug="group-b", operators=(asker,))
    group_c = make.group(slug="group-c", operators=(rival,), name_ja="東光 OB 会")
    venue = make.asset(group_a, "venue")
    start, end = _slot()
    booked = make.asset_request(venue, group_c, rival, start, end)
    booked.status, booked.joint_event = RequestStatus.accepted, "新春交流会"
    db.session.commit()
    login(asker)
    response = client.post(f"/assets/{venue.id}/request", data={
        "group": "group-b", "starts_at": (start.replace(hour=11)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (end.replace(hour=13)).strftime("%Y-%m-%dT%H:%M"), "message": "勉強会で使います"})
    text = response.get_data(as_text=True)
    assert response.status_code in (409, 422)
    assert "勉強会で使います" in text  # what was typed
    assert "東光 OB 会" in text and "新春交流会" in text  # which booking
    assert "12:00" in text and "14:00" in text  # the next free slot of the same length
    assert "error-page" not in text


def test_the_owner_sees_overlapping_waiting_requests(client, make, login):
    owner = make.user(role=Role.operator, email="owner@alumni.example.jp")
    asker = make.user(role=Role.operator, email="asker@alumni.example.jp")
    group_a = make.group(slug="group-a", operators=(owner,))
    group_b = make.group(slug="group-b", operators=(asker,))
    group_c = make.group(slug="group-c", operators=(make.user(role=Role.operator),),
                         name_ja="東光 OB 会")
    venue = make.asset(group_a, "venue")
    start, end = _slot()
    make.asset_request(venue, group_b, asker, start, end)
    make.asset_request(venue, group_c, asker, start.replace(hour=11), end.replace(hour=13))
    make.asset_request(venue, group_c, asker, start.replace(hour=15), end.replace(hour=17))
    login(owner)
    page = client.get("/assets/requests").get_data(as_text=True)
    assert page.count("pending-overlap") == 2


def test_conflicting_actions_never_end_on_a_bare_error_page(client, make, login):
    """Walks the actions a signed-in user can repeat or race from the pages
    (with the Referer a browser sends): each lands back on a page that says
    why, never on the bare 409 page."""
    from flask import current_app

    from federation.services import applications as application_service

    lead_op, co_op, lead, co = _groups(make)
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    member = make.member(email="member@alumni.example.jp")
    proposed = make.event(lead, status="proposed")
    future = make.event(lead, days=20)
    draft = make.event(lead, status="draft")
    full = make.event(lead, capacity=1, registration_deadline=None)
    edition = make.edition(phase="proposals", nomination_quota=0)
    proposal = make.proposal(edition, member)
    application = make.application()
    with current_app.test_request_context():
        application_service.decide(coordinator, application, "approve", "ようこそ")
        db.session.commit()

    def walk(who, steps):
        login(who)
        for page, action, data in steps:
            response = client.post(action, data=data or {}, headers={
                "Referer": "http://localhost" + page}, follow_redirects=True)
            text = response.get_data(as_text=True)
            assert response.status_code in (200, 409, 422), (action, response.status_code)
            assert "error-page" not in text, action
            assert any(mark in text for mark in ("notice-error", "notice-info", "field-error")), \
                action
        client.post("/auth/logout")

    walk(lead_op, [
        (f"/events/{future.id}", f"/events/{future.id}/state/complete", None),  # held too early
        (f"/events/{proposed.id}", f"/events/{proposed.id}/state/propose", None),
        (f"/events/{draft.id}", f"/events/{draft.id}/state/complete", None),
    ])
    walk(coordinator, [
        (f"/applications/{application.id}", f"/applications/{application.id}/decision",
         {"decision": "reject", "message": "見送ります"}),
        (f"/events/{draft.id}", f"/events/{draft.id}/return", {"reason": "会場未定"}),
    ])
    walk(member, [
        (f"/conferences/proposals/{proposal.id}", f"/conferences/proposals/{proposal.id}/confirm",
         None),
        (f"/events/{draft.id}", f"/events/{full.id}/unregister", None),
    ])


def test_a_schedule_clash_comes_back_on_the_form_with_the_session_and_free_rooms(
        client, make, login):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from federation.models import ConferenceSession, Proposal, ProposalStatus

    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    edition = make.edition(phase="decided", rooms=["Hall A", "Room B"])
    first = make.proposal(edition, make.user(), title="出戻り社員が拓く新規事業",
                          status="accepted")
    second = make.proposal(edition, make.user(), title="アルムナイと地域", status="accepted")
    start = datetime.combine(edition.starts_on, time(10), ZoneInfo("Asia/Tokyo"))
    db.session.add(ConferenceSession(edition_id=edition.id, proposal=first, room="Hall A",
                                     starts_at=start, ends_at=start.replace(hour=11),
                                     sequence=0))
    db.session.commit()
    login(coordinator)
    response = client.post("/conferences/2031/sessions", data={
        "proposal_id": str(second.id), "room": "Hall A",
        "starts_at": start.replace(minute=30).strftime("%Y-%m-%dT%H:%M")})
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "出戻り社員が拓く新規事業" in text and "Room B" in text  # which session; a free room
    assert f'value="{start.replace(minute=30).strftime("%Y-%m-%dT%H:%M")}"' in text  # as typed
    assert db.session.scalar(select(Proposal.status).where(Proposal.id == second.id)) \
        == ProposalStatus.accepted

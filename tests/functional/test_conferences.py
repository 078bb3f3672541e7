"""The annual conference: windows, proposals, quotas, blind review, ranking,
decisions, clashes, registration with a waitlist, the archive and the API."""
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from federation.extensions import db
from federation.models import (ConferenceRegistration, ConferenceSession, Nomination, Proposal,
                               ProposalStatus, RegistrationStatus, Review, Role)
from federation.services import accounts

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def people(make):
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    reviewer = make.member(email="reviewer@alumni.example.jp")
    member = make.member(email="member@alumni.example.jp", locale="en")
    other = make.member(email="other@alumni.example.jp")
    operator = make.user(role=Role.operator, email="op@alumni.example.jp")
    group = make.group(slug="toko", operators=(operator,))
    return {"coordinator": coordinator, "reviewer": reviewer, "member": member,
            "other": other, "operator": operator, "group": group}


def slot(edition, hour, minute=0):
    return datetime.combine(edition.starts_on, time(hour, minute), TOKYO)


def proposal_body(**overrides):
    data = {"title": "社内起業とアルムナイ", "abstract": "出戻り社員が新規事業を興した話です。",
            "format": "talk", "length_minutes": 30, "language": "ja", "track": "キャリア"}
    data.update(overrides)
    return data


def test_coordinator_creates_an_edition_through_the_api(client, people, token_for, make):
    coord_h = token_for(people["coordinator"])
    now = datetime.now(TOKYO).replace(microsecond=0)
    body = {"year": 2032, "theme_ja": "越境する卒業生", "theme_en": "Alumni across borders",
            "starts_on": (now + timedelta(days=90)).date().isoformat(),
            "ends_on": (now + timedelta(days=91)).date().isoformat(),
            "rooms": ["Hall A", "Room B"], "tracks": ["キャリア"], "capacity": 200,
            "nomination_quota": 2,
            "proposals_open_at": now.isoformat(),
            "proposals_close_at": (now + timedelta(days=20)).isoformat(),
            "review_open_at": (now + timedelta(days=21)).isoformat(),
            "review_close_at": (now + timedelta(days=30)).isoformat(),
            "registration_open_at": now.isoformat(),
            "registration_close_at": (now + timedelta(days=89)).isoformat()}
    created = client.post("/api/v1/conferences", headers=coord_h, json=body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["year"] == 2032
    assert created.get_json()["score_categories"][0]["weight"] == 2
    again = client.post("/api/v1/conferences", headers=coord_h, json=body)
    assert again.status_code == 409
    member = client.post("/api/v1/conferences", headers=token_for(people["member"]),
                         json={**body, "year": 2033})
    assert member.status_code == 403
    bad = client.post("/api/v1/conferences", headers=coord_h, json={
        **body, "year": 2034, "proposals_close_at": (now - timedelta(days=1)).isoformat(),
        "rooms": []})
    assert bad.status_code == 422 and "rooms" in bad.get_json()["error"]["fields"]
    bad = client.post("/api/v1/conferences", headers=coord_h, json={
        **body, "year": 2034, "proposals_close_at": (now - timedelta(days=1)).isoformat()})
    assert bad.status_code == 422
    assert "proposals_close_at" in bad.get_json()["error"]["fields"]
    listed = client.get("/api/v1/conferences")
    assert [e["year"] for e in listed.get_json()["items"]] == [2032]
    assert client.get("/api/v1/conferences/2032").get_json()["theme_en"] == \
        "Alumni across borders"
    assert client.get("/api/v1/conferences/1999").status_code == 404


def test_proposals_only_in_their_window_and_editable_until_it_closes(
        client, people, token_for, make):
    edition = make.edition(phase="proposals")
    member_h = token_for(people["member"])
    created = client.post("/api/v1/conferences/2031/proposals", headers=member_h,
                          json=proposal_body())
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert data["status"] == "submitted" and data["speakers"][0]["name"]
    bad = client.post("/api/v1/conferences/2031/proposals", headers=member_h,
                      json=proposal_body(title="", track="unknown", length_minutes=999))
    assert bad.status_code == 422
    assert {"title", "length_minutes"} <= set(bad.get_json()["error"]["fields"])
    bad = client.post("/api/v1/conferences/2031/proposals", headers=member_h,
                      json=proposal_body(track="unknown"))
    assert bad.status_code == 422 and "track" in bad.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(Proposal.id))) == 1
    # Only the submitter sees and edits it.
    mine = client.get("/api/v1/conferences/2031/proposals", headers=member_h).get_json()
    assert mine["total"] == 1
    theirs = client.get("/api/v1/conferences/2031/proposals",
                        headers=token_for(people["other"])).get_json()
    assert theirs["total"] == 0
    # The window closes: no more proposals, no more edits.
    edition.proposals_close_at = datetime.now(TOKYO) - timedelta(minutes=1)
    db.session.commit()
    late = client.post("/api/v1/conferences/2031/proposals", headers=member_h,
                       json=proposal_body())
    assert late.status_code == 409
    assert "not open" in late.get_json()["error"]["message"]


def test_web_proposal_with_a_speaker_asset_and_status_for_the_submitter(
        client, login, people, make):
    make.edition(phase="proposals")
    asset = make.asset(people["group"], "speaker")
    login(people["member"])
    page = client.get("/conferences/2031/propose")
    assert page.status_code == 200
    response = client.post("/conferences/2031/propose", data={
        **proposal_body(), "speakers": [f"asset:{asset.id}", f"user:{people['member'].id}"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    proposal = db.session.scalar(select(Proposal))
    assert {s.key for s in proposal.speakers} == {f"asset:{asset.id}",
                                                  f"user:{people['member'].id}"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Submitted" in page or "提出済み" in page
    empty = client.post("/conferences/2031/propose", data={**proposal_body(), "title": ""})
    assert empty.status_code == 200 and db.session.scalar(select(func.count(Proposal.id))) == 1


def test_group_nominations_up_to_the_quota(client, people, token_for, make, login):
    edition = make.edition(phase="proposals", nomination_quota=1)
    first = make.proposal(edition, people["member"])
    second = make.proposal(edition, people["other"])
    login(people["operator"])
    assert client.post(f"/conferences/proposals/{first.id}/nominate",
                       data={"group": "toko"}).status_code == 302
    over = client.post(f"/conferences/proposals/{second.id}/nominate", data={"group": "toko"})
    assert over.status_code == 302  # back to the page, the reason flashed
    assert db.session.scalar(select(func.count(Nomination.id))) == 1
    login(people["other"])
    assert client.post(f"/conferences/proposals/{second.id}/nominate",
                       data={"group": "toko"}).status_code == 403


def test_blind_review_no_own_proposals_and_weighted_ranking(client, people, token_for, make,
                                                           login):
    edition = make.edition(phase="review")
    from federation.services import conferences

    with client.application.test_request_context():
        conferences.invite_reviewer(people["coordinator"], edition, people["reviewer"])
        db.session.commit()
    strong = make.proposal(edition, people["member"], title="強い登壇案")
    weak = make.proposal(edition, people["other"], title="弱い登壇案")
    own = make.proposal(edition, people["reviewer"], title="自分の登壇案")
    db.session.add(Nomination(edition_id=edition.id, proposal=weak, group=people["group"]))
    db.session.commit()
    rev_h, coord_h = token_for(people["reviewer"]), token_for(people["coordinator"])
    scores = {"relevance": 5, "originality": 3, "delivery": 4}
    assert client.post(f"/api/v1/proposals/{strong.id}/reviews", headers=rev_h,
                       json={"scores": scores}).status_code == 201
    assert client.post(f"/api/v1/proposals/{own.id}/reviews", headers=rev_h,
                       json={"scores": scores}).status_code == 403
    bad = client.post(f"/api/v1/proposals/{weak.id}/reviews", headers=rev_h,
                      json={"scores": {"relevance": 9}})
    assert bad.status_code == 422 and "scores.relevance" in bad.get_json()["error"]["fields"]
    assert client.post(f"/api/v1/proposals/{strong.id}/reviews",
                       headers=token_for(people["other"]), json={"scores": scores}
                       ).status_code in (403, 404)
    client.post(f"/api/v1/proposals/{strong.id}/reviews", headers=coord_h,
                json={"scores": {"relevance": 4, "originality": 4, "delivery": 4}})
    client.post(f"/api/v1/proposals/{weak.id}/reviews", headers=coord_h,
                json={"scores": {"relevance": 2, "originality": 3, "delivery": 1}})
    # Blind: the reviewer sees no speaker names and only their own review.
    login(people["reviewer"])
    page = client.get(f"/conferences/proposals/{strong.id}").get_data(as_text=True)
    assert people["member"].family_name + " " + people["member"].given_name not in page
    assert page.count("<tr><th scope=\"row\">") == 1
    listing = client.get("/api/v1/conferences/2031/proposals", headers=rev_h).get_json()
    assert all(p["speakers"] == [] for p in listing["items"] if p["id"] != own.id)
    # While the blind review runs, coordinators follow the ranking and see the
    # speakers (reviewers are blind, coordinators are not); other reviewers get
    # no ranking; nobody decides yet.
    during = client.get("/api/v1/conferences/2031/proposals?ranked=1", headers=coord_h)
    assert during.status_code == 200
    assert [i["title"] for i in during.get_json()["items"]][:2] == ["強い登壇案", "弱い登壇案"]
    assert all(i["speakers"] != [] for i in during.get_json()["items"])
    assert client.get("/api/v1/conferences/2031/proposals?ranked=1",
                      headers=rev_h).status_code == 403
    assert client.post(f"/api/v1/proposals/{strong.id}/decision", headers=coord_h,
                       json={"decision": "accept"}).status_code == 409
    edition.review_close_at = datetime.now(TOKYO) - timedelta(minutes=1)
    db.session.commit()
    ranked = client.get("/api/v1/conferences/2031/proposals?ranked=1", headers=coord_h)
    assert ranked.status_code == 200
    items = ranked.get_json()["items"]
    assert [i["title"] for i in items][:2] == ["強い登壇案", "弱い登壇案"]
    # (5*2+3+4)/4 = 4.25 and 4.0 -> 4.125
    assert items[0]["score"] == pytest.approx(4.12, abs=0.01)
    assert items[1]["nominations"] == 1
    assert items[0]["speakers"]  # names visible once the blind window is over


def test_accept_mails_speakers_in_their_language_who_confirm(client, people, token_for, make,
                                                             login, smtp):
    edition = make.edition(phase="decided")
    proposal = make.proposal(edition, people["member"], speakers=(people["member"],
                                                                  people["other"]))
    rejected = make.proposal(edition, people["other"])
    coord_h = token_for(people["coordinator"])
    done = client.post(f"/api/v1/proposals/{proposal.id}/decision", headers=coord_h,
                       json={"decision": "accept", "message": "おめでとうございます"})
    assert done.status_code == 200 and done.get_json()["status"] == "accepted"
    assert client.post(f"/api/v1/proposals/{proposal.id}/decision", headers=coord_h,
                       json={"decision": "reject"}).status_code == 409
    assert client.post(f"/api/v1/proposals/{rejected.id}/decision",
                       headers=token_for(people["member"]),
                       json={"decision": "accept"}).status_code in (403, 404)
    client.post(f"/api/v1/proposals/{rejected.id}/decision", headers=coord_h,
                json={"decision": "reject"})
    from federation.models import OutboxMail
    mails = {(m.recipient, m.template, m.locale) for m in db.session.scalars(select(OutboxMail))}
    assert (people["member"].email, "conference_accepted", "en") in mails
    assert (people["other"].email, "conference_accepted", "ja") in mails
    assert (people["other"].email, "conference_rejected", "ja") in mails
    login(people["other"])
    assert client.post(f"/conferences/proposals/{proposal.id}/confirm").status_code == 302
    db.session.refresh(proposal)
    assert proposal.confirmed_at is not None


def _accepted(make, edition, people, *speakers, **fields):
    return make.proposal(edition, people["member"], status="accepted",
                         speakers=speakers or (people["member"],), **fields)


def test_room_and_speaker_clashes_are_refused(client, people, token_for, make):
    edition = make.edition(phase="decided")
    asset = make.asset(people["group"], "speaker")
    a = _accepted(make, edition, people, people["member"], asset, length_minutes=60)
    b = _accepted(make, edition, people, people["other"])
    c = _accepted(make, edition, people, asset)
    d = _accepted(make, edition, people, people["reviewer"])
    pending = make.proposal(edition, people["other"])
    coord_h = token_for(people["coordinator"])

    def place(p, room, hour, minute=0):
        return client.post("/api/v1/conferences/2031/sessions", headers=coord_h, json={
            "proposal_id": p.id, "room": room,
            "starts_at": slot(edition, hour, minute).isoformat()})

    assert place(a, "Hall A", 10).status_code == 201
    room_clash = place(b, "Hall A", 10, 30)
    assert room_clash.status_code == 409
    speaker_clash = place(c, "Room B", 10, 15)  # the speaker asset is in Hall A until 11:00
    assert speaker_clash.status_code == 409
    assert place(b, "Hall A", 11).status_code == 201  # back to back is fine
    assert place(c, "Room B", 11).status_code == 201
    assert place(pending, "Room B", 13).status_code == 409
    assert place(d, "Nowhere", 13).status_code == 422
    assert place(a, "Room B", 14).status_code == 409  # already scheduled
    assert client.post("/api/v1/conferences/2031/sessions",
                       headers=token_for(people["member"]),
                       json={"proposal_id": d.id, "room": "Room B",
                             "starts_at": slot(edition, 15).isoformat()}).status_code == 403
    assert db.session.scalar(select(func.count(ConferenceSession.id))) == 3
    listed = client.get("/api/v1/conferences/2031/sessions").get_json()
    assert [s["room"] for s in listed["items"]] == ["Hall A", "Hall A", "Room B"]


def test_the_database_refuses_a_room_clash_on_postgres(app, people, make):
    from tests.conftest import ON_POSTGRES
    if not ON_POSTGRES:
        pytest.skip("SQLite serialises writers instead")
    from sqlalchemy.exc import IntegrityError
    edition = make.edition(phase="decided")
    a = _accepted(make, edition, people)
    b = _accepted(make, edition, people, people["other"])
    db.session.add(ConferenceSession(edition_id=edition.id, proposal=a, room="Hall A",
                                     starts_at=slot(edition, 10), ends_at=slot(edition, 11)))
    db.session.commit()
    db.session.add(ConferenceSession(edition_id=edition.id, proposal=b, room="Hall A",
                                     starts_at=slot(edition, 10, 30), ends_at=slot(edition, 12)))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_programme_ics_json_and_page_in_both_languages(client, people, make, login):
    edition = make.edition(phase="decided")
    a = _accepted(make, edition, people, title="越境キャリア", track="キャリア")
    db.session.add(ConferenceSession(edition_id=edition.id, proposal=a, room="Hall A",
                                     starts_at=slot(edition, 10), ends_at=slot(edition, 11)))
    db.session.commit()
    session = db.session.scalar(select(ConferenceSession))
    page = client.get("/conferences/2031").get_data(as_text=True)
    assert "越境キャリア" in page and "Hall A" in page
    assert "プログラム" in page
    login(people["member"])  # speaks English
    english = client.get("/conferences/2031").get_data(as_text=True)
    assert "Programme" in english and "越境キャリア" in english
    calendar = Calendar.from_ical(client.get("/conferences/2031.ics").data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1 and str(events[0]["summary"]) == "越境キャリア"
    assert events[0].decoded("dtstart").utcoffset() == timedelta(hours=9)
    one = Calendar.from_ical(client.get(f"/conferences/sessions/{session.id}.ics").data)
    assert str(one.walk("VEVENT")[0]["uid"]).startswith(f"conference-session-{session.id}@")
    data = client.get("/conferences/2031.json").get_json()
    assert data["sessions"][0]["room"] == "Hall A" and data["sessions"][0]["track"] == "キャリア"


def test_registration_capacity_waitlist_promotion_and_check_in(client, people, token_for,
                                                               make, smtp):
    edition = make.edition(phase="decided", capacity=1)
    first = client.post("/api/v1/conferences/2031/registrations",
                        headers=token_for(people["member"]), json={})
    assert first.status_code == 201 and first.get_json()["status"] == "confirmed"
    second = client.post("/api/v1/conferences/2031/registrations",
                         headers=token_for(people["other"]), json={})
    assert second.get_json()["status"] == "waitlisted"
    from federation.services import conferences
    with client.application.test_request_context():
        conferences.cancel_registration(people["member"], edition)
        db.session.commit()
    row = db.session.scalar(select(ConferenceRegistration).where(
        ConferenceRegistration.user_id == people["other"].id))
    assert row.status == RegistrationStatus.confirmed
    with client.application.test_request_context():
        conferences.check_in(people["coordinator"], edition, row.id)
        db.session.commit()
        assert row.checked_in_at is not None
    edition.registration_close_at = datetime.now(TOKYO) - timedelta(minutes=1)
    db.session.commit()
    late = client.post("/api/v1/conferences/2031/registrations",
                       headers=token_for(people["reviewer"]), json={})
    assert late.status_code == 409


def test_limited_session_sign_up_with_a_waitlist(client, people, make, login):
    edition = make.edition(phase="decided")
    a = _accepted(make, edition, people)
    db.session.add(ConferenceSession(edition_id=edition.id, proposal=a, room="Room B",
                                     capacity=1, starts_at=slot(edition, 10),
                                     ends_at=slot(edition, 11)))
    db.session.commit()
    session = db.session.scalar(select(ConferenceSession))
    login(people["member"])
    assert client.post(f"/conferences/sessions/{session.id}/signup").status_code == 302  # back to the page, the reason flashed
    client.post("/conferences/2031/register")
    assert client.post(f"/conferences/sessions/{session.id}/signup").status_code == 302
    login(people["other"])
    client.post("/conferences/2031/register")
    client.post(f"/conferences/sessions/{session.id}/signup")
    from federation.models import SessionSignup
    statuses = sorted(s.status.value for s in db.session.scalars(select(SessionSignup)))
    assert statuses == ["confirmed", "waitlisted"]


def test_programme_offers_what_the_services_allow_in_bounded_queries(client, people, make, login,
                                                                     count_queries):
    """A registered member's programme: a seat they hold shows with its
    cancel button, a session still to come offers a sign-up, one that has
    begun offers nothing; their seats are read in one statement however
    many sessions there are."""
    edition = make.edition(phase="decided")
    now = datetime.now(timezone.utc)

    def add_session(n, starts_at=None):
        proposal = _accepted(make, edition, people)
        start = starts_at or slot(edition, 9 + n)
        row = ConferenceSession(edition_id=edition.id, proposal=proposal, room=f"Room {n}",
                                capacity=5, starts_at=start, ends_at=start + timedelta(minutes=50))
        db.session.add(row)
        db.session.commit()
        return row

    held, open_seat = add_session(0), add_session(1)
    begun = add_session(2, starts_at=now - timedelta(minutes=10))
    login(people["member"])
    client.post("/conferences/2031/register")
    assert client.post(f"/conferences/sessions/{held.id}/signup").status_code == 302
    page = client.get("/conferences/2031").get_data(as_text=True)

    def row_of(session):
        start = page.index(f'id="session-{session.id}"')
        return page[start:page.index("</tr>", start)]

    assert f"/conferences/sessions/{held.id}/cancel" in row_of(held)
    assert f"/conferences/sessions/{open_seat.id}/signup" in row_of(open_seat)
    assert "/signup" not in row_of(begun) and "/cancel" not in row_of(begun)

    def statements():
        client.get("/conferences/2031")
        with count_queries() as seen:
            assert client.get("/conferences/2031").status_code == 200
        return len(seen)

    few = statements()
    for n in range(3, 9):
        add_session(n)
    assert statements() == few


def test_no_overbooking_under_concurrent_registrations(app, make, people):
    edition = make.edition(phase="decided", capacity=10)
    headers = []
    for n in range(30):
        user = make.member(email=f"rush{n}@alumni.example.jp")
        _token, raw = accounts.create_api_token(user, "rush")
        headers.append({"Authorization": f"Bearer {raw}"})
    db.session.commit()

    def one(h):
        with app.app_context():
            return app.test_client().post("/api/v1/conferences/2031/registrations",
                                          headers=h, json={})

    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(one, headers))
    assert {r.status_code for r in responses} == {201}
    statuses = [r.get_json()["status"] for r in responses]
    assert statuses.count("confirmed") == 10 and statuses.count("waitlisted") == 20
    db.session.rollback()
    assert db.session.scalar(select(func.count(ConferenceRegistration.id)).where(
        ConferenceRegistration.edition_id == edition.id,
        ConferenceRegistration.status == RegistrationStatus.confirmed)) == 10
    from federation.services import seats
    db.session.expire_all()
    assert db.session.get(type(edition), edition.id).seats_taken == 10
    assert seats.counter_drift() == []


def test_archive_with_content_links_after_the_conference(client, people, make, login):
    edition = make.edition(2024, phase="past")
    a = _accepted(make, edition, people, title="過去の講演")
    db.session.add(ConferenceSession(edition_id=edition.id, proposal=a, room="Hall A",
                                     starts_at=slot(edition, 10), ends_at=slot(edition, 11)))
    upcoming = make.edition(2031, phase="proposals")
    b = _accepted(make, upcoming, people)
    db.session.add(ConferenceSession(edition_id=upcoming.id, proposal=b, room="Hall A",
                                     starts_at=slot(upcoming, 10), ends_at=slot(upcoming, 11)))
    db.session.commit()
    past_session, future_session = db.session.scalars(
        select(ConferenceSession).order_by(ConferenceSession.starts_at)).all()
    login(people["coordinator"])
    early = client.post(f"/conferences/sessions/{future_session.id}/content",
                        data={"video_url": "https://video.example.jp/x"})
    assert early.status_code == 302  # back to the page, the reason flashed
    bad = client.post(f"/conferences/sessions/{past_session.id}/content",
                      data={"video_url": "javascript:alert(1)"})
    assert bad.status_code == 302
    db.session.refresh(past_session)
    assert past_session.video_url == ""
    client.post(f"/conferences/sessions/{past_session.id}/content", data={
        "video_url": "https://video.example.jp/2024-keynote",
        "graphic_recording_url": "https://gr.example.jp/2024"})
    login(people["member"])
    assert client.post(f"/conferences/sessions/{past_session.id}/content",
                       data={"video_url": "https://x.example.jp"}).status_code == 403
    listing = client.get("/conferences/").get_data(as_text=True)
    assert "2024" in listing and "2031" in listing
    page = client.get("/conferences/2024").get_data(as_text=True)
    assert "https://video.example.jp/2024-keynote" in page and "過去の講演" in page
    data = client.get("/conferences/2024.json").get_json()
    assert data["archived"] is True
    assert data["sessions"][0]["content"]["graphic_recording_url"] == "https://gr.example.jp/2024"


def test_personal_data_export_and_erasure(client, people, make, login):
    edition = make.edition(phase="decided")
    make.proposal(edition, people["member"], title="私の登壇案")
    from federation.services import conferences, privacy
    with client.application.test_request_context():
        conferences.register(people["member"], edition)
        db.session.commit()
        data = privacy.export_personal_data(people["member"])
    assert data["conference"]["proposals"][0]["title"] == "私の登壇案"
    assert data["conference"]["registrations"][0]["status"] == "confirmed"
    from tests.factories import PASSWORD
    with client.application.test_request_context():
        privacy.delete_account(people["member"], PASSWORD)
        db.session.commit()
    row = db.session.scalar(select(ConferenceRegistration))
    # The edition is still to come: the seat goes back (the row stays, anonymised).
    assert row.user_id is None and row.status == RegistrationStatus.cancelled
    assert db.session.scalar(select(Proposal)).submitter_id is None


def test_proposal_list_in_bounded_queries(client, people, make, token_for, count_queries):
    edition = make.edition(phase="decided")
    coord_h = token_for(people["coordinator"])

    def count():
        with count_queries() as statements:
            assert client.get("/api/v1/conferences/2031/proposals?ranked=1",
                              headers=coord_h).status_code == 200
        return len(statements)

    for _ in range(3):
        make.proposal(edition, people["member"])
    count()  # the token's first use of the minute also records itself
    few = count()
    for _ in range(10):
        make.proposal(edition, people["other"])
    assert count() == few


def test_demo_has_an_archived_and_an_open_edition(runner, client):
    assert runner.invoke(args=["demo"]).exit_code == 0
    editions = client.get("/api/v1/conferences").get_json()["items"]
    assert [e["archived"] for e in editions] == [False, False, True]
    upcoming = editions[0]["year"]
    from federation.services import conferences
    assert conferences.window_open(conferences.get_edition(upcoming), "proposals")
    # One edition is reviewable now, with proposals and an invited reviewer.
    reviewing = conferences.get_edition(editions[1]["year"])
    assert conferences.window_open(reviewing, "review") and reviewing.blind_review
    past = client.get(f"/conferences/{editions[2]['year']}.json").get_json()
    assert len(past["sessions"]) == 3 and past["sessions"][0]["content"]["video_url"]


def test_the_proposal_page_offers_what_each_person_may_do(client, login, people, make):
    """The page shows what proposal_actions allows, and the services accept it."""
    from federation.services import conferences

    edition = make.edition(phase="review")
    conferences.invite_reviewer(people["coordinator"], edition, people["reviewer"])
    db.session.commit()
    proposal = make.proposal(edition, people["member"])
    assert conferences.proposal_actions(people["member"], proposal) == {"edit", "withdraw", "unnominate"}
    assert conferences.proposal_actions(people["reviewer"], proposal) == {"review", "unnominate"}
    assert {"review", "decide"} <= conferences.proposal_actions(people["coordinator"], proposal)
    assert "nominate" in conferences.proposal_actions(people["operator"], proposal)

    login(people["reviewer"])
    page = client.get(f"/conferences/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/conferences/proposals/{proposal.id}/review" in page
    assert f"/conferences/proposals/{proposal.id}/edit" not in page

    accepted = make.proposal(edition, people["member"], status="accepted")
    assert conferences.proposal_actions(people["member"], accepted) == {"confirm"}
    assert conferences.proposal_actions(people["reviewer"], accepted) == frozenset()
    client.post("/auth/logout")
    login(people["member"])
    page = client.get(f"/conferences/proposals/{accepted.id}").get_data(as_text=True)
    assert f"/conferences/proposals/{accepted.id}/confirm" in page
    assert f"/conferences/proposals/{accepted.id}/edit" not in page
    assert client.post(f"/conferences/proposals/{accepted.id}/confirm").status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, accepted.id).confirmed_at is not None

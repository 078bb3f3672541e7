"""The annual conference, managed after creation: editing an edition, taking
back proposals and nominations, unscheduling, cancelling seats (the waitlist
moves up), the check-in page, and the coordinators' ranking during review."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from federation.extensions import db
from federation.models import (ConferenceRegistration, ConferenceSession,
                               Nomination, OutboxMail, Proposal, ProposalStatus,
                               RegistrationStatus, Review, SessionSignup)
from federation.services import conferences
from tests.functional.test_conferences import TOKYO, people, slot  # noqa: F401 (fixture)


def local(value: datetime) -> str:
    return value.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M")


def edition_form(edition, **overrides) -> dict:
    data = {"theme_ja": edition.theme_ja, "theme_en": edition.theme_en,
            "description_ja": "", "description_en": "",
            "starts_on": edition.starts_on.isoformat(), "ends_on": edition.ends_on.isoformat(),
            "place": edition.place, "rooms": "\n".join(edition.rooms),
            "tracks": "\n".join(edition.tracks), "capacity": str(edition.capacity),
            "nomination_quota": str(edition.nomination_quota), "blind_review": "y"}
    for name in ("proposals", "review", "registration"):
        for end in ("open_at", "close_at"):
            data[f"{name}_{end}"] = local(getattr(edition, f"{name}_{end}"))
    data.update(overrides)
    return data


def session_for(make, edition, people, room="Hall A", hour=10, capacity=None, **fields):
    proposal = make.proposal(edition, people["member"], status="accepted", **fields)
    session = ConferenceSession(edition_id=edition.id, proposal=proposal, room=room,
                                capacity=capacity, starts_at=slot(edition, hour),
                                ends_at=slot(edition, hour + 1))
    db.session.add(session)
    db.session.commit()
    return session


# --- editing an edition -------------------------------------------------------------------

def test_coordinators_edit_an_edition_on_the_web(client, login, people, make):
    edition = make.edition(phase="proposals")
    login(people["member"])
    assert client.get("/conferences/2031/edit").status_code == 403
    assert client.post("/conferences/2031/edit", data=edition_form(edition)).status_code == 403
    login(people["coordinator"])
    assert client.get("/conferences/1999/edit").status_code == 404
    page = client.get("/conferences/2031/edit").get_data(as_text=True)
    assert "アルムナイがつなぐ次の一歩" in page and local(edition.review_open_at) in page
    assert 'name="year"' not in page
    done = client.post("/conferences/2031/edit", data=edition_form(
        edition, theme_ja="越境する卒業生", rooms="Hall A\nRoom B\nRoom C", capacity="250",
        blind_review=""))
    assert done.status_code == 302 and done.headers["Location"].endswith("/conferences/2031")
    db.session.refresh(edition)
    assert edition.theme_ja == "越境する卒業生" and edition.capacity == 250
    assert edition.rooms == ["Hall A", "Room B", "Room C"] and edition.blind_review is False
    assert edition.sequence == 1 and edition.year == 2031
    # Bad input: errors next to the fields, nothing stored.
    bad = client.post("/conferences/2031/edit", data=edition_form(
        edition, ends_on=(edition.starts_on - timedelta(days=1)).isoformat(),
        proposals_close_at=local(edition.proposals_open_at - timedelta(hours=1)),
        theme_ja="変更しない"))
    assert bad.status_code == 200
    html = bad.get_data(as_text=True)
    assert 'id="ends_on-error"' in html and 'id="proposals_close_at-error"' in html
    db.session.refresh(edition)
    assert edition.theme_ja == "越境する卒業生" and edition.sequence == 1
    assert client.get("/conferences/2031").get_data(as_text=True).count("/conferences/2031/edit")


def test_a_room_in_use_cannot_be_removed(client, login, people, make):
    edition = make.edition(phase="decided")
    session_for(make, edition, people, room="Room B")
    login(people["coordinator"])
    refused = client.post("/conferences/2031/edit", data=edition_form(edition, rooms="Hall A"))
    assert refused.status_code == 200
    assert 'id="rooms-error"' in refused.get_data(as_text=True)
    db.session.refresh(edition)
    assert edition.rooms == ["Hall A", "Room B"]


def test_more_seats_move_the_waitlist_up(client, login, people, make, token_for):
    edition = make.edition(phase="decided", capacity=1)
    for who in ("member", "other"):
        client.post("/api/v1/conferences/2031/registrations", headers=token_for(people[who]),
                    json={})
    patched = client.patch("/api/v1/conferences/2031",
                           headers=token_for(people["coordinator"]), json={"capacity": 2})
    assert patched.status_code == 200 and patched.get_json()["capacity"] == 2
    statuses = {r.user_id: r.status for r in db.session.scalars(select(ConferenceRegistration))}
    assert statuses[people["other"].id] == RegistrationStatus.confirmed
    assert db.session.scalar(select(func.count(OutboxMail.id)).where(
        OutboxMail.template == "conference_promoted",
        OutboxMail.recipient == people["other"].email)) == 1


def test_patch_an_edition_through_the_api(client, people, make, token_for):
    edition = make.edition(phase="proposals")
    coord_h = token_for(people["coordinator"])
    new_close = (edition.proposals_close_at + timedelta(days=1)).astimezone(TOKYO)
    done = client.patch("/api/v1/conferences/2031", headers=coord_h, json={
        "theme_en": "Crossing borders", "proposals_close_at": new_close.isoformat(),
        "year": 2040})  # the year stays
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["theme_en"] == "Crossing borders" and done.get_json()["year"] == 2031
    db.session.refresh(edition)
    assert edition.proposals_close_at == new_close
    bad = client.patch("/api/v1/conferences/2031", headers=coord_h, json={
        "review_close_at": edition.review_open_at.isoformat()})
    assert bad.status_code == 422 and "review_close_at" in bad.get_json()["error"]["fields"]
    assert client.patch("/api/v1/conferences/2031", headers=coord_h,
                        json={"capacity": 0}).status_code == 422
    assert client.patch("/api/v1/conferences/2031", headers=token_for(people["member"]),
                        json={"theme_en": "x"}).status_code == 403
    assert client.patch("/api/v1/conferences/2040", headers=coord_h,
                        json={"theme_en": "x"}).status_code == 404
    assert client.patch("/api/v1/conferences/2031", json={"theme_en": "x"}).status_code == 401
    db.session.refresh(edition)
    assert edition.theme_en == "Crossing borders"
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "patch" in spec["paths"]["/conferences/{year}"]
    assert "delete" in spec["paths"]["/conferences/{year}/registrations/me"]


# --- withdrawing proposals and nominations -------------------------------------------------

def test_the_submitter_withdraws_a_proposal_before_the_decision(client, login, people, make,
                                                                token_for):
    edition = make.edition(phase="proposals", nomination_quota=1)
    mine = make.proposal(edition, people["member"], speakers=(people["member"],
                                                             people["other"]))
    db.session.add(Nomination(edition_id=edition.id, proposal=mine, group=people["group"]))
    db.session.commit()
    login(people["reviewer"])  # cannot even see it
    assert client.post(f"/conferences/proposals/{mine.id}/withdraw").status_code == 404
    login(people["other"])  # a co-speaker sees it but did not submit it
    assert client.post(f"/conferences/proposals/{mine.id}/withdraw").status_code == 403
    login(people["member"])
    assert "/withdraw" in client.get(f"/conferences/proposals/{mine.id}").get_data(as_text=True)
    assert client.post(f"/conferences/proposals/{mine.id}/withdraw").status_code == 302
    db.session.refresh(mine)
    assert mine.status == ProposalStatus.withdrawn
    assert db.session.scalar(select(func.count(Nomination.id))) == 0  # the quota is free
    assert client.post(f"/conferences/proposals/{mine.id}/withdraw").status_code == 302  # back to the page, the reason flashed
    decided = make.proposal(edition, people["member"], status="accepted")
    refused = client.post(f"/api/v1/proposals/{decided.id}/withdraw",
                          headers=token_for(people["member"]))
    assert refused.status_code == 409
    other = make.proposal(edition, people["member"])
    done = client.post(f"/api/v1/proposals/{other.id}/withdraw",
                       headers=token_for(people["member"]))
    assert done.status_code == 200 and done.get_json()["status"] == "withdrawn"


def test_an_operator_withdraws_the_group_nomination(client, login, people, make, token_for):
    edition = make.edition(phase="proposals", nomination_quota=1)
    first = make.proposal(edition, people["member"])
    second = make.proposal(edition, people["other"])
    login(people["operator"])
    client.post(f"/conferences/proposals/{first.id}/nominate", data={"group": "toko"})
    listing = client.get("/conferences/2031/proposals").get_data(as_text=True)
    assert f"/conferences/proposals/{first.id}/unnominate" in listing
    assert client.post(f"/conferences/proposals/{second.id}/unnominate",
                       data={"group": "toko"}).status_code == 404  # never nominated
    login(people["other"])
    assert client.post(f"/conferences/proposals/{first.id}/unnominate",
                       data={"group": "toko"}).status_code == 403
    login(people["operator"])
    assert client.post(f"/conferences/proposals/{first.id}/unnominate",
                       data={"group": "toko"}).status_code == 302
    assert db.session.scalar(select(func.count(Nomination.id))) == 0
    # The quota is free again: the group backs the other proposal instead.
    assert client.post(f"/conferences/proposals/{second.id}/nominate",
                       data={"group": "toko"}).status_code == 302
    op_h = token_for(people["operator"])
    assert client.delete(f"/api/v1/proposals/{second.id}/nominations/toko",
                         headers=op_h).status_code == 204
    assert client.delete(f"/api/v1/proposals/{second.id}/nominations/toko",
                         headers=op_h).status_code == 404
    assert client.delete(f"/api/v1/proposals/{second.id}/nominations/nowhere",
                         headers=op_h).status_code == 404
    # Once nominations close, a nomination stays.
    client.post(f"/conferences/proposals/{second.id}/nominate", data={"group": "toko"})
    edition.proposals_close_at = edition.review_open_at = edition.review_close_at = \
        datetime.now(TOKYO) - timedelta(minutes=1)
    edition.proposals_open_at = edition.proposals_close_at - timedelta(days=2)
    db.session.commit()
    assert client.delete(f"/api/v1/proposals/{second.id}/nominations/toko",
                         headers=op_h).status_code == 409
    assert db.session.scalar(select(func.count(Nomination.id))) == 1


# --- unscheduling ---------------------------------------------------------------------------

def test_coordinators_take_a_session_out_of_the_schedule(client, login, people, make,
                                                         token_for):
    edition = make.edition(phase="decided")
    session = session_for(make, edition, people, capacity=5)
    client.post("/api/v1/conferences/2031/registrations", headers=token_for(people["member"]),
                json={})
    login(people["member"])
    client.post(f"/conferences/sessions/{session.id}/signup")
    assert db.session.scalar(select(func.count(SessionSignup.id))) == 1
    assert client.post(f"/conferences/sessions/{session.id}/delete").status_code == 403
    login(people["coordinator"])
    assert "/delete" in client.get("/conferences/2031").get_data(as_text=True)
    assert client.post("/conferences/sessions/99999/delete").status_code == 404
    proposal_id = session.proposal_id
    assert client.post(f"/conferences/sessions/{session.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count(ConferenceSession.id))) == 0
    assert db.session.scalar(select(func.count(SessionSignup.id))) == 0
    assert [p.id for p in conferences.accepted_unscheduled(edition)] == [proposal_id]
    # Placed again, then removed through the API.
    coord_h = token_for(people["coordinator"])
    placed = client.post("/api/v1/conferences/2031/sessions", headers=coord_h, json={
        "proposal_id": proposal_id, "room": "Room B",
        "starts_at": slot(edition, 14).isoformat()})
    assert placed.status_code == 201
    sid = placed.get_json()["id"]
    assert client.delete(f"/api/v1/conferences/2030/sessions/{sid}",
                         headers=coord_h).status_code == 404
    assert client.delete(f"/api/v1/conferences/2031/sessions/{sid}",
                         headers=token_for(people["member"])).status_code == 403
    assert client.delete(f"/api/v1/conferences/2031/sessions/{sid}",
                         headers=coord_h).status_code == 204


def test_a_session_that_has_begun_stays_in_the_schedule(client, login, people, make):
    edition = make.edition(2024, phase="past")
    session = session_for(make, edition, people)
    login(people["coordinator"])
    assert client.post(f"/conferences/sessions/{session.id}/delete").status_code == 302  # back to the page, the reason flashed
    assert db.session.scalar(select(func.count(ConferenceSession.id))) == 1


# --- cancelling seats -----------------------------------------------------------------------

def test_cancelling_a_session_seat_promotes_the_waitlist(client, login, people, make):
    edition = make.edition(phase="decided")
    session = session_for(make, edition, people, room="Room B", capacity=1)
    for who in ("member", "other"):
        login(people[who])
        client.post("/conferences/2031/register")
        client.post(f"/conferences/sessions/{session.id}/signup")
    login(people["reviewer"])
    nothing = client.post(f"/conferences/sessions/{session.id}/cancel", follow_redirects=True)
    assert "このセッションに取り消せる席はありません" in nothing.get_data(as_text=True)
    login(people["member"])
    page = client.get("/conferences/2031").get_data(as_text=True)
    assert f"/conferences/sessions/{session.id}/cancel" in page
    assert client.post(f"/conferences/sessions/{session.id}/cancel").status_code == 302
    rows = {s.user_id: s.status for s in db.session.scalars(select(SessionSignup))}
    assert rows == {people["member"].id: RegistrationStatus.cancelled,
                    people["other"].id: RegistrationStatus.confirmed}
    again = client.post(f"/conferences/sessions/{session.id}/cancel", follow_redirects=True)
    assert "You have no seat in this session to cancel" in again.get_data(as_text=True)
    # Once the session has begun, a seat is no longer given back.
    login(people["other"])
    session.starts_at = datetime.now(TOKYO) - timedelta(minutes=5)
    db.session.commit()
    assert client.post(f"/conferences/sessions/{session.id}/cancel").status_code == 302  # back to the page, the reason flashed


def test_cancelling_the_registration_frees_both_seats(client, login, people, make, token_for):
    edition = make.edition(phase="decided", capacity=1)
    session = session_for(make, edition, people, room="Room B", capacity=1)
    login(people["member"])
    client.post("/conferences/2031/register")
    client.post(f"/conferences/sessions/{session.id}/signup")
    login(people["other"])
    client.post("/conferences/2031/register")
    assert db.session.scalar(select(ConferenceRegistration.status).where(
        ConferenceRegistration.user_id == people["other"].id)) == RegistrationStatus.waitlisted
    assert client.post("/conferences/2031/cancel").status_code == 302  # leaves the waitlist
    client.post("/conferences/2031/register")
    login(people["reviewer"])
    nothing = client.post("/conferences/2031/cancel", follow_redirects=True)
    assert "取り消せる申し込みはありません" in nothing.get_data(as_text=True)
    login(people["member"])
    assert "/conferences/2031/cancel" in client.get("/conferences/2031").get_data(as_text=True)
    assert client.post("/conferences/2031/cancel").status_code == 302
    regs = {r.user_id: r.status for r in db.session.scalars(select(ConferenceRegistration))}
    assert regs == {people["member"].id: RegistrationStatus.cancelled,
                    people["other"].id: RegistrationStatus.confirmed}
    assert db.session.scalar(select(SessionSignup.status)) == RegistrationStatus.cancelled
    assert client.delete("/api/v1/conferences/2031/registrations/me",
                         headers=token_for(people["member"])).status_code == 404
    # On the day of the conference a registration stays.
    edition.starts_on = edition.ends_on = datetime.now(TOKYO).date()
    db.session.commit()
    assert client.delete("/api/v1/conferences/2031/registrations/me",
                         headers=token_for(people["other"])).status_code == 409


def test_cancel_through_the_api_promotes_and_mails(client, people, make, token_for):
    make.edition(phase="decided", capacity=1)
    for who in ("member", "other"):
        client.post("/api/v1/conferences/2031/registrations", headers=token_for(people[who]),
                    json={})
    assert client.delete("/api/v1/conferences/2031/registrations/me",
                         headers=token_for(people["member"])).status_code == 204
    assert db.session.scalar(select(ConferenceRegistration.status).where(
        ConferenceRegistration.user_id == people["other"].id)) == RegistrationStatus.confirmed
    assert db.session.scalar(select(OutboxMail.template).where(
        OutboxMail.recipient == people["other"].email)) == "conference_promoted"


# --- check-in -------------------------------------------------------------------------------

def test_check_in_page_for_coordinators(client, login, people, make, token_for):
    edition = make.edition(phase="decided", capacity=1)
    for who in ("member", "other"):
        client.post("/api/v1/conferences/2031/registrations", headers=token_for(people[who]),
                    json={})
    confirmed, waitlisted = (db.session.scalar(select(ConferenceRegistration).where(
        ConferenceRegistration.user_id == people[who].id)) for who in ("member", "other"))
    other_edition = make.edition(2032, phase="decided")
    with client.application.test_request_context():
        foreign, _created = conferences.register(people["reviewer"], other_edition)
        db.session.commit()
    login(people["member"])
    assert client.get("/conferences/2031/attendees").status_code == 403
    assert client.post("/conferences/2031/check-in",
                       data={"registration": confirmed.id}).status_code == 403
    login(people["coordinator"])
    assert client.get("/conferences/1999/attendees").status_code == 404
    page = client.get("/conferences/2031/attendees").get_data(as_text=True)
    assert people["member"].email in page and people["other"].email in page
    assert people["reviewer"].email not in page
    searched = client.get("/conferences/2031/attendees?q=other@").get_data(as_text=True)
    assert people["other"].email in searched and people["member"].email not in searched
    done = client.post("/conferences/2031/check-in", data={"registration": confirmed.id})
    assert done.status_code == 302 and "/conferences/2031/attendees" in done.headers["Location"]
    db.session.refresh(confirmed)
    assert confirmed.checked_in_at is not None
    assert "受付済み：1名" in client.get("/conferences/2031/attendees").get_data(
        as_text=True)
    assert client.post("/conferences/2031/check-in",
                       data={"registration": waitlisted.id}).status_code == 302  # back to the page, the reason flashed
    assert client.post("/conferences/2031/check-in",
                       data={"registration": foreign.id}).status_code == 404
    client.post("/conferences/2031/check-in", data={"registration": confirmed.id,
                                                    "present": "0"})
    db.session.refresh(confirmed)
    assert confirmed.checked_in_at is None
    # The same through the API.
    coord_h = token_for(people["coordinator"])
    listed = client.get("/api/v1/conferences/2031/registrations", headers=coord_h).get_json()
    assert [i["status"] for i in listed["items"]] == ["confirmed", "waitlisted"]
    assert client.get("/api/v1/conferences/2031/registrations",
                      headers=token_for(people["member"])).status_code == 403
    checked = client.post(f"/api/v1/conferences/2031/registrations/{confirmed.id}/check-in",
                          headers=coord_h)
    assert checked.status_code == 200 and checked.get_json()["checked_in_at"]
    assert client.post(f"/api/v1/conferences/2031/registrations/{waitlisted.id}/check-in",
                       headers=coord_h).status_code == 409


def test_check_in_page_in_bounded_queries(client, login, people, make, count_queries):
    edition = make.edition(phase="decided", capacity=100)
    login(people["coordinator"])

    def count():
        with count_queries() as statements:
            assert client.get("/conferences/2031/attendees").status_code == 200
        return len(statements)

    def register(n):
        for _ in range(n):
            user = make.member()
            with client.application.test_request_context():
                conferences.register(user, edition)
                db.session.commit()

    register(3)
    few = count()
    register(10)
    assert count() == few


# --- ranking during the review --------------------------------------------------------------

def test_coordinators_follow_the_ranking_during_a_blind_review(client, login, people, make):
    edition = make.edition(phase="review")
    strong = make.proposal(edition, people["member"], title="強い登壇案")
    weak = make.proposal(edition, people["other"], title="弱い登壇案")
    make.proposal(edition, people["other"], title="未採点の登壇案")
    db.session.add_all([
        Review(proposal=strong, reviewer=people["coordinator"],
               scores={"relevance": 5, "originality": 5, "delivery": 5}),
        Review(proposal=weak, reviewer=people["coordinator"],
               scores={"relevance": 1, "originality": 2, "delivery": 2})])
    db.session.commit()
    with client.application.test_request_context():
        conferences.invite_reviewer(people["coordinator"], edition, people["reviewer"])
        db.session.commit()
    login(people["coordinator"])
    page = client.get("/conferences/2031/proposals").get_data(as_text=True)
    assert 'id="ranking-heading"' in page
    ranking = page.split('id="ranking-heading"')[1]
    assert ranking.index("強い登壇案") < ranking.index("弱い登壇案") < ranking.index("未採点の登壇案")
    assert "5.00" in ranking and "1.50" in ranking
    speaker = people["member"].display_name
    assert speaker in page  # reviewers are blind; coordinators see everything
    assert 'id="schedule-heading"' not in page  # nothing accepted to place yet
    login(people["reviewer"])  # an invited reviewer: no ranking, no names, no others' scores
    page = client.get("/conferences/2031/proposals").get_data(as_text=True)
    assert 'id="ranking-heading"' not in page and speaker not in page
    detail = client.get(f"/conferences/proposals/{strong.id}").get_data(as_text=True)
    assert "5.00" not in detail and speaker not in detail


@pytest.mark.parametrize("path", ["/conferences/2031/attendees", "/conferences/2031/edit"])
def test_coordinator_pages_need_a_sign_in(client, make, path):
    make.edition(phase="decided")
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]



def test_session_seats_through_the_api(client, people, make, token_for):
    edition = make.edition(phase="decided")
    session = session_for(make, edition, people, room="Room B", capacity=1)
    member_h, other_h = token_for(people["member"]), token_for(people["other"])
    url = f"/api/v1/conferences/2031/sessions/{session.id}/signups"
    assert client.post(url, headers=member_h).status_code == 409  # not registered yet
    for h in (member_h, other_h):
        client.post("/api/v1/conferences/2031/registrations", headers=h, json={})
    first = client.post(url, headers=member_h)
    assert first.status_code == 201 and first.get_json()["status"] == "confirmed"
    assert client.post(url, headers=other_h).get_json()["status"] == "waitlisted"
    assert client.post(f"/api/v1/conferences/2030/sessions/{session.id}/signups",
                       headers=member_h).status_code == 404
    assert client.delete(url + "/me", headers=member_h).status_code == 204
    assert client.delete(url + "/me", headers=member_h).status_code == 404
    assert db.session.scalar(select(SessionSignup.status).where(
        SessionSignup.user_id == people["other"].id)) == RegistrationStatus.confirmed

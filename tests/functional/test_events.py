"""The joint-event board: the state machine, audience rules, registration with
quotas and the waitlist, host tools, mails, reminders and statistics."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from federation.extensions import db
from federation.models import (EventHost, EventRegistration, EventStatus, HostStatus,
                               JointEvent, OutboxMail, RegistrationStatus, Role)
from federation.services import events as service

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def world(make):
    """Two groups with an operator each, a coordinator and a plain member."""
    lead_op = make.user(role=Role.operator, email="lead@alumni.example.jp")
    co_op = make.user(role=Role.operator, email="co@alumni.example.jp", locale="en")
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    member = make.member(email="member@alumni.example.jp")
    lead = make.group(slug="lead", operators=(lead_op,), name_ja="大洋商事 アルムナイ")
    co = make.group(slug="co", operators=(co_op,), name_ja="青葉銀行 OB・OG会")
    return dict(lead_op=lead_op, co_op=co_op, coordinator=coordinator, member=member,
                lead=lead, co=co)


def local(days=14, hour=19):
    start = (datetime.now(TOKYO) + timedelta(days=days)).replace(hour=hour, minute=0,
                                                                 second=0, microsecond=0)
    return start


def event_form(**overrides):
    start = local()
    data = {"title_ja": "業界横断 DX 勉強会", "title_en": "Cross-industry DX study",
            "description_ja": "**DX** の実践を学びます。<script>alert(1)</script>",
            "format": "hybrid", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "place": "丸の内ホール", "online_url": "https://meet.example.jp/dx",
            "capacity": "30", "audience": "members", "tags": ["learning_speaking"]}
    data.update(overrides)
    return data


def test_plan_cohost_propose_publish_through_the_pages(client, login, world, smtp):
    login(world["lead_op"])
    response = client.post("/events/new?group=lead", data=event_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    event = db.session.scalar(select(JointEvent))
    assert event.status == EventStatus.draft and event.starts_at.astimezone(TOKYO).hour == 19
    assert [h.status for h in event.hosts] == [HostStatus.confirmed]
    assert client.post(f"/events/{event.id}/invite",
                       data={"group": "co", "seat_quota": "10"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(OutboxMail).where(
        OutboxMail.recipient == "co@alumni.example.jp")) == 1
    # The coordinator cannot publish a draft; the hosts propose it first (409 otherwise).
    client.post("/auth/logout")
    login(world["coordinator"])
    assert client.post(f"/events/{event.id}/state/publish").status_code == 302  # back to the page, the reason flashed
    client.post("/auth/logout")
    # The co-host's operator confirms; the lead proposes.
    login(world["co_op"])
    assert client.post(f"/events/{event.id}/hosts/co/confirm").status_code == 302
    assert client.post(f"/events/{event.id}/hosts/co/confirm").status_code == 302
    client.post("/auth/logout")
    login(world["lead_op"])
    assert client.post(f"/events/{event.id}/state/publish").status_code == 403
    assert client.post(f"/events/{event.id}/state/propose").status_code == 302
    client.post("/auth/logout")
    login(world["coordinator"])
    assert client.post(f"/events/{event.id}/state/publish").status_code == 302
    db.session.expire_all()
    event = db.session.get(JointEvent, event.id)
    assert event.status == EventStatus.published
    assert {h.group.slug: h.seat_quota for h in event.hosts} == {"lead": None, "co": 10}
    # Publishing twice is a state conflict, answered on the event page.
    twice = client.post(f"/events/{event.id}/state/publish", follow_redirects=True)
    assert twice.status_code == 200 and "notice-error" in twice.get_data(as_text=True)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "<strong>DX</strong>" in page and "<script>alert" not in page
    assert "大洋商事 アルムナイ" in page and "青葉銀行 OB・OG会" in page


def test_bad_event_input_shows_errors_and_stores_nothing(client, login, world):
    login(world["lead_op"])
    bad = event_form(title_ja="", title_en="", capacity="0", online_url="",
                     ends_at=local(days=13).strftime("%Y-%m-%dT%H:%M"))
    page = client.post("/events/new?group=lead", data=bad)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "field-error" in text
    assert db.session.scalar(select(func.count(JointEvent.id))) == 0
    with pytest.raises(Exception):
        service.create_event(world["lead_op"], world["lead"], {
            "title_ja": "x", "format": "online", "starts_at": local(), "ends_at": local(),
            "capacity": 5})
    db.session.rollback()
    # Someone else's group.
    assert client.post("/events/new?group=co", data=event_form()).status_code == 403


def test_setting_lets_confirmed_cohosted_events_publish_without_approval(client, login, world,
                                                                          make):
    event = make.event(world["lead"], cohosts=(world["co"],), status="draft")
    login(world["lead_op"])
    assert client.post(f"/events/{event.id}/state/publish").status_code == 403
    service.set_publish_without_approval(world["coordinator"], True)
    db.session.commit()
    assert client.post(f"/events/{event.id}/state/publish").status_code == 302
    db.session.expire_all()
    assert db.session.get(JointEvent, event.id).status == EventStatus.published
    # A single-host event still needs a coordinator.
    solo = make.event(world["lead"], status="proposed")
    assert client.post(f"/events/{solo.id}/state/publish").status_code == 403


@pytest.mark.parametrize("audience,visitor,member,co_op", [
    ("public", 200, 200, 200), ("members", 404, 200, 200), ("hosts", 404, 404, 200)])
def test_audience_rules_on_pages_lists_and_feeds(app, client, login, world, make, audience,
                                                 visitor, member, co_op):
    event = make.event(world["lead"], cohosts=(world["co"],), audience=audience,
                       title_ja="秘密の合同会")
    assert client.get(f"/events/{event.id}").status_code == visitor
    assert client.get(f"/events/{event.id}.ics").status_code == visitor
    assert ("秘密の合同会" in client.get("/events/").get_data(as_text=True)) == (visitor == 200)
    assert (client.get("/api/v1/events").get_json()["total"] == 1) == (visitor == 200)
    login(world["member"])
    assert client.get(f"/events/{event.id}").status_code == member
    assert ("秘密の合同会" in client.get("/events/").get_data(as_text=True)) == (member == 200)
    client.post("/auth/logout")
    login(world["co_op"])
    assert client.get(f"/events/{event.id}").status_code == co_op
    # A draft is seen only by its hosts and coordinators.
    draft = make.event(world["lead"], status="draft", audience="public")
    client.post("/auth/logout")
    assert client.get(f"/events/{draft.id}").status_code == 404
    login(world["member"])
    assert client.get(f"/events/{draft.id}").status_code == 404


def test_register_confirms_then_waitlists_and_cancel_promotes(client, login, world, make,
                                                              smtp):
    event = make.event(world["lead"], capacity=1)
    first, second = world["member"], make.member(email="second@alumni.example.jp", locale="en")
    login(first)
    assert client.post(f"/events/{event.id}/register").status_code == 302
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "https://meet.example.jp/secret-room" in page  # confirmed: the link shows
    client.post("/auth/logout")
    login(second)
    client.post(f"/events/{event.id}/register")
    client.post(f"/events/{event.id}/register")  # twice: still one registration
    rows = db.session.scalars(select(EventRegistration).order_by(EventRegistration.id)).all()
    assert [r.status for r in rows] == [RegistrationStatus.confirmed,
                                        RegistrationStatus.waitlisted]
    assert "https://meet.example.jp/secret-room" not in client.get(
        f"/events/{event.id}").get_data(as_text=True)
    client.post("/auth/logout")
    login(first)
    assert client.post(f"/events/{event.id}/unregister").status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(select(EventRegistration).order_by(EventRegistration.id)).all()
    assert [r.status for r in rows] == [RegistrationStatus.cancelled,
                                        RegistrationStatus.confirmed]
    mails = db.session.scalars(select(OutboxMail).where(
        OutboxMail.recipient == "second@alumni.example.jp").order_by(OutboxMail.id)).all()
    # Told of the waitlist (with the position) when registering, then of the seat.
    assert [m.template for m in mails] == ["event_waitlisted", "event_promoted"]
    assert "number 1 on the waitlist" in mails[0].body_text
    assert "You have a seat" in mails[1].subject


def test_quota_of_the_attendees_group(client, login, world, make):
    event = make.event(world["lead"], cohosts=(world["co"],), capacity=10,
                       quotas={"co": 1})
    other_co = make.user(role=Role.operator, email="co2@alumni.example.jp")
    from federation.services.groups import add_operator
    add_operator(world["co"], other_co)
    db.session.commit()
    for user in (world["co_op"], other_co, world["member"]):
        reg, created = service.register(user, event)
        db.session.commit()
    statuses = {r.user.email: r.status.value for r in db.session.scalars(
        select(EventRegistration))}
    assert statuses == {"co@alumni.example.jp": "confirmed",
                        "co2@alumni.example.jp": "waitlisted",
                        "member@alumni.example.jp": "confirmed"}


def test_registration_closed_and_state_conflicts(client, login, world, make):
    login(world["member"])
    for status in ("draft", "cancelled", "completed"):
        event = make.event(world["lead"], status=status, audience="public")
        code = client.post(f"/events/{event.id}/register").status_code
        assert code in (302, 404)
    past_deadline = make.event(world["lead"], registration_deadline=datetime.now(timezone.utc)
                               - timedelta(hours=1))
    closed = client.post(f"/events/{past_deadline.id}/register", follow_redirects=True)
    assert closed.status_code == 200  # back on the event page, with the reason
    assert "締め切られています" in closed.get_data(as_text=True)
    assert db.session.scalar(select(func.count(EventRegistration.id))) == 0


def test_the_page_offers_to_cancel_only_while_the_service_would(client, login, world, make):
    """The cancel link follows the rule cancel_registration checks: shown for
    a published event still to come, not once it has begun; nothing once
    the registration is cancelled."""
    event = make.event(world["lead"], capacity=5)
    login(world["member"])
    client.post(f"/events/{event.id}/register")
    unregister = f"/events/{event.id}/unregister\""
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert 'id="my-registration"' in page and unregister in page
    event.starts_at = datetime.now(timezone.utc) - timedelta(minutes=5)
    db.session.commit()
    begun = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert 'id="my-registration"' in begun and unregister not in begun
    assert client.post(f"/events/{event.id}/unregister").status_code in (302, 409)
    event.starts_at = datetime.now(timezone.utc) + timedelta(days=3)
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()
    assert client.post(f"/events/{event.id}/unregister").status_code == 302
    cancelled = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert 'id="my-registration"' not in cancelled and unregister not in cancelled


def test_change_of_time_or_cancellation_mails_every_registrant(client, login, world, make):
    event = make.event(world["lead"], cohosts=(world["co"],), capacity=1)
    make.registration(event, world["member"])
    make.registration(event, make.member(email="w@alumni.example.jp"), status="waitlisted")
    login(world["lead_op"])
    form = event_form(capacity="50")
    assert client.post(f"/events/{event.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    event = db.session.get(JointEvent, event.id)
    assert event.sequence == 1
    changed = db.session.scalars(select(OutboxMail).where(
        OutboxMail.template == "event_changed")).all()
    assert sorted(m.recipient for m in changed) == ["member@alumni.example.jp",
                                                    "w@alumni.example.jp"]
    # Capacity grew: the waitlisted person got the seat.
    assert db.session.scalar(select(func.count(EventRegistration.id)).where(
        EventRegistration.status == RegistrationStatus.confirmed)) == 2
    assert client.post(f"/events/{event.id}/state/cancel").status_code == 302
    assert len(db.session.scalars(select(OutboxMail).where(
        OutboxMail.template == "event_cancelled")).all()) == 2
    assert client.post(f"/events/{event.id}/state/cancel").status_code == 302  # back to the page, the reason flashed
    assert client.post(f"/events/{event.id}/edit", data=form).status_code == 409


def test_hosts_see_attendees_check_in_export_and_mail(client, login, world, make):
    event = make.event(world["lead"], cohosts=(world["co"],))
    mine = make.member(email="mine@alumni.example.jp", family_name="=HYPERLINK(\"x\")")
    make.registration(event, mine, group=world["lead"], listed=True)
    theirs = make.registration(event, world["co_op"], group=world["co"])
    login(world["lead_op"])
    page = client.get(f"/events/{event.id}/attendees").get_data(as_text=True)
    assert "=HYPERLINK" in page and "co@alumni" not in page
    csv_text = client.get(f"/events/{event.id}/attendees.csv?group=lead").get_data(as_text=True)
    # The lead host gets every attendee, co-hosts' alumni included.
    assert "mine@alumni.example.jp" in csv_text and "co@alumni.example.jp" in csv_text
    assert "'=HYPERLINK" in csv_text
    assert client.get(f"/events/{event.id}/attendees.csv?group=co").status_code == 403
    assert client.post(f"/events/{event.id}/check-in",
                       data={"registration": str(theirs.id)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(EventRegistration, theirs.id).checked_in_at is not None
    response = client.post(f"/events/{event.id}/mail", data={"subject": "持ち物のご案内",
                                                            "body": "名刺をお持ちください。"})
    assert response.status_code == 302
    assert sorted(m.recipient for m in db.session.scalars(select(OutboxMail).where(
        OutboxMail.template == "event_message"))) == ["co@alumni.example.jp",
                                                     "mine@alumni.example.jp"]
    empty = client.post(f"/events/{event.id}/mail", data={"subject": "", "body": ""})
    assert empty.status_code == 200 and "field-error" in empty.get_data(as_text=True)
    client.post("/auth/logout")
    # A plain member may not see the attendee list.
    login(world["member"])
    assert client.get(f"/events/{event.id}/attendees").status_code == 403
    assert client.post(f"/events/{event.id}/check-in",
                       data={"registration": str(theirs.id)}).status_code == 403


def test_other_attendees_see_only_those_listed(client, login, world, make):
    event = make.event(world["lead"])
    listed = make.member(email="listed@alumni.example.jp", family_name="公開", given_name="希望")
    hidden = make.member(email="hidden@alumni.example.jp", family_name="非公開", given_name="希望")
    make.registration(event, listed, listed=True)
    make.registration(event, hidden, listed=False)
    login(world["member"])
    assert "公開 希望" not in client.get(f"/events/{event.id}").get_data(as_text=True)
    client.post(f"/events/{event.id}/register")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "公開" in page and "非公開" not in page


def test_reminders_the_day_before_are_sent_once(app, runner, world, make):
    tomorrow = (datetime.now(TOKYO) + timedelta(days=1)).replace(hour=19, minute=0, second=0,
                                                                 microsecond=0)
    event = make.event(world["lead"], starts_at=tomorrow.astimezone(timezone.utc))
    later = make.event(world["lead"], days=5)
    make.registration(event, world["member"])
    make.registration(event, world["co_op"], status="waitlisted")
    make.registration(later, world["co_op"])
    result = runner.invoke(args=["events", "remind"])
    assert result.exit_code == 0 and "1 reminder" in result.output
    result = runner.invoke(args=["events", "remind"])
    assert "0 reminder" in result.output
    mails = db.session.scalars(select(OutboxMail).where(
        OutboxMail.template == "event_reminder")).all()
    assert [m.recipient for m in mails] == ["member@alumni.example.jp"]


def test_statistics_after_the_event_in_bounded_queries(app, world, make, count_queries):
    past = make.event(world["lead"], status="completed",
                      starts_at=datetime.now(timezone.utc) - timedelta(days=30))
    now_event = make.event(world["lead"], cohosts=(world["co"],), status="published",
                           starts_at=datetime.now(timezone.utc) - timedelta(hours=3))
    people = [make.member() for _ in range(4)]
    make.registration(past, people[0], checked_in=True)
    make.registration(now_event, people[0], checked_in=True, group=world["lead"])  # repeat
    make.registration(now_event, people[1], checked_in=True, group=world["co"])  # first time
    make.registration(now_event, people[2], checked_in=False, group=world["co"])  # no-show
    make.registration(now_event, people[3], status="waitlisted")
    with count_queries() as queries:
        stats = service.event_stats(world["coordinator"], now_event)
    assert stats == {"registered": 3, "attended": 2, "no_shows": 1, "first_time": 1,
                     "repeat": 1, "groups": 2, "waitlisted": 1}
    assert len(queries) <= 6
    # Erasing an account keeps the statistics right.
    from federation.services.privacy import ERASERS
    for erase in ERASERS:
        erase(people[0])
    db.session.commit()
    db.session.expire_all()
    assert service.event_stats(world["coordinator"], now_event)["repeat"] == 1


def test_repeat_attendance_is_looked_up_by_index_not_by_scanning(app, world, make):
    """The statistics' "came before" check runs once per attendee: each of
    its lookups (by account, by an erased account's key) must use an index,
    or an event page costs a scan of every registration per attendee."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plan")
    event = make.event(world["lead"], status="published",
                       starts_at=datetime.now(timezone.utc) - timedelta(hours=3))
    make.registration(event, make.member(), checked_in=True)
    seen: list[tuple] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "earlier" in statement:
            seen.append((statement, parameters))

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert service.event_stats(world["coordinator"], event)["attended"] == 1
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    assert len(seen) == 1
    statement, parameters = seen[0]
    plan = [row[-1] for row in db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, parameters)]
    lookups = [step for step in plan if "earlier" in step]
    assert len(lookups) == 2, plan
    assert all(step.startswith("SEARCH earlier USING") for step in lookups), plan


def test_board_filters_and_bounded_queries(client, login, world, make, count_queries):
    make.event(world["lead"], title_ja="福岡の交流会", format="in_person", tags=["pr"])
    make.event(world["co"], title_ja="オンラインピッチ", format="online")
    login(world["member"])
    assert "福岡の交流会" in client.get("/events/?q=福岡").get_data(as_text=True)
    assert "福岡の交流会" not in client.get("/events/?format=online").get_data(as_text=True)
    assert "福岡の交流会" in client.get("/events/?tag=pr").get_data(as_text=True)
    assert "オンラインピッチ" in client.get("/events/?group=co").get_data(as_text=True)
    assert "オンラインピッチ" not in client.get("/events/?when=past").get_data(as_text=True)
    month = (datetime.now(TOKYO) + timedelta(days=10)).strftime("%Y-%m")
    assert "福岡の交流会" in client.get(f"/events/?month={month}").get_data(as_text=True)
    # A month at the ends of the calendar is ignored like any other bad value.
    for edge in ("0001-01", "9999-12"):
        page = client.get(f"/events/?month={edge}&when=all")
        assert page.status_code == 200 and "福岡の交流会" in page.get_data(as_text=True)
    for _ in range(1):
        make.event(world["lead"], cohosts=(world["co"],))
    with count_queries() as few:
        client.get("/events/")
    for _ in range(10):
        make.event(world["lead"], cohosts=(world["co"],))
    with count_queries() as many:
        client.get("/events/")
    assert len(few) == len(many)


def test_group_drop_down_follows_the_registry(client, login, world, make):
    """The drop-down's groups are kept between requests; a new or renamed group
    shows at once, and the chosen one stays selected."""
    login(world["member"])
    page = client.get("/events/?group=co").get_data(as_text=True)
    assert f'<option value="co" selected>{world["co"].name_ja}</option>' in page
    assert '<option value="lead">' in page
    make.group(slug="newcomer", name_ja="新参アルムナイ会")
    page = client.get("/events/").get_data(as_text=True)
    assert '<option value="newcomer">新参アルムナイ会</option>' in page
    assert " selected>" not in page.split('id="group"')[1].split("</select>")[0]
    world["co"].name_ja = "改名したアルムナイ会"
    db.session.commit()
    assert '<option value="co">改名したアルムナイ会</option>' in client.get("/events/").get_data(
        as_text=True)


def test_group_page_lists_upcoming_joint_events(client, login, world, make):
    make.event(world["lead"], cohosts=(world["co"],), title_ja="合同新年会")
    login(world["member"])
    assert "合同新年会" in client.get("/groups/co").get_data(as_text=True)


def test_personal_data_export_and_erasure(client, login, world, make):
    event = make.event(world["lead"])
    make.registration(event, world["member"], checked_in=True)
    login(world["member"])
    from federation.services.privacy import export_personal_data
    data = export_personal_data(world["member"])
    assert data["events"][0]["event_id"] == event.id


def test_verified_alumni_of_a_host_group_see_host_members_only_events(client, login, make):
    """The directory's alumni memberships count as host-group membership."""
    from federation.models import GroupMembership

    host, other = make.group(), make.group()
    event = make.event(host, audience="hosts")
    alumnus, outsider = make.user(), make.member(other)
    db.session.add(GroupMembership(group_id=host.id, user_id=alumnus.id))
    db.session.commit()
    login(alumnus)
    assert client.get(f"/events/{event.id}").status_code == 200
    assert event.title_ja in client.get("/events/").get_data(as_text=True)
    client.post("/auth/logout")
    login(outsider)
    assert client.get(f"/events/{event.id}").status_code == 404


# Coordinators plan joint events too: they see what the hosts see, and approve.
@pytest.mark.parametrize("status, lead_sees, coordinator_adds", [
    ("draft", {"edit", "invite", "propose", "cancel"}, set()),
    ("proposed", {"edit", "invite", "cancel"}, {"publish", "return"}),
    ("published", {"edit", "complete", "cancel"}, set()),
    ("completed", set(), set()),
    ("cancelled", set(), set()),
])
def test_the_event_page_offers_what_the_state_machine_allows(
        world, make, client, login, status, lead_sees, coordinator_adds):
    """One transition table decides both the buttons and what the service
    accepts: every offered action goes through, and nothing else is offered."""
    event = make.event(world["lead"], status=status, days=-1 if status == "published" else 10)
    assert service.event_actions(world["lead_op"], event) == lead_sees
    assert service.event_actions(world["coordinator"], event) == lead_sees | coordinator_adds
    assert service.event_actions(world["member"], event) == frozenset()

    targets = {"propose": f'/events/{event.id}/state/propose"', "publish": f'/events/{event.id}/state/publish"',
               "complete": f'/events/{event.id}/state/complete"', "cancel": f'/events/{event.id}/cancel"',
               "edit": f'/events/{event.id}/edit"'}
    login(world["lead_op"])
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    for action, target in targets.items():
        assert (target in page) == (action in lead_sees), (action, status)

    for action in lead_sees & {"propose", "complete", "cancel"}:
        fresh = make.event(world["lead"], status=status, days=-1 if status == "published" else 10)
        service.transition(world["lead_op"], fresh, action)
        db.session.rollback()
    for action in {"propose", "complete", "cancel"} - lead_sees:
        fresh = make.event(world["lead"], status=status)
        with pytest.raises(Exception) as refused:
            service.transition(world["lead_op"], fresh, action)
        assert refused.value.__class__.__name__ == "Conflict"
        db.session.rollback()

"""Notifications: the inbox, the unread count, preferences per kind (mail at
once, daily digest, inbox only), the API, and the proposal -> return-with-a-
reason workflow that tells the next person at each step."""
from __future__ import annotations

from sqlalchemy import func, select

from federation.extensions import db
from federation.models import (EventStatus, MailState, Notification, OutboxAttachment,
                               OutboxMail, Role)
from federation.services import notifications
from federation.services.mail import deliver_outbox


def _world(make):
    lead_op = make.user(role=Role.operator, email="lead@alumni.example.jp")
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp", locale="en")
    lead = make.group(slug="lead", operators=(lead_op,), name_ja="大洋商事 アルムナイ")
    return lead_op, coordinator, lead


def test_propose_return_with_a_reason_reaches_inbox_and_mail(client, login, make, smtp):
    lead_op, coordinator, lead = _world(make)
    event = make.event(lead, status="draft", by=lead_op)
    login(lead_op)
    assert client.post(f"/events/{event.id}/state/propose").status_code == 302
    client.post("/auth/logout")

    login(coordinator)
    home = client.get("/").get_data(as_text=True)
    assert 'class="badge unread-count">1' in home  # the unread count in the navigation
    inbox = client.get("/notifications/").get_data(as_text=True)
    assert "Event proposed for approval" in inbox
    # A reason is required; the form comes back with the message, nothing changes.
    empty = client.post(f"/events/{event.id}/return", data={"reason": ""})
    assert empty.status_code == 422
    db.session.expire_all()
    assert db.session.get(type(event), event.id).status == EventStatus.proposed
    reason = "会場が未定です。会場を確保してから再度ご提案ください。"
    assert client.post(f"/events/{event.id}/return", data={"reason": reason}).status_code == 302
    # Returning twice: the second is answered on the page, not a bare 409.
    again = client.post(f"/events/{event.id}/return", data={"reason": reason})
    assert again.status_code == 302
    client.post("/auth/logout")

    db.session.expire_all()
    assert db.session.get(type(event), event.id).status == EventStatus.draft
    login(lead_op)
    row = db.session.scalar(select(Notification).where(Notification.user_id == lead_op.id))
    assert row.kind == "event_proposal_decided" and reason in row.body
    page = client.get(f"/notifications/{row.id}").get_data(as_text=True)
    assert reason in page
    db.session.expire_all()
    assert db.session.get(Notification, row.id).read_at is not None
    assert reason in client.get(f"/events/{event.id}").get_data(as_text=True)
    deliver_outbox()
    mails = smtp.to("lead@alumni.example.jp")
    assert len(mails) == 1 and reason in smtp.text_of(mails[0])
    assert "差し戻し" in smtp.text_of(mails[0])


def test_inbox_is_private_paginated_and_marked_read(client, login, make):
    lead_op, coordinator, lead = _world(make)
    other = make.user(email="other@alumni.example.jp")
    for n in range(23):
        notifications.notify(lead_op, notifications.EVENT_PUBLISHED,
                             event=make.event(lead, title_ja=f"交流会{n}"),
                             link=f"http://localhost/events/{n}")
    mine = notifications.notify(lead_op, notifications.EVENT_PUBLISHED,
                                event=make.event(lead), link="http://localhost/events/1")
    db.session.commit()
    login(other)
    assert client.get(f"/notifications/{mine.id}").status_code == 404
    assert client.post(f"/notifications/{mine.id}/read").status_code == 404
    client.post("/auth/logout")
    login(lead_op)
    first = client.get("/notifications/").get_data(as_text=True)
    assert "未読 24件" in first and 'rel="next"' in first
    opened = client.post(f"/notifications/{mine.id}/read", data={"open": "1"})
    assert opened.status_code == 302 and opened.headers["Location"] == "/events/1"
    assert client.post("/notifications/read-all").status_code == 302
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.read_at.is_(None))) == 0


def test_preferences_daily_digest_and_off(client, login, make, runner):
    lead_op, coordinator, lead = _world(make)
    login(lead_op)
    page = client.get("/notifications/settings")
    assert page.status_code == 200 and "1日1回まとめて" in page.get_data(as_text=True)
    data = {name: "immediately" for name in notifications.KINDS}
    data["event_published"] = "daily"
    data["event_cohost_invited"] = "off"
    assert client.post("/notifications/settings", data=data).status_code == 302
    before = db.session.scalar(select(func.count(OutboxMail.id)))
    for n in range(2):
        notifications.notify(lead_op, notifications.EVENT_PUBLISHED, event=make.event(lead),
                             link="http://localhost/events/1")
    notifications.notify(lead_op, notifications.EVENT_COHOST_INVITED, event=make.event(lead),
                         group=lead, link="http://localhost/events/2")
    db.session.commit()
    assert db.session.scalar(select(func.count(OutboxMail.id))) == before  # nothing mailed yet
    assert db.session.scalar(select(func.count(Notification.id))) == 3  # all in the inbox
    result = runner.invoke(args=["notifications", "digest"])
    assert result.exit_code == 0 and "1 digest" in result.output
    digest = db.session.scalar(select(OutboxMail).where(
        OutboxMail.template == "notification_digest"))
    assert digest.recipient == "lead@alumni.example.jp"
    assert digest.body_text.count("イベントを公開しました") == 2
    assert "共催" not in digest.body_text
    # Twice a day sends nothing twice.
    assert "0 digest" in runner.invoke(args=["notifications", "digest"]).output
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.mail_state == MailState.digested)) == 2


def test_registration_mail_carries_the_calendar_file(client, login, make, smtp):
    lead_op, coordinator, lead = _world(make)
    member = make.member(email="member@alumni.example.jp")
    event = make.event(lead, capacity=1)
    login(member)
    assert client.post(f"/events/{event.id}/register").status_code == 302
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.template == "event_registered"))
    assert db.session.scalar(select(OutboxAttachment).where(
        OutboxAttachment.mail_id == mail.id)).filename == f"event-{event.id}.ics"
    deliver_outbox()
    message = smtp.to("member@alumni.example.jp")[0]
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert b"BEGIN:VEVENT" in attachment.get_content().encode() if isinstance(
        attachment.get_content(), str) else b"BEGIN:VEVENT" in attachment.get_content()


def test_new_application_tells_the_coordinators(client, login, make):
    from tests.functional.test_applications import web_form

    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    applicant = make.user(email="applicant@alumni.example.jp")
    login(applicant)
    assert client.post("/applications/new", data=web_form()).status_code == 302
    row = db.session.scalar(select(Notification).where(Notification.user_id == coordinator.id))
    assert row.kind == "application_submitted" and "/applications/" in row.link


def test_notifications_api(client, make, token_for):
    lead_op, coordinator, lead = _world(make)
    other = make.user(email="other@alumni.example.jp")
    row = notifications.notify(lead_op, notifications.EVENT_PUBLISHED, event=make.event(lead),
                               link="http://localhost/events/1")
    db.session.commit()
    headers = token_for(lead_op)
    listed = client.get("/api/v1/notifications?unread=1", headers=headers).get_json()
    assert listed["total"] == 1 and listed["items"][0]["read"] is False
    assert client.post(f"/api/v1/notifications/{row.id}/read",
                       headers=token_for(other)).status_code == 404
    read = client.post(f"/api/v1/notifications/{row.id}/read", headers=headers).get_json()
    assert read["read"] is True
    assert client.get("/api/v1/notifications?unread=1", headers=headers).get_json()["total"] == 0
    settings = client.get("/api/v1/me/notification-settings", headers=headers).get_json()
    assert {"kind": "event_proposed", "delivery": "immediately"}.items() <= next(
        s for s in settings["settings"] if s["kind"] == "event_proposed").items()
    bad = client.put("/api/v1/me/notification-settings", headers=headers,
                     json={"settings": {"nonsense": "daily", "event_proposed": "weekly"}})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_error"
    changed = client.put("/api/v1/me/notification-settings", headers=headers,
                         json={"settings": {"event_proposed": "daily"}}).get_json()
    assert next(s for s in changed["settings"]
                if s["kind"] == "event_proposed")["delivery"] == "daily"
    assert "/notifications" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_the_unread_count_stops_at_99_whatever_the_inbox_holds(client, login, make, count_queries):
    """The badge and the inbox say "99+" past 99 unread: the sign-in counts
    a bounded range of the index, not every unread notification of a busy
    operator (a count of 1,400 was most of each page's sign-in)."""
    from federation.models import utcnow

    user = make.member()
    login(user)

    def add(n: int) -> None:
        db.session.add_all([Notification(user_id=user.id, kind="event_published", subject=f"件名{i}",
                                         created_at=utcnow()) for i in range(n)])
        db.session.commit()

    add(99)
    home = client.get("/").get_data(as_text=True)
    assert 'class="badge unread-count">99<' in home
    assert "未読 99件" in client.get("/notifications/").get_data(as_text=True)
    with count_queries() as few:
        client.get("/")
    add(150)
    home = client.get("/").get_data(as_text=True)
    assert 'class="badge unread-count">99+<' in home
    assert "未読 99+件" in client.get("/notifications/").get_data(as_text=True)
    with count_queries() as many:
        client.get("/")
    assert len(many) == len(few)
    client.post("/notifications/read-all")
    assert "unread-count" not in client.get("/").get_data(as_text=True)

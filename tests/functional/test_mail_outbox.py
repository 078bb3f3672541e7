"""The outbox: mail written with the action, delivered over real SMTP, never lost,
never sent twice."""
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from federation.extensions import db
from federation.models import MailStatus, OutboxMail, Role
from federation.services.mail import deliver_outbox, queue_mail


def test_japanese_subject_and_body_arrive_intact(app, make, smtp):
    user = make.user(email="hanako@alumni.example.jp")
    queue_mail(user.email, "password_changed", "ja", user=user)
    db.session.commit()
    assert deliver_outbox() == {"sent": 1, "retry": 0, "failed": 0}
    [message] = smtp.to("hanako@alumni.example.jp")
    assert message["Subject"] == "パスワード変更のお知らせ"
    text = smtp.text_of(message)
    assert f"{user.family_name} {user.given_name}" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert user.family_name in html
    row = db.session.scalar(select(OutboxMail))
    assert row.status == MailStatus.sent and row.sent_at is not None
    assert message["Message-ID"] == row.message_id


def test_english_recipients_get_english_mail(app, make, smtp):
    user = make.user(locale="en")
    queue_mail(user.email, "password_changed", user.locale, user=user)
    db.session.commit()
    deliver_outbox()
    [message] = smtp.to(user.email)
    assert message["Subject"] == "Your password was changed"


def test_mail_is_kept_when_smtp_is_down_and_sent_once_it_is_back(app, make, smtp):
    user = make.user()
    queue_mail(user.email, "password_changed", "ja", user=user)
    db.session.commit()
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # nothing listens there
    app.extensions["mail"].port = 1
    assert deliver_outbox() == {"sent": 0, "retry": 1, "failed": 0}
    row = db.session.scalar(select(OutboxMail))
    assert row.status == MailStatus.pending and row.attempts == 1 and row.last_error
    assert row.next_attempt_at > row.created_at

    app.config["MAIL_PORT"] = port
    app.extensions["mail"].port = port
    assert deliver_outbox()["sent"] == 0, "not due again yet"
    row.next_attempt_at = row.created_at
    db.session.commit()
    assert deliver_outbox()["sent"] == 1
    assert len(smtp.to(user.email)) == 1


def test_gives_up_after_the_maximum_attempts_and_an_admin_can_retry(app, make, client, login, smtp):
    admin = make.user(role=Role.admin)
    queue_mail("someone@alumni.example.jp", "password_changed", "ja", user=admin)
    db.session.commit()
    app.extensions["mail"].port = 1
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    assert deliver_outbox()["failed"] == 1
    row = db.session.scalar(select(OutboxMail))
    assert row.status == MailStatus.failed

    login(admin)
    assert client.post(f"/admin/outbox/{row.id}/retry").status_code == 302
    db.session.expire_all()
    assert db.session.get(OutboxMail, row.id).status == MailStatus.pending


def test_concurrent_deliverers_send_each_mail_once(app, make, smtp):
    user = make.user()
    for _ in range(6):
        queue_mail(user.email, "password_changed", "ja", user=user)
    db.session.commit()

    def run():
        with app.app_context():
            return deliver_outbox()["sent"]

    with ThreadPoolExecutor(max_workers=3) as pool:
        sent = sum(pool.map(lambda _: run(), range(3)))
    assert sent == 6
    assert len(smtp.to(user.email)) == 6
    assert db.session.scalar(select(func.count()).where(OutboxMail.status == MailStatus.sent)) == 6


def test_a_failed_action_leaves_no_mail(client, make):
    make.user(email="taken@alumni.example.jp")
    before = db.session.scalar(select(func.count(OutboxMail.id)))
    client.post("/auth/register", data={"email": "bad", "password": "x"})
    assert db.session.scalar(select(func.count(OutboxMail.id))) == before


def test_without_smtp_mail_stays_readable_in_the_outbox(app, make, client, login):
    app.config["MAIL_SERVER"] = None
    admin = make.user(role=Role.admin)
    client.post("/auth/register", data={
        "family_name": "佐藤", "given_name": "健太", "family_name_kana": "さとう",
        "given_name_kana": "けんた", "email": "kenta@alumni.example.jp",
        "password": "correct horse battery"})
    assert deliver_outbox() == {"sent": 0, "retry": 0, "failed": 0}
    login(admin)
    listing = client.get("/admin/outbox").get_data(as_text=True)
    assert "kenta@alumni.example.jp" in listing and "メールアドレスの確認" in listing
    row = db.session.scalar(select(OutboxMail).where(OutboxMail.recipient == "kenta@alumni.example.jp"))
    detail = client.get(f"/admin/outbox/{row.id}").get_data(as_text=True)
    assert "/auth/verify#" in detail


def test_outbox_is_for_admins_only(app, make, client, login):
    login(make.user(role=Role.coordinator))
    assert client.get("/admin/outbox").status_code == 403
    assert client.get("/admin/users").status_code == 403

"""Registering, confirming the address from the delivered mail, signing in and out."""
from sqlalchemy import select

from federation.text import collation_key
from federation.extensions import db
from federation.models import OneTimeToken, OutboxMail, User
from federation.services.mail import deliver_outbox
from tests.factories import PASSWORD

FORM = {
    "family_name": "山田", "given_name": "花子",
    "family_name_kana": "ヤマダ", "given_name_kana": "はなこ",
    "email": "Hanako.Yamada@Alumni.example.jp", "password": PASSWORD,
}


def register(client, **changes):
    return client.post("/auth/register", data={**FORM, **changes})


def test_register_verify_and_sign_in(client, smtp):
    response = register(client)
    assert response.status_code == 302 and response.location.endswith("/auth/check-mail")

    user = db.session.scalar(select(User))
    assert user.email == "hanako.yamada@alumni.example.jp"
    assert user.sort_key == collation_key("やまだ", "はなこ")
    assert user.password_hash != PASSWORD and not user.is_verified

    assert deliver_outbox()["sent"] == 1
    [message] = smtp.to(user.email)
    assert message["Subject"] == "メールアドレスの確認"
    body = smtp.text_of(message)
    assert "山田 花子" in body
    link = smtp.link_in(message, "/auth/verify#")

    path, token = link.split("localhost", 1)[1].split("#", 1)
    # Opening the link only shows a button: mail scanners must not use it up.
    assert "確認" in client.get(path).get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, user.id).is_verified
    response = client.post(path, data={"token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).is_verified

    # The link works once.
    again = client.post(path, data={"token": token})
    assert again.status_code == 400
    assert "無効" in again.get_data(as_text=True) or "invalid" in again.get_data(as_text=True)

    response = client.post("/auth/login", data={"email": "HANAKO.yamada@alumni.example.jp",
                                                "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "山田 花子" in page


def test_field_errors_are_shown_next_to_fields_and_nothing_is_stored(client):
    response = register(client, email="not-an-address", password="short",
                        family_name_kana="山田")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert page.count('class="field-error"') >= 2
    assert db.session.scalar(select(User)) is None
    assert db.session.scalar(select(OutboxMail)) is None


def test_kana_reading_must_be_kana(client):
    response = register(client, given_name_kana="Hanako")
    assert response.status_code == 200
    assert 'id="given_name_kana-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_registering_a_taken_address_reveals_nothing(client, make, smtp):
    existing = make.user(email="taken@alumni.example.jp")
    response = register(client, email="taken@alumni.example.jp")
    assert response.status_code == 302 and response.location.endswith("/auth/check-mail")
    assert db.session.scalar(select(User).where(User.id != existing.id)) is None
    deliver_outbox()
    [message] = smtp.to("taken@alumni.example.jp")
    assert "アカウント" in message["Subject"]


def test_expired_verification_link_is_refused(client, app):
    register(client)
    token = db.session.scalar(select(OneTimeToken))
    from datetime import timedelta

    from federation.models import utcnow
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    mail = db.session.scalar(select(OutboxMail))
    token = mail.body_text.split("/auth/verify#")[1].split()[0]
    assert client.post("/auth/verify", data={"token": token}).status_code == 400
    assert not db.session.scalar(select(User)).is_verified


def test_wrong_password_gets_one_vague_message(client, make):
    user = make.user()
    wrong = client.post("/auth/login", data={"email": user.email, "password": "wrong password!"})
    unknown = client.post("/auth/login", data={"email": "nobody@x.example", "password": "whatever12"})
    assert wrong.status_code == unknown.status_code == 200
    message = "メールアドレスまたはパスワードが正しくありません"
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_logout_ends_the_session_for_good(client, make, login):
    user = make.user()
    login(user)
    captured = client.get_cookie("federation_session").value
    assert client.get("/account/").status_code == 200
    client.post("/auth/logout")
    assert client.get("/account/").status_code == 302

    # Replaying the cookie captured before logout does not sign anyone in.
    client.set_cookie("federation_session", captured)
    response = client.get("/account/")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_next_redirect_stays_on_this_site(client, make):
    user = make.user()
    ok = client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                          "next": "/account/tokens"})
    assert ok.location.endswith("/account/tokens")
    client.post("/auth/logout")
    evil = client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                            "next": "//evil.example.com/"})
    assert evil.location in ("/", "http://localhost/")


def test_login_page_round_trips_next(client):
    response = client.get("/account/tokens")
    assert response.status_code == 302
    login_page = client.get(response.location).get_data(as_text=True)
    assert 'value="/account/tokens"' in login_page


def test_deactivated_people_cannot_sign_in(client, make):
    from federation.models import utcnow

    user = make.user()
    user.deactivated_at = utcnow()
    db.session.commit()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200

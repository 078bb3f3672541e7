"""Password reset and change, email change, language, profile."""
from datetime import timedelta

from sqlalchemy import func, select

from federation.text import collation_key
from federation.extensions import db
from federation.models import LoginSession, OneTimeToken, OutboxMail, User, utcnow
from federation.services.mail import deliver_outbox
from tests.factories import PASSWORD

NEW_PASSWORD = "a much better passphrase"


def reset_link(smtp, email):
    deliver_outbox()
    [message] = [m for m in smtp.to(email) if "/auth/reset#" in smtp.text_of(m)]
    # The token is in the fragment: the page posts it, it is never in a URL path.
    return smtp.link_in(message, "/auth/reset#").split("#", 1)[1]


def test_password_reset_works_once_and_signs_out_everywhere(client, app, make, login, smtp):
    user = make.user()
    other_browser = login(user, on=app.test_client())
    response = client.post("/auth/forgot", data={"email": user.email})
    assert response.status_code == 302
    reset_token = reset_link(smtp, user.email)

    assert client.post("/auth/reset", data={"token": reset_token, "password": NEW_PASSWORD}).status_code == 302
    assert other_browser.get("/account/").status_code == 302  # signed out
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 200
    assert client.post("/auth/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302

    # Second use of the same link: refused, password unchanged.
    client.post("/auth/logout")
    again = client.post("/auth/reset", data={"token": reset_token, "password": "yet another passphrase"})
    assert again.status_code == 200 and 'role="alert"' in again.get_data(as_text=True)
    assert client.post("/auth/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_reset_link_expires(client, make, smtp):
    user = make.user()
    client.post("/auth/forgot", data={"email": user.email})
    reset_token = reset_link(smtp, user.email)
    token = db.session.scalar(select(OneTimeToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.post("/auth/reset", data={"token": reset_token, "password": NEW_PASSWORD})
    assert response.status_code == 200
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_reset_for_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/auth/forgot", data={"email": "nobody@alumni.example.jp"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 0


def test_new_password_must_be_long_enough(client, make, smtp):
    user = make.user()
    client.post("/auth/forgot", data={"email": user.email})
    reset_token = reset_link(smtp, user.email)
    response = client.post("/auth/reset", data={"token": reset_token, "password": "short"})
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(OneTimeToken)).used_at is None


def test_change_password_ends_other_sessions_but_keeps_this_one(client, app, make, login):
    user = make.user()
    login(user)
    old_cookie = client.get_cookie("federation_session").value
    other = login(user, on=app.test_client())

    wrong = client.post("/account/password", data={"current_password": "nope nope nope",
                                                   "new_password": NEW_PASSWORD})
    assert 'id="current_password-error"' in wrong.get_data(as_text=True)

    response = client.post("/account/password", data={"current_password": PASSWORD,
                                                       "new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302
    stale = app.test_client()
    stale.set_cookie("federation_session", old_cookie)
    assert stale.get("/account/").status_code == 302
    assert db.session.scalar(select(func.count(LoginSession.id))) == 1
    mails = db.session.scalars(select(OutboxMail.template)).all()
    assert "password_changed" in mails


def test_change_email_takes_effect_when_the_new_address_confirms(client, make, login, smtp):
    user = make.user(email="old@alumni.example.jp")
    login(user)
    response = client.post("/account/email", data={"new_email": "New@Alumni.example.jp",
                                                   "password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "old@alumni.example.jp"

    deliver_outbox()
    [message] = smtp.to("new@alumni.example.jp")
    token = smtp.link_in(message, "/auth/verify#").split("#", 1)[1]
    assert client.post("/auth/verify", data={"token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "new@alumni.example.jp"
    deliver_outbox()
    assert smtp.to("old@alumni.example.jp"), "the old address is told about the change"


def test_change_email_refuses_a_taken_address_or_wrong_password(client, make, login):
    make.user(email="taken@alumni.example.jp")
    user = make.user()
    login(user)
    taken = client.post("/account/email", data={"new_email": "taken@alumni.example.jp",
                                                "password": PASSWORD})
    assert 'id="new_email-error"' in taken.get_data(as_text=True)
    wrong = client.post("/account/email", data={"new_email": "fresh@alumni.example.jp",
                                                "password": "wrong password"})
    assert 'id="password-error"' in wrong.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OneTimeToken.id))) == 0


def test_language_choice_sticks_to_the_account(client, app, make, login):
    user = make.user()
    login(user)
    assert '<html lang="ja">' in client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": "en", "next": "/account/"})
    page = client.get("/account/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Profile" in page
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"

    # A new browser signed in as the same person gets English too.
    other = login(user, on=app.test_client())
    assert '<html lang="en">' in other.get("/").get_data(as_text=True)


def test_visitors_can_switch_language_too(client):
    assert "ログイン" in client.get("/auth/login").get_data(as_text=True)
    response = client.post("/language", data={"locale": "en", "next": "/auth/login"})
    assert response.location.endswith("/auth/login")
    assert "Sign in" in client.get("/auth/login").get_data(as_text=True)
    bad = client.post("/language", data={"locale": "xx", "next": "https://evil.example.com/"})
    assert bad.location in ("/", "http://localhost/")


def test_profile_names_and_kana_are_validated(client, make, login):
    user = make.user()
    login(user)
    response = client.post("/account/", data={"family_name": "", "given_name": "花子",
                                              "family_name_kana": "やまだ", "given_name_kana": "Hana"})
    page = response.get_data(as_text=True)
    assert 'id="family_name-error"' in page
    response = client.post("/account/", data={"family_name": "山田", "given_name": "花子",
                                              "family_name_kana": "ヤマダ", "given_name_kana": "はなこ"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).sort_key == collation_key("やまだ", "はなこ")


def test_times_are_shown_in_tokyo(client, make, login, app):
    from datetime import datetime, timezone

    user = make.user(locale="en")
    user.created_at = datetime(2026, 3, 31, 16, 30, tzinfo=timezone.utc)  # 1 April 01:30 JST
    db.session.commit()
    login(user)
    page = client.get("/account/").get_data(as_text=True)
    assert "Apr 1, 2026" in page and "1:30" in page

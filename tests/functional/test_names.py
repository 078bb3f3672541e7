"""Each person's name in its own order; kana only where the name has kanji;
mails greet by name, in the recipient's language."""
from __future__ import annotations

from sqlalchemy import select

from federation.extensions import db
from federation.models import OutboxMail, User
from tests.factories import PASSWORD


def _register(client, **form):
    return client.post("/auth/register", data={"password": PASSWORD, **form})


def test_a_western_name_is_given_first_and_needs_no_kana(client):
    client.post("/language", data={"locale": "en"})
    response = _register(client, family_name="Smith", given_name="John",
                         email="john.smith@alumni.example.com")
    assert response.status_code == 302, response.get_data(as_text=True)
    user = db.session.scalar(select(User))
    assert user.name_order == "given_first" and user.display_name == "John Smith"
    assert user.family_name_kana == "" and user.given_name_kana == ""
    mail = db.session.scalar(select(OutboxMail))
    assert "Dear John Smith," in mail.body_text and "Smith John" not in mail.body_text


def test_a_japanese_name_is_family_first_with_sama(client):
    response = _register(client, family_name="山田", given_name="花子", family_name_kana="やまだ",
                         given_name_kana="はなこ", email="hanako@alumni.example.jp")
    assert response.status_code == 302
    assert "山田 花子 様" in db.session.scalar(select(OutboxMail)).body_text


def test_a_name_in_kanji_still_needs_its_reading(client):
    page = _register(client, family_name="山田", given_name="花子",
                     email="hanako@alumni.example.jp").get_data(as_text=True)
    assert 'id="family_name_kana-error"' in page and db.session.scalar(select(User)) is None


def test_the_cli_stores_no_made_up_reading(runner):
    from federation.services import accounts

    result = runner.invoke(args=["users", "create", "--email", "mei@alumni.example.com",
                                 "--name", "Mei Lin", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    user = accounts.find_user_by_email("mei@alumni.example.com")
    assert (user.given_name, user.family_name, user.family_name_kana) == ("Mei", "Lin", "")
    assert user.display_name == "Mei Lin"


def test_a_first_visit_follows_the_browser_language(client):
    english = {"Accept-Language": "en-US,en;q=0.9"}
    assert 'lang="en"' in client.get("/auth/login", headers=english).get_data(as_text=True)
    assert 'lang="ja"' in client.get("/auth/login").get_data(as_text=True)
    error = client.get("/api/v1/me", headers=english).get_json()["error"]
    assert error["message"].isascii()
    # An explicit choice wins over the browser.
    client.post("/language", data={"locale": "ja"}, headers=english)
    assert 'lang="ja"' in client.get("/auth/login", headers=english).get_data(as_text=True)


def test_a_one_character_search_says_why(client, make, login):
    from federation.models import Role

    login(make.user(role=Role.coordinator))
    page = client.get("/directory/?q=投").get_data(as_text=True)
    assert "2文字以上" in page

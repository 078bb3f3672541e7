"""A person exports their own data and deletes their account."""
import json

from sqlalchemy import func, select

from federation.extensions import db
from federation.models import ApiToken, GroupOperator, LoginSession, Role, User
from federation.services import accounts
from tests.factories import PASSWORD


def test_export_holds_my_data_and_nobody_elses(client, make, login):
    me = make.user(email="me@alumni.example.jp", family_name="山田", family_name_kana="やまだ")
    other = make.user(email="other@alumni.example.jp")
    make.group(slug="my-group", operators=(me,))
    accounts.create_api_token(me, "sync")
    db.session.commit()
    login(me)
    response = client.post("/account/data/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "me@alumni.example.jp"
    assert data["account"]["family_name"] == "山田"
    assert data["account"]["operated_groups"] == ["my-group"]
    assert [t["name"] for t in data["account"]["api_tokens"]] == ["sync"]
    text = response.get_data(as_text=True)
    assert other.email not in text and "token_hash" not in text and "password" not in text


def test_export_needs_a_post_with_csrf_and_a_session(client, make):
    assert client.post("/account/data/export").status_code == 302  # to the login page


def test_delete_account_removes_personal_data(client, make, login):
    me = make.user(email="leaver@alumni.example.jp")
    make.group(operators=(me,))
    accounts.create_api_token(me, "sync")
    db.session.commit()
    login(me)

    wrong = client.post("/account/data/delete", data={"password": "not my password"})
    assert wrong.status_code == 422 and 'id="password-error"' in wrong.get_data(as_text=True)
    assert db.session.get(User, me.id).email == "leaver@alumni.example.jp"

    response = client.post("/account/data/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    user = db.session.get(User, me.id)
    assert "leaver" not in user.email and user.family_name_kana == "" and not user.is_active
    for model in (ApiToken, LoginSession, GroupOperator):
        assert db.session.scalar(select(func.count()).select_from(model).where(model.user_id == me.id)) == 0
    assert client.get("/account/").status_code == 302
    assert client.post("/auth/login", data={"email": "leaver@alumni.example.jp",
                                            "password": PASSWORD}).status_code == 200
    # The address is free again.
    assert accounts.find_user_by_email("leaver@alumni.example.jp") is None


def test_the_last_admin_cannot_delete_themselves(client, make, login):
    admin = make.user(role=Role.admin)
    login(admin)
    response = client.post("/account/data/delete", data={"password": PASSWORD})
    # The form comes back with the reason, not a bare error page.
    assert response.status_code == 422
    assert "最後の管理者" in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).is_active


def test_applications_and_self_introduction_join_the_export_and_the_deletion(client, make, login):
    from federation.models import OperatorApplication

    me = make.user(email="applicant@alumni.example.jp")
    me.self_introduction = "東光コンサルティングの卒業生会を運営しています。"
    db.session.commit()
    application = make.application(me)
    login(me)
    data = json.loads(client.post("/account/data/export").get_data(as_text=True))
    assert data["account"]["self_introduction"].startswith("東光")
    [exported] = data["applications"]
    assert exported["id"] == application.id and exported["role_description"]

    assert client.post("/account/data/delete", data={"password": PASSWORD}).status_code == 302
    kept = db.session.get(OperatorApplication, application.id)
    assert kept is not None and kept.role_description == ""
    assert db.session.get(User, me.id).self_introduction is None

"""Roles granted by admins; the installation's CLI."""
from sqlalchemy import func, select

from federation.text import collation_key
from federation.extensions import db
from federation.models import AlumniGroup, GroupOperator, Role, User
from federation.services import accounts


def test_admin_grants_coordinator(client, make, login):
    admin = make.user(role=Role.admin)
    person = make.user()
    login(admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert person.email in page
    response = client.post(f"/admin/users/{person.id}/role", data={"role": "coordinator"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).role == Role.coordinator


def test_non_admins_cannot_grant_roles(client, make, login):
    coordinator = make.user(role=Role.coordinator)
    person = make.user()
    login(coordinator)
    assert client.post(f"/admin/users/{person.id}/role", data={"role": "admin"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, person.id).role == Role.member


def test_admin_cannot_demote_themselves(client, make, login):
    admin = make.user(role=Role.admin)
    login(admin)
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "member"})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == Role.admin


def test_admin_user_search_by_reading(client, make, login):
    admin = make.user(role=Role.admin)
    make.user(email="kana@alumni.example.jp", family_name_kana="わたなべ")
    login(admin)
    page = client.get("/admin/users?q=わたなべ").get_data(as_text=True)
    assert "kana@alumni.example.jp" in page and admin.email not in page


def test_cli_creates_users_and_tokens(runner):
    result = runner.invoke(args=["users", "create", "--email", "ops@alumni.example.jp",
                                 "--name", "鈴木 一郎", "--kana", "すずき いちろう",
                                 "--role", "coordinator", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    user = accounts.find_user_by_email("ops@alumni.example.jp")
    assert user.role == Role.coordinator and user.is_verified and user.sort_key == collation_key("すずき", "いちろう")

    duplicate = runner.invoke(args=["users", "create", "--email", "ops@alumni.example.jp",
                                    "--name", "x y", "--password-stdin"], input="a long enough password\n")
    assert duplicate.exit_code != 0

    short = runner.invoke(args=["users", "create", "--email", "x@alumni.example.jp",
                                "--name", "x y", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "password" in short.output

    token = runner.invoke(args=["users", "token", "--email", "ops@alumni.example.jp"])
    assert token.exit_code == 0
    assert accounts.authenticate_api_token(token.output.strip()).id == user.id


def test_demo_loads_a_federation_once(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "admin@" in result.output and "coordinator@" in result.output
    assert db.session.scalar(select(func.count(AlumniGroup.id))) == 12
    assert db.session.scalar(select(func.count(GroupOperator.id))) == 24
    roles = set(db.session.scalars(select(User.role)))
    assert {Role.admin, Role.coordinator, Role.operator, Role.member} <= roles
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and db.session.scalar(select(func.count(AlumniGroup.id))) == 12
    # The logins are printed on every run, a second group's operator and a reviewer too.
    assert "coordinator@" in again.output and "mirai-data-1@" in again.output
    assert "reviewer@" in again.output
    # The precedent log has a decided case.
    from federation.models import ApplicationStatus, OperatorApplication
    assert db.session.scalar(select(func.count(OperatorApplication.id)).where(
        OperatorApplication.status == ApplicationStatus.rejected)) == 1

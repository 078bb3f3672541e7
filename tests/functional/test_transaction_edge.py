"""The page layer's one transaction edge (federation/transactions.py): what a
page request wrote is committed when it answers with a success or a redirect,
and rolled back when it answers with an error."""

from flask import Blueprint, abort, redirect

from federation.extensions import db
from federation.models import User


def _probe(app):
    bp = Blueprint("edge_probe", __name__)

    @bp.route("/_edge/<int:user_id>/<int:status>")
    def write(user_id: int, status: int):
        db.session.get(User, user_id).given_name = f"s{status}"
        db.session.flush()
        if status == 302:
            return redirect("/")
        if status == 404:
            abort(404)
        return "", status

    app.register_blueprint(bp)


def test_a_success_or_redirect_commits_an_error_rolls_back(app, client, make):
    user = make.user(email="edge@example.jp")
    _probe(app)
    for status, kept in ((200, True), (302, True), (400, False), (404, False), (422, False)):
        before = db.session.get(User, user.id).given_name
        assert client.get(f"/_edge/{user.id}/{status}").status_code == status
        db.session.expire_all()
        after = db.session.get(User, user.id).given_name
        assert after == (f"s{status}" if kept else before), status

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


def _turn_is_free(path: str) -> bool:
    """Whether another process could take the writers' turn now."""
    import fcntl
    import os

    fd = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing gives back a turn taken here
    return True


def test_sqlite_writers_take_turns_through_the_file_lock(app, make):
    """A writing transaction holds the writers' turn from BEGIN IMMEDIATE to
    its end, committed or rolled back, so the next writer (another worker)
    is woken by the lock instead of SQLite's sleeping retries; a reading
    transaction never takes it."""
    import pytest

    from federation.extensions import writing

    if db.engine.dialect.name != "sqlite":
        pytest.skip("the writers' turn is SQLite's")
    path = db.engine.url.database
    user = make.user(email="turns@example.jp")
    db.session.commit()
    db.session.get(User, user.id)  # a read
    assert _turn_is_free(path)
    db.session.rollback()
    for end in (db.session.commit, db.session.rollback):
        with writing():
            db.session.get(User, user.id).given_name = "turn"
            db.session.flush()
            assert not _turn_is_free(path), end.__name__
            end()
        assert _turn_is_free(path), end.__name__

"""WSGI entry point of an installed copy: `gunicorn federation.wsgi:app`,
`flask --app federation.wsgi ...` or the `federation` command."""

from __future__ import annotations

from flask.cli import FlaskGroup

from federation import create_app

app = create_app()


def cli() -> None:
    FlaskGroup(create_app=lambda: app)()

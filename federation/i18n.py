"""Language and time zone: Japanese first, English too; times in Asia/Tokyo."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, g, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    actor = g.get("actor")  # an API caller authenticated by token
    if actor is not None and actor.locale in languages:
        return actor.locale
    if current_user and getattr(current_user, "is_authenticated", False):
        if current_user.locale in languages:
            return current_user.locale
    chosen = session.get("locale") if request else None
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def current_locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def register_template_helpers(app: Flask) -> None:
    def datetime_filter(value: datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        return format_datetime(value, fmt)

    def date_filter(value: date | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        return format_date(value, fmt)

    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.filters["date"] = date_filter

    from federation import labels, navigation

    labels.register(app)
    navigation.register(app)

    @app.context_processor
    def inject_locale():
        return {"current_locale": current_locale()}

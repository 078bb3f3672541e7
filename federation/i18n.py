"""Language and time zone: Japanese first, English too; times in Asia/Tokyo."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from flask import Flask, current_app, g, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user
from markupsafe import Markup


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


@lru_cache(maxsize=8192)
def _formatted(value: date, fmt: str, locale: str, timezone: str, with_time: bool) -> str:
    # Babel formats a date in ~25 us; a page lists the same few hundred events
    # and dates again and again. The locale and zone are part of the key.
    return format_datetime(value, fmt) if with_time else format_date(value, fmt)


def _date_filter(with_time: bool):
    def formatted(value: date | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        return _formatted(value, fmt, current_locale(),
                          current_app.config["BABEL_DEFAULT_TIMEZONE"], with_time)
    return formatted


datetime_filter = _date_filter(with_time=True)
date_filter = _date_filter(with_time=False)


# (id(list), locale) -> (list, rendered <option>s); holding the list keeps its id its own.
_rendered_options: dict[tuple[int, str], tuple[object, Markup]] = {}


def group_select_options(groups, selected: str = "") -> Markup:
    """The <option>s of a group drop-down (some 300 groups), rendered once per
    list and language, then reused: the Jinja loop cost a millisecond a page.
    `groups` is services.groups.group_options(), the same object until the
    registry changes."""
    locale = current_locale()
    key = (id(groups), locale)
    cached = _rendered_options.get(key)
    if cached is None or cached[0] is not groups:
        if len(_rendered_options) > 32:
            _rendered_options.clear()
        html = Markup("").join(
            Markup('<option value="{0}">{1}</option>').format(g.slug, g.name_for(locale))
            for g in groups)
        cached = _rendered_options[key] = (groups, html)
    html = cached[1]
    if selected:
        mark = str(Markup('<option value="{0}">').format(selected))
        html = Markup(str(html).replace(mark, mark[:-1] + " selected>", 1))
    return html


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.globals["group_select_options"] = group_select_options

    from federation import labels, navigation

    labels.register(app)
    navigation.register(app)

    @app.context_processor
    def inject_locale():
        return {"current_locale": current_locale()}

"""Language and time zone: Japanese first, English too; times in Asia/Tokyo."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from flask import Flask, current_app, g, request, session
from flask_babel import format_date, format_datetime, get_locale, get_translations
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
    # A first visit (no stored choice): the browser's languages, Japanese
    # when it names neither.
    if request:
        return request.accept_languages.best_match(
            languages, default=current_app.config["BABEL_DEFAULT_LOCALE"]
        )
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


# How people read dates and times here: with the weekday, without seconds
# (seconds only in audit logs). Japanese 2026年12月23日(水) 19:00; English
# Wed, Dec 23, 2026, 7:00 PM. Other names ("short", a CLDR pattern) pass through.
PATTERNS = {
    "ja": {
        "date": "y年M月d日",
        "weekday": "y年M月d日(E)",
        "time": "H:mm",
        "audit_time": "H:mm:ss",
        "joiner": " ",
        "day_month": "M月d日(E)",
    },
    "en": {
        "date": "MMM d, y",
        "weekday": "EEE, MMM d, y",
        "time": "h:mm a",
        "audit_time": "h:mm:ss a",
        "joiner": ", ",
        "day_month": "EEE, MMM d",
    },
}


def _patterns() -> dict:
    return PATTERNS.get(current_locale(), PATTERNS["en"])


def _pattern(fmt: str, with_time: bool) -> str:
    p = _patterns()
    if fmt in ("medium", "short", "datetime", "audit") and with_time:
        time = p["audit_time"] if fmt == "audit" else p["time"]
        return p["weekday"] + p["joiner"] + time
    if fmt == "medium" and not with_time:
        return p["date"]
    if fmt == "weekday":
        return p["weekday"]
    if fmt == "time":
        return p["time"]
    return fmt


def _date_filter(with_time: bool):
    def formatted(value: date | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        return _formatted(
            value,
            _pattern(fmt, with_time),
            current_locale(),
            current_app.config["BABEL_DEFAULT_TIMEZONE"],
            with_time,
        )

    return formatted


datetime_filter = _date_filter(with_time=True)
date_filter = _date_filter(with_time=False)


def _local(value: datetime):
    from flask_babel import to_user_timezone

    return to_user_timezone(value)


def timespan(start: datetime | None, end: datetime | None) -> str:
    """A start and an end, the day once when both fall on the same (Japan)
    day: 2026年12月23日(水) 19:00–21:00 / Wed, Dec 23, 2026, 7:00–9:00 PM."""
    if start is None:
        return ""
    if end is None:
        return datetime_filter(start)
    p = _patterns()
    if _local(start).date() != _local(end).date():
        return f"{datetime_filter(start)} – {datetime_filter(end)}"
    day, end_time = date_filter(start, p["weekday"]), datetime_filter(end, p["time"])
    start_time = datetime_filter(start, p["time"])
    if current_locale() == "en" and start_time[-2:] == end_time[-2:]:
        start_time = start_time[:-3]  # 7:00–9:00 PM: the period once
    return f"{day}{p['joiner']}{start_time}–{end_time}"


def person_name(family_name: str, given_name: str) -> str:
    """A name without a stored order (an invitation): 山田 花子 / John Smith."""
    from federation.models.user import ordered_name
    from federation.text import default_name_order

    return ordered_name(family_name, given_name, default_name_order(family_name, given_name))


def daterange(start: date | None, end: date | None) -> str:
    """Days of a conference: one date when it is one day."""
    if start is None:
        return ""
    if end is None or end == start:
        return date_filter(start, "weekday")
    return f"{date_filter(start, 'weekday')} – {date_filter(end, 'weekday')}"


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
            Markup('<option value="{0}">{1}</option>').format(g.slug, g.name_for(locale)) for g in groups
        )
        cached = _rendered_options[key] = (groups, html)
    html = cached[1]
    if selected:
        mark = str(Markup('<option value="{0}">').format(selected))
        html = Markup(str(html).replace(mark, mark[:-1] + " selected>", 1))
    return html


def request_translations():
    """The catalogue of the request's current language, kept on the request
    while the language is the same object (flask_babel.force_locale, as mails
    to a person in another language use it, swaps the object, so a forced
    language is never served from the cache). Flask-Babel looks the catalogue
    up again on every call (12 us; a page's templates make a few hundred)."""
    locale = get_locale()
    kept = g.get("_translations")
    if kept is None or kept[0] is not locale:
        kept = g._translations = (locale, get_translations())
    return kept[1]


def install_template_gettext(app: Flask) -> None:
    """The templates' _(), ngettext() and pgettext() on request_translations:
    Flask-Babel's own callables, with the catalogue looked up once."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )


def register_template_helpers(app: Flask) -> None:
    install_template_gettext(app)
    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.globals["timespan"] = timespan
    app.jinja_env.globals["daterange"] = daterange
    app.jinja_env.globals["person_name"] = person_name
    app.jinja_env.globals["group_select_options"] = group_select_options

    from federation import labels, navigation

    labels.register(app)
    navigation.register(app)

    @app.context_processor
    def inject_locale():
        return {"current_locale": current_locale()}

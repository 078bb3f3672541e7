"""Subscribable calendar feeds: a personal feed by secret, and a feed per group."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from federation.i18n import current_locale
from federation.ical import ics_response
from federation.services import groups as group_service
from federation.services.events import calendars

bp = Blueprint("calendar", __name__)


@bp.route("/<secret>.ics")
def feed(secret: str):
    user = calendars.user_for_secret(secret)
    return ics_response(calendars.personal_feed(user), "joint-events.ics", personal=True)


@bp.route("/groups/<slug>.ics")
def group(slug: str):
    group = group_service.get_group(current_user, slug)
    return ics_response(calendars.group_feed(current_user, group, current_locale()), f"{group.slug}.ics")

"""What every part of the conference shares: the Japan-time clock, the
edition's windows (each action belongs to one; outside it a Conflict says
so) and the fixed lists."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from federation.errors import Conflict
from federation.models import ConferenceEdition, utcnow
from federation.models.base import TOKYO

WINDOWS = ("proposals", "review", "registration")
LANGUAGES = ("ja", "en")
DEFAULT_CATEGORIES = [
    {"key": "relevance", "label_ja": "テーマとの関連", "label_en": "Relevance", "weight": 2},
    {"key": "originality", "label_ja": "独自性", "label_en": "Originality", "weight": 1},
    {"key": "delivery", "label_ja": "伝わりやすさ", "label_en": "Delivery", "weight": 1},
]
SCORE_RANGE = (1, 5)
CONTENT_FIELDS = ("video_url", "article_url", "graphic_recording_url")


def window(edition: ConferenceEdition, name: str) -> tuple[datetime, datetime]:
    return getattr(edition, f"{name}_open_at"), getattr(edition, f"{name}_close_at")


def window_open(edition: ConferenceEdition, name: str, now: datetime | None = None) -> bool:
    opens, closes = window(edition, name)
    now = now or utcnow()
    return opens <= now < closes


def require_window(edition: ConferenceEdition, name: str) -> None:
    if window_open(edition, name):
        return
    opens, closes = window(edition, name)
    messages = {
        "proposals": _(
            "The call for proposals is not open (it runs from %(opens)s to %(closes)s, Japan time)."
        ),
        "review": _("The review is not open (it runs from %(opens)s to %(closes)s, Japan time)."),
        "registration": _("Registration is not open (it runs from %(opens)s to %(closes)s, Japan time)."),
    }
    fmt = "%Y-%m-%d %H:%M"
    raise Conflict(
        messages[name]
        % {"opens": opens.astimezone(TOKYO).strftime(fmt), "closes": closes.astimezone(TOKYO).strftime(fmt)}
    )


def review_closed(edition: ConferenceEdition) -> bool:
    return utcnow() >= edition.review_close_at


def is_archived(edition: ConferenceEdition) -> bool:
    """After its last day the programme is the archive of that year."""
    return edition.ends_on < utcnow().astimezone(TOKYO).date()

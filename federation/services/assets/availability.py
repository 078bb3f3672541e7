"""A venue's weekly availability windows (Asia/Tokyo) and blocked dates:
reading them as the form writes them, writing them back, checking them."""

from __future__ import annotations

import re
from datetime import date, time

from flask_babel import gettext as _

from federation.errors import Invalid
from federation.text import normalise

_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        (
            ("mon", "monday", "月", "月曜", "月曜日"),
            ("tue", "tuesday", "火", "火曜", "火曜日"),
            ("wed", "wednesday", "水", "水曜", "水曜日"),
            ("thu", "thursday", "木", "木曜", "木曜日"),
            ("fri", "friday", "金", "金曜", "金曜日"),
            ("sat", "saturday", "土", "土曜", "土曜日"),
            ("sun", "sunday", "日", "日曜", "日曜日"),
        )
    )
    for name in names
}


_LINE = re.compile(r"^(\S+)\s+(\d{1,2}:\d{2})\s*[-–〜~]\s*(\d{1,2}:\d{2})$")


_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def clock_time(value: str) -> time | None:
    match = _HHMM.match(value or "")
    return time(int(match.group(1)), int(match.group(2))) if match else None


def parse_availability(text: str) -> list[dict]:
    """Lines like "月 10:00-18:00" or "Sat 09:00-12:00" as windows."""
    windows, bad = [], []
    for line in normalise(text).splitlines():
        line = line.strip()
        if not line:
            continue
        match = _LINE.match(line)
        weekday = _WEEKDAYS.get(match.group(1).lower()) if match else None
        if weekday is None:
            bad.append(line)
            continue
        windows.append({"weekday": weekday, "start": match.group(2).zfill(5), "end": match.group(3).zfill(5)})
    if bad:
        raise Invalid(
            fields={
                "availability": [
                    _("Write one window per line, like “Mon 10:00-18:00”: %(line)s", line=bad[0])
                ]
            }
        )
    return windows


def format_availability(windows: list[dict], locale: str = "ja") -> str:
    """The windows as the form shows them, in the reader's language
    (月 18:00-21:30 / Mon 18:00-21:30); parse_availability reads both."""
    names = (
        ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        if locale == "en"
        else ("月", "火", "水", "木", "金", "土", "日")
    )
    return "\n".join(f"{names[w['weekday']]} {w['start']}-{w['end']}" for w in windows or [])


def parse_dates(text: str) -> list[str]:
    dates, bad = [], []
    for token in re.split(r"[\s,、]+", normalise(text)):
        if not token:
            continue
        try:
            dates.append(date.fromisoformat(token).isoformat())
        except ValueError:
            bad.append(token)
    if bad:
        raise Invalid(fields={"blocked_dates": [_("Write dates as YYYY-MM-DD: %(value)s", value=bad[0])]})
    return sorted(set(dates))


def clean_windows(windows, errors: dict) -> list[dict]:
    cleaned = []
    for window in windows or []:
        try:
            weekday = int(window["weekday"])
            start, end = clock_time(str(window["start"])), clock_time(str(window["end"]))
        except (KeyError, TypeError, ValueError):
            weekday, start, end = -1, None, None
        if weekday not in range(7) or start is None or end is None:
            errors["availability"] = [_("Each window needs a weekday and times as HH:MM.")]
            return []
        if start >= end:
            errors["availability"] = [_("A window must end after it starts.")]
            return []
        cleaned.append({"weekday": weekday, "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")})
    return sorted(cleaned, key=lambda w: (w["weekday"], w["start"]))

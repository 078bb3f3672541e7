"""The units the health indicators count in: months in Japan time, a person
(their account, or an erased account's opaque key, so repeat attendance
stays right after erasure) and a share."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import String, cast, func

from federation.models import EventRegistration
from federation.models.base import TOKYO


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def months_back(day: date, count: int) -> list[date]:
    """`count` month starts ending with the month of `day`, oldest first."""
    months = [month_start(day)]
    while len(months) < count:
        months.append(month_start(months[-1] - timedelta(days=1)))
    return list(reversed(months))


def tokyo_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=TOKYO)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    return tokyo_midnight(month), tokyo_midnight(next_month(month))


def person_of(registration):
    return func.coalesce(cast(registration.user_id, String), registration.anonymous_key)


def person_key():
    return person_of(EventRegistration)


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None

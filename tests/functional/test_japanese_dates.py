"""Dates as people read them: the weekday, no seconds, a same-day range with
the day once; the API answers every datetime in Japan time (+09:00)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from federation.models import Role

JST = timezone(timedelta(hours=9))


def _world(make):
    operator = make.user(role=Role.operator)
    lead = make.group(slug="lead", operators=(operator,), is_public=True)
    start = datetime(2030, 12, 23, 19, 0, tzinfo=JST).astimezone(timezone.utc)
    event = make.event(lead, audience="public", starts_at=start,
                       ends_at=start + timedelta(hours=2))
    return operator, event


def test_event_dates_in_japanese_and_english(client, make, login):
    operator, event = _world(make)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "2030年12月23日(月) 19:00–21:00" in page
    assert "2030/12/23" not in page and ":00:00" not in page
    english = make.user(locale="en")
    login(english)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Mon, Dec 23, 2030, 7:00–9:00 PM" in page


def test_conference_days_collapse(client, make):
    make.edition(2031, starts_on=date(2031, 11, 14), ends_on=date(2031, 11, 14))
    page = client.get("/conferences/2031").get_data(as_text=True)
    assert "2031年11月14日(金)" in page and "2031-11-14" not in page


def test_the_api_answers_japan_time_for_every_resource(client, make, token_for):
    operator, event = _world(make)
    make.edition(2031)
    headers = token_for(operator)
    answered = client.get(f"/api/v1/events/{event.id}", headers=headers).get_json()
    assert answered["starts_at"] == "2030-12-23T19:00:00+09:00"
    edition = client.get("/api/v1/conferences/2031", headers=headers).get_json()
    assert edition["proposals_open_at"].endswith("+09:00")
    assert client.get("/api/v1/me", headers=headers).get_json()["created_at"].endswith("+09:00")

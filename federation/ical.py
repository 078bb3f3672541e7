"""The one iCalendar builder: every .ics the federation serves or mails
(an event, the personal and group feeds, the conference programme and its
sessions, a consultation session's invitation) is written and answered here.

Feeds are in Tokyo time (a VTIMEZONE and X-WR-TIMEZONE); a calendar's name
is escaped (vText escapes , ; \\ and new lines); DTSTAMPs come from the
content, so that an unchanged feed is the same file, and its ETag answers 304.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from flask import Response, request
from icalendar import Calendar, Event, Timezone, vText

from federation.models.base import TOKYO, TOKYO_TZID

PRODUCT = "-//Alumni Operators Federation//{product}//EN"


def vevent(
    *,
    uid: str,
    sequence: int,
    dtstamp: datetime,
    start: datetime,
    end: datetime,
    summary: str,
    description: str | None = None,
    location: str | None = None,
    url: str | None = None,
    status: str | None = None,
    last_modified: datetime | None = None,
    attendees: tuple[tuple[str, str], ...] = (),
    in_tokyo: bool = True,
) -> Event:
    """A VEVENT; start and end in Tokyo time unless `in_tokyo` is False (kept
    as given); empty optional properties are left out. Attendees are
    (email, name) pairs."""
    item = Event()
    item.add("uid", uid)
    item.add("sequence", sequence)
    item.add("dtstamp", dtstamp)
    item.add("dtstart", start.astimezone(TOKYO) if in_tokyo else start)
    item.add("dtend", end.astimezone(TOKYO) if in_tokyo else end)
    item.add("summary", vText(summary))
    if description:
        item.add("description", description)
    if location:
        item.add("location", vText(location))
    if url:
        item.add("url", url)
    if status:
        item.add("status", status)
    if last_modified:
        item.add("last-modified", last_modified)
    for email, name in attendees:
        item.add("attendee", f"mailto:{email}", parameters={"CN": name})
    return item


@cache
def _tokyo_timezone() -> Timezone:
    """The VTIMEZONE of Asia/Tokyo, built once: icalendar derives it from the
    tz database's transitions (about 40 ms), and every feed, download and
    registration mail carries it. Only ever added to calendars, never
    changed."""
    return Timezone.from_tzid(TOKYO_TZID)


def calendar_file(
    items: list[Event], name: str | None, product: str = "Joint events", method: str = "PUBLISH"
) -> bytes:
    """A calendar holding the given VEVENTs. A named calendar (a feed or a
    download) is in Tokyo time with its name; an unnamed one is an
    invitation (METHOD:REQUEST or CANCEL)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT.format(product=product))
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name is not None:
        # A custom property is written as given: vText escapes , ; \ and new lines.
        calendar.add("x-wr-calname", vText(name))
        calendar.add("x-wr-timezone", TOKYO_TZID)
        calendar.add_component(_tokyo_timezone())
    for item in items:
        calendar.add_component(item)
    return calendar.to_ical()


def ics_response(body: bytes, filename: str, conditional: bool = True, personal: bool = False) -> Response:
    """A calendar file as a download, conditional: calendar apps poll feeds,
    and an unchanged one (its DTSTAMPs are stable) answers 304 to their
    If-None-Match. A personal one (a secret URL, no cookie) is kept out of
    shared caches and revalidated."""
    response = Response(
        body, mimetype="text/calendar", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
    if personal:
        response.cache_control.private = True
        response.cache_control.no_cache = True
    if not conditional:
        return response
    response.add_etag()
    return response.make_conditional(request)

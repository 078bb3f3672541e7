"""The venue booking rule: a venue slot lies in a weekly availability window
(Asia/Tokyo), not on a blocked date, not in the past, and never overlaps an
accepted booking of the same venue. Two acceptances that race are settled by
the database on PostgreSQL (the exclusion constraint
`ex_asset_request_no_overlap`) and by SQLite's one-writer-at-a-time
transactions (BEGIN IMMEDIATE) elsewhere."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from federation.errors import Invalid
from federation.extensions import db
from federation.models import (
    AssetRequest,
    RequestStatus,
    SharedAsset,
    utcnow,
)
from federation.models.base import TOKYO
from federation.services.assets.availability import clock_time


def venue_bookings(asset: SharedAsset, include_pending: bool = True) -> list[AssetRequest]:
    """The venue's calendar: accepted (and waiting) slots from today on."""
    statuses = [RequestStatus.accepted] + ([RequestStatus.pending] if include_pending else [])
    start_of_today = datetime.combine(datetime.now(TOKYO).date(), time(), TOKYO)
    return list(
        db.session.scalars(
            select(AssetRequest)
            .where(
                AssetRequest.asset_id == asset.id,
                AssetRequest.status.in_(statuses),
                AssetRequest.ends_at > start_of_today,
            )
            .options(selectinload(AssetRequest.requester_group))
            .order_by(AssetRequest.starts_at)
        )
    )


def overlapping_booking(
    asset: SharedAsset, starts_at: datetime, ends_at: datetime, exclude_id: int | None = None
) -> AssetRequest | None:
    query = select(AssetRequest).where(
        AssetRequest.asset_id == asset.id,
        AssetRequest.status == RequestStatus.accepted,
        AssetRequest.starts_at < ends_at,
        AssetRequest.ends_at > starts_at,
    )
    if exclude_id is not None:
        query = query.where(AssetRequest.id != exclude_id)
    return db.session.scalar(query.limit(1))


SEARCH_DAYS = 60  # how far ahead the next free slot is looked for


def next_free_slot(
    asset: SharedAsset, starts_at: datetime, ends_at: datetime
) -> tuple[datetime, datetime] | None:
    """The earliest slot of the same length from `starts_at` on that fits the
    venue's windows and blocked dates and overlaps no accepted booking (one
    query; then a walk over at most SEARCH_DAYS days)."""
    length = ends_at - starts_at
    horizon = starts_at + timedelta(days=SEARCH_DAYS)
    booked = [
        (r.starts_at, r.ends_at)
        for r in db.session.scalars(
            select(AssetRequest).where(
                AssetRequest.asset_id == asset.id,
                AssetRequest.status == RequestStatus.accepted,
                AssetRequest.ends_at > starts_at,
                AssetRequest.starts_at < horizon,
            )
        )
    ]
    blocked = set(asset.blocked_dates or [])
    first_day = starts_at.astimezone(TOKYO).date()
    for offset in range(SEARCH_DAYS):
        day = first_day + timedelta(days=offset)
        if day.isoformat() in blocked:
            continue
        for window in asset.availability or []:
            if window.get("weekday") != day.weekday():
                continue
            opens, closes = clock_time(str(window["start"])), clock_time(str(window["end"]))
            if opens is None or closes is None:
                continue
            window_start = datetime.combine(day, opens, TOKYO)
            window_end = datetime.combine(day, closes, TOKYO)
            # Candidates: the window's opening, the asked start, and each booking's end.
            candidates = sorted(
                {window_start, starts_at.astimezone(TOKYO), *[end.astimezone(TOKYO) for _s, end in booked]}
            )
            for start in candidates:
                if start < window_start or start < starts_at or start <= utcnow():
                    continue
                end = start + length
                if end > window_end:
                    continue
                if not any(b_start < end and b_end > start for b_start, b_end in booked):
                    return start, end
    return None


def slot_taken_message(
    asset: SharedAsset, taken: AssetRequest, starts_at: datetime, ends_at: datetime
) -> str:
    """What conflicts and what to do, for the form."""
    from federation.i18n import datetime_filter

    message = _(
        "%(start)s – %(end)s is booked by %(group)s%(event)s.",
        start=datetime_filter(taken.starts_at, "short"),
        end=datetime_filter(taken.ends_at, "short"),
        group=taken.requester_group.name_ja if taken.requester_group else "",
        event=f"（{taken.joint_event}）" if taken.joint_event else "",
    )
    free = next_free_slot(asset, starts_at, ends_at)
    if free is not None:
        message += " " + _(
            "The next free slot of the same length: %(start)s – %(end)s.",
            start=datetime_filter(free[0], "short"),
            end=datetime_filter(free[1], "short"),
        )
    else:
        message += " " + _(
            "No free slot of the same length in the next %(n)d days; try another venue.", n=SEARCH_DAYS
        )
    return message


def pending_overlaps(requests: list[AssetRequest]) -> dict[int, list[AssetRequest]]:
    """For the owner's list: each waiting venue request with the other waiting
    requests for the same venue and an overlapping slot (one query)."""
    venue_requests = [r for r in requests if r.status == RequestStatus.pending and r.starts_at]
    if not venue_requests:
        return {}
    others = db.session.scalars(
        select(AssetRequest)
        .where(
            AssetRequest.asset_id.in_({r.asset_id for r in venue_requests}),
            AssetRequest.status == RequestStatus.pending,
            AssetRequest.starts_at < max(r.ends_at for r in venue_requests),
            AssetRequest.ends_at > min(r.starts_at for r in venue_requests),
        )
        .options(selectinload(AssetRequest.requester_group))
    ).all()
    result: dict[int, list[AssetRequest]] = {}
    for request_row in venue_requests:
        clash = [
            o
            for o in others
            if o.id != request_row.id
            and o.asset_id == request_row.asset_id
            and o.starts_at < request_row.ends_at
            and o.ends_at > request_row.starts_at
        ]
        if clash:
            result[request_row.id] = clash
    return result


def check_slot(asset: SharedAsset, starts_at: datetime | None, ends_at: datetime | None) -> None:
    """Invalid unless the slot is well-formed, in the future, inside a weekly
    window and not on a blocked date (overlaps are checked separately)."""
    errors: dict[str, list[str]] = {}
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value is None:
            errors[field] = [_("This field is required.")]
        elif value.tzinfo is None:
            errors[field] = [_("Give the time with its offset, e.g. +09:00.")]
    if errors:
        raise Invalid(fields=errors)
    if ends_at <= starts_at:
        raise Invalid(fields={"ends_at": [_("The end must be after the start.")]})
    if starts_at <= utcnow():
        raise Invalid(fields={"starts_at": [_("The slot cannot be in the past.")]})
    start, end = starts_at.astimezone(TOKYO), ends_at.astimezone(TOKYO)
    if start.date() != end.date():
        raise Invalid(fields={"ends_at": [_("The slot must end on the day it starts.")]})
    if start.date().isoformat() in (asset.blocked_dates or []):
        raise Invalid(fields={"starts_at": [_("The venue is not available on this date.")]})
    fits = any(
        w["weekday"] == start.weekday()
        and clock_time(w["start"]) <= start.time()
        and end.time() <= clock_time(w["end"])
        for w in asset.availability or []
    )
    if not fits:
        raise Invalid(fields={"starts_at": [_("The slot is outside the venue's availability windows.")]})

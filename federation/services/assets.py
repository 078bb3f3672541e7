"""Shared assets (venues, PR channels, content production, speakers) and the
requests to use them, with the venue booking rule:

a venue slot lies in a weekly availability window (Asia/Tokyo), not on a
blocked date, not in the past, and never overlaps an accepted booking of the
same venue. Two acceptances that race are settled by the database on
PostgreSQL (the exclusion constraint `ex_asset_request_no_overlap`) and by
SQLite's one-writer-at-a-time transactions (BEGIN IMMEDIATE) elsewhere.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    AlumniGroup,
    AssetKind,
    AssetRequest,
    AssetStatus,
    ChannelType,
    ContentType,
    GroupOperator,
    RequestStatus,
    SharedAsset,
    User,
    utcnow,
)
from federation.security import (
    can_cancel_asset_request,
    can_decide_asset_request,
    can_manage_group,
    can_request_for_group,
    can_see_asset_request,
    is_member,
)
from federation.services import notifications
from federation.services.groups import like_pattern, operators_of, search_pattern
from federation.text import as_typed, is_kana, normalise

TOKYO = ZoneInfo("Asia/Tokyo")

COMMON_TEXT = {"title": 160, "description": 5000}
KIND_TEXT = {
    AssetKind.venue: {"area": 80, "address": 255, "equipment": 2000, "fee_note": 255, "house_rules": 2000},
    AssetKind.pr_channel: {"url": 500, "audience": 255},
    AssetKind.content: {},
    AssetKind.speaker: {
        "speaker_name": 120,
        "speaker_name_kana": 160,
        "speaker_title": 160,
        "topics": 500,
        "languages": 120,
        "bio": 3000,
    },
}
KIND_NUMBERS = {
    AssetKind.venue: ("capacity",),
    AssetKind.pr_channel: ("reach", "lead_time_days"),
    AssetKind.content: ("turnaround_days",),
    AssetKind.speaker: (),
}
KIND_REQUIRED = {
    AssetKind.venue: ("title", "area", "capacity", "availability"),
    AssetKind.pr_channel: ("title", "channel_type"),
    AssetKind.content: ("title", "content_type"),
    AssetKind.speaker: ("title", "speaker_name", "speaker_name_kana"),
}


# --- availability windows ---------------------------------------------------------

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


def _time(value: str) -> time | None:
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


def _clean_windows(windows, errors: dict) -> list[dict]:
    cleaned = []
    for window in windows or []:
        try:
            weekday = int(window["weekday"])
            start, end = _time(str(window["start"])), _time(str(window["end"]))
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


# --- reading ----------------------------------------------------------------------


def assets_query(
    viewer: User | None,
    *,
    kind: str = "",
    group: str = "",
    q: str = "",
    area: str = "",
    min_capacity: int | None = None,
    topic: str = "",
):
    """Available assets across groups, for signed-in members."""
    if not is_member(viewer):
        raise NotFound()
    query = (
        select(SharedAsset)
        .join(SharedAsset.group)
        .where(SharedAsset.status == AssetStatus.active)
        .options(contains_eager(SharedAsset.group))  # the join above loads it
        .order_by(SharedAsset.kind, AlumniGroup.sort_key, SharedAsset.id)
    )
    if kind in AssetKind.__members__:
        query = query.where(SharedAsset.kind == AssetKind(kind))
    if group:
        query = query.where(AlumniGroup.slug == group)
    pattern = search_pattern(q)
    if pattern:
        # One LIKE over the asset's folded text; the groups' names are matched
        # once against the groups' folded text, not once per asset.
        named_groups = (
            select(AlumniGroup.id).where(AlumniGroup.search_text.like(pattern, escape="\\")).correlate(None)
        )
        query = query.where(
            or_(SharedAsset.search_text.like(pattern, escape="\\"), SharedAsset.group_id.in_(named_groups))
        )
    for raw, columns in (
        (area, (SharedAsset.area, SharedAsset.address)),
        (topic, (SharedAsset.topics, SharedAsset.title, SharedAsset.bio)),
    ):
        pattern = like_pattern(raw)
        if pattern:
            query = query.where(or_(*[func.lower(c).like(pattern, escape="\\") for c in columns]))
    if min_capacity:
        query = query.where(SharedAsset.capacity >= min_capacity)
    return query


def group_assets(group: AlumniGroup, include_paused: bool) -> list[SharedAsset]:
    statuses = [AssetStatus.active, AssetStatus.paused] if include_paused else [AssetStatus.active]
    return list(
        db.session.scalars(
            select(SharedAsset)
            .where(SharedAsset.group_id == group.id, SharedAsset.status.in_(statuses))
            .order_by(SharedAsset.kind, SharedAsset.id)
        )
    )


def get_asset(viewer: User | None, asset_id: int) -> SharedAsset:
    """Members see active assets, and a group's own operators its paused ones."""
    asset = db.session.get(SharedAsset, asset_id)
    if asset is None or not is_member(viewer) or asset.status == AssetStatus.removed:
        raise NotFound()
    if asset.status == AssetStatus.paused and not can_manage_group(viewer, asset.group):
        raise NotFound()
    return asset


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


# --- managing assets --------------------------------------------------------------


def _clean_asset(kind: AssetKind, data: dict, creating: bool) -> dict:
    errors: dict[str, list[str]] = {}
    changes: dict = {}
    for field, limit in {**COMMON_TEXT, **KIND_TEXT[kind]}.items():
        if field not in data:
            continue
        value = (
            as_typed(data[field] or "") if len(str(data[field] or "")) <= 200 else str(data[field]).strip()
        )
        if len(value) > limit:
            errors[field] = [_("Use at most %(n)d characters.", n=limit)]
        elif field == "speaker_name_kana" and value and not is_kana(value):
            errors[field] = [_("Use hiragana or katakana only.")]
        elif field == "url" and value and not value.startswith(("https://", "http://")):
            errors[field] = [_("Enter an address starting with https://.")]
        else:
            changes[field] = value
    for field in KIND_NUMBERS[kind]:
        if field in data:
            value = data[field]
            if value is not None and (
                not isinstance(value, int) or value < (1 if field == "capacity" else 0) or value > 10_000_000
            ):
                errors[field] = [_("Enter a number of %(n)d or more.", n=1 if field == "capacity" else 0)]
            else:
                changes[field] = value
    if kind == AssetKind.venue:
        if "is_free" in data:
            changes["is_free"] = bool(data["is_free"])
        if "availability" in data:
            changes["availability"] = _clean_windows(data["availability"], errors)
        if "blocked_dates" in data:
            try:
                changes["blocked_dates"] = sorted(
                    {date.fromisoformat(str(d)).isoformat() for d in data["blocked_dates"] or []}
                )
            except ValueError:
                errors["blocked_dates"] = [_("Write dates as YYYY-MM-DD: %(value)s", value="")]
    for field, enum_cls, wanted in (
        ("channel_type", ChannelType, AssetKind.pr_channel),
        ("content_type", ContentType, AssetKind.content),
    ):
        if kind == wanted and field in data:
            value = getattr(data[field], "value", data[field])
            if value in (None, ""):
                changes[field] = None
            elif value not in enum_cls.__members__:
                errors[field] = [_("Choose from the list.")]
            else:
                changes[field] = enum_cls(value)
    if kind == AssetKind.speaker and "consent_confirmed" in data:
        if not data["consent_confirmed"]:
            errors["consent_confirmed"] = [_("Confirm that the speaker agreed to be listed.")]
        changes["consent_confirmed"] = bool(data["consent_confirmed"])
    elif kind == AssetKind.speaker and creating:
        errors["consent_confirmed"] = [_("Confirm that the speaker agreed to be listed.")]
    for field in KIND_REQUIRED[kind]:
        if field in errors:
            continue
        if (creating or field in data) and changes.get(field) in (None, "", []):
            errors[field] = [_("This field is required.")]
    if errors:
        raise Invalid(fields=errors)
    return changes


def _apply(asset: SharedAsset, changes: dict) -> None:
    consent = changes.pop("consent_confirmed", None)
    for field, value in changes.items():
        setattr(asset, field, value)
    if consent and asset.consent_confirmed_at is None:
        asset.consent_confirmed_at = utcnow()


def create_asset(actor: User, group: AlumniGroup, kind: str | AssetKind, data: dict) -> SharedAsset:
    if not can_manage_group(actor, group):
        raise Forbidden()
    if getattr(kind, "value", kind) not in AssetKind.__members__:
        raise Invalid(fields={"kind": [_("Choose from the list.")]})
    kind = AssetKind(getattr(kind, "value", kind))
    changes = _clean_asset(kind, data, creating=True)
    asset = SharedAsset(group=group, kind=kind, status=AssetStatus.active)
    _apply(asset, changes)
    db.session.add(asset)
    db.session.flush()
    return asset


def update_asset(actor: User, asset: SharedAsset, data: dict) -> SharedAsset:
    if not can_manage_group(actor, asset.group):
        raise Forbidden()
    if asset.status == AssetStatus.removed:
        raise NotFound()
    changes = _clean_asset(asset.kind, data, creating=False)
    if "status" in data:
        value = getattr(data["status"], "value", data["status"])
        if value not in ("active", "paused"):
            raise Invalid(fields={"status": [_("Choose from the list.")]})
        changes["status"] = AssetStatus(value)
    _apply(asset, changes)
    db.session.flush()
    return asset


def set_paused(actor: User, asset: SharedAsset, paused: bool) -> SharedAsset:
    return update_asset(actor, asset, {"status": "paused" if paused else "active"})


def remove_asset(actor: User, asset: SharedAsset) -> None:
    """Removed assets leave the lists; their request history stays, so the
    give-first balance is kept. Waiting requests are declined."""
    if not can_manage_group(actor, asset.group):
        raise Forbidden()
    if asset.status == AssetStatus.removed:
        raise NotFound()
    asset.status = AssetStatus.removed
    pending = db.session.scalars(
        select(AssetRequest).where(
            AssetRequest.asset_id == asset.id, AssetRequest.status == RequestStatus.pending
        )
    )
    for asset_request in pending:
        asset_request.status = RequestStatus.declined
        asset_request.decided_by = actor
        asset_request.decided_at = utcnow()
        asset_request.response_message = _("The asset was removed.")
        _mail_requester(asset_request, "asset_request_declined")
    db.session.flush()


# --- requests -----------------------------------------------------------------------


def _overlapping(
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
            opens, closes = _time(str(window["start"])), _time(str(window["end"]))
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


def _slot_taken(asset: SharedAsset, taken: AssetRequest, starts_at: datetime, ends_at: datetime) -> str:
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
        and _time(w["start"]) <= start.time()
        and end.time() <= _time(w["end"])
        for w in asset.availability or []
    )
    if not fits:
        raise Invalid(fields={"starts_at": [_("The slot is outside the venue's availability windows.")]})


def request_asset(
    actor: User,
    asset: SharedAsset,
    requester_group: AlumniGroup | None,
    *,
    message: str = "",
    joint_event: str = "",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> AssetRequest:
    """An operator of another group asks to use the asset."""
    if requester_group is None:
        raise Invalid(fields={"group": [_("Choose the group you ask for.")]})
    if not can_request_for_group(actor, requester_group):
        raise Forbidden()
    if requester_group.id == asset.group_id:
        raise Invalid(fields={"group": [_("A group cannot ask for its own asset.")]})
    if asset.status != AssetStatus.active:
        raise Conflict(_("This asset is not available at the moment."))
    message, joint_event = (message or "").strip(), as_typed(joint_event or "")
    errors = {}
    if len(message) > 3000:
        errors["message"] = [_("Use at most %(n)d characters.", n=3000)]
    if len(joint_event) > 200:
        errors["joint_event"] = [_("Use at most %(n)d characters.", n=200)]
    if errors:
        raise Invalid(fields=errors)
    if asset.kind == AssetKind.venue:
        check_slot(asset, starts_at, ends_at)
        taken = _overlapping(asset, starts_at, ends_at)
        if taken is not None:
            raise Conflict(
                _("This slot overlaps a booking that is already accepted."),
                fields={"starts_at": [_slot_taken(asset, taken, starts_at, ends_at)]},
            )
    else:
        starts_at = ends_at = None
    asset_request = AssetRequest(
        asset=asset,
        requester_group=requester_group,
        requested_by=actor,
        message=message,
        joint_event=joint_event,
        starts_at=starts_at,
        ends_at=ends_at,
        status=RequestStatus.pending,
    )
    db.session.add(asset_request)
    db.session.flush()
    _mail_owners(asset_request, "asset_request_new")
    return asset_request


def _locked(asset_request: AssetRequest) -> AssetRequest:
    """Re-read the request with a row lock (PostgreSQL), so that two answers to
    one request are settled one after the other."""
    return db.session.scalar(
        select(AssetRequest)
        .where(AssetRequest.id == asset_request.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _answer_message(message: str) -> str:
    message = (message or "").strip()
    if len(message) > 3000:
        raise Invalid(fields={"message": [_("Use at most %(n)d characters.", n=3000)]})
    return message


def _pending_for_answer(actor: User, asset_request: AssetRequest, message: str) -> tuple[AssetRequest, str]:
    """The owner's answer: allowed, message valid, request locked and still pending."""
    if not can_decide_asset_request(actor, asset_request):
        raise Forbidden()
    message = _answer_message(message)
    asset_request = _locked(asset_request)
    if asset_request.status != RequestStatus.pending:
        raise Conflict(_("This request has already been answered or cancelled."))
    return asset_request, message


def accept_request(actor: User, asset_request: AssetRequest, message: str = "") -> AssetRequest:
    asset_request, message = _pending_for_answer(actor, asset_request, message)
    asset = asset_request.asset
    if asset.status != AssetStatus.active:
        raise Conflict(_("This asset is not available at the moment."))
    if asset.kind == AssetKind.venue:
        if asset_request.starts_at <= utcnow():
            raise Conflict(_("The slot has already begun."))
        taken = _overlapping(
            asset, asset_request.starts_at, asset_request.ends_at, exclude_id=asset_request.id
        )
        if taken is not None:
            raise Conflict(
                _("This slot overlaps a booking that is already accepted.")
                + " "
                + _slot_taken(asset, taken, asset_request.starts_at, asset_request.ends_at)
                + " "
                + _("Decline this request with that suggestion.")
            )
    try:
        # The savepoint opens before the change (begin_nested flushes first),
        # so a refused UPDATE rolls back to it and nothing else is lost.
        with db.session.begin_nested():
            asset_request.status = RequestStatus.accepted
            asset_request.response_message = message
            asset_request.decided_by = actor
            asset_request.decided_at = utcnow()
            db.session.flush()
    except IntegrityError:
        # PostgreSQL: another acceptance of an overlapping slot committed first.
        raise Conflict(_("This slot overlaps a booking that is already accepted.")) from None
    _mail_requester(asset_request, "asset_request_accepted")
    return asset_request


def decline_request(actor: User, asset_request: AssetRequest, message: str = "") -> AssetRequest:
    asset_request, message = _pending_for_answer(actor, asset_request, message)
    asset_request.status = RequestStatus.declined
    asset_request.response_message = message
    asset_request.decided_by = actor
    asset_request.decided_at = utcnow()
    db.session.flush()
    _mail_requester(asset_request, "asset_request_declined")
    return asset_request


def cancel_request(actor: User, asset_request: AssetRequest, message: str = "") -> AssetRequest:
    """The requester withdraws a waiting request, or cancels an accepted one
    before it begins (the slot is freed)."""
    if not can_cancel_asset_request(actor, asset_request):
        raise Forbidden()
    message = _answer_message(message)
    asset_request = _locked(asset_request)
    if asset_request.status not in (RequestStatus.pending, RequestStatus.accepted):
        raise Conflict(_("This request has already been answered or cancelled."))
    if (
        asset_request.status == RequestStatus.accepted
        and asset_request.starts_at is not None
        and asset_request.starts_at <= utcnow()
    ):
        raise Conflict(_("The slot has already begun."))
    asset_request.status = RequestStatus.cancelled
    if message:
        asset_request.message = (asset_request.message + "\n\n" + message).strip()
    db.session.flush()
    _mail_owners(asset_request, "asset_request_cancelled")
    return asset_request


def get_request(viewer: User, request_id: int) -> AssetRequest:
    asset_request = db.session.get(AssetRequest, request_id)
    if asset_request is None or not can_see_asset_request(viewer, asset_request):
        raise NotFound()
    return asset_request


def requests_query(actor: User, box: str = "incoming"):
    """Requests to my groups' assets (incoming) or from my groups (outgoing)."""
    if not is_member(actor):
        raise NotFound()  # shared assets are members-only, their requests too
    mine = select(GroupOperator.group_id).where(GroupOperator.user_id == actor.id)
    query = (
        select(AssetRequest)
        .join(AssetRequest.asset)
        .options(
            selectinload(AssetRequest.asset).selectinload(SharedAsset.group),
            selectinload(AssetRequest.requester_group),
            selectinload(AssetRequest.requested_by),
        )
        .order_by(AssetRequest.created_at.desc(), AssetRequest.id.desc())
    )
    if box == "outgoing":
        return query.where(AssetRequest.requester_group_id.in_(mine))
    return query.where(SharedAsset.group_id.in_(mine))


# --- mails ----------------------------------------------------------------------------


_KINDS = {
    "asset_request_new": notifications.ASSET_REQUEST_NEW,
    "asset_request_cancelled": notifications.ASSET_REQUEST_CANCELLED,
    "asset_request_accepted": notifications.ASSET_REQUEST_ANSWERED,
    "asset_request_declined": notifications.ASSET_REQUEST_ANSWERED,
}


def _mail(users: list[User], template: str, asset_request: AssetRequest) -> None:
    link = external_url(
        "assets.requests",
        box="incoming" if template in ("asset_request_new", "asset_request_cancelled") else "outgoing",
    )
    for user in users:
        notifications.notify(
            user,
            _KINDS[template],
            template=template,
            request=asset_request,
            asset=asset_request.asset,
            link=link,
        )


def _mail_owners(asset_request: AssetRequest, template: str) -> None:
    _mail(operators_of(asset_request.asset.group_id), template, asset_request)


def _mail_requester(asset_request: AssetRequest, template: str) -> None:
    person = asset_request.requested_by
    users = (
        [person]
        if person is not None and person.is_active
        else operators_of(asset_request.requester_group_id)
    )
    _mail(users, template, asset_request)

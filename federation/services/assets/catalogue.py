"""Shared assets (venues, PR channels, content production, speakers): the
catalogue across groups with its search, and a group's managing of its own."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from federation import listcache
from federation.errors import Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.models import (
    AlumniGroup,
    AssetKind,
    AssetRequest,
    AssetStatus,
    ChannelType,
    ContentType,
    RequestStatus,
    SharedAsset,
    User,
    utcnow,
)
from federation.permissions import can_manage_group, is_member
from federation.services.assets.availability import clean_windows
from federation.services.assets.mails import mail_requester
from federation.services.groups.search import like_pattern, search_pattern
from federation.text import as_typed, is_kana

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


# The catalogue (the page and the API) reads these, and is cached by them.
CATALOGUE_LIST = listcache.register("asset-catalogue", ("shared_asset", "alumni_group"))


def catalogue_scope(viewer: User | None) -> tuple:
    """What decides what the viewer's catalogue holds: members see every
    active asset, anyone else nothing (the list answers 404)."""
    return (is_member(viewer),)


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
            changes["availability"] = clean_windows(data["availability"], errors)
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
        mail_requester(asset_request, "asset_request_declined")
    db.session.flush()

"""The venue and speakers of a joint event, asked for through the registry's
asset requests (services/assets.py)."""

from __future__ import annotations

from flask_babel import gettext as _

from federation.errors import Conflict, Forbidden, Invalid
from federation.extensions import db
from federation.models import (
    AssetKind,
    AssetRequest,
    EventSpeaker,
    EventStatus,
    HostStatus,
    JointEvent,
    SharedAsset,
    User,
)
from federation.permissions import can_manage_event, can_manage_group


def _request_asset(
    actor: User, event: JointEvent, asset: SharedAsset, kind: AssetKind, message: str
) -> AssetRequest:
    from federation.services import assets

    if not can_manage_event(actor, event):
        raise Forbidden()
    if event.status in (EventStatus.completed, EventStatus.cancelled):
        raise Conflict(_("A completed or cancelled event cannot be changed."))
    if asset.kind != kind:
        raise Invalid(fields={"asset": [_("Choose from the list.")]})
    groups = [
        h.group
        for h in event.hosts
        if h.status == HostStatus.confirmed
        and can_manage_group(actor, h.group)
        and h.group_id != asset.group_id
    ]
    if not groups:
        raise Invalid(fields={"asset": [_("A group cannot ask for its own asset.")]})
    return assets.request_asset(
        actor,
        asset,
        groups[0],
        message=message,
        joint_event=event.title_for("ja")[:200],
        starts_at=event.starts_at if kind == AssetKind.venue else None,
        ends_at=event.ends_at if kind == AssetKind.venue else None,
    )


def request_venue(actor: User, event: JointEvent, asset: SharedAsset, message: str = "") -> AssetRequest:
    """Book a registry venue for the event's slot (the owner accepts it)."""
    asset_request = _request_asset(actor, event, asset, AssetKind.venue, message)
    event.venue_request = asset_request
    event.sequence += 1
    db.session.flush()
    return asset_request


def request_speaker(actor: User, event: JointEvent, asset: SharedAsset, message: str = "") -> EventSpeaker:
    asset_request = _request_asset(actor, event, asset, AssetKind.speaker, message)
    speaker = EventSpeaker(event=event, asset_request=asset_request)
    db.session.add(speaker)
    db.session.flush()
    return speaker

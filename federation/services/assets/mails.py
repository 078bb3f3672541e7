"""Who is told of an asset request and with which notification."""

from __future__ import annotations

from federation.links import external_url
from federation.models import (
    AssetRequest,
    User,
)
from federation.services import notifications
from federation.services.groups.operators import operators_of

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


def mail_owners(asset_request: AssetRequest, template: str) -> None:
    _mail(operators_of(asset_request.asset.group_id), template, asset_request)


def mail_requester(asset_request: AssetRequest, template: str) -> None:
    person = asset_request.requested_by
    users = (
        [person]
        if person is not None and person.is_active
        else operators_of(asset_request.requester_group_id)
    )
    _mail(users, template, asset_request)

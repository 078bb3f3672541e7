"""The give-first balance: what a group gave and received through the
shared assets."""

from __future__ import annotations

from sqlalchemy import case, func, or_, select

from federation.extensions import db
from federation.models import (
    AlumniGroup,
    AssetKind,
    AssetRequest,
    RequestStatus,
    SharedAsset,
)


def give_balance(group: AlumniGroup) -> dict[str, dict[str, int]]:
    """Accepted requests by asset kind: what the group gave (its assets used by
    others) and what it received (others' assets it used), in one statement."""
    balance = {"given": {k.value: 0 for k in AssetKind}, "received": {k.value: 0 for k in AssetKind}}
    gave = SharedAsset.group_id == group.id
    received = AssetRequest.requester_group_id == group.id
    rows = db.session.execute(
        select(
            SharedAsset.kind,
            func.sum(case((gave, 1), else_=0)),
            func.sum(case((received, 1), else_=0)),
        )
        .join(AssetRequest.asset)
        .where(AssetRequest.status == RequestStatus.accepted, or_(gave, received))
        .group_by(SharedAsset.kind)
    )
    for kind, given_count, received_count in rows:
        balance["given"][kind.value] = int(given_count or 0)
        balance["received"][kind.value] = int(received_count or 0)
    return balance

"""The give-first balance: what a group gave and received through the
shared assets."""

from __future__ import annotations

from sqlalchemy import func, select

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
    others) and what it received (others' assets it used)."""
    balance = {"given": {k.value: 0 for k in AssetKind}, "received": {k.value: 0 for k in AssetKind}}
    accepted = AssetRequest.status == RequestStatus.accepted
    given = db.session.execute(
        select(SharedAsset.kind, func.count(AssetRequest.id))
        .join(AssetRequest.asset)
        .where(SharedAsset.group_id == group.id, accepted)
        .group_by(SharedAsset.kind)
    )
    received = db.session.execute(
        select(SharedAsset.kind, func.count(AssetRequest.id))
        .join(AssetRequest.asset)
        .where(AssetRequest.requester_group_id == group.id, accepted)
        .group_by(SharedAsset.kind)
    )
    for side, rows in (("given", given), ("received", received)):
        for kind, count in rows:
            balance[side][kind.value] = count
    return balance

"""Requests to use another group's asset: asking, the owner's answer, the
requester's cancellation, and the incoming and outgoing boxes."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.models import (
    AlumniGroup,
    AssetKind,
    AssetRequest,
    AssetStatus,
    GroupOperator,
    RequestStatus,
    SharedAsset,
    User,
    utcnow,
)
from federation.permissions import (
    can_cancel_asset_request,
    can_decide_asset_request,
    can_request_for_group,
    can_see_asset_request,
    is_member,
)
from federation.services.assets.bookings import check_slot, overlapping_booking, slot_taken_message
from federation.services.assets.mails import mail_owners, mail_requester
from federation.text import as_typed


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
        taken = overlapping_booking(asset, starts_at, ends_at)
        if taken is not None:
            raise Conflict(
                _("This slot overlaps a booking that is already accepted."),
                fields={"starts_at": [slot_taken_message(asset, taken, starts_at, ends_at)]},
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
    mail_owners(asset_request, "asset_request_new")
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


def request_actions(actor: User | None, asset_request: AssetRequest) -> frozenset[str]:
    """What `actor` may do with the request now: the owner accepts or
    declines a waiting one; the requester cancels a waiting one, or an
    accepted one before its slot begins. The requests page offers exactly these."""
    allowed: set[str] = set()
    status = asset_request.status
    if status == RequestStatus.pending and can_decide_asset_request(actor, asset_request):
        allowed |= {"accept", "decline"}
    begun = asset_request.starts_at is not None and asset_request.starts_at <= utcnow()
    if (
        status == RequestStatus.pending or (status == RequestStatus.accepted and not begun)
    ) and can_cancel_asset_request(actor, asset_request):
        allowed.add("cancel")
    return frozenset(allowed)


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
    # A venue request carries its slot (check_slot); the schema allows none.
    if asset.kind == AssetKind.venue and asset_request.starts_at and asset_request.ends_at:
        if asset_request.starts_at <= utcnow():
            raise Conflict(_("The slot has already begun."))
        taken = overlapping_booking(
            asset, asset_request.starts_at, asset_request.ends_at, exclude_id=asset_request.id
        )
        if taken is not None:
            raise Conflict(
                _("This slot overlaps a booking that is already accepted.")
                + " "
                + slot_taken_message(asset, taken, asset_request.starts_at, asset_request.ends_at)
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
    mail_requester(asset_request, "asset_request_accepted")
    return asset_request


def decline_request(actor: User, asset_request: AssetRequest, message: str = "") -> AssetRequest:
    asset_request, message = _pending_for_answer(actor, asset_request, message)
    asset_request.status = RequestStatus.declined
    asset_request.response_message = message
    asset_request.decided_by = actor
    asset_request.decided_at = utcnow()
    db.session.flush()
    mail_requester(asset_request, "asset_request_declined")
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
    mail_owners(asset_request, "asset_request_cancelled")
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

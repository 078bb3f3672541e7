"""API: asking to join a member group; the group's approvers decide."""

from __future__ import annotations

from flask import jsonify

from federation.blueprints.api.base import authenticated, bp, errors, paginate
from federation.errors import NotFound
from federation.extensions import db
from federation.schemas.base import PageQuerySchema, page_schema
from federation.schemas.memberships import (
    JoinDecisionSchema,
    JoinRequestConflictSchema,
    JoinRequestCreateSchema,
    JoinRequestDetailSchema,
    JoinRequestSchema,
)
from federation.services import membership

TAGS = ["memberships"]


def _group(actor, slug):
    from federation.services import groups

    try:
        return groups.get_group(actor, slug)
    except NotFound:
        return membership.joinable_group(actor, slug)


def _detail(actor, join_request):
    # An object for @bp.response to dump (dumping here too would dump twice).
    return membership.request_view(actor, join_request)


def _conflict(actor, error: membership.JoinRequestConflict):
    """409 in the error shape, with the existing request when there is one."""
    db.session.rollback()
    body: dict = {"error": {"code": error.code, "message": error.message, "fields": {}}}
    if error.existing is not None:
        existing = membership.get_request(actor, error.existing.id)
        body["join_request"] = JoinRequestDetailSchema().dump(_detail(actor, existing))
    response = jsonify(body)
    response.status_code = 409
    return response


@bp.route("/groups/<slug>/join-requests", methods=["GET"])
@authenticated()
@bp.arguments(PageQuerySchema, location="query")
@bp.response(200, page_schema(JoinRequestSchema))
@errors(404, 422)
@bp.doc(summary="Join requests to a group (approvers: the queue; others: their own)", tags=TAGS)
def list_join_requests(args, slug, actor):
    group = _group(actor, slug)
    return paginate(membership.group_requests_query(actor, group), args)


@bp.route("/groups/<slug>/join-requests", methods=["POST"])
@authenticated()
@bp.arguments(JoinRequestCreateSchema)
@bp.response(201, JoinRequestDetailSchema)
@bp.alt_response(
    409,
    schema=JoinRequestConflictSchema,
    description="Already asked (with the existing request), or not open",
)
@errors(400, 403, 404, 422)
@bp.doc(summary="Ask to join a member group", tags=TAGS)
def create_join_request(data, slug, actor):
    group = membership.joinable_group(actor, slug)
    try:
        join_request = membership.ask_to_join(actor, group, data["answers"])
    except membership.JoinRequestConflict as error:
        return _conflict(actor, error)
    return _detail(actor, join_request)


@bp.route("/join-requests/<int:request_id>", methods=["GET"])
@authenticated()
@bp.response(200, JoinRequestDetailSchema)
@errors(404)
@bp.doc(summary="One join request (the asker and the group's approvers)", tags=TAGS)
def get_join_request(request_id, actor):
    return _detail(actor, membership.get_request(actor, request_id))


def _decide(actor, request_id, name, message=""):
    join_request = membership.get_request(actor, request_id)
    try:
        if name == "withdraw":
            membership.withdraw(actor, join_request)
        else:
            service = membership.approve if name == "approve" else membership.decline
            service(actor, join_request, message)
    except membership.JoinRequestConflict as error:
        return _conflict(actor, error)
    return _detail(actor, join_request)


@bp.route("/join-requests/<int:request_id>/approve", methods=["POST"])
@authenticated()
@bp.arguments(JoinDecisionSchema, required=False)
@bp.response(200, JoinRequestDetailSchema)
@bp.alt_response(409, schema=JoinRequestConflictSchema, description="Already decided")
@errors(400, 403, 404, 422)
@bp.doc(summary="Approve (the group's approvers); the person becomes a member", tags=TAGS)
def approve_join_request(data, request_id, actor):
    return _decide(actor, request_id, "approve", (data or {}).get("message", ""))


@bp.route("/join-requests/<int:request_id>/decline", methods=["POST"])
@authenticated()
@bp.arguments(JoinDecisionSchema, required=False)
@bp.response(200, JoinRequestDetailSchema)
@bp.alt_response(409, schema=JoinRequestConflictSchema, description="Already decided")
@errors(400, 403, 404, 422)
@bp.doc(summary="Decline with a message (the group's approvers)", tags=TAGS)
def decline_join_request(data, request_id, actor):
    return _decide(actor, request_id, "decline", (data or {}).get("message", ""))


@bp.route("/join-requests/<int:request_id>/withdraw", methods=["POST"])
@authenticated()
@bp.response(200, JoinRequestDetailSchema)
@bp.alt_response(409, schema=JoinRequestConflictSchema, description="Already decided")
@errors(403, 404)
@bp.doc(summary="Withdraw my request", tags=TAGS)
def withdraw_join_request(request_id, actor):
    return _decide(actor, request_id, "withdraw")

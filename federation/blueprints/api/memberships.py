"""API: asking to join a member group; the group's approvers decide."""
from __future__ import annotations

from flask import jsonify

from federation.blueprints.api import operation
from federation.errors import NotFound
from federation.extensions import db
from federation.schemas.memberships import (JoinDecisionSchema, JoinRequestCreateSchema,
                                            JoinRequestDetailSchema, JoinRequestSchema)
from federation.services import membership


def _group(actor, slug):
    from federation.services import groups

    try:
        return groups.get_group(actor, slug)
    except NotFound:
        return membership.joinable_group(actor, slug)


def _detail(actor, join_request) -> dict:
    body = JoinRequestDetailSchema().dump(join_request)
    if not membership.may_see_birth_date(actor, join_request):
        body["birth_date"] = None
    body["actions"] = sorted(membership.allowed_actions(actor, join_request))
    return body


def _conflict(actor, error: membership.JoinRequestConflict):
    """409 in the error shape, with the existing request when there is one."""
    db.session.rollback()
    body = {"error": {"code": error.code, "message": error.message, "fields": {}}}
    if error.existing is not None:
        existing = membership.get_request(actor, error.existing.id)
        body["join_request"] = _detail(actor, existing)
    response = jsonify(body)
    response.status_code = 409
    return response


@operation("/groups/<slug>/join-requests", summary="Join requests to a group (approvers: the "
           "queue; others: their own)", tag="memberships", response=JoinRequestSchema,
           paginated=True, errors=(404,))
def list_join_requests(actor, slug):
    group = _group(actor, slug)
    return membership.group_requests_query(actor, group)


@operation("/groups/<slug>/join-requests", "POST", summary="Ask to join a member group",
           tag="memberships", body=JoinRequestCreateSchema, response=JoinRequestDetailSchema,
           status=201, errors=(403, 404, 409))
def create_join_request(actor, slug, data):
    group = membership.joinable_group(actor, slug)
    try:
        join_request = membership.ask_to_join(actor, group, data["answers"])
    except membership.JoinRequestConflict as error:
        return _conflict(actor, error)
    db.session.commit()
    response = jsonify(_detail(actor, join_request))
    response.status_code = 201
    return response


@operation("/join-requests/<int:request_id>", summary="One join request (the asker and the "
           "group's approvers)", tag="memberships", response=JoinRequestDetailSchema,
           errors=(404,))
def get_join_request(actor, request_id):
    return jsonify(_detail(actor, membership.get_request(actor, request_id)))


def _decide(name):
    def view(actor, request_id, data=None):
        join_request = membership.get_request(actor, request_id)
        try:
            if name == "withdraw":
                membership.withdraw(actor, join_request)
            else:
                service = membership.approve if name == "approve" else membership.decline
                service(actor, join_request, data["message"])
        except membership.JoinRequestConflict as error:
            return _conflict(actor, error)
        db.session.commit()
        return jsonify(_detail(actor, join_request))

    view.__name__ = f"{name}_join_request"
    return view


for _name, _summary, _body in (
        ("approve", "Approve (the group's approvers); the person becomes a member", True),
        ("decline", "Decline with a message (the group's approvers)", True),
        ("withdraw", "Withdraw my request", False)):
    operation(f"/join-requests/<int:request_id>/{_name}", "POST", summary=_summary,
              tag="memberships", body=JoinDecisionSchema if _body else None,
              response=JoinRequestDetailSchema, errors=(403, 404, 409))(_decide(_name))

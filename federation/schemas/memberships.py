"""Schemas of join requests (asking to join a member group). Pure: no
queries, no request state; who may see the birth date is the handler's call."""

from __future__ import annotations

from marshmallow import validate

from federation.models import JoinRequestStatus, limits
from federation.schemas import fields
from federation.schemas.base import ApiSchema, ErrorBodySchema, Str, enum_field


class JoinRequestCreateSchema(ApiSchema):
    # {question key: answer}; the group's questions decide which keys count.
    answers = fields.Dict(
        keys=Str(validate=validate.Length(max=40)),
        values=Str(validate=validate.Length(max=limits.JOIN_ANSWER)),
        load_default=dict,
        validate=validate.Length(max=20),
    )


class JoinDecisionSchema(ApiSchema):
    message = Str(load_default="", validate=validate.Length(max=limits.SHORT_MESSAGE))


class JoinRequestSchema(ApiSchema):
    id = fields.Integer()
    group = fields.Function(lambda r: r.group.slug)
    person = fields.Function(lambda r: {"id": r.user_id, "name": r.user.display_name})
    status = enum_field(JoinRequestStatus)
    answers = fields.Dict(keys=fields.String(), values=fields.String())
    created_at = fields.AwareDateTime()
    decided_at = fields.AwareDateTime(allow_none=True)
    decision_message = fields.String()


class JoinRequestDetailSchema(JoinRequestSchema):
    # Only filled for the group's approvers (None once the request is decided).
    birth_date = fields.Date(allow_none=True)
    actions = fields.List(fields.String())


class JoinRequestConflictSchema(ApiSchema):
    """409: the error shape, plus the existing request when there is one."""

    error = fields.Nested(ErrorBodySchema, required=True)
    join_request = fields.Nested(JoinRequestDetailSchema)

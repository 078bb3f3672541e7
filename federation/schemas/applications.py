"""Marshmallow schemas of the operator applications API."""
from __future__ import annotations

from marshmallow import validate

from federation.models import (CRITERIA, Audience, GovernanceType, Involvement,
                               MembershipScope, Purpose)
from federation.schemas import fields
from federation.schemas.base import ApiSchema


def _one_of(enum_cls):
    return validate.OneOf([m.value for m in enum_cls])


class EventExampleSchema(ApiSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    held_on = fields.Date(required=True)
    attendance = fields.Integer(allow_none=True, validate=validate.Range(min=0))


class CriterionSchema(ApiSchema):
    key = fields.String(metadata={"enum": list(CRITERIA)})
    verdict = fields.String(metadata={"enum": ["pass", "fail", "review"]})
    reason = fields.String(metadata={"description": "Why, and what would change it; in the "
                                                    "caller's language."})
    overridden = fields.Boolean()


class ApplicationInSchema(ApiSchema):
    group = fields.String(allow_none=True, metadata={
        "description": "Slug of a member group (a second operator); omit for a new group."})
    name_ja = fields.String(validate=validate.Length(max=120))
    name_en = fields.String(validate=validate.Length(max=120))
    name_kana = fields.String(validate=validate.Length(max=160))
    company_name = fields.String(validate=validate.Length(max=120))
    founded_on = fields.Date(allow_none=True)
    platforms = fields.String(validate=validate.Length(max=2000))
    registered_members = fields.Integer(validate=validate.Range(min=0, max=1_000_000))
    members_counted_on = fields.Date(allow_none=True)
    events_last_12_months = fields.Integer(validate=validate.Range(min=0, max=1_000_000))
    event_examples = fields.List(fields.Nested(EventExampleSchema),
                                 validate=validate.Length(max=10))
    governance_type = fields.String(validate=_one_of(GovernanceType))
    liaison_department = fields.String(validate=validate.Length(max=160))
    liaison_email = fields.String(validate=validate.Length(max=254))
    membership_scope = fields.String(validate=_one_of(MembershipScope))
    admits_outsiders = fields.Boolean()
    audience = fields.String(validate=_one_of(Audience))
    purpose = fields.String(validate=_one_of(Purpose))
    operating_since = fields.Date(required=True)
    involvement = fields.String(required=True, validate=_one_of(Involvement))
    role_description = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class ApplicationSchema(ApiSchema):
    id = fields.Integer()
    status = fields.Function(lambda a: a.status.value)
    applicant_id = fields.Integer()
    group = fields.Function(lambda a: a.group.slug if a.group else None)
    name_ja = fields.String()
    name_en = fields.String()
    company_name = fields.String()
    submitted_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    assessment = fields.Method("dump_assessment")

    def dump_assessment(self, application):
        from federation.services.applications import assessment_of

        return CriterionSchema(many=True).dump(assessment_of(application))


class DecisionSchema(ApiSchema):
    decision = fields.String(required=True,
                             validate=validate.OneOf(["approve", "reject", "request_info"]))
    message = fields.String(required=True, validate=validate.Length(min=1, max=8000))
    note = fields.String(validate=validate.Length(max=4000))

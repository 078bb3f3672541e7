"""Marshmallow schemas of the operator applications API."""

from __future__ import annotations

from marshmallow import validate

from federation.models import (
    CRITERIA,
    ApplicationStatus,
    Audience,
    GovernanceType,
    Involvement,
    MembershipScope,
    Purpose,
    limits,
)
from federation.schemas import fields
from federation.schemas.base import ApiSchema, Day, Int, PageQuerySchema, Str, enum_field, one_of

_one_of = one_of


class EventExampleSchema(ApiSchema):
    title = Str(required=True, validate=validate.Length(min=1, max=limits.TITLE))
    held_on = Day(required=True)
    attendance = Int(allow_none=True, validate=validate.Range(min=0))


class CriterionSchema(ApiSchema):
    key = Str(metadata={"enum": list(CRITERIA)})
    verdict = Str(metadata={"enum": ["pass", "fail", "review"]})
    reason = Str(metadata={"description": "Why, and what would change it; in the caller's language."})
    overridden = fields.Boolean()
    automatic = Str(
        metadata={"enum": ["pass", "fail", "review"], "description": "the automatic verdict, when overridden"}
    )


class ApplicationInSchema(ApiSchema):
    group = Str(
        allow_none=True,
        metadata={"description": "Slug of a member group (a second operator); omit for a new group."},
    )
    name_ja = Str(validate=validate.Length(max=limits.GROUP_NAME))
    name_en = Str(validate=validate.Length(max=limits.GROUP_NAME))
    name_kana = Str(validate=validate.Length(max=limits.GROUP_NAME_KANA))
    company_name = Str(validate=validate.Length(max=limits.COMPANY_NAME))
    founded_on = Day(allow_none=True)
    platforms = Str(validate=validate.Length(max=limits.PLATFORMS))
    registered_members = Int(validate=validate.Range(min=0, max=1_000_000))
    members_counted_on = Day(allow_none=True)
    events_last_12_months = Int(validate=validate.Range(min=0, max=1_000_000))
    event_examples = fields.List(fields.Nested(EventExampleSchema), validate=validate.Length(max=10))
    governance_type = Str(validate=_one_of(GovernanceType))
    liaison_department = Str(validate=validate.Length(max=limits.APPLICATION_LIAISON_DEPARTMENT))
    liaison_email = Str(validate=validate.Length(max=limits.EMAIL))
    membership_scope = Str(validate=_one_of(MembershipScope))
    admits_outsiders = fields.Boolean()
    audience = Str(validate=_one_of(Audience))
    purpose = Str(validate=_one_of(Purpose))
    operating_since = Day(required=True)
    involvement = Str(required=True, validate=_one_of(Involvement))
    role_description = Str(required=True, validate=validate.Length(min=1, max=limits.ROLE_DESCRIPTION))


class ApplicationSchema(ApiSchema):
    """An application; `assessment` comes from services.applications.application_views."""

    id = Int()
    status = enum_field(ApplicationStatus)
    applicant_id = Int()
    group = Str(attribute="group.slug", allow_none=True)
    name_ja = Str()
    name_en = Str()
    company_name = Str()
    submitted_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    assessment = fields.List(fields.Nested(CriterionSchema))


class ApplicationQuerySchema(PageQuerySchema):
    status = Str(load_default="", validate=one_of(ApplicationStatus))


class DecisionSchema(ApiSchema):
    decision = Str(required=True, validate=validate.OneOf(["approve", "reject", "request_info"]))
    message = Str(required=True, validate=validate.Length(min=1, max=limits.DECISION_MESSAGE))
    note = Str(validate=validate.Length(max=limits.REVIEW_NOTE))

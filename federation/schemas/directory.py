"""API schemas of the co-creation directory and introductions."""
from __future__ import annotations

from marshmallow import validate

from federation.schemas import fields
from federation.schemas.base import ApiSchema


class NeedSchema(ApiSchema):
    need = fields.Function(lambda n: n.need.value)
    side = fields.Function(lambda n: n.side.value)
    detail = fields.String()


class ProfileSchema(ApiSchema):
    """A profile as the caller may see it: hidden fields are null."""

    id = fields.Integer()
    name = fields.String()
    name_kana = fields.String()
    organisation = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    industries = fields.List(fields.String(), allow_none=True)
    skills = fields.String(allow_none=True)
    bio = fields.String(allow_none=True)
    affiliations = fields.Function(
        lambda v: None if v.affiliations is None else [g.slug for g in v.affiliations])
    offers = fields.List(fields.Nested(NeedSchema))
    asks = fields.List(fields.Nested(NeedSchema))


class ReasonSchema(ApiSchema):
    mine = fields.Function(lambda r: {"need": r[0].need.value, "side": r[0].side.value})
    theirs = fields.Function(lambda r: {"need": r[1].need.value, "side": r[1].side.value,
                                        "detail": r[1].detail})


class MatchSchema(ApiSchema):
    profile = fields.Nested(ProfileSchema, attribute="view")
    other_company = fields.Boolean()
    score = fields.Integer()
    reasons = fields.List(fields.Nested(ReasonSchema))


class IntroductionCreateSchema(ApiSchema):
    profile_id = fields.Integer(required=True)
    message = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class IntroductionSchema(ApiSchema):
    id = fields.Integer()
    status = fields.Function(lambda i: i.status.value)
    message = fields.String()
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)

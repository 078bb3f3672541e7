"""API schemas of the co-creation directory and introductions. Profiles are
dumped from the ProfileView a service built for the viewer."""

from __future__ import annotations

from marshmallow import validate

from federation.models import IntroductionStatus, NeedPair, Side, limits
from federation.schemas import fields
from federation.schemas.base import ApiSchema, Int, PageQuerySchema, Str, enum_field, one_of


class NeedSchema(ApiSchema):
    need = enum_field(NeedPair)
    side = enum_field(Side)
    detail = fields.String()


class ProfileSchema(ApiSchema):
    """A profile as the caller may see it: hidden fields are null."""

    id = fields.Integer(attribute="profile.id")
    name = fields.String(allow_none=True)
    name_kana = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    industries = fields.List(fields.String(), allow_none=True)
    skills = fields.String(allow_none=True)
    bio = fields.String(allow_none=True)
    affiliations = fields.Pluck("GroupRefSchema", "slug", many=True, allow_none=True)
    offers = fields.List(fields.Nested(NeedSchema))
    asks = fields.List(fields.Nested(NeedSchema))


class GroupRefSchema(ApiSchema):
    slug = fields.String()


class NeedRefSchema(ApiSchema):
    need = enum_field(NeedPair)
    side = enum_field(Side)
    detail = fields.String()


class ReasonSchema(ApiSchema):
    """(mine, theirs): my need and the complementing one of theirs."""

    mine = fields.Nested(NeedRefSchema(only=("need", "side")))
    theirs = fields.Nested(NeedRefSchema)


class MatchSchema(ApiSchema):
    profile = fields.Nested(ProfileSchema, attribute="view")
    other_company = fields.Boolean()
    score = fields.Integer()
    reasons = fields.List(fields.Nested(ReasonSchema))


class DirectoryQuerySchema(PageQuerySchema):
    q = Str(load_default="", validate=validate.Length(max=limits.SEARCH_QUERY))
    need = Str(load_default="", validate=one_of(NeedPair))
    side = Str(load_default="", validate=one_of(Side))
    group = Str(load_default="", validate=validate.Length(max=limits.GROUP_SLUG))
    industry = Str(load_default="", validate=validate.Length(max=60))
    sort = Str(load_default="kana", validate=validate.OneOf(["kana", "recent"]))


class IntroductionCreateSchema(ApiSchema):
    profile_id = Int(required=True)
    message = Str(required=True, validate=validate.Length(min=1, max=limits.SHORT_MESSAGE))


class IntroductionSchema(ApiSchema):
    id = fields.Integer()
    status = enum_field(IntroductionStatus)
    sender_id = fields.Integer()
    recipient_id = fields.Integer()
    sender_name = fields.String(attribute="sender.display_name")
    recipient_name = fields.String(attribute="recipient.display_name")
    message = fields.String()
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


class IntroductionQuerySchema(PageQuerySchema):
    box = Str(load_default="incoming", validate=validate.OneOf(["incoming", "outgoing"]))


class BlockSchema(ApiSchema):
    id = fields.Integer()
    blocked_id = fields.Integer()
    created_at = fields.DateTime()


class ReportCreateSchema(ApiSchema):
    reason = Str(required=True, validate=validate.Length(min=1, max=limits.SHORT_MESSAGE))


class AbuseReportSchema(ApiSchema):
    id = fields.Integer()
    reporter_id = fields.Integer()
    reported_id = fields.Integer()
    reporter_name = fields.String(attribute="reporter.display_name")
    reported_name = fields.String(attribute="reported.display_name")
    introduction_id = fields.Integer(allow_none=True)
    reason = fields.String()
    created_at = fields.DateTime()

"""API schemas of the registry: groups, shared assets and asset requests."""
from __future__ import annotations

from marshmallow import validate

from federation.models import (AssetKind, ChannelType, CompanyHope, ContentType, GovernanceType,
                               NeedPair, Platform, RevenueModel)
from federation.schemas import fields
from federation.schemas.base import ApiSchema


def _values(enum_cls):
    return [e.value for e in enum_cls]


def _enum(obj_value):
    return getattr(obj_value, "value", obj_value)


class GroupSchema(ApiSchema):
    slug = fields.String(dump_only=True)
    name_ja = fields.String()
    name_en = fields.String()
    name_kana = fields.String()
    company_name = fields.String()
    founded_on = fields.Date(allow_none=True)
    founder_name = fields.String()
    representative_name = fields.String()
    registered_members = fields.Integer()
    members_counted_on = fields.Date(load_only=True)
    member_counts = fields.Function(
        lambda g: [{"counted_on": r.counted_on.isoformat(), "members": r.members}
                   for r in g.member_counts], dump_only=True)
    eligibility_rule = fields.String()
    governance_type = fields.Function(lambda g: _enum(g.governance_type), deserialize=str,
                                      validate=validate.OneOf(_values(GovernanceType)))
    maturity_level = fields.Integer(validate=validate.Range(1, 5))
    revenue_model = fields.Function(lambda g: _enum(g.revenue_model), deserialize=str,
                                    allow_none=True,
                                    validate=validate.OneOf(_values(RevenueModel)))
    liaison_department = fields.String()
    company_endorsement = fields.String()
    retiree_club = fields.String()
    platforms = fields.List(fields.String(validate=validate.OneOf(_values(Platform))))
    need_pairs = fields.Function(lambda g: [n.value for n in g.need_pairs],
                                 deserialize=lambda v: v,
                                 validate=lambda v: isinstance(v, list) and all(
                                     x in _values(NeedPair) for x in v))
    company_hopes = fields.List(fields.String(validate=validate.OneOf(_values(CompanyHope))))
    description = fields.String()
    is_public = fields.Boolean()


class WindowSchema(ApiSchema):
    weekday = fields.Integer(required=True, validate=validate.Range(0, 6),
                             metadata={"description": "0 Monday … 6 Sunday (Asia/Tokyo)"})
    start = fields.String(required=True, metadata={"example": "18:00"})
    end = fields.String(required=True, metadata={"example": "21:30"})


class AssetSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    group = fields.Function(lambda a: a.group.slug, dump_only=True)
    kind = fields.Function(lambda a: a.kind.value, deserialize=str, required=True,
                           validate=validate.OneOf(_values(AssetKind)))
    status = fields.Function(lambda a: a.status.value, deserialize=str,
                             validate=validate.OneOf(["active", "paused"]))
    title = fields.String()
    description = fields.String()
    area = fields.String()
    address = fields.String()
    capacity = fields.Integer(allow_none=True)
    equipment = fields.String()
    is_free = fields.Boolean()
    fee_note = fields.String()
    house_rules = fields.String()
    availability = fields.List(fields.Nested(WindowSchema))
    blocked_dates = fields.List(fields.Date())
    channel_type = fields.Function(lambda a: _enum(a.channel_type), deserialize=str,
                                   allow_none=True, validate=validate.OneOf(_values(ChannelType)))
    url = fields.String()
    reach = fields.Integer(allow_none=True)
    audience = fields.String()
    lead_time_days = fields.Integer(allow_none=True)
    content_type = fields.Function(lambda a: _enum(a.content_type), deserialize=str,
                                   allow_none=True, validate=validate.OneOf(_values(ContentType)))
    turnaround_days = fields.Integer(allow_none=True)
    speaker_name = fields.String()
    speaker_name_kana = fields.String()
    speaker_title = fields.String()
    topics = fields.String()
    languages = fields.String()
    bio = fields.String()
    consent_confirmed = fields.Function(lambda a: a.consent_confirmed_at is not None,
                                        deserialize=bool)


class AssetUpdateSchema(AssetSchema):
    kind = fields.Function(lambda a: a.kind.value, dump_only=True)


class AssetRequestCreateSchema(ApiSchema):
    group = fields.String(metadata={"description": "slug of the asking group (default: the "
                                                   "only group you run)"})
    message = fields.String(load_default="")
    joint_event = fields.String(load_default="")
    starts_at = fields.AwareDateTime(load_default=None, metadata={"example": "2030-04-01T18:00:00+09:00"})
    ends_at = fields.AwareDateTime(load_default=None)


class AssetRequestSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    asset_id = fields.Integer(dump_only=True)
    asset_kind = fields.Function(lambda r: r.asset.kind.value, dump_only=True)
    owner_group = fields.Function(lambda r: r.asset.group.slug, dump_only=True)
    requester_group = fields.Function(lambda r: r.requester_group.slug, dump_only=True)
    status = fields.Function(lambda r: r.status.value, dump_only=True)
    message = fields.String(dump_only=True)
    joint_event = fields.String(dump_only=True)
    response_message = fields.String(dump_only=True)
    starts_at = fields.DateTime(dump_only=True, allow_none=True)
    ends_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    decided_at = fields.DateTime(dump_only=True, allow_none=True)


class AnswerSchema(ApiSchema):
    message = fields.String(load_default="", validate=validate.Length(max=3000))

"""API schemas of the registry: groups, shared assets and asset requests."""

from __future__ import annotations

from marshmallow import validate

from federation.models import (
    AssetKind,
    AssetStatus,
    ChannelType,
    CompanyHope,
    ContentType,
    GovernanceType,
    NeedPair,
    Platform,
    RequestStatus,
    RevenueModel,
    limits,
)
from federation.schemas import fields
from federation.schemas.base import (
    ApiSchema,
    Choice,
    Day,
    Int,
    Moment,
    PageQuerySchema,
    QueryInt,
    StoredDay,
    Str,
    enum_field,
    one_of,
)

TEXT = validate.Length(max=limits.REGISTRY_TEXT)


class MemberCountSchema(ApiSchema):
    counted_on = fields.Date()
    members = fields.Integer()


class GroupSchema(ApiSchema):
    slug = fields.String(dump_only=True)
    name_ja = Str(validate=validate.Length(max=limits.GROUP_NAME))
    name_en = Str(validate=validate.Length(max=limits.GROUP_NAME))
    name_kana = Str(validate=validate.Length(max=limits.GROUP_NAME_KANA))
    company_name = Str(validate=validate.Length(max=limits.COMPANY_NAME))
    founded_on = Day(allow_none=True)
    founder_name = Str(validate=validate.Length(max=limits.PERSON_FULL_NAME))
    representative_name = Str(validate=validate.Length(max=limits.PERSON_FULL_NAME))
    registered_members = Int(validate=validate.Range(0, 10_000_000))
    members_counted_on = Day(load_only=True)
    member_counts = fields.List(fields.Nested(MemberCountSchema), dump_only=True)
    eligibility_rule = Str(validate=TEXT)
    governance_type = Choice(GovernanceType)
    maturity_level = Int(validate=validate.Range(1, 5))
    revenue_model = Choice(RevenueModel, allow_none=True)
    liaison_department = Str(validate=validate.Length(max=limits.GROUP_LIAISON_DEPARTMENT))
    company_endorsement = Str(validate=TEXT)
    retiree_club = Str(validate=validate.Length(max=limits.RETIREE_CLUB))
    platforms = fields.List(Str(validate=one_of(Platform)))
    need_pairs = fields.List(Choice(NeedPair))
    company_hopes = fields.List(Str(validate=one_of(CompanyHope)))
    description = Str(validate=TEXT)
    is_public = fields.Boolean()


class GroupQuerySchema(PageQuerySchema):
    q = Str(load_default="", validate=validate.Length(max=limits.SEARCH_QUERY))
    governance = Str(load_default="", validate=one_of(GovernanceType))
    maturity = QueryInt(load_default=None, validate=validate.Range(1, 5))
    need = Str(load_default="", validate=one_of(NeedPair))
    has_venue = fields.Boolean(load_default=False)
    has_speaker = fields.Boolean(load_default=False)
    sort = Str(load_default="kana", validate=validate.OneOf(["kana", "members", "founded"]))


class WindowSchema(ApiSchema):
    weekday = Int(
        required=True,
        validate=validate.Range(0, 6),
        metadata={"description": "0 Monday … 6 Sunday (Asia/Tokyo)"},
    )
    start = Str(required=True, validate=validate.Regexp(r"^\d{2}:\d{2}$"), metadata={"example": "18:00"})
    end = Str(required=True, validate=validate.Regexp(r"^\d{2}:\d{2}$"), metadata={"example": "21:30"})


class ConsentField(fields.Boolean):
    """In: the operator confirms the speaker's consent. Out: whether it was."""

    def serialize(self, attr, obj, accessor=None, **kwargs):
        return getattr(obj, "consent_confirmed_at", None) is not None


class AssetSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    group = fields.String(attribute="group.slug", dump_only=True)
    kind = Choice(AssetKind, required=True)
    status = Choice(
        AssetStatus,
        validate=validate.OneOf(
            [AssetStatus.active, AssetStatus.paused], error="Must be one of: active, paused."
        ),
        metadata={"description": "active or paused (removed assets are not shown)"},
    )
    title = Str(validate=validate.Length(max=limits.ASSET_TITLE))
    description = Str(validate=TEXT)
    area = Str(validate=validate.Length(max=limits.AREA))
    address = Str(validate=validate.Length(max=limits.ADDRESS))
    capacity = Int(allow_none=True, validate=validate.Range(0, 1_000_000))
    equipment = Str(validate=TEXT)
    is_free = fields.Boolean()
    fee_note = Str(validate=validate.Length(max=limits.FEE_NOTE))
    house_rules = Str(validate=TEXT)
    availability = fields.List(fields.Nested(WindowSchema))
    blocked_dates = fields.List(StoredDay())
    channel_type = Choice(ChannelType, allow_none=True)
    url = Str(validate=validate.Length(max=limits.URL))
    reach = Int(allow_none=True, validate=validate.Range(min=0))
    audience = Str(validate=validate.Length(max=limits.ASSET_AUDIENCE))
    lead_time_days = Int(allow_none=True, validate=validate.Range(0, 3650))
    content_type = Choice(ContentType, allow_none=True)
    turnaround_days = Int(allow_none=True, validate=validate.Range(0, 3650))
    speaker_name = Str(validate=validate.Length(max=limits.PERSON_FULL_NAME))
    speaker_name_kana = Str(validate=validate.Length(max=limits.PERSON_FULL_NAME_KANA))
    speaker_title = Str(validate=validate.Length(max=limits.SPEAKER_TITLE))
    topics = Str(validate=validate.Length(max=limits.TOPICS))
    languages = Str(validate=validate.Length(max=limits.LANGUAGES))
    bio = Str(validate=TEXT)
    consent_confirmed = ConsentField(
        metadata={"description": "the speaker agreed to be listed (speakers only)"}
    )


class AssetUpdateSchema(AssetSchema):
    kind = Choice(AssetKind, dump_only=True)


class AssetQuerySchema(PageQuerySchema):
    kind = Str(load_default="", validate=one_of(AssetKind))
    group = Str(load_default="", validate=validate.Length(max=limits.GROUP_SLUG))
    q = Str(load_default="", validate=validate.Length(max=limits.SEARCH_QUERY))
    area = Str(load_default="", validate=validate.Length(max=limits.AREA))
    topic = Str(load_default="", validate=validate.Length(max=limits.SEARCH_QUERY))
    capacity = QueryInt(load_default=None, validate=validate.Range(0, 1_000_000))


class AssetRequestCreateSchema(ApiSchema):
    group = Str(
        validate=validate.Length(max=limits.GROUP_SLUG),
        metadata={"description": "slug of the asking group (default: the only group you run)"},
    )
    message = Str(load_default="", validate=validate.Length(max=limits.MESSAGE))
    joint_event = Str(load_default="", validate=validate.Length(max=limits.TITLE))
    starts_at = Moment(load_default=None, allow_none=True, metadata={"example": "2030-04-01T18:00:00+09:00"})
    ends_at = Moment(load_default=None, allow_none=True)


class AssetRequestSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    asset_id = fields.Integer(dump_only=True)
    asset_kind = Choice(AssetKind, attribute="asset.kind", dump_only=True)
    owner_group = fields.String(attribute="asset.group.slug", dump_only=True)
    requester_group = fields.String(attribute="requester_group.slug", dump_only=True)
    status = enum_field(RequestStatus)
    message = fields.String(dump_only=True)
    joint_event = fields.String(dump_only=True)
    response_message = fields.String(dump_only=True)
    starts_at = fields.DateTime(dump_only=True, allow_none=True)
    ends_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    decided_at = fields.DateTime(dump_only=True, allow_none=True)


class BoxQuerySchema(PageQuerySchema):
    box = Str(load_default="incoming", validate=validate.OneOf(["incoming", "outgoing"]))


class AnswerSchema(ApiSchema):
    message = Str(load_default="", validate=validate.Length(max=limits.MESSAGE))

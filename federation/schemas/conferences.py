"""API schemas of the annual conference."""

from __future__ import annotations

from marshmallow import validate

from federation.models import ProposalFormat, ProposalStatus, RegistrationStatus, limits
from federation.schemas import fields
from federation.schemas.base import (
    ApiSchema,
    Choice,
    Day,
    Int,
    Moment,
    PageQuerySchema,
    QueryInt,
    Str,
    enum_field,
)


class CategorySchema(ApiSchema):
    key = Str(required=True, validate=validate.Length(1, limits.KEY))
    label_ja = Str(validate=validate.Length(max=80))
    label_en = Str(validate=validate.Length(max=80))
    weight = Int(load_default=1, validate=validate.Range(1, 10))


class EditionSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    year = Int(required=True, validate=validate.Range(2000, 2100))
    theme_ja = Str(validate=validate.Length(max=limits.TITLE))
    theme_en = Str(validate=validate.Length(max=limits.TITLE))
    description_ja = Str(validate=validate.Length(max=limits.EVENT_DESCRIPTION))
    description_en = Str(validate=validate.Length(max=limits.EVENT_DESCRIPTION))
    starts_on = Day(required=True)
    ends_on = Day(required=True)
    place = Str(validate=validate.Length(max=limits.PLACE))
    rooms = fields.List(Str(validate=validate.Length(max=limits.ROOM)), required=True)
    tracks = fields.List(Str(validate=validate.Length(max=limits.TRACK)))
    score_categories = fields.List(fields.Nested(CategorySchema))
    capacity = Int(required=True, validate=validate.Range(1, 100000))
    nomination_quota = Int(validate=validate.Range(0, 100))
    blind_review = fields.Boolean()
    proposals_open_at = Moment(required=True, metadata={"example": "2031-04-01T10:00:00+09:00"})
    proposals_close_at = Moment(required=True)
    review_open_at = Moment(required=True)
    review_close_at = Moment(required=True)
    registration_open_at = Moment(required=True)
    registration_close_at = Moment(required=True)
    venue_asset_id = Int(
        load_only=True, metadata={"description": "a venue of the registry, asked for through a venue request"}
    )
    venue_group = Str(
        load_only=True,
        validate=validate.Length(max=limits.GROUP_SLUG),
        metadata={"description": "slug of the group asking for the venue"},
    )
    venue_starts_at = Moment(load_only=True)
    venue_ends_at = Moment(load_only=True)
    venue_request_id = fields.Integer(dump_only=True, allow_none=True)
    archived = fields.Boolean(
        dump_only=True,
        metadata={"description": "after its last day the programme is the archive of that year"},
    )


class SpeakerRefSchema(ApiSchema):
    user_id = Int()
    asset_id = Int()


class SpeakerSchema(ApiSchema):
    kind = fields.String(metadata={"enum": ["user", "asset"]})
    id = fields.Integer()
    name = fields.String()


class ProposalSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    year = fields.Integer(dump_only=True)
    title = Str(required=True, validate=validate.Length(1, limits.TITLE))
    abstract = Str(required=True, validate=validate.Length(1, limits.ABSTRACT))
    format = Choice(ProposalFormat, required=True)
    length_minutes = Int(required=True, validate=validate.Range(5, 240))
    language = Str(required=True, validate=validate.OneOf(["ja", "en"]))
    track = Str(load_default="", validate=validate.Length(max=limits.TRACK))
    speakers = fields.List(
        fields.Nested(SpeakerRefSchema),
        load_only=True,
        validate=validate.Length(max=10),
        metadata={"description": "[{user_id} or {asset_id}]; without it, you are the speaker"},
    )
    speaker_list = fields.List(
        fields.Nested(SpeakerSchema), dump_only=True, data_key="speakers", attribute="speakers"
    )
    status = enum_field(ProposalStatus)
    nominations = fields.Integer(dump_only=True)
    confirmed_at = fields.DateTime(dump_only=True, allow_none=True)


class RankedProposalSchema(ProposalSchema):
    score = fields.Float(allow_none=True)
    reviews = fields.Integer()


class ReviewSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    proposal_id = fields.Integer(dump_only=True)
    scores = fields.Dict(keys=Str(validate=validate.Length(max=limits.KEY)), values=Int(), required=True)
    comment = Str(load_default="", validate=validate.Length(max=limits.MESSAGE))


class ProposalDecisionSchema(ApiSchema):
    decision = Str(required=True, validate=validate.OneOf(["accept", "reject"]))
    message = Str(load_default="", validate=validate.Length(max=limits.MESSAGE))


class SessionSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    proposal_id = Int(required=True)
    title = fields.String(attribute="proposal.title", dump_only=True)
    track = fields.String(attribute="proposal.track", dump_only=True)
    speakers = fields.Pluck(SpeakerSchema, "name", many=True, attribute="proposal.speakers", dump_only=True)
    room = Str(required=True, validate=validate.Length(1, limits.ROOM))
    starts_at = Moment(required=True)
    ends_at = Moment(metadata={"description": "default: start + the length"})
    capacity = Int(
        allow_none=True,
        validate=validate.Range(1, 100000),
        metadata={"description": "seats of a limited session"},
    )
    video_url = fields.String(dump_only=True)
    article_url = fields.String(dump_only=True)
    graphic_recording_url = fields.String(dump_only=True)


class ConferenceRegistrationSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    year = fields.Integer(attribute="edition.year", dump_only=True)
    status = enum_field(RegistrationStatus)
    registered_at = fields.DateTime(attribute="queued_at", dump_only=True)
    checked_in_at = fields.DateTime(dump_only=True, allow_none=True)
    name = fields.String(attribute="user.display_name", dump_only=True, allow_none=True)


class SessionSignupSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    status = enum_field(RegistrationStatus)
    signed_up_at = fields.DateTime(attribute="queued_at", dump_only=True)


class RankedQuerySchema(PageQuerySchema):
    ranked = QueryInt(
        load_default=0,
        validate=validate.OneOf([0, 1]),
        metadata={"description": "1: the coordinators' ranking, with score and reviews"},
    )


class AttendeeQuerySchema(PageQuerySchema):
    q = Str(load_default="", validate=validate.Length(max=limits.SEARCH_QUERY))

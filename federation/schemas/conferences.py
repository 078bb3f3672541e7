"""API schemas of the annual conference."""
from __future__ import annotations

from flask import g
from marshmallow import validate

from federation.models import ProposalFormat
from federation.schemas import fields
from federation.schemas.base import ApiSchema


def _viewer():
    return g.get("actor")


class CategorySchema(ApiSchema):
    key = fields.String(required=True, validate=validate.Length(1, 40))
    label_ja = fields.String(validate=validate.Length(max=80))
    label_en = fields.String(validate=validate.Length(max=80))
    weight = fields.Integer(load_default=1, validate=validate.Range(1, 10))


class EditionSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    theme_ja = fields.String(validate=validate.Length(max=200))
    theme_en = fields.String(validate=validate.Length(max=200))
    description_ja = fields.String(validate=validate.Length(max=20000))
    description_en = fields.String(validate=validate.Length(max=20000))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    place = fields.String(validate=validate.Length(max=255))
    rooms = fields.List(fields.String(validate=validate.Length(max=80)), required=True)
    tracks = fields.List(fields.String(validate=validate.Length(max=80)))
    score_categories = fields.List(fields.Nested(CategorySchema))
    capacity = fields.Integer(required=True, validate=validate.Range(1, 100000))
    nomination_quota = fields.Integer(validate=validate.Range(0, 100))
    blind_review = fields.Boolean()
    proposals_open_at = fields.AwareDateTime(required=True,
                                             metadata={"example": "2031-04-01T10:00:00+09:00"})
    proposals_close_at = fields.AwareDateTime(required=True)
    review_open_at = fields.AwareDateTime(required=True)
    review_close_at = fields.AwareDateTime(required=True)
    registration_open_at = fields.AwareDateTime(required=True)
    registration_close_at = fields.AwareDateTime(required=True)
    venue_asset_id = fields.Integer(load_only=True, metadata={
        "description": "a venue of the registry, asked for through a venue request"})
    venue_group = fields.String(load_only=True, metadata={
        "description": "slug of the group asking for the venue"})
    venue_starts_at = fields.AwareDateTime(load_only=True)
    venue_ends_at = fields.AwareDateTime(load_only=True)
    venue_request_id = fields.Integer(dump_only=True, allow_none=True)
    archived = fields.Function(lambda e: _archived(e), dump_only=True)


def _archived(edition) -> bool:
    from federation.services.conferences import is_archived

    return is_archived(edition)


def _speakers(proposal):
    from federation.services.conferences import speaker_names_hidden

    if speaker_names_hidden(_viewer(), proposal):
        return []
    return [{"kind": "user" if s.user_id else "asset", "id": s.user_id or s.asset_id,
             "name": s.name} for s in proposal.speakers]


class SpeakerRefSchema(ApiSchema):
    user_id = fields.Integer()
    asset_id = fields.Integer()


class ProposalSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    year = fields.Function(lambda p: p.edition.year, dump_only=True)
    title = fields.String(required=True, validate=validate.Length(1, 200))
    abstract = fields.String(required=True, validate=validate.Length(1, 5000))
    format = fields.Function(lambda p: p.format.value, deserialize=str, required=True,
                             validate=validate.OneOf([f.value for f in ProposalFormat]))
    length_minutes = fields.Integer(required=True, validate=validate.Range(5, 240))
    language = fields.String(required=True, validate=validate.OneOf(["ja", "en"]))
    track = fields.String(load_default="", validate=validate.Length(max=80))
    speakers = fields.Method("dump_speakers", deserialize="load_speakers", metadata={
        "description": "[{user_id} or {asset_id}]; without it, you are the speaker"})
    status = fields.Function(lambda p: p.status.value, dump_only=True)
    nominations = fields.Function(lambda p: len(p.nominations), dump_only=True)
    confirmed_at = fields.DateTime(dump_only=True, allow_none=True)

    def dump_speakers(self, proposal):
        return _speakers(proposal)

    def load_speakers(self, value):
        return SpeakerRefSchema(many=True).load(value)


class RankedProposalSchema(ProposalSchema):
    score = fields.Float(allow_none=True)
    reviews = fields.Integer()


class ReviewSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    proposal_id = fields.Integer(dump_only=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=3000))


class ProposalDecisionSchema(ApiSchema):
    decision = fields.String(required=True, validate=validate.OneOf(["accept", "reject"]))
    message = fields.String(load_default="", validate=validate.Length(max=3000))


class SessionSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    proposal_id = fields.Integer(required=True)
    title = fields.Function(lambda s: s.proposal.title, dump_only=True)
    track = fields.Function(lambda s: s.proposal.track, dump_only=True)
    speakers = fields.Function(lambda s: [sp.name for sp in s.proposal.speakers],
                               dump_only=True)
    room = fields.String(required=True, validate=validate.Length(1, 80))
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(metadata={"description": "default: start + the length"})
    capacity = fields.Integer(allow_none=True, validate=validate.Range(1, 100000),
                              metadata={"description": "seats of a limited session"})
    video_url = fields.String(dump_only=True)
    article_url = fields.String(dump_only=True)
    graphic_recording_url = fields.String(dump_only=True)


class ConferenceRegistrationSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    year = fields.Function(lambda r: r.edition.year, dump_only=True)
    status = fields.Function(lambda r: r.status.value, dump_only=True)
    registered_at = fields.DateTime(attribute="queued_at", dump_only=True)
    checked_in_at = fields.DateTime(dump_only=True, allow_none=True)
    name = fields.Function(lambda r: r.user.display_name if r.user else None, dump_only=True,
                           allow_none=True)


class SessionSignupSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    status = fields.Function(lambda r: r.status.value, dump_only=True)
    signed_up_at = fields.DateTime(attribute="queued_at", dump_only=True)

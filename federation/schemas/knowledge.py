"""API schemas of the knowledge hub, the textbook and consultations (pure:
no requests, no queries)."""

from __future__ import annotations

from marshmallow import validate

from federation.models import (
    ArticleVisibility,
    ConsultationSpace,
    ConsultationStatus,
    GovernanceType,
    KnowledgeCategory,
    SessionStatus,
    limits,
)
from federation.schemas import fields
from federation.schemas.base import ApiSchema, Int, Moment, PageQuerySchema, Str, enum_field

CATEGORIES = [c.value for c in KnowledgeCategory]
GOVERNANCE = [kind.value for kind in GovernanceType]
VISIBILITIES = [v.value for v in ArticleVisibility]
SPACES = [s.value for s in ConsultationSpace]
STATUSES = [s.value for s in ConsultationStatus]


class PersonSchema(ApiSchema):
    id = fields.Integer()
    name = fields.String(attribute="display_name")


class AttachmentSchema(ApiSchema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()


class ArticleSummarySchema(ApiSchema):
    id = fields.Integer()
    title_ja = fields.String()
    title_en = fields.String()
    category = enum_field(KnowledgeCategory)
    topic = fields.String()
    governance_types = fields.List(fields.String())
    maturity_levels = fields.List(fields.Integer())
    visibility = enum_field(ArticleVisibility)
    version = fields.Integer()
    author = fields.Nested(PersonSchema, allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ArticleSchema(ArticleSummarySchema):
    body_ja = fields.String()
    body_en = fields.String()
    attachments = fields.List(fields.Nested(AttachmentSchema))


class ArticleWriteSchema(ApiSchema):
    title_ja = Str(validate=validate.Length(max=limits.TITLE))
    title_en = Str(validate=validate.Length(max=limits.TITLE))
    body_ja = Str(validate=validate.Length(max=limits.ARTICLE_BODY))
    body_en = Str(validate=validate.Length(max=limits.ARTICLE_BODY))
    category = Str(validate=validate.OneOf(CATEGORIES))
    topic = Str(validate=validate.Length(max=limits.TOPIC))
    governance_types = fields.List(
        Str(validate=validate.OneOf(GOVERNANCE)), validate=validate.Length(max=len(GOVERNANCE))
    )
    maturity_levels = fields.List(Int(validate=validate.Range(min=1, max=5)), validate=validate.Length(max=5))
    visibility = Str(validate=validate.OneOf(VISIBILITIES))
    note = Str(validate=validate.Length(max=limits.VERSION_NOTE))


class ArticleCreateSchema(ArticleWriteSchema):
    category = Str(required=True, validate=validate.OneOf(CATEGORIES))


class VersionSchema(ApiSchema):
    number = fields.Integer()
    title_ja = fields.String()
    title_en = fields.String()
    body_ja = fields.String()
    body_en = fields.String()
    category = enum_field(KnowledgeCategory)
    visibility = enum_field(ArticleVisibility)
    note = fields.String()
    author = fields.Nested(PersonSchema, allow_none=True)
    created_at = fields.AwareDateTime()


class ChapterArticleSchema(ApiSchema):
    id = fields.Integer()
    title_ja = fields.String()
    title_en = fields.String()


class ChapterSchema(ApiSchema):
    id = fields.Integer()
    number = fields.Integer()
    title_ja = fields.String(attribute="chapter.title_ja")
    title_en = fields.String(attribute="chapter.title_en")
    articles = fields.List(fields.Nested(ChapterArticleSchema))


class TextbookSchema(ApiSchema):
    chapters = fields.List(fields.Nested(ChapterSchema))


class ContextSchema(ApiSchema):
    group = fields.String(allow_none=True)
    governance_type = fields.String(allow_none=True)
    maturity_level = fields.Integer(allow_none=True)
    registered_members = fields.Integer(allow_none=True)


class ReplySchema(ApiSchema):
    id = fields.Integer()
    author = fields.Nested(PersonSchema, allow_none=True)
    body = fields.String()
    helpful = fields.Boolean()
    created_at = fields.AwareDateTime()


class ConsultationSummarySchema(ApiSchema):
    id = fields.Integer()
    title = fields.String()
    category = enum_field(KnowledgeCategory)
    space = enum_field(ConsultationSpace)
    status = enum_field(ConsultationStatus)
    context = fields.Nested(ContextSchema)
    asker = fields.Nested(PersonSchema, allow_none=True)
    article_id = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    solved_at = fields.AwareDateTime(allow_none=True)


class ConsultationSchema(ConsultationSummarySchema):
    body = fields.String()
    replies = fields.List(fields.Nested(ReplySchema))


class ConsultationCreateSchema(ApiSchema):
    title = Str(required=True, validate=validate.Length(min=1, max=limits.TITLE))
    body = Str(required=True, validate=validate.Length(min=1, max=limits.CONSULTATION_BODY))
    category = Str(required=True, validate=validate.OneOf(CATEGORIES))
    group = Str(validate=validate.Length(max=limits.GROUP_SLUG))


class ReplyCreateSchema(ApiSchema):
    body = Str(required=True, validate=validate.Length(min=1, max=limits.CONSULTATION_BODY))


class SolveSchema(ApiSchema):
    helpful_reply_ids = fields.List(Int(), load_default=list, validate=validate.Length(max=100))
    to_article = fields.Boolean(
        load_default=False,
        metadata={"description": "The asker's consent to publish the solved consultation as an article"},
    )


class ConsultationSessionCreateSchema(ApiSchema):
    helper_id = Int(required=True)
    times = fields.List(Moment(), required=True, validate=validate.Length(min=1, max=3))


class ConsultationSessionAcceptSchema(ApiSchema):
    time = Moment(required=True)


class ConsultationSessionSchema(ApiSchema):
    id = fields.Integer()
    consultation_id = fields.Integer()
    asker = fields.Nested(PersonSchema)
    helper = fields.Nested(PersonSchema)
    proposed_times = fields.List(fields.String())
    starts_at = fields.AwareDateTime(allow_none=True)
    minutes = fields.Integer()
    status = enum_field(SessionStatus)
    # The other person's contact details, once accepted.
    asker_email = fields.Function(lambda s: s.asker.email if s.status.value == "accepted" else None)
    helper_email = fields.Function(lambda s: s.helper.email if s.status.value == "accepted" else None)


class ArticleQuerySchema(PageQuerySchema):
    category = Str(load_default="", validate=validate.OneOf(["", *CATEGORIES]))


class ConsultationQuerySchema(PageQuerySchema):
    category = Str(load_default="", validate=validate.OneOf(["", *CATEGORIES]))
    status = Str(load_default="", validate=validate.OneOf(["", *STATUSES]))
    space = Str(load_default="", validate=validate.OneOf(["", *SPACES]))

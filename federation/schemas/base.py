from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from marshmallow import Schema, fields

JAPAN_TIME = ZoneInfo("Asia/Tokyo")


def in_japan_time(value: datetime | None) -> datetime | None:
    """The API's one offset convention: every datetime it answers is Japan
    time with its offset (2026-12-23T19:00:00+09:00). Stored values are UTC;
    a naive one (SQLite) is UTC too."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(JAPAN_TIME)


class DateTime(fields.DateTime):
    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(in_japan_time(value), attr, obj, **kwargs)


class AwareDateTime(fields.AwareDateTime):
    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(in_japan_time(value), attr, obj, **kwargs)


class ApiSchema(Schema):
    class Meta:
        ordered = True


class ErrorBodySchema(ApiSchema):
    code = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ErrorSchema(ApiSchema):
    error = fields.Nested(ErrorBodySchema, required=True)


def page_schema(item_schema: type[Schema]) -> type[Schema]:
    """The list envelope of api.md: items, page, per_page, total."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (ApiSchema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True),
    })

from __future__ import annotations

from marshmallow import Schema, fields


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

from __future__ import annotations

from marshmallow import validate

from federation.models import Role, limits
from federation.schemas import fields
from federation.schemas.base import ApiSchema, Str, enum_field


class UserSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    email = fields.Email(dump_only=True)
    family_name = fields.String(dump_only=True)
    given_name = fields.String(dump_only=True)
    family_name_kana = fields.String(dump_only=True)
    given_name_kana = fields.String(dump_only=True)
    locale = fields.String(dump_only=True)
    role = enum_field(Role)
    email_verified = fields.Boolean(attribute="is_verified", dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class UserUpdateSchema(ApiSchema):
    family_name = Str(validate=validate.Length(min=1, max=limits.PERSON_NAME))
    given_name = Str(validate=validate.Length(min=1, max=limits.PERSON_NAME))
    family_name_kana = Str(validate=validate.Length(min=1, max=limits.PERSON_NAME))
    given_name_kana = Str(validate=validate.Length(min=1, max=limits.PERSON_NAME))
    locale = Str(validate=validate.OneOf(["ja", "en"]))


class TokenSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    name = Str(required=True, validate=validate.Length(min=1, max=limits.TOKEN_NAME))
    prefix = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    last_used_at = fields.DateTime(dump_only=True, allow_none=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(
        dump_only=True, metadata={"description": "The token itself. Shown once; only its hash is kept."}
    )


class CalendarFeedSchema(ApiSchema):
    url = fields.String(
        required=True,
        metadata={"description": "Subscribe to this URL in a calendar application; keep it private."},
    )

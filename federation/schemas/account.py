from __future__ import annotations

from marshmallow import validate

from federation.schemas import fields
from federation.schemas.base import ApiSchema


class UserSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    email = fields.Email(dump_only=True)
    family_name = fields.String(dump_only=True)
    given_name = fields.String(dump_only=True)
    family_name_kana = fields.String(dump_only=True)
    given_name_kana = fields.String(dump_only=True)
    locale = fields.String(dump_only=True)
    role = fields.Function(lambda u: u.role.value, dump_only=True)
    email_verified = fields.Function(lambda u: u.is_verified, dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class UserUpdateSchema(ApiSchema):
    family_name = fields.String(validate=validate.Length(min=1, max=80))
    given_name = fields.String(validate=validate.Length(min=1, max=80))
    family_name_kana = fields.String(validate=validate.Length(min=1, max=80))
    given_name_kana = fields.String(validate=validate.Length(min=1, max=80))
    locale = fields.String(validate=validate.OneOf(["ja", "en"]))


class TokenSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    prefix = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    last_used_at = fields.DateTime(dump_only=True, allow_none=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(dump_only=True, metadata={
        "description": "The token itself. Shown once; only its hash is kept."})

"""API: the caller's own account and personal tokens."""
from __future__ import annotations

from sqlalchemy import select

from federation.blueprints.api import operation
from federation.models import ApiToken
from federation.schemas.account import NewTokenSchema, TokenSchema, UserSchema, UserUpdateSchema
from federation.services import accounts


@operation("/me", summary="The signed-in user", tag="account", response=UserSchema)
def me(actor):
    return actor


@operation("/me", "PATCH", summary="Update my name, kana readings or language",
           tag="account", body=UserUpdateSchema, response=UserSchema, partial=True)
def update_me(actor, data):
    if any(key in data for key in ("family_name", "given_name", "family_name_kana",
                                   "given_name_kana")):
        accounts.update_profile(actor, **{
            key: data.get(key, getattr(actor, key))
            for key in ("family_name", "given_name", "family_name_kana", "given_name_kana")
        })
    if "locale" in data:
        accounts.set_locale(actor, data["locale"])
    return actor


@operation("/tokens", summary="My API tokens", tag="account", response=TokenSchema,
           paginated=True)
def list_tokens(actor):
    return select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.id.desc())


@operation("/tokens", "POST", summary="Create an API token (the token is shown once)",
           tag="account", body=TokenSchema, response=NewTokenSchema, status=201)
def create_token(actor, data):
    token, raw = accounts.create_api_token(actor, data["name"])
    token.token = raw
    return token


@operation("/tokens/<int:token_id>", "DELETE", summary="Revoke an API token", tag="account",
           status=204, errors=(404,))
def revoke_token(actor, token_id):
    accounts.revoke_api_token(actor, token_id)

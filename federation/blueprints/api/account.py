"""API: the caller's own account, personal tokens and calendar feed."""

from __future__ import annotations

from sqlalchemy import select

from federation.blueprints.api.base import authenticated, bp, errors, paginate
from federation.links import external_url
from federation.models import ApiToken
from federation.schemas.account import (
    CalendarFeedSchema,
    NewTokenSchema,
    TokenSchema,
    UserSchema,
    UserUpdateSchema,
)
from federation.schemas.base import PageQuerySchema, page_schema
from federation.services import accounts
from federation.services.events import calendars

NAME_FIELDS = ("family_name", "given_name", "family_name_kana", "given_name_kana")


@bp.route("/me", methods=["GET"])
@authenticated()
@bp.response(200, UserSchema)
@errors(304)
@bp.doc(summary="The signed-in user", tags=["account"])
def me(actor):
    return actor


@bp.route("/me", methods=["PATCH"])
@authenticated()
@bp.arguments(UserUpdateSchema(partial=True))
@bp.response(200, UserSchema)
@errors(400, 422)
@bp.doc(summary="Update my name, kana readings or language", tags=["account"])
def update_me(data, actor):
    if any(key in data for key in NAME_FIELDS):
        accounts.update_profile(actor, **{key: data.get(key, getattr(actor, key)) for key in NAME_FIELDS})
    if "locale" in data:
        accounts.set_locale(actor, data["locale"])
    return actor


@bp.route("/tokens", methods=["GET"])
@authenticated()
@bp.arguments(PageQuerySchema, location="query")
@bp.response(200, page_schema(TokenSchema))
@errors(304, 422)
@bp.doc(summary="My API tokens", tags=["account"])
def list_tokens(args, actor):
    return paginate(select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.id.desc()), args)


@bp.route("/tokens", methods=["POST"])
@authenticated()
@bp.arguments(TokenSchema)
@bp.response(201, NewTokenSchema)
@errors(400, 422)
@bp.doc(summary="Create an API token (the token is shown once)", tags=["account"])
def create_token(data, actor):
    token, raw = accounts.create_api_token(actor, data["name"])
    token.token = raw
    return token


@bp.route("/tokens/<int:token_id>", methods=["DELETE"])
@authenticated()
@bp.response(204)
@errors(404)
@bp.doc(summary="Revoke an API token", tags=["account"])
def revoke_token(token_id, actor):
    accounts.revoke_api_token(actor, token_id)


@bp.route("/me/calendar", methods=["GET"])
@authenticated()
@bp.response(200, CalendarFeedSchema)
@errors(304)
@bp.doc(summary="The URL of my personal calendar feed (the events I registered for)", tags=["account"])
def calendar_feed(actor):
    return {"url": _feed_url(calendars.feed_secret(actor))}


@bp.route("/me/calendar/reset", methods=["POST"])
@authenticated()
@bp.response(200, CalendarFeedSchema)
@bp.doc(summary="Give my calendar feed a new URL (the old one stops working)", tags=["account"])
def reset_calendar_feed(actor):
    return {"url": _feed_url(calendars.reset_feed_secret(actor))}


def _feed_url(secret: str) -> str:
    return external_url("calendar.feed", secret=secret)

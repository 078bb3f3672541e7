"""API: the co-creation directory (members only) and introductions."""
from __future__ import annotations

from flask import current_app, jsonify, request
from flask_login import current_user  # noqa: F401

from federation.blueprints.api import operation
from federation.extensions import limiter
from federation.pagination import page_args
from federation.schemas.directory import (IntroductionCreateSchema, IntroductionSchema,
                                          MatchSchema, ProfileSchema)
from federation.services import directory, introductions

STRING = {"type": "string"}


def _limit(name: str):
    return lambda: current_app.config[name]


def _actor_key() -> str:
    from flask import g

    actor = g.get("actor")
    return f"user:{actor.id}" if actor is not None else request.remote_addr


@operation("/directory", summary="Search the co-creation directory (members only)",
           tag="directory", response=ProfileSchema, paginated=True,
           query={"q": STRING, "need": STRING, "side": STRING, "group": STRING,
                  "industry": STRING, "sort": STRING}, errors=(429,))
@limiter.limit(_limit("RATELIMIT_DIRECTORY_SEARCH"), key_func=_actor_key)
def search_directory(actor):
    args = request.args
    page, per_page = page_args(args, strict=True)
    found = directory.search(
        actor, page, per_page, q=args.get("q", "")[:100], need=args.get("need", ""),
        side=args.get("side", ""), group=args.get("group", "")[:64],
        industry=args.get("industry", "")[:60], sort=args.get("sort", "kana"))
    views = directory.views_of(actor, found.items)
    # A search reaches at most SEARCH_CAP people: `total` is then that bound
    # and `total_capped` says there are more (narrow the search to see them).
    return jsonify({"items": ProfileSchema(many=True).dump(views), "page": page,
                    "per_page": per_page, "total": found.total,
                    "total_capped": found.capped})


@operation("/directory/matches", summary="Complementary offers and asks for me",
           tag="directory", response=MatchSchema, paginated=True, errors=(429,))
@limiter.limit(_limit("RATELIMIT_DIRECTORY_SEARCH"), key_func=_actor_key)
def directory_matches(actor):
    page, per_page = page_args(request.args, strict=True)
    items, total = directory.list_matches(actor, page, per_page)
    return jsonify({"items": MatchSchema(many=True).dump(items), "page": page,
                    "per_page": per_page, "total": total})


@operation("/directory/<int:profile_id>", summary="A directory profile", tag="directory",
           response=ProfileSchema, errors=(404,))
def directory_profile(actor, profile_id):
    return directory.get_profile(actor, profile_id)


@operation("/introductions", "POST", summary="Ask for an introduction", tag="directory",
           body=IntroductionCreateSchema, response=IntroductionSchema, status=201,
           errors=(403, 404, 409, 429))
@limiter.limit(_limit("RATELIMIT_INTRODUCTION"), key_func=_actor_key)
def create_introduction(actor, data):
    return introductions.request_introduction(actor, data["profile_id"], data["message"])


@operation("/introductions/<int:introduction_id>/accept", "POST", summary="Accept an introduction",
           tag="directory", response=IntroductionSchema, errors=(403, 404, 409))
def accept_introduction(actor, introduction_id):
    return introductions.accept(actor, introductions.get_introduction(actor, introduction_id))


@operation("/introductions/<int:introduction_id>/decline", "POST",
           summary="Decline an introduction", tag="directory", response=IntroductionSchema,
           errors=(403, 404, 409))
def decline_introduction(actor, introduction_id):
    return introductions.decline(actor, introductions.get_introduction(actor, introduction_id))

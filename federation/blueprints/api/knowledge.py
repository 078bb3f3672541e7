"""API: the knowledge hub (articles, versions, the textbook) and consultations
[壁打ち]. What the caller may not see answers 404."""
from __future__ import annotations

from flask import current_app, g, request

from federation.blueprints.api import operation
from federation.errors import Forbidden
from federation.extensions import limiter
from federation.schemas.knowledge import (ArticleCreateSchema, ArticleSchema,
                                          ArticleSummarySchema, ArticleWriteSchema,
                                          ConsultationCreateSchema, ConsultationSchema,
                                          ConsultationSessionAcceptSchema,
                                          ConsultationSessionCreateSchema,
                                          ConsultationSessionSchema, ConsultationSummarySchema,
                                          ReplyCreateSchema, ReplySchema, SolveSchema,
                                          TextbookSchema, VersionSchema)
from federation.services.knowledge import articles, consultations, textbook

STRING = {"type": "string"}


def _actor_key() -> str:
    actor = g.get("actor")
    return f"user:{actor.id}" if actor is not None else request.remote_addr


def _limit(name: str):
    return lambda: current_app.config[name]


@operation("/articles", summary="Knowledge articles the caller may read", tag="knowledge",
           response=ArticleSummarySchema, paginated=True, auth=False,
           query={"category": STRING})
def list_articles(actor):
    return articles.articles_query(actor, request.args.get("category", "")[:20])


@operation("/articles", "POST", summary="Write a knowledge article (operators)", tag="knowledge",
           body=ArticleCreateSchema, response=ArticleSchema, status=201, errors=(403,))
def create_article(actor, data):
    return articles.create_article(actor, data)


@operation("/articles/<int:article_id>", summary="A knowledge article", tag="knowledge",
           response=ArticleSchema, auth=False, errors=(404,))
def get_article(actor, article_id):
    return articles.get_article(actor, article_id)


@operation("/articles/<int:article_id>", "PATCH",
           summary="Edit an article (a new version; author or coordinators)", tag="knowledge",
           body=ArticleWriteSchema, response=ArticleSchema, errors=(403, 404))
def update_article(actor, article_id, data):
    return articles.update_article(actor, articles.get_article(actor, article_id), data)


@operation("/articles/<int:article_id>/versions", summary="An article's versions, newest first",
           tag="knowledge", response=VersionSchema, paginated=True, auth=False, errors=(404,))
def article_versions(actor, article_id):
    return articles.versions_query(articles.get_article(actor, article_id))


@operation("/textbook", summary="The textbook: chapters and the articles the caller may read",
           tag="knowledge", response=TextbookSchema, auth=False)
def get_textbook(actor):
    return {"chapters": textbook.table_of_contents(actor)}


@operation("/consultations", summary="Consultations the caller may see", tag="consultations",
           response=ConsultationSummarySchema, paginated=True,
           query={"category": STRING, "status": STRING, "space": STRING})
def list_consultations(actor):
    args = request.args
    return consultations.consultations_query(actor, args.get("category", "")[:20],
                                             args.get("status", "")[:20],
                                             args.get("space", "")[:20])


@operation("/consultations", "POST", summary="Ask for advice", tag="consultations",
           body=ConsultationCreateSchema, response=ConsultationSchema, status=201,
           errors=(403, 429))
@limiter.limit(_limit("RATELIMIT_CONSULTATION_POST"), key_func=_actor_key)
def create_consultation(actor, data):
    return consultations.post_consultation(actor, data)


@operation("/consultations/<int:consultation_id>", summary="A consultation with its replies",
           tag="consultations", response=ConsultationSchema, errors=(404,))
def get_consultation(actor, consultation_id):
    return consultations.get_consultation(actor, consultation_id)


@operation("/consultations/<int:consultation_id>/replies", "POST", summary="Reply",
           tag="consultations", body=ReplyCreateSchema, response=ReplySchema, status=201,
           errors=(403, 404, 429))
@limiter.limit(_limit("RATELIMIT_CONSULTATION_REPLY"), key_func=_actor_key)
def create_reply(actor, consultation_id, data):
    consultation = consultations.get_consultation(actor, consultation_id)
    if not consultations.permissions(actor, consultation).reply:
        raise Forbidden()
    return consultations.reply(actor, consultation, data["body"])


@operation("/consultations/<int:consultation_id>/solve", "POST",
           summary="Close as solved (the asker), optionally publishing it as an article",
           tag="consultations", body=SolveSchema, response=ConsultationSchema,
           errors=(403, 404, 409))
def solve_consultation(actor, consultation_id, data):
    consultation = consultations.get_consultation(actor, consultation_id)
    consultations.solve(actor, consultation, data["helpful_reply_ids"])
    if data["to_article"]:
        consultations.to_article(actor, consultation, True)
    return consultation


@operation("/consultations/<int:consultation_id>/sessions", "POST",
           summary="Ask someone who replied for a 1:1 session (up to three times)",
           tag="consultations", body=ConsultationSessionCreateSchema,
           response=ConsultationSessionSchema, status=201, errors=(403, 404))
def create_session(actor, consultation_id, data):
    consultation = consultations.get_consultation(actor, consultation_id)
    return consultations.request_session(actor, consultation, data["helper_id"], data["times"])


@operation("/consultation-sessions/<int:session_id>/accept", "POST",
           summary="Accept one of the proposed times (the helper)", tag="consultations",
           body=ConsultationSessionAcceptSchema, response=ConsultationSessionSchema,
           errors=(403, 404, 409))
def accept_session(actor, session_id, data):
    return consultations.accept_session(actor, consultations.get_session(actor, session_id),
                                        data["time"])


@operation("/consultation-sessions/<int:session_id>/cancel", "POST",
           summary="Cancel a session (either person)", tag="consultations",
           response=ConsultationSessionSchema, errors=(403, 404, 409))
def cancel_session(actor, session_id):
    return consultations.cancel_session(actor, consultations.get_session(actor, session_id))




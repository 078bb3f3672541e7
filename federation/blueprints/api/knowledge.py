"""API: the knowledge hub (articles, versions, the textbook) and consultations
[壁打ち]. What the caller may not see answers 404."""

from __future__ import annotations

from federation.blueprints.api.base import authenticated, bp, errors, paginate
from federation.errors import Forbidden
from federation.extensions import limiter
from federation.ratelimits import per_person, setting
from federation.schemas.base import PageQuerySchema, page_schema
from federation.schemas.knowledge import (
    ArticleCreateSchema,
    ArticleQuerySchema,
    ArticleSchema,
    ArticleSummarySchema,
    ArticleWriteSchema,
    ConsultationCreateSchema,
    ConsultationQuerySchema,
    ConsultationSchema,
    ConsultationSessionAcceptSchema,
    ConsultationSessionCreateSchema,
    ConsultationSessionSchema,
    ConsultationSummarySchema,
    ReplyCreateSchema,
    ReplySchema,
    SolveSchema,
    TextbookSchema,
    VersionSchema,
)
from federation.services.knowledge import articles, consultations, textbook

KNOWLEDGE, CONSULTATIONS = ["knowledge"], ["consultations"]


@bp.route("/articles", methods=["GET"])
@authenticated(required=False)
@bp.arguments(ArticleQuerySchema, location="query")
@bp.response(200, page_schema(ArticleSummarySchema))
@errors(422)
@bp.doc(summary="Knowledge articles the caller may read", tags=KNOWLEDGE)
def list_articles(args, actor):
    return paginate(articles.articles_query(actor, args["category"]), args)


@bp.route("/articles", methods=["POST"])
@authenticated()
@bp.arguments(ArticleCreateSchema)
@bp.response(201, ArticleSchema)
@errors(400, 403, 422)
@bp.doc(summary="Write a knowledge article (operators)", tags=KNOWLEDGE)
def create_article(data, actor):
    return articles.create_article(actor, data)


@bp.route("/articles/<int:article_id>", methods=["GET"])
@authenticated(required=False)
@bp.response(200, ArticleSchema)
@errors(404)
@bp.doc(summary="A knowledge article", tags=KNOWLEDGE)
def get_article(article_id, actor):
    return articles.get_article(actor, article_id)


@bp.route("/articles/<int:article_id>", methods=["PATCH"])
@authenticated()
@bp.arguments(ArticleWriteSchema)
@bp.response(200, ArticleSchema)
@errors(400, 403, 404, 422)
@bp.doc(summary="Edit an article (a new version; author or coordinators)", tags=KNOWLEDGE)
def update_article(data, article_id, actor):
    return articles.update_article(actor, articles.get_article(actor, article_id), data)


@bp.route("/articles/<int:article_id>/versions", methods=["GET"])
@authenticated(required=False)
@bp.arguments(PageQuerySchema, location="query")
@bp.response(200, page_schema(VersionSchema))
@errors(404, 422)
@bp.doc(summary="An article's versions, newest first", tags=KNOWLEDGE)
def article_versions(args, article_id, actor):
    return paginate(articles.versions_query(articles.get_article(actor, article_id)), args)


@bp.route("/textbook", methods=["GET"])
@authenticated(required=False)
@bp.response(200, TextbookSchema)
@bp.doc(summary="The textbook: chapters and the articles the caller may read", tags=KNOWLEDGE)
def get_textbook(actor):
    return {"chapters": textbook.table_of_contents(actor)}


@bp.route("/consultations", methods=["GET"])
@authenticated()
@bp.arguments(ConsultationQuerySchema, location="query")
@bp.response(200, page_schema(ConsultationSummarySchema))
@errors(422)
@bp.doc(summary="Consultations the caller may see", tags=CONSULTATIONS)
def list_consultations(args, actor):
    return paginate(
        consultations.consultations_query(actor, args["category"], args["status"], args["space"]), args
    )


@bp.route("/consultations", methods=["POST"])
@authenticated()
@bp.arguments(ConsultationCreateSchema)
@bp.response(201, ConsultationSchema)
@errors(400, 403, 422, 429)
@bp.doc(summary="Ask for advice", tags=CONSULTATIONS)
@limiter.limit(setting("RATELIMIT_CONSULTATION_POST"), key_func=per_person)
def create_consultation(data, actor):
    return consultations.post_consultation(actor, data)


@bp.route("/consultations/<int:consultation_id>", methods=["GET"])
@authenticated()
@bp.response(200, ConsultationSchema)
@errors(404)
@bp.doc(summary="A consultation with its replies", tags=CONSULTATIONS)
def get_consultation(consultation_id, actor):
    return consultations.get_consultation(actor, consultation_id)


@bp.route("/consultations/<int:consultation_id>/replies", methods=["POST"])
@authenticated()
@bp.arguments(ReplyCreateSchema)
@bp.response(201, ReplySchema)
@errors(400, 403, 404, 422, 429)
@bp.doc(summary="Reply", tags=CONSULTATIONS)
@limiter.limit(setting("RATELIMIT_CONSULTATION_REPLY"), key_func=per_person)
def create_reply(data, consultation_id, actor):
    consultation = consultations.get_consultation(actor, consultation_id)
    if not consultations.permissions(actor, consultation).reply:
        raise Forbidden()
    return consultations.reply(actor, consultation, data["body"])


@bp.route("/consultations/<int:consultation_id>/solve", methods=["POST"])
@authenticated()
@bp.arguments(SolveSchema, required=False)
@bp.response(200, ConsultationSchema)
@errors(400, 403, 404, 409, 422)
@bp.doc(summary="Close as solved (the asker), optionally publishing it as an article", tags=CONSULTATIONS)
def solve_consultation(data, consultation_id, actor):
    data = data or {"helpful_reply_ids": [], "to_article": False}
    consultation = consultations.get_consultation(actor, consultation_id)
    consultations.solve(actor, consultation, data["helpful_reply_ids"])
    if data["to_article"]:
        consultations.to_article(actor, consultation, True)
    return consultation


@bp.route("/consultations/<int:consultation_id>/sessions", methods=["POST"])
@authenticated()
@bp.arguments(ConsultationSessionCreateSchema)
@bp.response(201, ConsultationSessionSchema)
@errors(400, 403, 404, 422)
@bp.doc(summary="Ask someone who replied for a 1:1 session (up to three times)", tags=CONSULTATIONS)
def create_session(data, consultation_id, actor):
    consultation = consultations.get_consultation(actor, consultation_id)
    return consultations.request_session(actor, consultation, data["helper_id"], data["times"])


@bp.route("/consultation-sessions/<int:session_id>/accept", methods=["POST"])
@authenticated()
@bp.arguments(ConsultationSessionAcceptSchema)
@bp.response(200, ConsultationSessionSchema)
@errors(400, 403, 404, 409, 422)
@bp.doc(summary="Accept one of the proposed times (the helper)", tags=CONSULTATIONS)
def accept_session(data, session_id, actor):
    return consultations.accept_session(actor, consultations.get_session(actor, session_id), data["time"])


@bp.route("/consultation-sessions/<int:session_id>/cancel", methods=["POST"])
@authenticated()
@bp.response(200, ConsultationSessionSchema)
@errors(403, 404, 409)
@bp.doc(summary="Cancel a session (either person)", tags=CONSULTATIONS)
def cancel_session(session_id, actor):
    return consultations.cancel_session(actor, consultations.get_session(actor, session_id))

"""API: the co-creation directory (members only), introductions, blocks and
abuse reports."""

from __future__ import annotations

from marshmallow import fields

from federation.blueprints.api.base import authenticated, bp, cached_page, errors, paginate
from federation.extensions import limiter
from federation.models import ReadKind
from federation.ratelimits import per_person, setting
from federation.schemas.base import PageQuerySchema, page_schema
from federation.schemas.directory import (
    AbuseReportSchema,
    BlockSchema,
    DirectoryQuerySchema,
    IntroductionCreateSchema,
    IntroductionQuerySchema,
    IntroductionSchema,
    MatchSchema,
    ProfileSchema,
    ReportCreateSchema,
)
from federation.services import directory, introductions, reads
from federation.services.views import View

TAGS = ["directory"]


SEARCH_PAGE = page_schema(
    ProfileSchema,
    total_capped=fields.Boolean(
        required=True,
        metadata={
            "description": "A search reaches at most a bounded number of "
            "people: then `total` is that bound and there are "
            "more (narrow the search to see them)."
        },
    ),
)


@bp.route("/directory", methods=["GET"])
@authenticated()
@limiter.limit(setting("RATELIMIT_DIRECTORY_SEARCH"), key_func=per_person)
@bp.arguments(DirectoryQuerySchema, location="query")
@bp.response(200, SEARCH_PAGE)
@errors(304, 404, 422, 429)
@bp.doc(summary="Search the co-creation directory (members only)", tags=TAGS)
def search_directory(args, actor):
    def build() -> dict:
        found = directory.search(
            actor,
            args["page"],
            args["per_page"],
            q=args["q"],
            need=args["need"],
            side=args["side"],
            group=args["group"],
            industry=args["industry"],
            sort=args["sort"],
        )
        page = paginate(directory.views_of(actor, found.items), args, total=found.total)
        page["total_capped"] = found.capped
        return page

    return cached_page(directory.SEARCH_LIST, directory.search_scope(actor), SEARCH_PAGE, build)


@bp.route("/directory/matches", methods=["GET"])
@authenticated()
@limiter.limit(setting("RATELIMIT_DIRECTORY_SEARCH"), key_func=per_person)
@bp.arguments(PageQuerySchema, location="query")
@bp.response(200, page_schema(MatchSchema))
@errors(304, 404, 422, 429)
@bp.doc(summary="Complementary offers and asks for me", tags=TAGS)
def directory_matches(args, actor):
    items, total = directory.list_matches(actor, args["page"], args["per_page"])
    views = [View(m, reasons=[{"mine": mine, "theirs": theirs} for mine, theirs in m.reasons]) for m in items]
    return paginate(views, args, total=total)


@bp.route("/directory/<int:profile_id>", methods=["GET"])
@authenticated()
@bp.response(200, ProfileSchema)
@errors(304, 404)
@bp.doc(summary="A directory profile", tags=TAGS)
def directory_profile(profile_id, actor):
    view = directory.get_profile(actor, profile_id)
    # Reads of personal data are recorded here as on the page (the APPI report).
    reads.record_reads(actor, ReadKind.directory_profile, view.profile.id, [view.profile.user_id])
    return view


@bp.route("/introductions", methods=["POST"])
@authenticated()
@limiter.limit(setting("RATELIMIT_INTRODUCTION"), key_func=per_person)
@bp.arguments(IntroductionCreateSchema)
@bp.response(201, IntroductionSchema)
@errors(400, 403, 404, 409, 422, 429)
@bp.doc(summary="Ask for an introduction", tags=TAGS)
def create_introduction(data, actor):
    return introductions.request_introduction(actor, data["profile_id"], data["message"])


@bp.route("/introductions", methods=["GET"])
@authenticated()
@bp.arguments(IntroductionQuerySchema, location="query")
@bp.response(200, page_schema(IntroductionSchema))
@errors(304, 422)
@bp.doc(summary="My introductions: asked of me (incoming) or by me (outgoing)", tags=TAGS)
def list_introductions(args, actor):
    box = introductions.outbox if args["box"] == "outgoing" else introductions.inbox
    return paginate(box(actor), args)


def _introduction_action(name: str, summary: str, service):
    @bp.route(
        f"/introductions/<int:introduction_id>/{name}", methods=["POST"], endpoint=f"{name}_introduction"
    )
    @authenticated()
    @bp.response(200, IntroductionSchema)
    @errors(403, 404, 409)
    @bp.doc(summary=summary, tags=TAGS)
    def view(introduction_id, actor):
        return service(actor, introductions.get_introduction(actor, introduction_id))

    return view


_introduction_action("accept", "Accept an introduction (both get each other's contact)", introductions.accept)
_introduction_action("decline", "Decline an introduction", introductions.decline)


@bp.route("/introductions/<int:introduction_id>/block", methods=["POST"])
@authenticated()
@bp.response(200, BlockSchema)
@errors(403, 404)
@bp.doc(summary="Block the sender of an introduction (a pending one is declined)", tags=TAGS)
def block_sender(introduction_id, actor):
    return introductions.block(actor, introductions.get_introduction(actor, introduction_id))


@bp.route("/introductions/<int:introduction_id>/report", methods=["POST"])
@authenticated()
@bp.arguments(ReportCreateSchema)
@bp.response(201, AbuseReportSchema)
@errors(400, 403, 404, 422)
@bp.doc(summary="Report the sender of an introduction to the coordinators", tags=TAGS)
def report_sender(data, introduction_id, actor):
    introduction = introductions.get_introduction(actor, introduction_id)
    return introductions.report(actor, introduction, data["reason"])


@bp.route("/abuse-reports", methods=["GET"])
@authenticated()
@bp.arguments(PageQuerySchema, location="query")
@bp.response(200, page_schema(AbuseReportSchema))
@errors(304, 403, 422)
@bp.doc(summary="Abuse reports, newest first (coordinators)", tags=TAGS)
def list_abuse_reports(args, actor):
    return paginate(introductions.abuse_reports(actor), args)

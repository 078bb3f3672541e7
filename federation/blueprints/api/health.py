"""API: federation health, the impact report and introduction outcomes."""

from __future__ import annotations

from federation.blueprints.api.base import authenticated, bp, cached_page, errors
from federation.errors import Forbidden
from federation.permissions import can_see_federation_health
from federation.schemas.health import (
    FederationHealthSchema,
    GroupHealthSchema,
    ImpactReportQuerySchema,
    ImpactReportSchema,
    OutcomeInSchema,
    OutcomeSchema,
)
from federation.services import groups
from federation.services.health import outcomes, report, snapshots

TAGS = ["health"]


@bp.route("/groups/<slug>/health", methods=["GET"])
@authenticated()
@bp.response(200, GroupHealthSchema)
@errors(403, 404)
@bp.doc(summary="A group's monthly indicators and flags (its operators and coordinators)", tags=TAGS)
def group_health(slug, actor):
    return snapshots.group_health(actor, groups.get_group(actor, slug))


@bp.route("/federation/health", methods=["GET"])
@authenticated()
@bp.response(200, FederationHealthSchema)
@errors(403)
@bp.doc(summary="Every group's latest snapshot (coordinators)", tags=TAGS)
def federation_health(actor):
    if not can_see_federation_health(actor):
        raise Forbidden()

    def build() -> dict:
        table = snapshots.federation_table(actor, with_indicators=True)
        return {
            "month": table["month"],
            "computed_at": table["computed_at"],
            "groups": [
                {
                    "group": g.slug,
                    "governance_type": g.governance_type.value,
                    "maturity_level": g.maturity_level,
                    "snapshot": s,
                }
                for g, s in table["rows"]
            ],
        }

    scope = snapshots.federation_health_scope(actor)
    return cached_page(snapshots.FEDERATION_HEALTH_LIST, scope, FederationHealthSchema, build)


@bp.route("/groups/<slug>/impact-report", methods=["GET"])
@authenticated()
@bp.arguments(ImpactReportQuerySchema, location="query")
@bp.response(200, ImpactReportSchema)
@errors(403, 404, 422)
@bp.doc(summary="The impact report's numbers for a period", tags=TAGS)
def impact_report(args, slug, actor):
    group = groups.get_group(actor, slug)
    start, end = report.parse_period(
        args["start"] and args["start"].isoformat(), args["end"] and args["end"].isoformat()
    )
    data = report.impact_report(actor, group, start, end, args["section"])
    return {**data, "group": group.slug}


@bp.route("/introductions/<int:introduction_id>/outcome", methods=["POST"])
@authenticated()
@bp.arguments(OutcomeInSchema)
@bp.response(200, OutcomeSchema)
@errors(400, 404, 409, 422)
@bp.doc(summary="Say what came of an accepted introduction (either person, optional)", tags=TAGS)
def introduction_outcome(data, introduction_id, actor):
    return outcomes.answer(actor, introduction_id, data["outcome"], named=data["named"], note=data["note"])

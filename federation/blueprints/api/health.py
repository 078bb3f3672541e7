"""API: federation health, the impact report and introduction outcomes."""
from __future__ import annotations

from flask import request

from federation.blueprints.api import operation
from federation.errors import Forbidden
from federation.schemas.health import (FederationHealthSchema, GroupHealthSchema,
                                       ImpactReportSchema, OutcomeInSchema, OutcomeSchema)
from federation.services import groups
from federation.services.health import outcomes, report, snapshots


@operation("/groups/<slug>/health", summary="A group's monthly indicators and flags "
           "(its operators and coordinators)", tag="health", response=GroupHealthSchema,
           errors=(403, 404))
def group_health(actor, slug):
    return snapshots.group_health(actor, groups.get_group(actor, slug))


@operation("/federation/health", summary="Every group's latest snapshot (coordinators)",
           tag="health", response=FederationHealthSchema, errors=(403,))
def federation_health(actor):
    table = snapshots.federation_table(actor, with_indicators=True)
    return {"month": table["month"], "computed_at": table["computed_at"], "groups": [
        {"group": g.slug, "governance_type": g.governance_type.value,
         "maturity_level": g.maturity_level, "snapshot": s} for g, s in table["rows"]]}


@operation("/groups/<slug>/impact-report", summary="The impact report's numbers for a period",
           tag="health", response=ImpactReportSchema, errors=(403, 404, 422),
           query={"from": {"type": "string", "format": "date"},
                  "to": {"type": "string", "format": "date"},
                  "section": {"type": "string", "enum": list(report.SECTIONS)}})
def impact_report(actor, slug):
    group = groups.get_group(actor, slug)
    start, end = report.parse_period(request.args.get("from"), request.args.get("to"))
    data = report.impact_report(actor, group, start, end, request.args.getlist("section"))
    return {**data, "group": group.slug}


@operation("/introductions/<int:introduction_id>/outcome", "POST",
           summary="Say what came of an accepted introduction (either person, optional)",
           tag="health", body=OutcomeInSchema, response=OutcomeSchema, errors=(404, 409))
def introduction_outcome(actor, introduction_id, data):
    if actor is None:
        raise Forbidden()
    return outcomes.answer(actor, introduction_id, data["outcome"], named=data["named"],
                           note=data["note"])

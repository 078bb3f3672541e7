"""API: operator applications. Applicants see their own; coordinators see all
and decide."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from federation.blueprints.api.base import authenticated, bp, errors, paginate
from federation.errors import Invalid
from federation.extensions import db
from federation.models import AlumniGroup, ReadKind
from federation.schemas.applications import (
    ApplicationInSchema,
    ApplicationQuerySchema,
    ApplicationSchema,
    DecisionSchema,
)
from federation.schemas.base import page_schema
from federation.services import applications as service
from federation.services import reads

TAGS = ["applications"]


def _view(application):
    return service.application_views([application])[0]


@bp.route("/applications", methods=["POST"])
@authenticated()
@bp.arguments(ApplicationInSchema)
@bp.response(201, ApplicationSchema)
@errors(400, 403, 409, 422)
@bp.doc(summary="Apply as an operator; answers the assessment", tags=TAGS)
def create_application(data, actor):
    slug = data.pop("group", None)
    if slug:
        group_id = db.session.scalar(select(AlumniGroup.id).where(AlumniGroup.slug == slug))
        if group_id is None:
            raise Invalid(fields={"group": [_("Choose a group of the registry.")]})
        data["group_id"] = group_id
    return _view(service.submit_application(actor, data))


@bp.route("/applications", methods=["GET"])
@authenticated()
@bp.arguments(ApplicationQuerySchema, location="query")
@bp.response(200, page_schema(ApplicationSchema))
@errors(304, 422)
@bp.doc(summary="Applications: all for coordinators, else my own", tags=TAGS)
def list_applications(args, actor):
    page = paginate(service.applications_query(actor, args["status"], with_assessment=True), args)
    page["items"] = service.application_views(page["items"])
    return page


@bp.route("/applications/<int:application_id>", methods=["GET"])
@authenticated()
@bp.response(200, ApplicationSchema)
@errors(304, 404)
@bp.doc(summary="One application with its assessment", tags=TAGS)
def get_application(application_id, actor):
    application = service.get_application(actor, application_id)
    reads.record_reads(actor, ReadKind.application, application.id, [application.applicant_id])
    return _view(application)


@bp.route("/applications/<int:application_id>/decision", methods=["POST"])
@authenticated()
@bp.arguments(DecisionSchema)
@bp.response(200, ApplicationSchema)
@errors(400, 403, 404, 409, 422)
@bp.doc(summary="Coordinators: approve, reject or request more information", tags=TAGS)
def decide_application(data, application_id, actor):
    application = service.get_application(actor, application_id)
    return _view(service.decide(actor, application, data["decision"], data["message"], data.get("note", "")))

"""API: operator applications. Applicants see their own; coordinators see all
and decide."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from federation.blueprints.api import operation
from federation.errors import Invalid
from federation.extensions import db
from federation.models import AlumniGroup
from federation.schemas.applications import (ApplicationInSchema, ApplicationSchema,
                                             DecisionSchema)
from federation.services import applications as service


@operation("/applications", "POST", summary="Apply as an operator; answers the assessment",
           tag="applications", body=ApplicationInSchema, response=ApplicationSchema,
           status=201, errors=(403, 409))
def create_application(actor, data):
    slug = data.pop("group", None)
    if slug:
        group_id = db.session.scalar(select(AlumniGroup.id).where(AlumniGroup.slug == slug))
        if group_id is None:
            raise Invalid(fields={"group": [_("Choose a group of the registry.")]})
        data["group_id"] = group_id
    return service.submit_application(actor, data)


@operation("/applications", summary="Applications: all for coordinators, else my own",
           tag="applications", response=ApplicationSchema, paginated=True,
           query={"status": {"type": "string",
                             "enum": ["pending", "info_requested", "approved", "rejected"]}})
def list_applications(actor):
    return service.applications_query(actor, request.args.get("status", ""),
                                       with_assessment=True)


@operation("/applications/<int:application_id>", summary="One application with its assessment",
           tag="applications", response=ApplicationSchema, errors=(404,))
def get_application(actor, application_id):
    return service.get_application(actor, application_id)


@operation("/applications/<int:application_id>/decision", "POST",
           summary="Coordinators: approve, reject or request more information",
           tag="applications", body=DecisionSchema, response=ApplicationSchema,
           errors=(403, 404, 409))
def decide_application(actor, application_id, data):
    application = service.get_application(actor, application_id)
    return service.decide(actor, application, data["decision"], data["message"],
                          data.get("note", ""))

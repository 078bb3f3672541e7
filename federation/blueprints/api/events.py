"""API: the joint-event board, its planning (draft → proposed → published)
and RSVPs."""

from __future__ import annotations

from flask_babel import gettext as _

from federation.blueprints.api.base import (
    authenticated,
    bp,
    cached_page,
    errors,
    existing_on_conflict,
    paginate,
)
from federation.errors import Invalid
from federation.schemas.base import page_schema
from federation.schemas.events import EventCreateSchema, EventQuerySchema, EventSchema, RegistrationSchema
from federation.services import events, groups

TAGS = ["events"]


@bp.route("/events", methods=["GET"])
@authenticated(required=False)
@bp.arguments(EventQuerySchema, location="query")
@bp.response(200, page_schema(EventSchema))
@errors(304, 422)
@bp.doc(summary="The joint-event board (what your audience allows)", tags=TAGS)
def list_events(args, actor):
    def build() -> dict:
        items, total = events.event_list_page(
            actor,
            args["page"],
            args["per_page"],
            when=args["when"],
            group=args["group"],
            format=args["format"],
            month=args["month"],
            tag=args["tag"],
            q=args["q"],
        )
        return paginate(items, args, total=total)

    return cached_page(events.BOARD_LIST, events.board_scope(actor), page_schema(EventSchema), build)


@bp.route("/events", methods=["POST"])
@authenticated()
@bp.arguments(EventCreateSchema)
@bp.response(201, EventSchema)
@errors(400, 403, 404, 422)
@bp.doc(summary="Draft a joint event for a group you run", tags=TAGS)
def create_event(data, actor):
    slug = data.pop("group", None)
    if slug:
        group = groups.get_group(actor, slug)
    else:
        mine = groups.groups_operated_by(actor)
        if len(mine) != 1:
            raise Invalid(fields={"group": [_("Choose the group you ask for.")]})
        group = mine[0]
    return events.event_view(actor, events.create_event(actor, group, data))


@bp.route("/events/<int:event_id>", methods=["GET"])
@authenticated(required=False)
@bp.response(200, EventSchema)
@errors(304, 404)
@bp.doc(summary="One joint event", tags=TAGS)
def get_event(event_id, actor):
    return events.event_view(actor, events.get_event(actor, event_id))


@bp.route("/events/<int:event_id>", methods=["PATCH"])
@authenticated()
@bp.arguments(EventSchema(partial=True))
@bp.response(200, EventSchema)
@errors(400, 403, 404, 409, 422)
@bp.doc(summary="Change an event (its hosts only)", tags=TAGS)
def update_event(data, event_id, actor):
    data.pop("group", None)
    event = events.get_event(actor, event_id)
    return events.event_view(actor, events.update_event(actor, event, data))


@bp.route("/events/<int:event_id>/hosts/<slug>/confirm", methods=["POST"])
@authenticated()
@bp.response(200, EventSchema)
@errors(403, 404, 409)
@bp.doc(summary="A co-host group's operator confirms the invitation", tags=TAGS)
def confirm_host(event_id, slug, actor):
    event = events.get_event(actor, event_id)
    events.confirm_host(actor, event, slug)
    return events.event_view(actor, event)


@bp.route("/events/<int:event_id>/propose", methods=["POST"])
@authenticated()
@bp.response(200, EventSchema)
@errors(403, 404, 409)
@bp.doc(summary="The hosts submit a draft to the coordinators for publishing", tags=TAGS)
def propose_event(event_id, actor):
    event = events.get_event(actor, event_id)
    return events.event_view(actor, events.propose_event(actor, event))


@bp.route("/events/<int:event_id>/publish", methods=["POST"])
@authenticated()
@bp.response(200, EventSchema)
@errors(403, 404, 409)
@bp.doc(summary="Publish on the board (coordinators; or hosts when the setting allows)", tags=TAGS)
def publish_event(event_id, actor):
    event = events.get_event(actor, event_id)
    return events.event_view(actor, events.publish_event(actor, event))


@bp.route("/events/<int:event_id>/registrations", methods=["POST"])
@authenticated()
@bp.arguments(RegistrationSchema, required=False)
@bp.response(201, RegistrationSchema)
@existing_on_conflict(RegistrationSchema)
@errors(400, 403, 404, 422)
@bp.doc(summary="Register: 201 with status confirmed or waitlisted", tags=TAGS)
def register(data, event_id, actor):
    event = events.get_event(actor, event_id)
    registration, created = events.register(actor, event, listed=data.get("listed", False))
    return registration if created else (registration, 409)


@bp.route("/events/<int:event_id>/registrations/me", methods=["DELETE"])
@authenticated()
@bp.response(204)
@errors(404, 409)
@bp.doc(summary="Cancel my registration (the waitlist moves up)", tags=TAGS)
def unregister(event_id, actor):
    event = events.get_event(actor, event_id)
    events.cancel_registration(actor, event)

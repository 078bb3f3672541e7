"""API: the joint-event board and RSVPs."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from federation.blueprints.api import operation
from federation.errors import Invalid
from federation.schemas.events import EventCreateSchema, EventSchema, RegistrationSchema
from federation.services import events, groups

STRING = {"type": "string"}


@operation("/events", summary="The joint-event board (what your audience allows)",
           tag="events", response=EventSchema, paginated=True, auth=False,
           query={"when": {"type": "string", "enum": ["upcoming", "past", "all"]},
                  "group": STRING, "format": STRING, "month": {"type": "string",
                                                               "example": "2030-04"},
                  "tag": STRING, "q": STRING})
def list_events(actor):
    args = request.args
    return events.board_query(actor, when=args.get("when", "upcoming"),
                              group=args.get("group", ""), format=args.get("format", ""),
                              month=args.get("month", ""), tag=args.get("tag", ""),
                              q=args.get("q", "")[:100])


@operation("/events", "POST", summary="Draft a joint event for a group you run", tag="events",
           body=EventCreateSchema, response=EventSchema, status=201, errors=(403, 404))
def create_event(actor, data):
    slug = data.pop("group", None)
    if slug:
        group = groups.get_group(actor, slug)
    else:
        mine = groups.groups_operated_by(actor)
        if len(mine) != 1:
            raise Invalid(fields={"group": [_("Choose the group you ask for.")]})
        group = mine[0]
    return events.create_event(actor, group, data)


@operation("/events/<int:event_id>", summary="One joint event", tag="events",
           response=EventSchema, auth=False, errors=(404,))
def get_event(actor, event_id):
    return events.get_event(actor, event_id)


@operation("/events/<int:event_id>", "PATCH", summary="Change an event (its hosts only)",
           tag="events", body=EventSchema, response=EventSchema, partial=True,
           errors=(403, 404, 409))
def update_event(actor, event_id, data):
    data.pop("group", None)
    event = events.get_event(actor, event_id)
    return events.update_event(actor, event, data)


@operation("/events/<int:event_id>/hosts/<slug>/confirm", "POST",
           summary="A co-host group's operator confirms the invitation", tag="events",
           response=EventSchema, errors=(403, 404, 409))
def confirm_host(actor, event_id, slug):
    event = events.get_event(actor, event_id)
    events.confirm_host(actor, event, slug)
    return event


@operation("/events/<int:event_id>/publish", "POST",
           summary="Publish on the board (coordinators; or hosts when the setting allows)",
           tag="events", response=EventSchema, errors=(403, 404, 409))
def publish_event(actor, event_id):
    event = events.get_event(actor, event_id)
    return events.publish_event(actor, event)


@operation("/events/<int:event_id>/registrations", "POST",
           summary="Register: 201 with status confirmed or waitlisted", tag="events",
           body=RegistrationSchema, response=RegistrationSchema, status=201,
           errors=(403, 404, 409))
def register(actor, event_id, data):
    event = events.get_event(actor, event_id)
    registration, _created = events.register(actor, event, listed=data.get("listed", False))
    return registration


@operation("/events/<int:event_id>/registrations/me", "DELETE",
           summary="Cancel my registration (the waitlist moves up)", tag="events",
           status=204, errors=(404, 409))
def unregister(actor, event_id):
    event = events.get_event(actor, event_id)
    events.cancel_registration(actor, event)



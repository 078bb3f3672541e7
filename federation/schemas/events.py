"""API schemas of the joint-event board."""
from __future__ import annotations

from flask import g
from marshmallow import validate

from federation.models import EventAudience, EventFormat, NeedPair
from federation.schemas import fields
from federation.schemas.base import ApiSchema


def _values(enum_cls):
    return [e.value for e in enum_cls]


def _viewer():
    return g.get("actor")


class HostSchema(ApiSchema):
    group = fields.Function(lambda h: h.group.slug)
    name = fields.Function(lambda h: h.group.name_ja)
    status = fields.Function(lambda h: h.status.value)
    seat_quota = fields.Integer(allow_none=True)


def _online_url(event):
    from federation.services.events import can_see_online_link

    return event.online_url if can_see_online_link(_viewer(), event) else None


class EventSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    status = fields.Function(lambda e: e.status.value, dump_only=True)
    lead_group = fields.Function(lambda e: e.lead_group.slug, dump_only=True)
    group = fields.String(load_only=True, metadata={
        "description": "slug of the lead host group (default: the only group you run)"})
    title_ja = fields.String(validate=validate.Length(max=200))
    title_en = fields.String(validate=validate.Length(max=200))
    description_ja = fields.String(validate=validate.Length(max=20000))
    description_en = fields.String(validate=validate.Length(max=20000))
    format = fields.Function(lambda e: e.format.value, deserialize=str,
                             validate=validate.OneOf(_values(EventFormat)))
    starts_at = fields.AwareDateTime(metadata={"example": "2030-04-01T19:00:00+09:00"})
    ends_at = fields.AwareDateTime()
    registration_deadline = fields.AwareDateTime(allow_none=True)
    place = fields.String(validate=validate.Length(max=255))
    online_url = fields.Function(_online_url, deserialize=str, allow_none=True,
                                 metadata={"description": "shown only to confirmed attendees "
                                                          "and hosts"})
    capacity = fields.Integer(validate=validate.Range(1, 100000))
    audience = fields.Function(lambda e: e.audience.value, deserialize=str,
                               validate=validate.OneOf(_values(EventAudience)))
    tags = fields.List(fields.String(validate=validate.OneOf(_values(NeedPair))))
    hosts = fields.List(fields.Nested(HostSchema), dump_only=True)
    seats_left = fields.Function(
        lambda e: _seats_left(e),
        dump_only=True)
    sequence = fields.Integer(dump_only=True)
    published_at = fields.DateTime(dump_only=True, allow_none=True)


class EventCreateSchema(EventSchema):
    format = fields.Function(lambda e: e.format.value, deserialize=str, required=True,
                             validate=validate.OneOf(_values(EventFormat)))
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    capacity = fields.Integer(required=True, validate=validate.Range(1, 100000))


class RegistrationSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    event_id = fields.Integer(dump_only=True)
    status = fields.Function(lambda r: r.status.value, dump_only=True)
    listed = fields.Boolean(load_default=False)
    registered_at = fields.DateTime(attribute="queued_at", dump_only=True)


def _seats_left(event) -> int:
    from federation.services.events import seats_left

    return seats_left(event)

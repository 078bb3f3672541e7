"""API schemas of the joint-event board. Pure: what depends on the viewer
(seats left, the online link) comes from services.events.event_views."""

from __future__ import annotations

from marshmallow import validate

from federation.models import (
    EventAudience,
    EventFormat,
    EventStatus,
    HostStatus,
    NeedPair,
    RegistrationStatus,
    limits,
)
from federation.schemas import fields
from federation.schemas.base import (
    ApiSchema,
    Choice,
    Int,
    Moment,
    Month,
    PageQuerySchema,
    Str,
    enum_field,
    one_of,
)


class HostSchema(ApiSchema):
    group = fields.String(attribute="group.slug")
    name = fields.String(attribute="group.name_ja")
    status = enum_field(HostStatus)
    seat_quota = fields.Integer(allow_none=True)


class EventSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    status = enum_field(EventStatus)
    lead_group = fields.String(attribute="lead_group.slug", dump_only=True)
    group = Str(
        load_only=True,
        validate=validate.Length(max=limits.GROUP_SLUG),
        metadata={"description": "slug of the lead host group (default: the only group you run)"},
    )
    title_ja = Str(validate=validate.Length(max=limits.TITLE))
    title_en = Str(validate=validate.Length(max=limits.TITLE))
    description_ja = Str(validate=validate.Length(max=limits.EVENT_DESCRIPTION))
    description_en = Str(validate=validate.Length(max=limits.EVENT_DESCRIPTION))
    format = Choice(EventFormat)
    starts_at = Moment(metadata={"example": "2030-04-01T19:00:00+09:00"})
    ends_at = Moment()
    registration_deadline = Moment(allow_none=True)
    place = Str(validate=validate.Length(max=limits.PLACE))
    online_url = Str(
        allow_none=True,
        validate=validate.Length(max=limits.URL),
        metadata={"description": "shown only to confirmed attendees and hosts"},
    )
    capacity = Int(validate=validate.Range(1, 100000))
    audience = Choice(EventAudience)
    tags = fields.List(Choice(NeedPair))
    hosts = fields.List(fields.Nested(HostSchema), dump_only=True)
    seats_left = fields.Integer(dump_only=True)
    sequence = fields.Integer(dump_only=True)
    published_at = fields.DateTime(dump_only=True, allow_none=True)


class EventCreateSchema(EventSchema):
    format = Choice(EventFormat, required=True)
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    capacity = Int(required=True, validate=validate.Range(1, 100000))


class EventQuerySchema(PageQuerySchema):
    when = Str(load_default="upcoming", validate=validate.OneOf(["upcoming", "past", "all"]))
    group = Str(load_default="", validate=validate.Length(max=limits.GROUP_SLUG))
    format = Str(load_default="", validate=one_of(EventFormat))
    month = Month(load_default="")
    tag = Str(load_default="", validate=one_of(NeedPair))
    q = Str(load_default="", validate=validate.Length(max=limits.SEARCH_QUERY))


class RegistrationSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    event_id = fields.Integer(dump_only=True)
    status = enum_field(RegistrationStatus)
    listed = fields.Boolean(load_default=False)
    registered_at = fields.DateTime(attribute="queued_at", dump_only=True)
    # Set by the service on the registration it returns (1 = next to move up).
    waitlist_position = fields.Function(
        lambda r: getattr(r, "waitlist_position", None), dump_only=True, allow_none=True
    )

from __future__ import annotations

from marshmallow import validate

from federation.models import Delivery, limits
from federation.schemas import fields
from federation.schemas.base import ApiSchema, PageQuerySchema, Str


class NotificationSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    subject = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    link = fields.String(dump_only=True)
    read = fields.Function(lambda n: n.read_at is not None, dump_only=True)
    read_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)


class NotificationSettingSchema(ApiSchema):
    kind = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    section = fields.String(dump_only=True)
    delivery = fields.String(dump_only=True, metadata={"enum": [d.value for d in Delivery]})


class NotificationSettingsSchema(ApiSchema):
    settings = fields.List(fields.Nested(NotificationSettingSchema), dump_only=True)


class NotificationSettingsUpdateSchema(ApiSchema):
    settings = fields.Dict(
        keys=Str(validate=validate.Length(max=limits.NOTIFICATION_KIND)),
        values=Str(validate=validate.OneOf([d.value for d in Delivery])),
        required=True,
        metadata={
            "description": "Kind -> immediately | daily | off; kinds left out keep their setting.",
            "example": {"event_proposed": "daily"},
        },
    )


class NotificationQuerySchema(PageQuerySchema):
    unread = fields.Boolean(load_default=False, metadata={"description": "only the unread ones"})

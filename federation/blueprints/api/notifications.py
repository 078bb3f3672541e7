"""API: my notifications (the inbox) and how I get each kind of them."""
from __future__ import annotations

from flask import request

from federation.blueprints.api import operation
from federation.schemas.notifications import (NotificationSchema, NotificationSettingsSchema,
                                              NotificationSettingsUpdateSchema)
from federation.services import notifications


@operation("/notifications", summary="My notifications, newest first", tag="notifications",
           response=NotificationSchema, paginated=True,
           query={"unread": {"type": "boolean", "description": "only the unread ones"}})
def list_notifications(actor):
    unread_only = request.args.get("unread", "").lower() in ("1", "true", "yes")
    return notifications.inbox_query(actor, unread_only)


@operation("/notifications/<int:notification_id>/read", "POST", summary="Mark a notification read",
           tag="notifications", response=NotificationSchema, errors=(404,))
def read_notification(actor, notification_id):
    return notifications.mark_read(actor, notification_id)


def _settings(actor) -> dict:
    chosen = notifications.preferences(actor)
    return {"settings": [
        {"kind": name, "label": str(kind.label), "section": str(kind.section),
         "delivery": chosen[name].value} for name, kind in notifications.KINDS.items()]}


@operation("/me/notification-settings", summary="How I get each kind of notification",
           tag="notifications", response=NotificationSettingsSchema)
def notification_settings(actor):
    return _settings(actor)


@operation("/me/notification-settings", "PUT", summary="Change how I get notifications",
           tag="notifications", body=NotificationSettingsUpdateSchema,
           response=NotificationSettingsSchema)
def update_notification_settings(actor, data):
    notifications.set_preferences(actor, data["settings"])
    return _settings(actor)

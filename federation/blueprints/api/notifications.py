"""API: my notifications (the inbox) and how I get each kind of them."""

from __future__ import annotations

from federation.blueprints.api.base import authenticated, bp, cached_page, errors, paginate
from federation.schemas.base import page_schema
from federation.schemas.notifications import (
    NotificationQuerySchema,
    NotificationSchema,
    NotificationSettingsSchema,
    NotificationSettingsUpdateSchema,
)
from federation.services import notifications

TAGS = ["notifications"]


@bp.route("/notifications", methods=["GET"])
@authenticated()
@bp.arguments(NotificationQuerySchema, location="query")
@bp.response(200, page_schema(NotificationSchema))
@errors(422)
@bp.doc(summary="My notifications, newest first", tags=TAGS)
def list_notifications(args, actor):
    return cached_page(
        notifications.INBOX_LIST,
        notifications.inbox_scope(actor),
        page_schema(NotificationSchema),
        lambda: paginate(notifications.inbox_query(actor, args["unread"]), args),
    )


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@authenticated()
@bp.response(200, NotificationSchema)
@errors(404)
@bp.doc(summary="Mark a notification read", tags=TAGS)
def read_notification(notification_id, actor):
    return notifications.mark_read(actor, notification_id)


def _settings(actor) -> dict:
    chosen = notifications.preferences(actor)
    return {
        "settings": [
            {
                "kind": name,
                "label": str(kind.label),
                "section": str(kind.section),
                "delivery": chosen[name].value,
            }
            for name, kind in notifications.KINDS.items()
        ]
    }


@bp.route("/me/notification-settings", methods=["GET"])
@authenticated()
@bp.response(200, NotificationSettingsSchema)
@bp.doc(summary="How I get each kind of notification", tags=TAGS)
def notification_settings(actor):
    return _settings(actor)


@bp.route("/me/notification-settings", methods=["PUT"])
@authenticated()
@bp.arguments(NotificationSettingsUpdateSchema)
@bp.response(200, NotificationSettingsSchema)
@errors(400, 422)
@bp.doc(summary="Change how I get notifications", tags=TAGS)
def update_notification_settings(data, actor):
    notifications.set_preferences(actor, data["settings"])
    return _settings(actor)

"""Notifications: every message a person should get, in one place.

Each message lands in the person's in-app inbox and, by their preference for
its kind, is mailed at once through the outbox, gathered into a daily digest,
or not mailed at all. The inbox shows the same subject and text as the mail:
both are rendered once from the kind's mail template, in the recipient's
language.

Adding a kind of message (join requests, consultations, ...) takes two steps:

1. Declare it once, at import time of your service module::

       from federation.services.notifications import define_kind
       JOIN_REQUESTED = define_kind(
           "join_requested", _l("A join request for your group"),
           section=_l("Membership"), template="join_requested")

   and write `templates/email/join_requested.txt` (first line the subject).

2. Where it happens, inside the service's transaction::

       notifications.notify(operator, JOIN_REQUESTED, link=link_to(...), request=row)

   `notify` takes the recipient (a User), the kind, the link to the object,
   optional .ics or other attachments (immediate mails only) and the
   template's context; it never commits. A kind may send several templates
   (approve / reject): pass `template=` to override the kind's default.

Mails a person must get whatever they chose (verification, password reset,
mails to addresses without an account) do not go through here: they are
queued with `services.mail.queue_mail` directly.

The daily digest is `send_daily_digests()` (CLI: `flask notifications digest`),
meant to run once a day.

Modules: kinds (every kind, declared once), sending (`notify`, links,
the coordinators), digest (the daily digest), inbox, preferences, personal
(export and erasure). This package re-exports their public names; its
modules import each other directly, never the package.
"""

from federation.services.notifications.digest import DIGEST_BATCH, DIGEST_ITEMS, send_daily_digests
from federation.services.notifications.inbox import (
    INBOX_LIST,
    get_notification,
    inbox_query,
    inbox_scope,
    mark_all_read,
    mark_read,
    unread_count,
)
from federation.services.notifications.kinds import (
    APPLICATION_DECIDED,
    APPLICATION_INFO_REQUESTED,
    APPLICATION_RESUBMITTED,
    APPLICATION_SUBMITTED,
    ASSET_REQUEST_ANSWERED,
    ASSET_REQUEST_CANCELLED,
    ASSET_REQUEST_NEW,
    CONFERENCE_PROMOTED,
    CONFERENCE_PROPOSAL_DECIDED,
    CONFERENCE_PROPOSAL_RECEIVED,
    CONFERENCE_REVIEWER,
    CONSULTATION_REPLY,
    CONSULTATION_SESSION,
    EVENT_CANCELLED,
    EVENT_CHANGED,
    EVENT_COHOST_INVITED,
    EVENT_MESSAGE,
    EVENT_PROMOTED,
    EVENT_PROPOSAL_DECIDED,
    EVENT_PROPOSED,
    EVENT_PUBLISHED,
    EVENT_REGISTERED,
    EVENT_REMINDER,
    INTRODUCTION_ANSWERED,
    INTRODUCTION_OUTCOME,
    INTRODUCTION_REQUESTED,
    JOIN_REQUEST_DECIDED,
    KINDS,
    Kind,
    define_kind,
)
from federation.services.notifications.personal import erase_notifications, export_notifications
from federation.services.notifications.preferences import preferences, set_preferences
from federation.services.notifications.sending import coordinators, delivery_for, link_to, notify

__all__ = [
    "APPLICATION_DECIDED",
    "APPLICATION_INFO_REQUESTED",
    "APPLICATION_RESUBMITTED",
    "APPLICATION_SUBMITTED",
    "ASSET_REQUEST_ANSWERED",
    "ASSET_REQUEST_CANCELLED",
    "ASSET_REQUEST_NEW",
    "CONFERENCE_PROMOTED",
    "CONFERENCE_PROPOSAL_DECIDED",
    "CONFERENCE_PROPOSAL_RECEIVED",
    "CONFERENCE_REVIEWER",
    "CONSULTATION_REPLY",
    "CONSULTATION_SESSION",
    "DIGEST_BATCH",
    "DIGEST_ITEMS",
    "EVENT_CANCELLED",
    "EVENT_CHANGED",
    "EVENT_COHOST_INVITED",
    "EVENT_MESSAGE",
    "EVENT_PROMOTED",
    "EVENT_PROPOSAL_DECIDED",
    "EVENT_PROPOSED",
    "EVENT_PUBLISHED",
    "EVENT_REGISTERED",
    "EVENT_REMINDER",
    "INTRODUCTION_ANSWERED",
    "INTRODUCTION_OUTCOME",
    "INTRODUCTION_REQUESTED",
    "JOIN_REQUEST_DECIDED",
    "KINDS",
    "Kind",
    "coordinators",
    "define_kind",
    "delivery_for",
    "erase_notifications",
    "export_notifications",
    "get_notification",
    "INBOX_LIST",
    "inbox_query",
    "inbox_scope",
    "link_to",
    "mark_all_read",
    "mark_read",
    "notify",
    "preferences",
    "send_daily_digests",
    "set_preferences",
    "unread_count",
]

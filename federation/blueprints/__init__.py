"""Blueprints, one per capability, with their URL prefixes in one list."""

from federation.blueprints import (
    account,
    admin,
    applications,
    assets,
    auth,
    calendar,
    conferences,
    consultations,
    directory,
    events,
    groups,
    health,
    knowledge,
    main,
    membership,
    notifications,
)
from federation.blueprints.api import bp as api_bp

BLUEPRINTS = [
    (main.bp, ""),
    (auth.bp, "/auth"),
    (account.bp, "/account"),
    (admin.bp, "/admin"),
    (groups.bp, "/groups"),
    (assets.bp, "/assets"),
    (applications.bp, "/applications"),
    (directory.bp, "/directory"),
    (events.bp, "/events"),
    (calendar.bp, "/calendar"),
    (conferences.bp, "/conferences"),
    (knowledge.bp, "/knowledge"),
    (consultations.bp, "/consultations"),
    (api_bp, "/api/v1"),
    (health.bp, "/health"),
]
BLUEPRINTS.append((membership.bp, ""))
BLUEPRINTS.append((notifications.bp, "/notifications"))

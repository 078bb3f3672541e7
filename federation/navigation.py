"""The site's primary navigation: one list, each entry with who may see it.

A capability adds its entry here; the layout renders the entries the viewer
may use, so templates hold no permission logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask_babel import lazy_gettext as _l

from federation.permissions import (
    access_level,
    is_admin,
    is_coordinator,
    is_federation_operator,
    is_member,
    is_practice_member,
    is_verified,
)


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    blueprint: str
    label: object
    visible: Callable[[object], bool]


def _anyone(_user) -> bool:
    return True


def _operator_only(user) -> bool:
    from federation.models import Role

    return user is not None and user.role == Role.operator


PRIMARY = [
    NavItem("main.home", "main", _l("Home"), _anyone),
    NavItem("groups.list", "groups", _l("Registry"), is_member),
    NavItem("events.list", "events", _l("Joint events"), _anyone),
    NavItem("conferences.list", "conferences", _l("Conference"), _anyone),
    NavItem("directory.list", "directory", _l("Directory"), is_member),
    NavItem("assets.list", "assets", _l("Shared assets"), is_member),
    NavItem("applications.list", "applications", _l("Applications"), is_verified),
    NavItem("knowledge.list", "knowledge", _l("Knowledge"), _anyone),
    NavItem(
        "consultations.list",
        "consultations",
        _l("Consultations"),
        # Who may see a consultation space (knowledge_audiences' "c:" values),
        # the operator test first: it needs no query of its own.
        lambda user: is_federation_operator(user) or is_practice_member(user),
    ),
    NavItem("health.federation", "health", _l("Health"), is_coordinator),
    NavItem("health.mine", "health", _l("Our group's health"), _operator_only),
]


def _not_yet_member(user) -> bool:
    return access_level(user) == "visitor"


PRIMARY.append(NavItem("membership.how_to_join", "membership", _l("How to join"), _not_yet_member))

ACCOUNT = [
    NavItem("account.profile", "account", _l("Account"), lambda user: user is not None),
    NavItem("admin.users", "admin", _l("Admin"), is_admin),
]


def register(app) -> None:
    @app.context_processor
    def navigation():
        from flask_login import current_user

        user = current_user if current_user and current_user.is_authenticated else None
        primary = [item for item in PRIMARY if item.visible(user)]
        account = [item for item in ACCOUNT if item.visible(user)]
        return {
            "primary_nav": primary,
            "account_nav": account,
            # What the cached navigation fragment shows depends on: its key.
            "nav_key": tuple(item.endpoint for item in primary + account),
        }

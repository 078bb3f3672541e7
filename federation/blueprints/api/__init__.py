"""The JSON API (v1). `base` holds the blueprint and what every endpoint
shares (authentication, the error shape, the list envelope, the OpenAPI
document; read its docstring to declare an endpoint); each capability module
registers its endpoints on `base.bp` when imported, and imports `base`, never
this package."""

# Capability modules register their endpoints on `bp` when imported.
from federation.blueprints.api import (  # noqa: F401
    account,
    applications,
    conferences,
    directory,
    events,
    health,
    knowledge,
    memberships,
    notifications,
    registry,
)
from federation.blueprints.api.base import bp, register_api

__all__ = ["bp", "register_api"]

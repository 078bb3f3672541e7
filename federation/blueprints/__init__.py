"""Blueprints, one per capability, with their URL prefixes in one list."""
from federation.blueprints import account, admin, applications, auth, main
from federation.blueprints.api import bp as api_bp

BLUEPRINTS = [
    (main.bp, ""),
    (auth.bp, "/auth"),
    (account.bp, "/account"),
    (admin.bp, "/admin"),
    (applications.bp, "/applications"),
    (api_bp, "/api/v1"),
]

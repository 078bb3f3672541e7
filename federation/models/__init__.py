"""All models, imported here so that Alembic and the app see one metadata."""
from federation.models.base import Base, utcnow
from federation.models.group import AlumniGroup, GovernanceType, GroupOperator
from federation.models.mail import MailStatus, OutboxMail
from federation.models.user import ApiToken, LoginSession, OneTimeToken, Role, TokenPurpose, User

__all__ = [
    "AlumniGroup", "ApiToken", "Base", "GovernanceType", "GroupOperator", "LoginSession",
    "MailStatus", "OneTimeToken", "OutboxMail", "Role", "TokenPurpose", "User", "utcnow",
]

"""marshmallow's fields, with the API's datetime fields (schemas.base):
schemas import `fields` from here so that every datetime follows one offset
convention (Japan time, +09:00)."""

from marshmallow.fields import *  # noqa: F403
from marshmallow.fields import __all__ as _all

from federation.schemas.base import AwareDateTime, DateTime  # noqa: F401

__all__ = list(_all)

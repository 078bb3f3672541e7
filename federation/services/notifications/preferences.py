"""Each person's choice of delivery per kind of notification."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from federation.errors import Invalid
from federation.extensions import db
from federation.models import (
    Delivery,
    NotificationPreference,
    User,
)
from federation.services.notifications.kinds import KINDS


def preferences(user: User) -> dict[str, Delivery]:
    """Every kind with the person's choice (or its default), in declared order."""
    chosen: dict[str, Delivery] = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.delivery).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {name: chosen.get(name, kind.default) for name, kind in KINDS.items()}


def set_preferences(user: User, values: dict[str, str]) -> dict[str, Delivery]:
    """Change any subset of the choices; unknown kinds or values are refused
    with every error at once."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Delivery] = {}
    for name, value in values.items():
        value = getattr(value, "value", value)
        if name not in KINDS:
            errors[name] = [str(_l("Unknown kind of notification."))]
        elif value not in Delivery.__members__:
            errors[name] = [str(_l("Choose from the list."))]
        else:
            clean[name] = Delivery(value)
    if errors:
        raise Invalid(fields=errors)
    existing = {
        p.kind: p
        for p in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for name, delivery in clean.items():
        if name in existing:
            existing[name].delivery = delivery
        else:
            db.session.add(NotificationPreference(user_id=user.id, kind=name, delivery=delivery))
    db.session.flush()
    return preferences(user)

"""A group's members as its members see them, and their self-introductions."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from federation.errors import Invalid, NotFound
from federation.extensions import db
from federation.models import AlumniGroup, GroupMembership, User
from federation.permissions import can_see_group_members

INTRODUCTION_LIMIT = 2000


def group_members_query(viewer: User, group: AlumniGroup):
    if not can_see_group_members(viewer, group):
        raise NotFound()
    return (
        select(GroupMembership)
        .where(GroupMembership.group_id == group.id)
        .join(User, User.id == GroupMembership.user_id)
        .where(User.deactivated_at.is_(None))
        .options(selectinload(GroupMembership.user))
        .order_by(User.sort_key, User.id)
    )


def own_membership(actor: User, group: AlumniGroup) -> GroupMembership:
    membership = db.session.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == group.id, GroupMembership.user_id == actor.id
        )
    )
    if membership is None:
        raise NotFound()
    return membership


def save_self_introduction(actor: User, group: AlumniGroup, text: str) -> GroupMembership:
    """A member's self-introduction, shown on the group's member page."""
    membership = own_membership(actor, group)
    value = (text or "").strip().replace("\x00", "")
    if len(value) > INTRODUCTION_LIMIT:
        raise Invalid(fields={"text": [_("Use at most %(n)d characters.", n=INTRODUCTION_LIMIT)]})
    membership.self_introduction = value
    db.session.flush()
    return membership

"""A group's operators: who runs which group and who is told of what
concerns a group."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from federation.extensions import db
from federation.models import (
    AlumniGroup,
    GroupOperator,
    User,
)


def groups_operated_by(user: User) -> list[AlumniGroup]:
    return list(
        db.session.scalars(
            select(AlumniGroup)
            .join(GroupOperator)
            .where(GroupOperator.user_id == user.id)
            .order_by(AlumniGroup.sort_key)
        )
    )


def operators_of(group_id: int) -> list[User]:
    """The active operators of a group: who is told of what concerns it."""
    return list(
        db.session.scalars(
            select(User)
            .join(GroupOperator, GroupOperator.user_id == User.id)
            .where(GroupOperator.group_id == group_id, User.deactivated_at.is_(None))
            .order_by(User.id)
        )
    )


def add_operator(group: AlumniGroup, user: User) -> GroupOperator:
    link = GroupOperator(group=group, user=user)
    db.session.add(link)
    db.session.flush()
    return link


def group_operators(group: AlumniGroup) -> list[GroupOperator]:
    return list(
        db.session.scalars(
            select(GroupOperator)
            .where(GroupOperator.group_id == group.id)
            .options(selectinload(GroupOperator.user))
            .join(User)
            .order_by(User.sort_key)
        )
    )

"""A group's operators: who runs which group and who is told of what
concerns a group."""

from __future__ import annotations

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from federation.extensions import db
from federation.models import (
    AlumniGroup,
    GroupOperator,
    JoinApprover,
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


def active_operator_ids(group_id: int) -> Select[tuple[int]]:
    """The user ids of a group's active operators (a deactivated account no
    longer runs the group), as a select to run or to use inside a larger
    statement: the one rule of who a group's operators are."""
    return (
        select(GroupOperator.user_id)
        .join(User, User.id == GroupOperator.user_id)
        .where(GroupOperator.group_id == group_id, User.deactivated_at.is_(None))
    )


def operators_of(group_id: int) -> list[User]:
    """The active operators of a group: who is told of what concerns it."""
    return list(
        db.session.scalars(select(User).where(User.id.in_(active_operator_ids(group_id))).order_by(User.id))
    )


def add_operator(group: AlumniGroup, user: User) -> GroupOperator:
    link = GroupOperator(group=group, user=user)
    db.session.add(link)
    db.session.flush()
    return link


def group_operators(group: AlumniGroup) -> list[GroupOperator]:
    """The group's operators with their accounts, in one statement that also
    says which of them the group named as join approvers. The group keeps
    both, so the permission rules that read `group.operators` and
    `join_approver_ids(group)` ask nothing more."""
    named = (
        exists()
        .where(JoinApprover.group_id == GroupOperator.group_id, JoinApprover.user_id == GroupOperator.user_id)
        .label("named")
    )
    rows = db.session.execute(
        select(GroupOperator, named)
        .join(GroupOperator.user)
        .options(contains_eager(GroupOperator.user))
        .where(GroupOperator.group_id == group.id)
        .order_by(User.sort_key, User.id)
    ).all()
    operators = [operator for operator, _named in rows]
    set_committed_value(group, "operators", operators)
    group.loaded_named_approver_ids = frozenset(operator.user_id for operator, is_named in rows if is_named)
    return operators

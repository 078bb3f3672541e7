"""The registry of alumni groups (the base; the registry capability extends it)."""
from __future__ import annotations

from sqlalchemy import func, select

from federation.extensions import db
from federation.models import AlumniGroup, GroupOperator, User


def visible_groups_query(viewer: User | None):
    """Members of the federation see every group; visitors only public ones."""
    query = select(AlumniGroup).order_by(AlumniGroup.name_kana, AlumniGroup.id)
    if viewer is None or not viewer.is_authenticated:
        query = query.where(AlumniGroup.is_public.is_(True))
    return query


def federation_overview(viewer: User | None) -> dict:
    group_count, member_total = db.session.execute(
        select(func.count(AlumniGroup.id), func.coalesce(func.sum(AlumniGroup.registered_members), 0))
    ).one()
    operator_count = db.session.scalar(select(func.count(func.distinct(GroupOperator.user_id))))
    groups = db.session.scalars(visible_groups_query(viewer).limit(12)).all()
    return {
        "group_count": group_count,
        "operator_count": operator_count,
        "member_total": member_total,
        "groups": groups,
    }


def groups_operated_by(user: User) -> list[AlumniGroup]:
    return list(db.session.scalars(
        select(AlumniGroup).join(GroupOperator).where(GroupOperator.user_id == user.id)
        .order_by(AlumniGroup.name_kana)
    ))


def add_operator(group: AlumniGroup, user: User) -> GroupOperator:
    link = GroupOperator(group=group, user=user)
    db.session.add(link)
    db.session.flush()
    return link

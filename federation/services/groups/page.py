"""A group's own page for members: the profile, its operators, what it
shares, its give-first balance, its upcoming events, the company's
endorsements and what the viewer may do about joining, read in a bounded
number of statements (issue 19) whatever the group's size."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from federation.errors import NotFound
from federation.extensions import db
from federation.models import (
    AlumniGroup,
    GroupEndorsement,
    GroupOperator,
    JoinSettings,
    JointEvent,
    SharedAsset,
    User,
)
from federation.permissions import can_manage_group, can_view_group
from federation.services.applications.endorsements import confirmed_endorsements
from federation.services.assets.catalogue import group_assets
from federation.services.events.board import group_upcoming_events
from federation.services.groups.balance import give_balance
from federation.services.groups.operators import group_operators
from federation.services.membership.join_requests import JoinActions, join_actions


@dataclass(frozen=True)
class GroupPage:
    group: AlumniGroup
    operators: list[GroupOperator]
    assets: list[SharedAsset]
    balance: dict[str, dict[str, int]]
    upcoming_events: list[JointEvent]
    endorsements: list[GroupEndorsement]
    can_manage: bool
    joining: JoinActions


def group_page(viewer: User | None, slug: str) -> GroupPage:
    """The whole page, or NotFound when the viewer may not see the group.
    Seven statements: the group with its needs and join setting, its member
    counts, operators, assets, balance, events and endorsements."""
    is_open = func.coalesce(
        select(JoinSettings.is_open).where(JoinSettings.group_id == AlumniGroup.id).scalar_subquery(),
        True,
    )
    row = (
        db.session.execute(
            select(AlumniGroup, is_open)
            .where(AlumniGroup.slug == slug)
            .options(joinedload(AlumniGroup.needs), selectinload(AlumniGroup.member_counts))
        )
        .unique()
        .first()
    )
    if row is None or not can_view_group(viewer, row[0]):
        raise NotFound()
    group, joining_is_open = row
    operators = group_operators(group)  # before the permission rules that read them
    manage = can_manage_group(viewer, group)
    return GroupPage(
        group=group,
        operators=operators,
        assets=group_assets(group, include_paused=manage),
        balance=give_balance(group),
        upcoming_events=group_upcoming_events(viewer, group),
        endorsements=confirmed_endorsements(group),
        can_manage=manage,
        joining=join_actions(viewer, group, is_open=bool(joining_is_open)),
    )

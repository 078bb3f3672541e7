"""Who sees which field of a directory profile.

A viewer who shares an alumni group with the person (or the person themself)
sees every field; other members of the federation see the fields marked
"federation" or "public"; visitors only "public" ones. Beyond the person's own
groups nothing is shown without recorded consent, and nothing at all while the
name is kept to the groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from federation.errors import NotFound
from federation.extensions import db
from federation.models import AlumniGroup, DirectoryProfile, GroupMembership, Side, User, Visibility
from federation.permissions import is_member

CONSENT_VERSION = "2025-1"
VISIBILITY_FIELDS = ("name", "organisation", "industries", "skills", "bio", "affiliations", "offers")
WIDE = (Visibility.federation.value, Visibility.public.value)
GROUP_IDS_CACHE = "_directory_group_ids"  # in flask.g, see security.forget_membership


def group_ids_of(user: User | None) -> list[int]:
    """The groups the user is an alumnus of; asked once per person and
    request (security.forget_membership forgets it after a change)."""
    if user is None or not user.is_authenticated:
        return []
    from flask import g, has_request_context

    cache = g.setdefault(GROUP_IDS_CACHE, {}) if has_request_context() else None
    if cache is not None and user.id in cache:
        return list(cache[user.id])
    ids = list(db.session.scalars(select(GroupMembership.group_id).where(GroupMembership.user_id == user.id)))
    if cache is not None:
        cache[user.id] = tuple(ids)
    return ids


def near_profile_ids(group_ids: list[int]):
    """Profiles of people who share one of these groups (a subquery)."""
    return (
        select(DirectoryProfile.id)
        .join(GroupMembership, GroupMembership.user_id == DirectoryProfile.user_id)
        .where(GroupMembership.group_id.in_(group_ids))
    )


def relation(
    viewer: User | None,
    profile: DirectoryProfile,
    viewer_groups: list[int] | None = None,
    profile_groups: list[int] | None = None,
) -> str:
    """self, groups (shares an alumni group), federation (another member) or public."""
    if viewer is None or not viewer.is_authenticated:
        return "public"
    if viewer.id == profile.user_id:
        return "self"
    mine = set(group_ids_of(viewer) if viewer_groups is None else viewer_groups)
    theirs = set(group_ids_of(profile.user) if profile_groups is None else profile_groups)
    if mine & theirs:
        return "groups"
    return "federation" if is_member(viewer) else "public"


def level_of(profile: DirectoryProfile, name: str) -> str:
    return (profile.visibility or {}).get(name, Visibility.groups.value)


def is_wide(profile: DirectoryProfile, name: str) -> bool:
    """Whether people outside the person's groups may see the field at all."""
    return (
        profile.consented_at is not None
        and level_of(profile, "name") in WIDE
        and level_of(profile, name) in WIDE
    )


def field_visible(profile: DirectoryProfile, name: str, rel: str) -> bool:
    if rel in ("self", "groups"):
        return True
    if not is_wide(profile, name):
        return False
    if rel == "federation":
        return True
    return (
        level_of(profile, name) == Visibility.public.value
        and level_of(profile, "name") == Visibility.public.value
    )


@dataclass
class ProfileView:
    """What one viewer may see of a profile; hidden fields are None."""

    profile: DirectoryProfile
    relation: str
    name: str | None
    name_kana: str | None
    organisation: str | None = None
    title: str | None = None
    industries: list | None = None
    skills: str | None = None
    bio: str | None = None
    affiliations: list | None = None
    offers: list = field(default_factory=list)
    asks: list = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.profile.id


def view_of(
    viewer: User | None,
    profile: DirectoryProfile,
    rel: str | None = None,
    groups: list[AlumniGroup] | None = None,
) -> ProfileView:
    rel = rel or relation(viewer, profile)
    if not field_visible(profile, "name", rel):
        raise NotFound()
    user = profile.user
    shown = lambda name: field_visible(profile, name, rel)  # noqa: E731
    view = ProfileView(
        profile=profile, relation=rel, name=user.display_name, name_kana=user.display_name_kana
    )
    if shown("organisation"):
        view.organisation, view.title = profile.organisation, profile.title
    if shown("industries"):
        view.industries = list(profile.industries or [])
    if shown("skills"):
        view.skills = profile.skills
    if shown("bio"):
        view.bio = profile.bio
    if shown("affiliations"):
        view.affiliations = groups if groups is not None else groups_of_user(profile.user_id)
    if shown("offers"):
        view.offers = [n for n in profile.needs if n.side == Side.offer]
        view.asks = [n for n in profile.needs if n.side == Side.ask]
    return view


def groups_of_user(user_id: int) -> list[AlumniGroup]:
    return list(
        db.session.scalars(
            select(AlumniGroup)
            .join(GroupMembership, GroupMembership.group_id == AlumniGroup.id)
            .where(GroupMembership.user_id == user_id)
            .order_by(AlumniGroup.sort_key)
        )
    )


def _groups_by_user(user_ids: list[int]) -> dict[int, list[AlumniGroup]]:
    result: dict[int, list[AlumniGroup]] = {uid: [] for uid in user_ids}
    if not user_ids:
        return result
    rows = db.session.execute(
        select(GroupMembership.user_id, AlumniGroup)
        .join(AlumniGroup, AlumniGroup.id == GroupMembership.group_id)
        .where(GroupMembership.user_id.in_(user_ids))
        .order_by(AlumniGroup.sort_key)
    )
    for user_id, group in rows:
        result[user_id].append(group)
    return result


def views_of(viewer: User | None, profiles: list[DirectoryProfile]) -> list[ProfileView]:
    """Views of several profiles with a fixed number of queries."""
    mine = set(group_ids_of(viewer))
    by_user = _groups_by_user([p.user_id for p in profiles])
    views = []
    for profile in profiles:
        theirs = [g.id for g in by_user[profile.user_id]]
        rel = relation(viewer, profile, list(mine), theirs)
        if field_visible(profile, "name", rel):
            views.append(view_of(viewer, profile, rel, by_user[profile.user_id]))
    return views

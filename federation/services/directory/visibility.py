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
from federation.permissions import alumni_group_ids, is_member

CONSENT_VERSION = "2025-1"
VISIBILITY_FIELDS = ("name", "organisation", "industries", "skills", "bio", "affiliations", "offers")
WIDE = (Visibility.federation.value, Visibility.public.value)
# The groups a person is an alumnus of, asked once per request (the
# membership rule reads the same answer).
group_ids_of = alumni_group_ids


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
    groups: list | None = None,  # AlumniGroup objects, or searching.ProfileGroup rows
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
        needs = profile.needs if profile.loaded_needs is None else profile.loaded_needs
        view.offers = [n for n in needs if n.side == Side.offer]
        view.asks = [n for n in needs if n.side == Side.ask]
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


def views_of(viewer: User | None, profiles: list[DirectoryProfile]) -> list[ProfileView]:
    """Views of several profiles, loaded by searching.load_profiles (their
    users, needs and groups come with them: no query per profile)."""
    mine = group_ids_of(viewer)
    views = []
    for profile in profiles:
        groups = profile.alumni_groups if profile.loaded_groups is None else profile.loaded_groups
        rel = relation(viewer, profile, mine, [g.id for g in groups])
        if field_visible(profile, "name", rel):
            views.append(view_of(viewer, profile, rel, groups))
    return views

"""Searching the directory: a query requires every one of its tokens, planned
by token frequency in federation.search.planner, and only tokens of fields the
viewer may see count (see index.py), so hidden fields never leak through hits.

(Named `searching`, not `search`: the package's public `search` function
would shadow a submodule of that name.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import defer, joinedload

from federation import listcache
from federation.errors import NotFound
from federation.extensions import db
from federation.models import (
    AlumniGroup,
    DirectoryProfile,
    GroupMembership,
    NeedPair,
    ProfileNeed,
    SearchToken,
    Side,
    User,
)
from federation.models.base import BilingualName
from federation.permissions import is_member
from federation.search import planner
from federation.search.planner import SearchPage, TokenIndex
from federation.search.tokens import text_tokens
from federation.services.directory.index import industry_key
from federation.services.directory.visibility import group_ids_of, near_profile_ids

SORTS = ("kana", "recent")
# A search reaches at most this many people (and the match list as many
# candidates per complementary need): enough to browse, not a bulk dump, and
# it keeps every search bounded at any size of the directory. Beyond it the
# total reads "1,000+" (the API says total_capped: true).
SEARCH_CAP = planner.SEARCH_CAP
PROFILE_TOKENS = TokenIndex(SearchToken, "profile_id", DirectoryProfile.id)


def search_tokens(
    viewer: User, *, q: str = "", need: str = "", side: str = "", group: str = "", industry: str = ""
) -> list[str]:
    """The tokens a result must all carry. Unknown facet values are ignored
    (they come from a URL); an unknown group finds nobody."""
    tokens = set(text_tokens(q[:100]))
    if need in NeedPair.__members__:
        tokens.add(f"{side[0]}:{need}" if side in Side.__members__ else f"n:{need}")
    elif side in Side.__members__:
        tokens.add(f"{side[0]}:")
    if group:
        group_id = db.session.scalar(select(AlumniGroup.id).where(AlumniGroup.slug == group))
        tokens.add(f"g:{group_id}" if group_id else "g:none")
    if industry.strip():
        tokens.add(f"i:{industry_key(industry)}")
    if not tokens:
        tokens.add("p:")
    return sorted(tokens)[:12]


def _seen(token, near):
    """A token row counts for this viewer: a wide one, or any of someone who
    shares one of the viewer's groups (near: their profile ids, a subquery
    the database evaluates once)."""
    if near is None:
        return token.wide.is_(True)
    return or_(token.wide.is_(True), token.profile_id.in_(near))


def visible_matching_ids(tokens: list[str], near, walk: bool = True, counted: dict[str, int] | None = None):
    """(select of the profile ids carrying every token visibly, select to
    count them), or None when nobody can match; planned by token frequency
    in federation.search.planner (`counted`: visible_token_counts, when the
    caller plans several token sets)."""
    return planner.matching_ids(
        PROFILE_TOKENS, tokens, lambda token: _seen(token, near), walk, cap=SEARCH_CAP, counted=counted
    )


def visible_token_counts(tokens: list[str], near) -> dict[str, int]:
    """How many profiles visibly carry each token (up to SEARCH_CAP + 1), in
    one statement."""
    counts = planner.token_counts(PROFILE_TOKENS, tokens, lambda token: _seen(token, near), cap=SEARCH_CAP)
    return dict(zip(tokens, counts, strict=True))


def ordered(query, sort: str):
    if sort == "recent":
        return query.order_by(DirectoryProfile.updated_at.desc(), DirectoryProfile.id.desc())
    return query.order_by(DirectoryProfile.sort_key, DirectoryProfile.id)


# What a card shows: the user joined; needs and alumni groups one statement
# each for the whole page (load_card_parts). Joined too, they make SQLite
# build the whole membership-group join (6 ms became 96 ms at 10,000
# profiles); as ORM collections (selectinload) the 40 needs and 20 groups of
# a page took 2.6 ms of CPU, the profiles and users themselves 0.6 ms. The
# search document (every searched field, folded) is never shown.
CARD_LOADING = (joinedload(DirectoryProfile.user), defer(DirectoryProfile.search_document))


@dataclass(frozen=True)
class CardNeed:
    """An offer or an ask as a card and the API show it."""

    need: NeedPair
    side: Side
    detail: str


@dataclass(frozen=True)
class ProfileGroup(BilingualName):
    """An alumni group as a profile's affiliations show it."""

    id: int
    slug: str
    name_ja: str
    name_en: str


def load_card_parts(profiles: list[DirectoryProfile]) -> list[DirectoryProfile]:
    """The page's needs and alumni groups, one Core statement each, in the
    order of the relationships they stand for (DirectoryProfile.needs,
    .alumni_groups), set on each profile as loaded_needs / loaded_groups."""
    if not profiles:
        return profiles
    needs: dict[int, list[CardNeed]] = {p.id: [] for p in profiles}
    for row in db.session.execute(
        select(ProfileNeed.profile_id, ProfileNeed.need, ProfileNeed.side, ProfileNeed.detail)
        .where(ProfileNeed.profile_id.in_(needs))
        .order_by(ProfileNeed.side, ProfileNeed.need)
    ):
        needs[row.profile_id].append(CardNeed(row.need, row.side, row.detail))
    groups: dict[int, list[ProfileGroup]] = {p.user_id: [] for p in profiles}
    for row in db.session.execute(
        select(
            GroupMembership.user_id,
            AlumniGroup.id,
            AlumniGroup.slug,
            AlumniGroup.name_ja,
            AlumniGroup.name_en,
        )
        .join(AlumniGroup, AlumniGroup.id == GroupMembership.group_id)
        .where(GroupMembership.user_id.in_(groups))
        .order_by(AlumniGroup.sort_key)
    ):
        groups[row.user_id].append(ProfileGroup(row.id, row.slug, row.name_ja, row.name_en))
    for profile in profiles:
        profile.loaded_needs = needs[profile.id]
        profile.loaded_groups = groups[profile.user_id]
    return profiles


def _page_of_profiles(plan, sort: str, page: int, per_page: int) -> tuple[list[DirectoryProfile], int, bool]:
    """The page's profiles themselves (not their ids) in the page's statement."""
    profiles, total, capped = planner.page_of_ids(
        plan,
        lambda query: ordered(query, sort),
        page,
        per_page,
        cap=SEARCH_CAP,
        load=lambda ids: ids.with_only_columns(DirectoryProfile).options(*CARD_LOADING),
    )
    return load_card_parts(profiles), total, capped


def load_profiles(ids: list[int]) -> list[DirectoryProfile]:
    """The profiles of these ids in this order, with what a view needs."""
    if not ids:
        return []
    loaded = {
        p.id: p
        for p in db.session.scalars(
            select(DirectoryProfile).where(DirectoryProfile.id.in_(ids)).options(*CARD_LOADING)
        )
    }
    return load_card_parts([loaded[i] for i in ids if i in loaded])


# A search (the API's) reads these, and is cached by them.
SEARCH_LIST = listcache.register(
    "directory-search",
    (
        "directory_profile",
        "directory_token",
        "profile_need",
        "group_membership",
        "alumni_group",
        "user",
        "directory_block",
    ),
)


def search_scope(viewer: User) -> tuple:
    """A search's results and what each profile shows depend on who asks
    (the groups they share, the blocks between them): a viewer's own."""
    return (viewer.id,)


def search(viewer: User, page: int = 1, per_page: int = 20, *, sort: str = "kana", **filters) -> SearchPage:
    """One page of the directory as the viewer may search it: only tokens of
    fields they may see count, so hidden fields never leak through hits."""
    if not is_member(viewer):
        raise NotFound()
    tokens = search_tokens(viewer, **filters)
    mine = group_ids_of(viewer)
    near = near_profile_ids(mine) if mine else None
    profiles, total, capped = _page_of_profiles(visible_matching_ids(tokens, near), sort, page, per_page)
    return SearchPage(items=profiles, page=page, per_page=per_page, total=total, capped=capped)

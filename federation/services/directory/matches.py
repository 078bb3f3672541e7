"""Matches: people whose offers meet my asks and the other way round, people
of a different company's alumni first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, literal, or_, select, union_all

from federation.errors import NotFound
from federation.extensions import db
from federation.models import DirectoryProfile, NeedPair, ProfileNeed, Side, User
from federation.permissions import is_member
from federation.services.directory.profiles import get_own_profile
from federation.services.directory.searching import (
    SEARCH_CAP,
    load_profiles,
    ordered,
    visible_matching_ids,
    visible_token_counts,
)
from federation.services.directory.visibility import (
    ProfileView,
    group_ids_of,
    near_profile_ids,
    views_of,
)

# The pairing table, defined once: an ask is met by the same need pair's offer
# and the other way round; networking meets networking on either side.
SYMMETRIC = {NeedPair.networking}


def complements(need: NeedPair, side: Side) -> list[tuple[NeedPair, Side]]:
    other = Side.offer if side == Side.ask else Side.ask
    if need in SYMMETRIC:
        return [(need, other), (need, side)]
    return [(need, other)]


@dataclass
class Match:
    view: ProfileView
    other_company: bool
    score: int
    reasons: list[tuple[ProfileNeed, ProfileNeed]]  # (mine, theirs)


def _complement_clause(my_needs: list[ProfileNeed]):
    pairs = {pair for n in my_needs for pair in complements(n.need, n.side)}
    return or_(*[and_(ProfileNeed.need == need, ProfileNeed.side == side) for need, side in sorted(pairs)])


def matches_query(viewer: User, since: datetime | None = None):
    """(profile_id, other_company, score) rows ranked: people of a different
    company's alumni first, then the number of complementary needs."""
    profile = get_own_profile(viewer, create=False)
    if profile is None or not profile.needs:
        return None, profile
    mine = group_ids_of(viewer)
    near = near_profile_ids(mine) if mine else None
    score = func.count(ProfileNeed.id).label("score")
    seen = _need_seen(near)
    query = (
        select(ProfileNeed.profile_id, _other_company(near), score)
        .where(_complement_clause(profile.needs), seen, ProfileNeed.profile_id != profile.id)
        .group_by(ProfileNeed.profile_id)
    )
    if since is not None:
        query = query.where(ProfileNeed.created_at > since)
    return query, profile


def _rank(
    viewer: User,
    profile: DirectoryProfile,
    ids: list[int],
    mine: list[int],
    near,
    since: datetime | None = None,
) -> list[tuple[int, bool, int]]:
    """(profile id, other company, score) of these candidates, best first:
    people of a different company's alumni, then the number of complementary
    needs, then あいうえお order."""
    if not ids:
        return []
    seen = _need_seen(near)
    query = (
        select(
            ProfileNeed.profile_id,
            _other_company(near),
            func.count(ProfileNeed.id),
            DirectoryProfile.sort_key,
        )
        .join(DirectoryProfile, DirectoryProfile.id == ProfileNeed.profile_id)
        .where(ProfileNeed.profile_id.in_(ids), _complement_clause(profile.needs), seen)
        .group_by(ProfileNeed.profile_id, DirectoryProfile.sort_key)
    )
    if since is not None:
        query = query.where(ProfileNeed.created_at > since)
    scored = db.session.execute(query).all()
    scored.sort(key=lambda r: (not r[1], -r[2], r[3], r[0]))
    return [(pid, bool(other), n) for pid, other, n, _key in scored]


def _need_seen(near):
    """An offer or ask counts for the viewer: a wide one, or anyone's who
    shares one of the viewer's groups."""
    if near is None:
        return ProfileNeed.wide.is_(True)
    return or_(ProfileNeed.wide.is_(True), ProfileNeed.profile_id.in_(near))


def _other_company(near):
    """1 when the candidate shares none of the viewer's groups (an aggregate
    over the candidate's need rows, which all carry the same answer)."""
    if near is None:
        return func.max(1).label("other")
    return func.max(func.cast(ProfileNeed.profile_id.not_in(near), db.Integer)).label("other")


MATCH_WINDOW = 100  # candidates per complementary (need, side)


def _match_candidates(profile: DirectoryProfile, near) -> tuple[list[int], bool]:
    """Who may match, bounded: for each complementary (need, side), the first
    MATCH_WINDOW people in あいうえお order who visibly carry it; and, when
    one of them is rare enough to plan cheaply, the people who carry every
    one of them (the best possible score), so those are not crowded out."""
    pairs = sorted({pair for n in profile.needs for pair in complements(n.need, n.side)})
    tokens = [f"{side.value[0]}:{need.value}" for need, side in pairs]
    counted = visible_token_counts(tokens, near)  # one statement plans every window
    windows = []
    for n, group in enumerate(([tokens] if len(tokens) > 1 else []) + [[t] for t in tokens]):
        plan = visible_matching_ids(group, near, walk=len(group) == 1, counted=counted)
        if plan is None:
            continue
        window = (
            ordered(
                plan[0].add_columns(DirectoryProfile.sort_key).where(DirectoryProfile.id != profile.id),
                "kana",
            )
            .limit(MATCH_WINDOW + 1)
            .subquery()
        )
        windows.append(select(literal(n).label("window"), window.c.id, window.c.sort_key))
    found: dict[int, None] = {}
    capped = False
    if windows:
        # Every window in one statement, whatever the number of needs.
        rows = db.session.execute(union_all(*windows) if len(windows) > 1 else windows[0]).all()
        per_window: dict[int, list[tuple[str, int]]] = {}
        for n, profile_id, sort_key in rows:
            per_window.setdefault(n, []).append((sort_key, profile_id))
        for window_rows in per_window.values():
            # A union keeps no order: each window's first ones again by kana.
            capped = capped or len(window_rows) > MATCH_WINDOW
            found.update(dict.fromkeys(pid for _key, pid in sorted(window_rows)[:MATCH_WINDOW]))
    return list(found), capped


def list_matches(
    viewer: User, page: int = 1, per_page: int = 20, since: datetime | None = None
) -> tuple[list[Match], int]:
    """A page of my matches and how many there are (at most the candidates'
    bound; see _match_candidates). With `since` (the weekly digest), only
    offers and asks added since then count, over the whole directory."""
    if not is_member(viewer):
        raise NotFound()
    profile = get_own_profile(viewer, create=False)
    if profile is None or not profile.needs:
        return [], 0
    mine = group_ids_of(viewer)
    near = near_profile_ids(mine) if mine else None
    if since is None:
        candidates, _capped = _match_candidates(profile, near)
    else:
        query, _p = matches_query(viewer, since)
        candidates = list(db.session.scalars(select(query.subquery().c.profile_id).limit(SEARCH_CAP)))
    ranked = _rank(viewer, profile, candidates, mine, near, since)
    rows = ranked[(page - 1) * per_page : page * per_page]
    profiles = load_profiles([pid for pid, _o, _s in rows])
    views = {v.id: v for v in views_of(viewer, profiles)}
    result = []
    for pid, other, score in rows:
        view = views.get(pid)
        if view is None:
            continue
        theirs = view.offers + view.asks
        reasons = [
            (m, t) for m in profile.needs for t in theirs if (t.need, t.side) in complements(m.need, m.side)
        ]
        result.append(Match(view=view, other_company=other, score=score, reasons=reasons))
    return result, len(ranked)

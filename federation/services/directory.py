"""The co-creation directory: bringing alumni in (invitations and CSV import),
profiles with per-field visibility and consent, search, matches and the weekly
digest.

Visibility: a viewer who shares an alumni group with the person (or the
person themself) sees every field; other members of the federation see the
fields marked "federation" or "public"; visitors only "public" ones. Beyond
the person's own groups nothing is shown without recorded consent, and nothing
at all while the name is kept to the groups.

Search: each profile keeps a normalised search document and a table of tokens
(every 2-character window of CJK runs, whole Latin words, and facet tokens).
A query requires every one of its tokens, so two-character Japanese words such
as 投資 or 人事 are found through an index on SQLite and PostgreSQL alike. A
token is `wide` when it comes from a field that people outside the person's
groups may see; others' searches only use wide tokens, so hidden fields never
leak through search hits.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from federation.errors import Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    AlumniGroup,
    AlumniInvitation,
    DigestLog,
    DirectoryProfile,
    GroupMembership,
    NeedPair,
    ProfileNeed,
    SearchToken,
    Side,
    User,
    Visibility,
    utcnow,
)
from federation.search import planner
from federation.search.planner import SearchPage, TokenIndex
from federation.search.tokens import search_text, text_tokens
from federation.security import can_invite_alumni, hash_secret, is_member, new_secret
from federation.services.mail import queue_mail
from federation.text import as_typed, search_key

CONSENT_VERSION = "2025-1"
VISIBILITY_FIELDS = ("name", "organisation", "industries", "skills", "bio", "affiliations", "offers")
WIDE = (Visibility.federation.value, Visibility.public.value)
MAX_NEEDS = 16
MAX_IMPORT_ROWS = 2000

# The pairing table, defined once: an ask is met by the same need pair's offer
# and the other way round; networking meets networking on either side.
SYMMETRIC = {NeedPair.networking}


def complements(need: NeedPair, side: Side) -> list[tuple[NeedPair, Side]]:
    other = Side.offer if side == Side.ask else Side.ask
    if need in SYMMETRIC:
        return [(need, other), (need, side)]
    return [(need, other)]


# --- text and tokens (the shared tokenizer: federation.search) -----------------


def industry_key(industry: str) -> str:
    return search_text(industry)[:60]


# --- visibility -------------------------------------------------------------------


def group_ids_of(user: User | None) -> list[int]:
    if user is None or not user.is_authenticated:
        return []
    return list(
        db.session.scalars(select(GroupMembership.group_id).where(GroupMembership.user_id == user.id))
    )


def _near_profile_ids(group_ids: list[int]):
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


# --- profiles -----------------------------------------------------------------------


def get_own_profile(actor: User, create: bool = True) -> DirectoryProfile | None:
    profile = db.session.scalar(select(DirectoryProfile).where(DirectoryProfile.user_id == actor.id))
    if profile is None and create:
        profile = DirectoryProfile(
            user_id=actor.id, user=actor, sort_key=actor.sort_key, visibility={}, industries=[]
        )
        db.session.add(profile)
        db.session.flush()
        reindex(profile)
    return profile


def get_profile(viewer: User | None, profile_id: int) -> ProfileView:
    """The profile as the viewer may see it; NotFound when they may not."""
    profile = db.session.scalar(
        select(DirectoryProfile)
        .where(DirectoryProfile.id == profile_id)
        .options(selectinload(DirectoryProfile.needs), selectinload(DirectoryProfile.user))
    )
    if profile is None or not profile.user.is_active:
        raise NotFound()
    return view_of(viewer, profile)


TEXT_LIMITS = {"organisation": 120, "title": 120, "skills": 500, "bio": 2000}


def update_profile(actor: User, data: dict) -> DirectoryProfile:
    """Edit the actor's own profile. `data` may hold the text fields,
    industries (list), visibility ({field: level}), needs ([{need, side,
    detail}]), consent (bool) and digest_opt_in (bool)."""
    if not is_member(actor):
        raise Forbidden()
    profile = get_own_profile(actor)
    errors: dict[str, list[str]] = {}
    for name, limit in TEXT_LIMITS.items():
        if name in data and data[name] is not None:
            value = as_typed(data[name]) if name != "bio" else (data[name] or "").strip()
            if len(value) > limit:
                errors[name] = [_("Use at most %(n)d characters.", n=limit)]
            else:
                setattr(profile, name, value)
    if data.get("industries") is not None:
        industries = []
        for raw in data["industries"]:
            value = as_typed(raw)
            if len(value) > 60:
                errors["industries"] = [_("Use at most %(n)d characters.", n=60)]
            elif value and value not in industries:
                industries.append(value)
        if len(industries) > 10:
            errors["industries"] = [_("Name at most %(n)d industries.", n=10)]
        profile.industries = industries[:10]
    if data.get("visibility") is not None:
        visibility = dict(profile.visibility or {})
        for name, level in data["visibility"].items():
            level = getattr(level, "value", level)
            if name not in VISIBILITY_FIELDS or level not in Visibility.__members__:
                errors["visibility"] = [_("Choose from the list.")]
                continue
            visibility[name] = level
        profile.visibility = visibility
    if data.get("needs") is not None:
        _set_needs(profile, data["needs"], errors)
    if "consent" in data and data["consent"] is not None:
        if data["consent"] and profile.consented_at is None:
            profile.consented_at = utcnow()
            profile.consent_version = CONSENT_VERSION
        elif not data["consent"]:
            profile.consented_at = None
            profile.consent_version = None
    if data.get("digest_opt_in") is not None:
        profile.digest_opt_in = bool(data["digest_opt_in"])
    if errors:
        raise Invalid(fields=errors)
    profile.sort_key = actor.sort_key
    profile.updated_at = utcnow()
    db.session.flush()
    reindex(profile)
    return profile


def _set_needs(profile: DirectoryProfile, entries, errors: dict) -> None:
    wanted: dict[tuple[str, str], str] = {}
    for entry in entries:
        need = getattr(entry.get("need"), "value", entry.get("need"))
        side = getattr(entry.get("side"), "value", entry.get("side"))
        detail = as_typed(entry.get("detail") or "")
        if need not in NeedPair.__members__ or side not in Side.__members__:
            errors["needs"] = [_("Choose from the list.")]
            return
        if len(detail) > 200:
            errors["needs"] = [_("Use at most %(n)d characters.", n=200)]
            return
        wanted[(need, side)] = detail
    if len(wanted) > MAX_NEEDS:
        errors["needs"] = [_("Name at most %(n)d offers and asks.", n=MAX_NEEDS)]
        return
    existing = {(n.need.value, n.side.value): n for n in profile.needs}
    for key, row in existing.items():
        if key not in wanted:
            profile.needs.remove(row)
    for (need, side), detail in wanted.items():
        row = existing.get((need, side))
        if row is None:
            profile.needs.append(
                ProfileNeed(need=NeedPair(need), side=Side(side), detail=detail, created_at=utcnow())
            )
        else:
            row.detail = detail


def reindex(profile: DirectoryProfile) -> None:
    """Rewrite the profile's search document and tokens (called by every
    service that changes what the profile shows)."""
    user = profile.user or db.session.get(User, profile.user_id)
    groups = groups_of_user(profile.user_id)
    parts: dict[str, list[str]] = {
        "name": [
            user.family_name,
            user.given_name,
            user.family_name_kana,
            user.given_name_kana,
            user.display_name,
            user.display_name_kana,
        ],
        "organisation": [profile.organisation, profile.title],
        "industries": list(profile.industries or []),
        "skills": [profile.skills],
        "bio": [profile.bio],
        "affiliations": [t for g in groups for t in (g.name_ja, g.name_en, g.company_name)],
        "offers": [n.detail for n in profile.needs],
    }
    tokens: dict[str, bool] = {}

    def add(token: str, wide: bool) -> None:
        tokens[token] = tokens.get(token, False) or wide

    for name, texts in parts.items():
        wide = is_wide(profile, name)
        for text in texts:
            for token in text_tokens(text):
                add(token, wide)
    add("p:", is_wide(profile, "name"))
    for group in groups:
        add(f"g:{group.id}", is_wide(profile, "affiliations"))
    for industry in profile.industries or []:
        add(f"i:{industry_key(industry)}", is_wide(profile, "industries"))
    offers_wide = is_wide(profile, "offers")
    for need in profile.needs:
        need.wide = offers_wide
        add(f"n:{need.need.value}", offers_wide)
        add(f"{need.side.value[0]}:{need.need.value}", offers_wide)
        add(f"{need.side.value[0]}:", offers_wide)
    profile.search_document = "\n".join(search_text(t) for texts in parts.values() for t in texts if t)
    db.session.execute(delete(SearchToken).where(SearchToken.profile_id == profile.id))
    if tokens:
        db.session.execute(
            SearchToken.__table__.insert(),
            [{"profile_id": profile.id, "token": token, "wide": wide} for token, wide in tokens.items()],
        )
    db.session.flush()


# --- search ---------------------------------------------------------------------

SORTS = ("kana", "recent")
# A search reaches at most this many people (and the match list as many
# candidates per complementary need): enough to browse, not a bulk dump, and
# it keeps every search bounded at any size of the directory. Beyond it the
# total reads "1,000+" (the API says total_capped: true).
SEARCH_CAP = planner.SEARCH_CAP
PROFILE_TOKENS = TokenIndex(SearchToken, "profile_id", DirectoryProfile.id)


def too_short(q: str) -> bool:
    """A one-character word cannot be searched (the index holds pairs of
    characters and whole Latin words): the page says so instead of an empty list."""
    return len(search_key(q).replace(" ", "").replace("\u3000", "")) == 1


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


def _matching_ids(tokens: list[str], near, walk: bool = True):
    """(select of the profile ids carrying every token visibly, select to
    count them), or None when nobody can match; planned by token frequency
    in federation.search.planner."""
    return planner.matching_ids(
        PROFILE_TOKENS, tokens, lambda token: _seen(token, near), walk, cap=SEARCH_CAP
    )


def _order(query, sort: str):
    if sort == "recent":
        return query.order_by(DirectoryProfile.updated_at.desc(), DirectoryProfile.id.desc())
    return query.order_by(DirectoryProfile.sort_key, DirectoryProfile.id)


def _page_of_ids(plan, sort: str, page: int, per_page: int) -> tuple[list[int], int, bool]:
    return planner.page_of_ids(plan, lambda query: _order(query, sort), page, per_page, cap=SEARCH_CAP)


def _profiles(ids: list[int]) -> list[DirectoryProfile]:
    """The profiles of these ids in this order, with what a view needs."""
    if not ids:
        return []
    loaded = {
        p.id: p
        for p in db.session.scalars(
            select(DirectoryProfile)
            .where(DirectoryProfile.id.in_(ids))
            .options(selectinload(DirectoryProfile.user), selectinload(DirectoryProfile.needs))
        )
    }
    return [loaded[i] for i in ids if i in loaded]


def search(viewer: User, page: int = 1, per_page: int = 20, *, sort: str = "kana", **filters) -> SearchPage:
    """One page of the directory as the viewer may search it: only tokens of
    fields they may see count, so hidden fields never leak through hits."""
    if not is_member(viewer):
        raise NotFound()
    tokens = search_tokens(viewer, **filters)
    mine = group_ids_of(viewer)
    near = _near_profile_ids(mine) if mine else None
    ids, total, capped = _page_of_ids(_matching_ids(tokens, near), sort, page, per_page)
    return SearchPage(items=_profiles(ids), page=page, per_page=per_page, total=total, capped=capped)


# --- matches ---------------------------------------------------------------------


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
    near = _near_profile_ids(mine) if mine else None
    score = func.count(ProfileNeed.id).label("score")
    if near is not None:
        other = func.max(func.cast(ProfileNeed.profile_id.not_in(near), db.Integer)).label("other")
        seen = or_(ProfileNeed.wide.is_(True), ProfileNeed.profile_id.in_(near))
    else:
        other = func.max(1).label("other")
        seen = ProfileNeed.wide.is_(True)
    query = (
        select(ProfileNeed.profile_id, other, score)
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
    seen = (
        ProfileNeed.wide.is_(True)
        if near is None
        else or_(ProfileNeed.wide.is_(True), ProfileNeed.profile_id.in_(near))
    )
    query = (
        select(ProfileNeed.profile_id, func.count(ProfileNeed.id), DirectoryProfile.sort_key)
        .join(DirectoryProfile, DirectoryProfile.id == ProfileNeed.profile_id)
        .where(ProfileNeed.profile_id.in_(ids), _complement_clause(profile.needs), seen)
        .group_by(ProfileNeed.profile_id, DirectoryProfile.sort_key)
    )
    if since is not None:
        query = query.where(ProfileNeed.created_at > since)
    scores = {pid: (n, key) for pid, n, key in db.session.execute(query)}
    same = set() if near is None else set(db.session.scalars(near))
    rows = [(pid, pid not in same, n) for pid, (n, _key) in scores.items()]
    rows.sort(key=lambda r: (not r[1], -r[2], scores[r[0]][1], r[0]))
    return rows


MATCH_WINDOW = 100  # candidates per complementary (need, side)


def _match_candidates(profile: DirectoryProfile, near) -> tuple[list[int], bool]:
    """Who may match, bounded: for each complementary (need, side), the first
    MATCH_WINDOW people in あいうえお order who visibly carry it; and, when
    one of them is rare enough to plan cheaply, the people who carry every
    one of them (the best possible score), so those are not crowded out."""
    pairs = sorted({pair for n in profile.needs for pair in complements(n.need, n.side)})
    tokens = [f"{side.value[0]}:{need.value}" for need, side in pairs]
    found: dict[int, None] = {}
    capped = False
    for group in ([tokens] if len(tokens) > 1 else []) + [[t] for t in tokens]:
        plan = _matching_ids(group, near, walk=len(group) == 1)
        if plan is None:
            continue
        query = plan[0]
        ids = list(
            db.session.scalars(
                _order(query.where(DirectoryProfile.id != profile.id), "kana").limit(MATCH_WINDOW + 1)
            )
        )
        capped = capped or len(ids) > MATCH_WINDOW
        found.update(dict.fromkeys(ids[:MATCH_WINDOW]))
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
    near = _near_profile_ids(mine) if mine else None
    if since is None:
        candidates, _capped = _match_candidates(profile, near)
    else:
        query, _p = matches_query(viewer, since)
        candidates = list(db.session.scalars(select(query.subquery().c.profile_id).limit(SEARCH_CAP)))
    ranked = _rank(viewer, profile, candidates, mine, near, since)
    rows = ranked[(page - 1) * per_page : page * per_page]
    profiles = _profiles([pid for pid, _o, _s in rows])
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


# --- bringing alumni in ----------------------------------------------------------


def _invitation_lifetime() -> timedelta:
    return current_app.config["DIRECTORY_INVITATION_LIFETIME"]


def _clean_invitee(data: dict) -> dict:
    from federation.services.accounts import _check_names, normalise_email, validate_together

    year = data.get("year_left")

    def check_year():
        if year in (None, ""):
            return None
        try:
            value = int(str(year).strip())
        except ValueError:
            raise Invalid(fields={"year_left": [_("Enter a year such as 2019.")]}) from None
        if not 1950 <= value <= utcnow().year:
            raise Invalid(fields={"year_left": [_("Enter a year such as 2019.")]})
        return value

    def check_org():
        value = as_typed(data.get("organisation") or "")
        if len(value) > 120:
            raise Invalid(fields={"organisation": [_("Use at most %(n)d characters.", n=120)]})
        return value

    email, names, year_left, organisation = validate_together(
        lambda: normalise_email(data.get("email") or ""),
        lambda: _check_names(
            {
                k: data.get(k) or ""
                for k in ("family_name", "given_name", "family_name_kana", "given_name_kana")
            }
        ),
        check_year,
        check_org,
    )
    return {"email": email, **names, "year_left": year_left, "organisation": organisation}


def _already_in(group: AlumniGroup, emails: list[str]) -> set[str]:
    """Addresses already invited to the group or already its verified alumni."""
    if not emails:
        return set()
    invited = set(
        db.session.scalars(
            select(AlumniInvitation.email).where(
                AlumniInvitation.group_id == group.id, AlumniInvitation.email.in_(emails)
            )
        )
    )
    members = set(
        db.session.scalars(
            select(User.email)
            .join(GroupMembership, GroupMembership.user_id == User.id)
            .where(GroupMembership.group_id == group.id, User.email.in_(emails))
        )
    )
    return invited | members


def _create_invitation(actor: User, group: AlumniGroup, clean: dict) -> AlumniInvitation:
    raw = new_secret()
    invitation = AlumniInvitation(
        group=group,
        group_id=group.id,
        token_hash=hash_secret(raw),
        invited_by_id=actor.id,
        expires_at=utcnow() + _invitation_lifetime(),
        **clean,
    )
    db.session.add(invitation)
    db.session.flush()
    locale = "ja"
    existing = db.session.scalar(select(User).where(User.email == clean["email"]))
    if existing is not None:
        locale = existing.locale
    queue_mail(
        clean["email"],
        "directory_invitation",
        locale,
        invitation=invitation,
        group=group,
        link=external_url("directory.join", token=raw),
        days=_invitation_lifetime().days,
    )
    return invitation


def invite(actor: User, group: AlumniGroup, data: dict) -> AlumniInvitation:
    if not can_invite_alumni(actor, group):
        raise Forbidden()
    clean = _clean_invitee(data)
    if _already_in(group, [clean["email"]]):
        raise Invalid(fields={"email": [_("This person is already invited or a member.")]})
    return _create_invitation(actor, group, clean)


@dataclass
class ImportRow:
    line: int
    data: dict
    status: str  # ok | error | duplicate
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    header: list[str]
    mapping: list[str]  # a field of alumni_import.FIELDS per column, "" to ignore
    rows: list[ImportRow]
    missing: list[str]  # required fields no column gives (labels); then no rows


def preview_import(
    actor: User, group: AlumniGroup, text: str, mapping: list[str] | None = None
) -> ImportPreview:
    """Parse the spreadsheet and say, row by row, what an import would do,
    with the columns mapped as given (else guessed, or as last time)."""
    from federation.services import alumni_import

    if not can_invite_alumni(actor, group):
        raise Forbidden()
    text = (text or "").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise Invalid(fields={"file": [_("The file is empty.")]}) from None
    header = [h.strip() for h in header]
    if mapping is None:
        mapping = alumni_import.guess(header, alumni_import.remembered(group))
    else:
        mapping = alumni_import.clean_mapping(header, mapping)
    needs = alumni_import.missing(mapping)
    if needs:
        return ImportPreview(header, mapping, [], needs)
    rows: list[ImportRow] = []
    seen: set[str] = set()
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_IMPORT_ROWS:
                raise Invalid(fields={"file": [_("Import at most %(n)d rows at a time.", n=MAX_IMPORT_ROWS)]})
            data = alumni_import.row_data(cells, mapping)
            try:
                clean = _clean_invitee(data)
            except Invalid as error:
                messages = [f"{_field_label(k)}: {m}" for k, ms in error.fields.items() for m in ms]
                rows.append(ImportRow(number, data, "error", messages))
                continue
            if clean["email"] in seen:
                rows.append(
                    ImportRow(
                        number, clean, "duplicate", [_("The same address appears earlier in the file.")]
                    )
                )
                continue
            seen.add(clean["email"])
            rows.append(ImportRow(number, clean, "ok"))
    except csv.Error:
        raise Invalid(fields={"file": [_("The file is not a valid CSV file.")]}) from None
    existing = _already_in(group, [r.data["email"] for r in rows if r.status == "ok"])
    for row in rows:
        if row.status == "ok" and row.data["email"] in existing:
            row.status = "duplicate"
            row.errors = [_("Already invited or already a member.")]
    return ImportPreview(header, mapping, rows, [])


def _field_label(key: str) -> str:
    return {
        "family_name": _("Family name"),
        "given_name": _("Given name"),
        "family_name_kana": _("Family name (kana)"),
        "given_name_kana": _("Given name (kana)"),
        "email": _("Email address"),
        "year_left": _("Year left"),
        "organisation": _("Current organisation"),
    }.get(key, key)


def import_alumni(
    actor: User, group: AlumniGroup, text: str, mapping: list[str] | None = None
) -> dict[str, int]:
    """Invite every good row; bad and duplicate rows are skipped. One
    transaction: the caller commits once, so nothing is half-imported. The
    column mapping is remembered for the group's next import."""
    from federation.services import alumni_import

    preview = preview_import(actor, group, text, mapping)
    if preview.missing:
        raise Invalid(
            fields={"mapping": [_("Choose which column holds: %(names)s", names="、".join(preview.missing))]}
        )
    alumni_import.remember(group, preview.header, preview.mapping)
    counts = {"invited": 0, "error": 0, "duplicate": 0}
    for row in preview.rows:
        if row.status == "ok":
            _create_invitation(actor, group, row.data)
            counts["invited"] += 1
        else:
            counts[row.status] += 1
    return counts


def invitation_for(raw: str) -> AlumniInvitation:
    invitation = db.session.scalar(
        select(AlumniInvitation).where(AlumniInvitation.token_hash == hash_secret(raw or ""))
    )
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= utcnow():
        raise Invalid(_("This invitation is invalid, has expired or was already used."))
    return invitation


def accept_invitation(raw: str, user: User) -> GroupMembership:
    """Link the user to the group as verified alumni; the link works once."""
    invitation = invitation_for(raw)
    used = db.session.execute(
        update(AlumniInvitation)
        .where(AlumniInvitation.id == invitation.id, AlumniInvitation.accepted_at.is_(None))
        .values(accepted_at=utcnow(), accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1:
        raise Invalid(_("This invitation is invalid, has expired or was already used."))
    membership = db.session.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == invitation.group_id, GroupMembership.user_id == user.id
        )
    )
    if membership is None:
        membership = GroupMembership(
            group_id=invitation.group_id,
            user_id=user.id,
            year_left=invitation.year_left,
            verified_at=utcnow(),
        )
        db.session.add(membership)
        db.session.flush()
    profile = get_own_profile(user)
    if not profile.organisation and invitation.organisation:
        profile.organisation = invitation.organisation
    reindex(profile)
    return membership


def join_with_new_account(raw: str, *, password: str, locale: str = "ja", **names) -> User:
    """Create the invitee's account (the mailed link proves the address) and
    accept the invitation."""
    from federation.services.accounts import find_user_by_email, register_user

    invitation = invitation_for(raw)
    if find_user_by_email(invitation.email) is not None:
        raise Invalid(_("This address already has an account: sign in, then open the link again."))
    user = register_user(email=invitation.email, password=password, locale=locale, verified=True, **names)
    accept_invitation(raw, user)
    return user


# --- the weekly digest --------------------------------------------------------------


def week_of(moment: datetime) -> str:
    year, week, _day = moment.isocalendar()
    return f"{year}-W{week:02d}"


def send_digests(now: datetime | None = None) -> int:
    """Mail each opted-in person the matches that are new since their last
    digest; at most once per week (idempotent)."""
    now = now or utcnow()
    week = week_of(now)
    sent = 0
    profiles = db.session.scalars(
        select(DirectoryProfile)
        .join(User, User.id == DirectoryProfile.user_id)
        .where(DirectoryProfile.digest_opt_in.is_(True), User.deactivated_at.is_(None))
        .options(selectinload(DirectoryProfile.user))
    ).all()
    for profile in profiles:
        user = profile.user
        if db.session.scalar(
            select(DigestLog.id).where(DigestLog.user_id == user.id, DigestLog.week == week)
        ):
            continue
        last = db.session.scalar(select(func.max(DigestLog.sent_at)).where(DigestLog.user_id == user.id))
        matches, total = list_matches(user, 1, 10, since=last)
        if matches:
            queue_mail(
                user.email,
                "directory_digest",
                user.locale,
                key=f"week:{week}",
                user=user,
                matches=matches,
                total=total,
                link=external_url("directory.matches"),
            )
            sent += 1
        db.session.add(DigestLog(user_id=user.id, week=week, sent_at=now, match_count=total))
        db.session.flush()
    return sent


# --- personal data -------------------------------------------------------------------


def export_directory(user: User) -> dict:
    from federation.models import AbuseReport, DirectoryBlock, Introduction

    profile = get_own_profile(user, create=False)
    iso = lambda v: v.isoformat() if v else None  # noqa: E731
    return {
        "profile": None
        if profile is None
        else {
            "organisation": profile.organisation,
            "title": profile.title,
            "industries": profile.industries,
            "skills": profile.skills,
            "bio": profile.bio,
            "visibility": profile.visibility,
            "consented_at": iso(profile.consented_at),
            "consent_version": profile.consent_version,
            "digest_opt_in": profile.digest_opt_in,
            "needs": [
                {"need": n.need.value, "side": n.side.value, "detail": n.detail} for n in profile.needs
            ],
        },
        "alumni_of": [
            {"group": g.slug, "year_left": m.year_left, "verified_at": iso(m.verified_at)}
            for m, g in db.session.execute(
                select(GroupMembership, AlumniGroup)
                .join(AlumniGroup)
                .where(GroupMembership.user_id == user.id)
            )
        ],
        "introductions": [
            {
                "sent": i.sender_id == user.id,
                "status": i.status.value,
                "message": i.message,
                "created_at": iso(i.created_at),
                "decided_at": iso(i.decided_at),
            }
            for i in db.session.scalars(
                select(Introduction).where(
                    or_(Introduction.sender_id == user.id, Introduction.recipient_id == user.id)
                )
            )
        ],
        "blocked": len(
            db.session.scalars(select(DirectoryBlock.id).where(DirectoryBlock.blocker_id == user.id)).all()
        ),
        "abuse_reports": [
            {"reason": r.reason, "created_at": iso(r.created_at)}
            for r in db.session.scalars(select(AbuseReport).where(AbuseReport.reporter_id == user.id))
        ],
    }


def erase_directory(user: User) -> None:
    """Personal data goes; introductions stay, without their messages (the
    account row itself is anonymised by privacy.delete_account)."""
    from federation.models import AbuseReport, DirectoryBlock, Introduction

    db.session.execute(delete(DirectoryProfile).where(DirectoryProfile.user_id == user.id))
    db.session.execute(delete(GroupMembership).where(GroupMembership.user_id == user.id))
    db.session.execute(delete(AlumniInvitation).where(AlumniInvitation.email == user.email))
    db.session.execute(
        delete(DirectoryBlock).where(
            or_(DirectoryBlock.blocker_id == user.id, DirectoryBlock.blocked_id == user.id)
        )
    )
    db.session.execute(
        update(Introduction)
        .where(or_(Introduction.sender_id == user.id, Introduction.recipient_id == user.id))
        .values(message="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(AbuseReport)
        .where(AbuseReport.reporter_id == user.id)
        .values(reason="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(DigestLog).where(DigestLog.user_id == user.id))

"""The registry of alumni groups: who sees which group, the registry list
and its filters, the groups of a filter drop-down, the overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from federation import listcache
from federation.errors import NotFound
from federation.extensions import db
from federation.models import (
    AlumniGroup,
    AssetKind,
    AssetStatus,
    GovernanceType,
    GroupNeed,
    GroupOperator,
    NeedPair,
    SharedAsset,
    User,
)
from federation.models.base import BilingualName
from federation.pagination import Page, core_page
from federation.permissions import can_view_group, is_member
from federation.services.groups.search import search_pattern

SORTS = ("kana", "members", "founded")


def visible_groups_query(viewer: User | None):
    """Members of the federation see every group; everyone else (visitors,
    verified accounts in no member group) only public ones."""
    query = select(AlumniGroup).order_by(AlumniGroup.sort_key, AlumniGroup.id)
    if not is_member(viewer):
        query = query.where(AlumniGroup.is_public.is_(True))
    return query


@dataclass(frozen=True)
class GroupOption(BilingualName):
    """A group in a filter drop-down: what the option shows, nothing more."""

    slug: str
    name_ja: str
    name_en: str


class GroupOptions(tuple):
    """The groups of a filter drop-down, as one immutable list. While the
    registry is unchanged every request gets the very same object, so what is
    derived from it (the rendered <option>s) can be kept too."""


# (database, visitors only) -> (registry version, GroupOptions)
_options_cache: dict[tuple[str, bool], tuple[tuple, GroupOptions]] = {}


def group_options(viewer: User | None) -> GroupOptions:
    """The visible groups for a filter drop-down, three columns each.

    Kept per process and keyed by the registry's version (how many groups,
    and when one last changed): a request reads one aggregate row instead of
    every group, and all workers see a new or renamed group at once."""
    public_only = not is_member(viewer)
    version = tuple(
        db.session.execute(select(func.count(AlumniGroup.id), func.max(AlumniGroup.updated_at))).one()
    )
    key = (str(db.engine.url), public_only)
    cached = _options_cache.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    query = visible_groups_query(viewer).with_only_columns(
        AlumniGroup.slug, AlumniGroup.name_ja, AlumniGroup.name_en
    )
    options = GroupOptions(GroupOption(*row) for row in db.session.execute(query))
    _options_cache[key] = (version, options)
    return options


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


def registry_query(viewer: User | None, **filters):
    """The registry list as a select() of groups with their needs, for the
    API and the export. Unknown filter values are ignored rather than
    refused (they come from a URL)."""
    return _registry_select(viewer, **filters).options(selectinload(AlumniGroup.needs))


@dataclass(frozen=True)
class RegistryRow(BilingualName):
    """A group as a registry row shows it, and nothing more: read as plain
    columns (no ORM object), and complete, so that the row is also the key of
    its cached rendering."""

    id: int
    slug: str
    name_ja: str
    name_en: str
    company_name: str
    governance_type: GovernanceType
    maturity_level: int
    registered_members: int
    founded_on: date | None
    need_pairs: tuple[NeedPair, ...]


REGISTRY_COLUMNS = (
    AlumniGroup.id,
    AlumniGroup.slug,
    AlumniGroup.name_ja,
    AlumniGroup.name_en,
    AlumniGroup.company_name,
    AlumniGroup.governance_type,
    AlumniGroup.maturity_level,
    AlumniGroup.registered_members,
    AlumniGroup.founded_on,
)


# The registry list (the page, and the API with each group's member counts)
# reads these, and is cached by them.
REGISTRY_LIST = listcache.register(
    "registry", ("alumni_group", "group_need", "shared_asset", "group_member_count")
)


# The home page's overview (the numbers and the first groups) reads these.
HOME_LIST = listcache.register("home", ("alumni_group", "group_operator"))


def registry_scope(viewer: User | None) -> tuple:
    """What decides which groups the viewer's registry lists."""
    return (is_member(viewer),)


def registry_page(viewer: User | None, page: int, per_page: int, **filters) -> Page:
    """A page of the registry as rows: one COUNT, one select of the shown
    columns, one of the page's needs."""
    query = _registry_select(viewer, **filters).with_only_columns(*REGISTRY_COLUMNS)
    result = core_page(query, page, per_page)
    needs: dict[int, list[NeedPair]] = {row.id: [] for row in result.items}
    if needs:
        for group_id, need in db.session.execute(
            select(GroupNeed.group_id, GroupNeed.need)
            .where(GroupNeed.group_id.in_(needs))
            .order_by(GroupNeed.group_id, GroupNeed.need)
        ):
            needs[group_id].append(need)
    result.items = [RegistryRow(**row._asdict(), need_pairs=tuple(needs[row.id])) for row in result.items]
    return result


def _registry_select(
    viewer: User | None,
    *,
    q: str = "",
    governance: str = "",
    maturity: int | None = None,
    need: str = "",
    has_venue: bool = False,
    has_speaker: bool = False,
    sort: str = "kana",
):
    query = visible_groups_query(viewer).order_by(None)
    pattern = search_pattern(q)
    if pattern:
        query = query.where(AlumniGroup.search_text.like(pattern, escape="\\"))
    if governance in GovernanceType.__members__:
        query = query.where(AlumniGroup.governance_type == GovernanceType(governance))
    if maturity in range(1, 6):
        query = query.where(AlumniGroup.maturity_level == maturity)
    if need in NeedPair.__members__:
        query = query.where(
            exists().where(GroupNeed.group_id == AlumniGroup.id, GroupNeed.need == NeedPair(need))
        )
    for wanted, kind in ((has_venue, AssetKind.venue), (has_speaker, AssetKind.speaker)):
        if wanted:
            query = query.where(
                exists().where(
                    SharedAsset.group_id == AlumniGroup.id,
                    SharedAsset.kind == kind,
                    SharedAsset.status == AssetStatus.active,
                )
            )
    if sort == "members":
        query = query.order_by(AlumniGroup.registered_members.desc(), AlumniGroup.id)
    elif sort == "founded":
        query = query.order_by(AlumniGroup.founded_on.is_(None), AlumniGroup.founded_on, AlumniGroup.id)
    else:
        query = query.order_by(AlumniGroup.sort_key, AlumniGroup.id)
    return query


def get_group(viewer: User | None, slug: str) -> AlumniGroup:
    """The group, if the viewer may see it; otherwise NotFound (never Forbidden,
    so that a hidden group's existence does not leak)."""
    group = db.session.scalar(select(AlumniGroup).where(AlumniGroup.slug == slug))
    if group is None or not can_view_group(viewer, group):
        raise NotFound()
    return group

"""The registry of alumni groups: profiles, the registry list and its
filters, member-count history, the give-first balance and the CSV export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from federation.errors import Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.models import (
    AlumniGroup,
    AssetKind,
    AssetRequest,
    AssetStatus,
    CompanyHope,
    GovernanceType,
    GroupMemberCount,
    GroupNeed,
    GroupOperator,
    NeedPair,
    Platform,
    RequestStatus,
    RevenueModel,
    SharedAsset,
    User,
    utcnow,
)
from federation.security import can_export_registry, can_manage_group, can_view_group, is_member
from federation.text import as_typed, is_kana, normalise, search_key

SORTS = ("kana", "members", "founded")


def visible_groups_query(viewer: User | None):
    """Members of the federation see every group; everyone else (visitors,
    verified accounts in no member group) only public ones."""
    query = select(AlumniGroup).order_by(AlumniGroup.sort_key, AlumniGroup.id)
    if not is_member(viewer):
        query = query.where(AlumniGroup.is_public.is_(True))
    return query


@dataclass(frozen=True)
class GroupOption:
    """A group in a filter drop-down: what the option shows, nothing more."""

    slug: str
    name_ja: str
    name_en: str

    def name_for(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_ja


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


# --- the registry -------------------------------------------------------------


def like_pattern(raw: str) -> str | None:
    """A LIKE pattern for a search word: NFKC, lower-case, wildcards escaped.
    Substring matching finds short Japanese words such as 商事 or 銀行."""
    term = normalise(raw).lower()
    if not term:
        return None
    term = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{term}%"


def search_pattern(raw: str) -> str | None:
    """A LIKE pattern for a column folded by text.search_key (kana, width and
    case folded): アオゾラ, ｱｵｿﾞﾗ and あおぞら find the same rows."""
    return like_pattern(search_key(raw))


def registry_query(
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
    """The registry list as a select() to paginate. Unknown filter values are
    ignored rather than refused (they come from a URL)."""
    query = visible_groups_query(viewer).order_by(None).options(selectinload(AlumniGroup.needs))
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


# --- editing the profile ----------------------------------------------------------

TEXT_LIMITS = {
    "name_ja": 120,
    "name_en": 120,
    "name_kana": 160,
    "company_name": 120,
    "founder_name": 120,
    "representative_name": 120,
    "liaison_department": 120,
    "retiree_club": 120,
    "eligibility_rule": 2000,
    "company_endorsement": 2000,
    "description": 5000,
}
REQUIRED = ("name_ja", "company_name")
PROFILE_FIELDS = (
    *TEXT_LIMITS,
    "founded_on",
    "governance_type",
    "maturity_level",
    "revenue_model",
    "platforms",
    "need_pairs",
    "company_hopes",
    "registered_members",
    "members_counted_on",
    "is_public",
)


def _enum_list(values, enum_cls, field: str, errors: dict) -> list[str]:
    cleaned = []
    for value in values or []:
        value = getattr(value, "value", value)
        if value not in enum_cls.__members__:
            errors[field] = [_("Choose from the list.")]
            return []
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


def update_group(actor: User, group: AlumniGroup, data: dict) -> AlumniGroup:
    """Change any subset of the profile. Only the group's operators and
    coordinators may; every field error is reported at once."""
    if not can_manage_group(actor, group):
        raise Forbidden()
    errors: dict[str, list[str]] = {}
    changes: dict = {}
    for field, limit in TEXT_LIMITS.items():
        if field not in data:
            continue
        value = (
            as_typed(data[field] or "")
            if field in ("name_ja", "name_en", "name_kana", "company_name")
            else (data[field] or "").strip()
        )
        if field in REQUIRED and not value:
            errors[field] = [_("This field is required.")]
        elif len(value) > limit:
            errors[field] = [_("Use at most %(n)d characters.", n=limit)]
        elif field == "name_kana" and value and not is_kana(value):
            errors[field] = [_("Use hiragana or katakana only.")]
        else:
            changes[field] = value
    if "founded_on" in data:
        founded = data["founded_on"]
        if founded is not None and founded > date.today():
            errors["founded_on"] = [_("The date cannot be in the future.")]
        else:
            changes["founded_on"] = founded
    if "governance_type" in data:
        value = getattr(data["governance_type"], "value", data["governance_type"])
        if value not in GovernanceType.__members__:
            errors["governance_type"] = [_("Choose from the list.")]
        else:
            changes["governance_type"] = GovernanceType(value)
    if "revenue_model" in data:
        value = getattr(data["revenue_model"], "value", data["revenue_model"])
        if value in (None, ""):
            changes["revenue_model"] = None
        elif value not in RevenueModel.__members__:
            errors["revenue_model"] = [_("Choose from the list.")]
        else:
            changes["revenue_model"] = RevenueModel(value)
    if "maturity_level" in data:
        if data["maturity_level"] not in range(1, 6):
            errors["maturity_level"] = [_("Choose a level from 1 to 5.")]
        else:
            changes["maturity_level"] = data["maturity_level"]
    for field, enum_cls in (
        ("platforms", Platform),
        ("company_hopes", CompanyHope),
        ("need_pairs", NeedPair),
    ):
        if field in data:
            changes[field] = _enum_list(data[field], enum_cls, field, errors)
    if "registered_members" in data:
        members = data["registered_members"]
        if members is None or members < 0 or members > 10_000_000:
            errors["registered_members"] = [_("Enter a number of 0 or more.")]
    counted_on = data.get("members_counted_on") or date.today()
    if counted_on > date.today():
        errors["members_counted_on"] = [_("The date cannot be in the future.")]
    if "is_public" in data:
        changes["is_public"] = bool(data["is_public"])
    if errors:
        raise Invalid(fields=errors)

    need_pairs = changes.pop("need_pairs", None)
    for field, value in changes.items():
        setattr(group, field, value)
    if need_pairs is not None:
        current = {n.need.value: n for n in group.needs}
        for value, link in current.items():
            if value not in need_pairs:
                group.needs.remove(link)
        for value in need_pairs:
            if value not in current:
                group.needs.append(GroupNeed(need=NeedPair(value)))
    if "registered_members" in data and (
        data["registered_members"] != group.registered_members or "members_counted_on" in data
    ):
        record_member_count(group, data["registered_members"], counted_on)
    group.updated_at = utcnow()
    db.session.flush()
    return group


def record_member_count(group: AlumniGroup, members: int, counted_on: date) -> GroupMemberCount:
    """Add (or correct) the count on a date; the latest dated count is the
    group's current number of registered members."""
    row = db.session.scalar(
        select(GroupMemberCount).where(
            GroupMemberCount.group_id == group.id, GroupMemberCount.counted_on == counted_on
        )
    )
    if row is None:
        row = GroupMemberCount(group=group, counted_on=counted_on, members=members)
        db.session.add(row)
    else:
        row.members = members
    db.session.flush()
    latest = db.session.scalar(
        select(GroupMemberCount.members)
        .where(GroupMemberCount.group_id == group.id)
        .order_by(GroupMemberCount.counted_on.desc())
        .limit(1)
    )
    group.registered_members = latest
    return row


# --- the give-first balance ---------------------------------------------------------


def give_balance(group: AlumniGroup) -> dict[str, dict[str, int]]:
    """Accepted requests by asset kind: what the group gave (its assets used by
    others) and what it received (others' assets it used)."""
    balance = {"given": {k.value: 0 for k in AssetKind}, "received": {k.value: 0 for k in AssetKind}}
    accepted = AssetRequest.status == RequestStatus.accepted
    given = db.session.execute(
        select(SharedAsset.kind, func.count(AssetRequest.id))
        .join(AssetRequest.asset)
        .where(SharedAsset.group_id == group.id, accepted)
        .group_by(SharedAsset.kind)
    )
    received = db.session.execute(
        select(SharedAsset.kind, func.count(AssetRequest.id))
        .join(AssetRequest.asset)
        .where(AssetRequest.requester_group_id == group.id, accepted)
        .group_by(SharedAsset.kind)
    )
    for side, rows in (("given", given), ("received", received)):
        for kind, count in rows:
            balance[side][kind.value] = count
    return balance


# --- CSV export ---------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A spreadsheet opens a cell starting with = + - @ (or a tab or CR) as a
    formula; a leading single quote makes it plain text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


CSV_COLUMNS = (
    "slug",
    "name_ja",
    "name_en",
    "name_kana",
    "company_name",
    "founded_on",
    "founder_name",
    "representative_name",
    "registered_members",
    "eligibility_rule",
    "governance_type",
    "maturity_level",
    "revenue_model",
    "liaison_department",
    "platforms",
    "need_pairs",
    "company_hopes",
    "is_public",
    "description",
)


def export_registry_csv(actor: User) -> str:
    """The whole registry as CSV (UTF-8 with BOM, so that Excel reads Japanese)."""
    if not can_export_registry(actor):
        raise Forbidden()
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    groups = db.session.scalars(
        select(AlumniGroup)
        .options(selectinload(AlumniGroup.needs))
        .order_by(AlumniGroup.sort_key, AlumniGroup.id)
    )
    for group in groups:
        row = []
        for column in CSV_COLUMNS:
            if column == "need_pairs":
                value = " ".join(n.value for n in group.need_pairs)
            elif column in ("platforms", "company_hopes"):
                value = " ".join(getattr(group, column) or [])
            else:
                value = getattr(group, column)
                value = getattr(value, "value", value)
            row.append(csv_safe(value))
        writer.writerow(row)
    return out.getvalue()

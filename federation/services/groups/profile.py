"""Editing a group's profile and its member-count history."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from federation.errors import Forbidden, Invalid
from federation.extensions import db
from federation.models import (
    AlumniGroup,
    CompanyHope,
    GovernanceType,
    GroupMemberCount,
    GroupNeed,
    NeedPair,
    Platform,
    RevenueModel,
    User,
    utcnow,
)
from federation.permissions import can_manage_group
from federation.text import as_typed, is_kana

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

"""A person's own directory profile: reading it as a viewer may, and editing
its fields, visibility, consent and offers and asks."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from federation.errors import Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.models import DirectoryProfile, NeedPair, ProfileNeed, Side, User, Visibility, utcnow
from federation.permissions import is_member
from federation.services.directory.index import reindex
from federation.services.directory.visibility import (
    CONSENT_VERSION,
    VISIBILITY_FIELDS,
    ProfileView,
    view_of,
)
from federation.text import as_typed

MAX_NEEDS = 16


def get_own_profile(actor: User, create: bool = True) -> DirectoryProfile | None:
    profile = (
        db.session.scalars(
            select(DirectoryProfile)
            .where(DirectoryProfile.user_id == actor.id)
            .options(joinedload(DirectoryProfile.needs))
        )
        .unique()
        .first()
    )
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

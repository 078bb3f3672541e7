"""Editions: the year's dates, windows, rooms, tracks and score
categories, its venue booking, and the reviewers coordinators invite."""

from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    AlumniGroup,
    AssetKind,
    AssetStatus,
    ConferenceEdition,
    ConferenceReviewer,
    ConferenceSession,
    SharedAsset,
    User,
    utcnow,
)
from federation.models.base import TOKYO
from federation.permissions import is_coordinator
from federation.services import notifications, seats
from federation.services.conferences._common import DEFAULT_CATEGORIES, WINDOWS, is_archived
from federation.services.conferences.attendance import promote_attendees
from federation.services.views import View
from federation.text import as_typed


def editions_query():
    return select(ConferenceEdition).order_by(ConferenceEdition.year.desc())


def get_edition(year: int) -> ConferenceEdition:
    edition = db.session.scalar(select(ConferenceEdition).where(ConferenceEdition.year == year))
    if edition is None:
        raise NotFound()
    return edition


def _names(value) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    out = []
    for item in value or []:
        item = as_typed(str(item))
        if item and item not in out:
            out.append(item[:80])
    return out


def _categories(value, errors: dict) -> list[dict]:
    if not value:
        return [dict(c) for c in DEFAULT_CATEGORIES]
    out, keys = [], set()
    for item in value:
        try:
            key = str(item["key"]).strip()[:40]
            weight = int(item.get("weight", 1))
        except (KeyError, TypeError, ValueError, AttributeError):
            errors["score_categories"] = [_("Give each category a key and a weight.")]
            return []
        if not key or key in keys or not 1 <= weight <= 10:
            errors["score_categories"] = [_("Give each category a key and a weight.")]
            return []
        keys.add(key)
        out.append(
            {
                "key": key,
                "label_ja": str(item.get("label_ja") or key)[:80],
                "label_en": str(item.get("label_en") or key)[:80],
                "weight": weight,
            }
        )
    return out


def _clean_edition(data: dict, edition: ConferenceEdition | None) -> dict:
    errors: dict[str, list[str]] = {}
    changes: dict = {}
    creating = edition is None
    if creating:
        year = data.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            errors["year"] = [_("Enter a year between %(low)d and %(high)d.", low=2000, high=2100)]
        else:
            changes["year"] = year
    for field, limit in (
        ("theme_ja", 200),
        ("theme_en", 200),
        ("place", 255),
        ("description_ja", 20000),
        ("description_en", 20000),
    ):
        if field in data:
            value = (data[field] or "").strip()
            if field.startswith("theme"):
                value = as_typed(value)
            if len(value) > limit:
                errors[field] = [_("Use at most %(n)d characters.", n=limit)]
            else:
                changes[field] = value
    if creating and not (changes.get("theme_ja") or changes.get("theme_en")):
        errors["theme_ja"] = [_("Give a theme in Japanese or English.")]
    for field in ("rooms", "tracks"):
        if field in data:
            changes[field] = _names(data[field])
    if "rooms" in changes and not changes["rooms"] or creating and "rooms" not in changes:
        errors["rooms"] = [_("Name at least one room.")]
    if "score_categories" in data or creating:
        changes["score_categories"] = _categories(data.get("score_categories"), errors)
    for field in ("starts_on", "ends_on"):
        if field in data:
            if not isinstance(data[field], date):
                errors[field] = [_("This field is required.")]
            else:
                changes[field] = data[field]
        elif creating:
            errors[field] = [_("This field is required.")]
    for name in WINDOWS:
        for end in ("open_at", "close_at"):
            field = f"{name}_{end}"
            if field in data:
                value = data[field]
                if not isinstance(value, datetime):
                    errors[field] = [_("This field is required.")]
                elif value.tzinfo is None:
                    errors[field] = [_("Give the time with its offset, e.g. +09:00.")]
                else:
                    changes[field] = value
            elif creating:
                errors[field] = [_("This field is required.")]
    for field, low, high in (("capacity", 1, 100000), ("nomination_quota", 0, 100)):
        if field in data or (creating and field == "capacity"):
            value = data.get(field)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                errors[field] = [_("Must be between %(low)s and %(high)s.", low=low, high=high)]
            else:
                changes[field] = value
    if "blind_review" in data:
        changes["blind_review"] = bool(data["blind_review"])
    if errors:
        raise Invalid(fields=errors)

    def current(field):
        return changes.get(field, getattr(edition, field, None))

    if current("ends_on") < current("starts_on"):
        errors["ends_on"] = [_("The end must be after the start.")]
    for name in WINDOWS:
        if current(f"{name}_close_at") <= current(f"{name}_open_at"):
            errors[f"{name}_close_at"] = [_("The end must be after the start.")]
    if current("review_open_at") < current("proposals_open_at"):
        errors["review_open_at"] = [_("The review cannot open before the call for proposals.")]
    first_day = datetime.combine(current("starts_on"), time(0), TOKYO)
    if current("proposals_close_at") > first_day:
        errors["proposals_close_at"] = [_("The window must close before the conference.")]
    if errors:
        raise Invalid(fields=errors)
    return changes


def create_edition(actor: User, data: dict) -> ConferenceEdition:
    """A coordinator creates the year's edition; a registry venue is asked for
    through a venue-asset request (data: venue_asset_id, venue_group,
    venue_starts_at, venue_ends_at)."""
    if not is_coordinator(actor):
        raise Forbidden()
    changes = _clean_edition(data, None)
    if (
        db.session.scalar(select(ConferenceEdition.id).where(ConferenceEdition.year == changes["year"]))
        is not None
    ):
        raise Conflict(
            _("There is already an edition for this year."),
            fields={"year": [_("There is already an edition for this year.")]},
        )
    edition = ConferenceEdition(
        created_by_id=actor.id, sequence=0, **{"nomination_quota": 1, "blind_review": True, **changes}
    )
    db.session.add(edition)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("There is already an edition for this year.")) from None
    if data.get("venue_asset_id"):
        book_venue(actor, edition, data)
    return edition


def book_venue(actor: User, edition: ConferenceEdition, data: dict):
    from federation.services import assets

    if not is_coordinator(actor):
        raise Forbidden()
    asset = db.session.get(SharedAsset, data.get("venue_asset_id"))
    if asset is None or asset.kind != AssetKind.venue or asset.status != AssetStatus.active:
        raise Invalid(fields={"venue_asset_id": [_("Choose from the list.")]})
    group = db.session.scalar(select(AlumniGroup).where(AlumniGroup.slug == (data.get("venue_group") or "")))
    request = assets.request_asset(
        actor,
        asset,
        group,
        message=_("Venue for the annual conference %(year)d", year=edition.year),
        joint_event=edition.theme_for("ja"),
        starts_at=data.get("venue_starts_at"),
        ends_at=data.get("venue_ends_at"),
    )
    edition.venue_request = request
    edition.place = edition.place or asset.title
    db.session.flush()
    return request


def update_edition(actor: User, edition: ConferenceEdition, data: dict) -> ConferenceEdition:
    """Coordinators change an edition (not its year). A room that still holds a
    session cannot go; more seats move the waitlist up."""
    if not is_coordinator(actor):
        raise Forbidden()
    edition = seats.lock(ConferenceEdition, edition.id)
    data = {k: v for k, v in data.items() if k != "year"}
    changes = _clean_edition(data, edition)
    if "rooms" in changes:
        used = set(
            db.session.scalars(
                select(ConferenceSession.room).where(ConferenceSession.edition_id == edition.id)
            )
        )
        missing = sorted(used - set(changes["rooms"]))
        if missing:
            raise Invalid(
                fields={
                    "rooms": [
                        _("Sessions are scheduled in %(rooms)s: move them first.", rooms=", ".join(missing))
                    ]
                }
            )
    for field, value in changes.items():
        setattr(edition, field, value)
    edition.sequence += 1
    db.session.flush()
    promote_attendees(edition)
    return edition


def invite_reviewer(actor: User, edition: ConferenceEdition, user: User) -> ConferenceReviewer:
    if not is_coordinator(actor):
        raise Forbidden()
    existing = db.session.scalar(
        select(ConferenceReviewer).where(
            ConferenceReviewer.edition_id == edition.id, ConferenceReviewer.user_id == user.id
        )
    )
    if existing is not None:
        raise Conflict(_("This person is already a reviewer."))
    row = ConferenceReviewer(edition_id=edition.id, user_id=user.id, invited_at=utcnow())
    db.session.add(row)
    db.session.flush()
    notifications.notify(
        user,
        notifications.CONFERENCE_REVIEWER,
        edition=edition,
        link=external_url("conferences.proposals", year=edition.year),
    )
    return row


def reviewers_of(edition: ConferenceEdition) -> list[ConferenceReviewer]:
    return list(
        db.session.scalars(
            select(ConferenceReviewer)
            .where(ConferenceReviewer.edition_id == edition.id)
            .options(selectinload(ConferenceReviewer.user))
            .order_by(ConferenceReviewer.id)
        )
    )


def edition_views(editions) -> list:
    return [View(e, archived=is_archived(e)) for e in editions]

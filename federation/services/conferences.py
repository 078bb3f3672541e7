"""The annual conference: editions, the call for proposals with group
nominations, weighted (and blind) review, decisions the speakers confirm, the
schedule, attendee registration, limited sessions and, afterwards, the archive.

Windows: each action belongs to one window of the edition (proposals, review,
registration); outside it the action is a Conflict (409) saying so.

Clashes: scheduling locks the edition row (PostgreSQL) or holds SQLite's one
write lock, then refuses a room already taken or a speaker already speaking
at that time; on PostgreSQL an exclusion constraint refuses a room clash even
if two schedulers race. Seats follow the joint-event rules (services/seats.py).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Event as VEvent
from sqlalchemy import delete, func, select, update
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
    ConferenceRegistration,
    ConferenceReviewer,
    ConferenceSession,
    Nomination,
    Proposal,
    ProposalFormat,
    ProposalSpeaker,
    ProposalStatus,
    RegistrationStatus,
    Review,
    SessionSignup,
    SharedAsset,
    User,
    utcnow,
)
from federation.security import can_manage_group, can_review_conference, is_coordinator, is_member
from federation.services import notifications, seats
from federation.services.groups.operators import operators_of
from federation.services.privacy import eraser, exporter
from federation.text import as_typed, normalise

TOKYO = ZoneInfo("Asia/Tokyo")
WINDOWS = ("proposals", "review", "registration")
LANGUAGES = ("ja", "en")
DEFAULT_CATEGORIES = [
    {"key": "relevance", "label_ja": "テーマとの関連", "label_en": "Relevance", "weight": 2},
    {"key": "originality", "label_ja": "独自性", "label_en": "Originality", "weight": 1},
    {"key": "delivery", "label_ja": "伝わりやすさ", "label_en": "Delivery", "weight": 1},
]
SCORE_RANGE = (1, 5)
CONTENT_FIELDS = ("video_url", "article_url", "graphic_recording_url")


# --- editions -------------------------------------------------------------------------


def editions_query():
    return select(ConferenceEdition).order_by(ConferenceEdition.year.desc())


def get_edition(year: int) -> ConferenceEdition:
    edition = db.session.scalar(select(ConferenceEdition).where(ConferenceEdition.year == year))
    if edition is None:
        raise NotFound()
    return edition


def window(edition: ConferenceEdition, name: str) -> tuple[datetime, datetime]:
    return getattr(edition, f"{name}_open_at"), getattr(edition, f"{name}_close_at")


def window_open(edition: ConferenceEdition, name: str, now: datetime | None = None) -> bool:
    opens, closes = window(edition, name)
    now = now or utcnow()
    return opens <= now < closes


def _require_window(edition: ConferenceEdition, name: str) -> None:
    if window_open(edition, name):
        return
    opens, closes = window(edition, name)
    messages = {
        "proposals": _(
            "The call for proposals is not open (it runs from %(opens)s to %(closes)s, Japan time)."
        ),
        "review": _("The review is not open (it runs from %(opens)s to %(closes)s, Japan time)."),
        "registration": _("Registration is not open (it runs from %(opens)s to %(closes)s, Japan time)."),
    }
    fmt = "%Y-%m-%d %H:%M"
    raise Conflict(
        messages[name]
        % {"opens": opens.astimezone(TOKYO).strftime(fmt), "closes": closes.astimezone(TOKYO).strftime(fmt)}
    )


def review_closed(edition: ConferenceEdition) -> bool:
    return utcnow() >= edition.review_close_at


def is_archived(edition: ConferenceEdition) -> bool:
    """After its last day the programme is the archive of that year."""
    return edition.ends_on < utcnow().astimezone(TOKYO).date()


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

    def value(field):
        return changes.get(field, getattr(edition, field, None))

    if value("ends_on") < value("starts_on"):
        errors["ends_on"] = [_("The end must be after the start.")]
    for name in WINDOWS:
        if value(f"{name}_close_at") <= value(f"{name}_open_at"):
            errors[f"{name}_close_at"] = [_("The end must be after the start.")]
    if value("review_open_at") < value("proposals_open_at"):
        errors["review_open_at"] = [_("The review cannot open before the call for proposals.")]
    first_day = datetime.combine(value("starts_on"), time(0), TOKYO)
    if value("proposals_close_at") > first_day:
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
    _promote_attendees(edition)
    return edition


# --- reviewers --------------------------------------------------------------------------


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


# --- proposals --------------------------------------------------------------------------


def _proposal_options():
    return (
        selectinload(Proposal.speakers).selectinload(ProposalSpeaker.user),
        selectinload(Proposal.speakers).selectinload(ProposalSpeaker.asset),
        selectinload(Proposal.nominations).selectinload(Nomination.group),
    )


def is_speaker(actor: User | None, proposal: Proposal) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    return proposal.submitter_id == actor.id or any(s.user_id == actor.id for s in proposal.speakers)


def can_see_proposal(viewer: User | None, proposal: Proposal) -> bool:
    """Speakers, reviewers, operators of a group that nominated it, and while
    it is in the running any group operator (who may nominate it: they read
    it first; speaker names stay hidden during a blind review)."""
    return (
        is_speaker(viewer, proposal)
        or can_review_conference(viewer, proposal.edition)
        or any(can_manage_group(viewer, n.group) for n in proposal.nominations)
        or (proposal.status == ProposalStatus.submitted and _operates_a_group(viewer))
    )


def _operates_a_group(viewer: User | None) -> bool:
    from federation.security import manageable_group_ids

    if viewer is None or not viewer.is_authenticated:
        return False
    return db.session.scalar(manageable_group_ids(viewer).limit(1)) is not None


def get_proposal(viewer: User | None, proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not can_see_proposal(viewer, proposal):
        raise NotFound()
    return proposal


def proposals_query(viewer: User | None, edition: ConferenceEdition):
    """Reviewers see every proposal of the edition; others their own."""
    query = (
        select(Proposal)
        .where(Proposal.edition_id == edition.id)
        .options(*_proposal_options())
        .order_by(Proposal.id)
    )
    if can_review_conference(viewer, edition):
        return query.where(Proposal.status != ProposalStatus.withdrawn)
    user_id = viewer.id if viewer is not None and viewer.is_authenticated else -1
    return query.where(
        (Proposal.submitter_id == user_id) | Proposal.speakers.any(ProposalSpeaker.user_id == user_id)
    )


def get_proposal_for_nomination(actor: User | None, proposal_id: int) -> Proposal:
    """Operators of member groups may nominate any proposal still in review."""
    proposal = db.session.get(Proposal, proposal_id)
    if (
        proposal is None
        or proposal.status == ProposalStatus.withdrawn
        or not (can_see_proposal(actor, proposal) or is_member(actor))
    ):
        raise NotFound()
    return proposal


def accepted_unscheduled(edition: ConferenceEdition) -> list[Proposal]:
    return list(
        db.session.scalars(
            select(Proposal)
            .where(
                Proposal.edition_id == edition.id,
                Proposal.status == ProposalStatus.accepted,
                ~select(ConferenceSession.id).where(ConferenceSession.proposal_id == Proposal.id).exists(),
            )
            .order_by(Proposal.id)
        )
    )


def nominatable_proposals(edition: ConferenceEdition) -> list[Proposal]:
    """What group operators may back: every proposal still in the running
    (titles only; speakers stay hidden during blind review)."""
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.edition_id == edition.id, Proposal.status == ProposalStatus.submitted)
            .options(*_proposal_options())
            .order_by(Proposal.id)
        )
    )


def _clean_proposal(edition: ConferenceEdition, data: dict, proposal: Proposal | None) -> dict:
    errors: dict[str, list[str]] = {}
    changes: dict = {}
    creating = proposal is None
    if "title" in data or creating:
        title = as_typed(data.get("title") or "")
        if not title or len(title) > 200:
            errors["title"] = [_("Use %(low)s to %(high)s characters.", low=1, high=200)]
        else:
            changes["title"] = title
    if "abstract" in data or creating:
        abstract = (data.get("abstract") or "").strip()
        if not 1 <= len(abstract) <= 5000:
            errors["abstract"] = [_("Use %(low)s to %(high)s characters.", low=1, high=5000)]
        else:
            changes["abstract"] = abstract
    if "format" in data or creating:
        value = getattr(data.get("format"), "value", data.get("format"))
        if value not in ProposalFormat.__members__:
            errors["format"] = [_("Choose from the list.")]
        else:
            changes["format"] = ProposalFormat(value)
    if "length_minutes" in data or creating:
        value = data.get("length_minutes")
        if not isinstance(value, int) or isinstance(value, bool) or not 5 <= value <= 240:
            errors["length_minutes"] = [_("Must be between %(low)s and %(high)s.", low=5, high=240)]
        else:
            changes["length_minutes"] = value
    if "language" in data or creating:
        if data.get("language") not in LANGUAGES:
            errors["language"] = [_("Choose from the list.")]
        else:
            changes["language"] = data["language"]
    if "track" in data or creating:
        track = as_typed(data.get("track") or "")
        if edition.tracks and track not in edition.tracks:
            errors["track"] = [_("Choose from the list.")]
        else:
            changes["track"] = track
    if "speakers" in data:
        changes["speakers"] = _clean_speakers(data["speakers"], errors)
    if errors:
        raise Invalid(fields=errors)
    return changes


def _clean_speakers(items, errors: dict) -> list[ProposalSpeaker]:
    """[{"user_id": 1} or {"asset_id": 2} or "user:1" / "asset:2"] -> rows."""
    rows, seen = [], set()
    for item in items or []:
        if isinstance(item, str):
            kind, _sep, raw = item.partition(":")
            item = {f"{kind}_id": raw}
        try:
            user_id = int(item["user_id"]) if item.get("user_id") else None
            asset_id = int(item["asset_id"]) if item.get("asset_id") else None
        except (TypeError, ValueError, AttributeError):
            user_id = asset_id = None
        if user_id:
            user = db.session.get(User, user_id)
            if user is None or not user.is_active:
                errors["speakers"] = [_("Choose speakers from the list.")]
                return []
            key, row = f"user:{user_id}", ProposalSpeaker(user=user)
        elif asset_id:
            asset = db.session.get(SharedAsset, asset_id)
            if asset is None or asset.kind != AssetKind.speaker or asset.status != AssetStatus.active:
                errors["speakers"] = [_("Choose speakers from the list.")]
                return []
            key, row = f"asset:{asset_id}", ProposalSpeaker(asset=asset)
        else:
            errors["speakers"] = [_("Choose speakers from the list.")]
            return []
        if key not in seen:
            seen.add(key)
            rows.append(row)
    if len(rows) > 10:
        errors["speakers"] = [_("At most %(n)d speakers.", n=10)]
    return rows


def submit_proposal(actor: User, edition: ConferenceEdition, data: dict) -> Proposal:
    """A signed-in member proposes a session; without speakers the submitter speaks."""
    if not is_member(actor):
        raise Forbidden()
    _require_window(edition, "proposals")
    changes = _clean_proposal(edition, data, None)
    speakers = changes.pop("speakers", None) or [ProposalSpeaker(user=actor)]
    proposal = Proposal(edition=edition, submitter=actor, status=ProposalStatus.submitted, **changes)
    proposal.speakers.extend(speakers)
    db.session.add(proposal)
    db.session.flush()
    notifications.notify(
        actor,
        notifications.CONFERENCE_PROPOSAL_RECEIVED,
        proposal=proposal,
        edition=edition,
        link=external_url("conferences.proposal", proposal_id=proposal.id),
    )
    return proposal


def update_proposal(actor: User, proposal: Proposal, data: dict) -> Proposal:
    """The submitter edits until the call for proposals closes."""
    if proposal.submitter_id != actor.id:
        raise Forbidden()
    if proposal.status != ProposalStatus.submitted:
        raise Conflict(_("A decided or withdrawn proposal cannot be changed."))
    _require_window(proposal.edition, "proposals")
    changes = _clean_proposal(proposal.edition, data, proposal)
    speakers = changes.pop("speakers", None)
    for field, value in changes.items():
        setattr(proposal, field, value)
    if speakers:
        proposal.speakers.clear()
        db.session.flush()
        proposal.speakers.extend(speakers)
    db.session.flush()
    return proposal


def withdraw_proposal(actor: User, proposal: Proposal) -> Proposal:
    """The submitter withdraws a proposal until it is decided; the nominations
    it held go back to the groups' quotas."""
    if proposal.submitter_id != actor.id:
        raise Forbidden()
    proposal = seats.lock(Proposal, proposal.id)
    if proposal.status != ProposalStatus.submitted:
        raise Conflict(_("A decided or withdrawn proposal cannot be changed."))
    proposal.status = ProposalStatus.withdrawn
    proposal.nominations.clear()
    db.session.flush()
    return proposal


# --- nominations ------------------------------------------------------------------------


def nominations_left(edition: ConferenceEdition, group: AlumniGroup) -> int:
    used = db.session.scalar(
        select(func.count(Nomination.id)).where(
            Nomination.edition_id == edition.id, Nomination.group_id == group.id
        )
    )
    return max(edition.nomination_quota - used, 0)


def nominate(actor: User, proposal: Proposal, group: AlumniGroup) -> Nomination:
    """A group's operator backs a proposal, within the group's quota."""
    if not can_manage_group(actor, group):
        raise Forbidden()
    edition = seats.lock(ConferenceEdition, proposal.edition_id)
    if proposal.status != ProposalStatus.submitted:
        raise Conflict(_("Only proposals still in review can be nominated."))
    if not (window_open(edition, "proposals") or window_open(edition, "review")):
        raise Conflict(_("Nominations are open during the call for proposals and the review."))
    if any(n.group_id == group.id for n in proposal.nominations):
        raise Conflict(_("Your group already nominated this proposal."))
    if nominations_left(edition, group) <= 0:
        raise Conflict(_("Your group has used its %(n)d nominations.", n=edition.nomination_quota))
    nomination = Nomination(
        edition_id=edition.id, proposal=proposal, group=group, nominated_by_id=actor.id, created_at=utcnow()
    )
    db.session.add(nomination)
    db.session.flush()
    return nomination


def withdraw_nomination(actor: User, proposal: Proposal, group: AlumniGroup) -> None:
    """A group's operator takes a nomination back while nominations are open;
    the group's quota is freed."""
    if not can_manage_group(actor, group):
        raise Forbidden()
    edition = seats.lock(ConferenceEdition, proposal.edition_id)
    nomination = next((n for n in proposal.nominations if n.group_id == group.id), None)
    if nomination is None:
        raise NotFound()
    if proposal.status != ProposalStatus.submitted:
        raise Conflict(_("The proposal is decided: its nominations stay."))
    if not (window_open(edition, "proposals") or window_open(edition, "review")):
        raise Conflict(_("Nominations are open during the call for proposals and the review."))
    proposal.nominations.remove(nomination)
    db.session.flush()


# --- review -----------------------------------------------------------------------------


def is_blind(viewer: User | None, edition: ConferenceEdition) -> bool:
    """During a blind review window, reviewers see neither the speakers nor
    other reviewers' scores. Coordinators, who run the review, see everything
    (as the edition form says)."""
    return edition.blind_review and window_open(edition, "review") and not is_coordinator(viewer)


def speaker_names_hidden(viewer: User | None, proposal: Proposal) -> bool:
    return is_blind(viewer, proposal.edition) and not is_speaker(viewer, proposal)


def submit_review(actor: User, proposal: Proposal, scores: dict, comment: str = "") -> Review:
    edition = proposal.edition
    if not can_review_conference(actor, edition):
        raise Forbidden()
    if is_speaker(actor, proposal):
        raise Forbidden(_("You cannot review your own proposal."))
    _require_window(edition, "review")
    if proposal.status != ProposalStatus.submitted:
        raise Conflict(_("Only proposals still in review can be scored."))
    clean, errors = {}, {}
    low, high = SCORE_RANGE
    for category in edition.score_categories:
        value = (scores or {}).get(category["key"])
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[f"scores.{category['key']}"] = [
                _("Must be between %(low)s and %(high)s.", low=low, high=high)
            ]
        else:
            clean[category["key"]] = value
    comment = (comment or "").strip()
    if len(comment) > 3000:
        errors["comment"] = [_("Use at most %(n)d characters.", n=3000)]
    if errors:
        raise Invalid(fields=errors)
    review = db.session.scalar(
        select(Review).where(Review.proposal_id == proposal.id, Review.reviewer_id == actor.id)
    )
    if review is None:
        review = Review(proposal=proposal, reviewer=actor)
        db.session.add(review)
    review.scores, review.comment = clean, comment
    db.session.flush()
    return review


def weighted(scores: dict, categories: list[dict]) -> float | None:
    total = sum(c["weight"] for c in categories if c["key"] in scores)
    if not total:
        return None
    return sum(scores[c["key"]] * c["weight"] for c in categories if c["key"] in scores) / total


def visible_reviews(viewer: User | None, proposal: Proposal) -> list[Review]:
    """Coordinators after a blind window and reviewers see reviews; during
    blind review a reviewer sees only their own."""
    if not can_review_conference(viewer, proposal.edition) or is_speaker(viewer, proposal):
        return []
    reviews = list(
        db.session.scalars(
            select(Review)
            .where(Review.proposal_id == proposal.id)
            .options(selectinload(Review.reviewer))
            .order_by(Review.id)
        )
    )
    if is_blind(viewer, proposal.edition):
        return [r for r in reviews if r.reviewer_id == viewer.id]
    return reviews


def ranking(actor: User, edition: ConferenceEdition) -> list[dict]:
    """Proposals by weighted average score, then nominations: a fixed number
    of queries. Coordinators only; they follow it during the review too (speaker
    names stay hidden while a blind review runs, see speaker_names_hidden)."""
    if not is_coordinator(actor):
        raise Forbidden()
    proposals = list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.edition_id == edition.id, Proposal.status != ProposalStatus.withdrawn)
            .options(*_proposal_options())
        )
    )
    reviews: dict[int, list[Review]] = {}
    for review in db.session.scalars(
        select(Review).join(Review.proposal).where(Proposal.edition_id == edition.id)
    ):
        reviews.setdefault(review.proposal_id, []).append(review)
    rows = []
    for proposal in proposals:
        values = [
            w
            for w in (weighted(r.scores, edition.score_categories) for r in reviews.get(proposal.id, []))
            if w is not None
        ]
        rows.append(
            {
                "proposal": proposal,
                "score": round(sum(values) / len(values), 2) if values else None,
                "reviews": len(values),
                "nominations": len(proposal.nominations),
            }
        )
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), -r["nominations"], r["proposal"].id))
    return rows


def decide(actor: User, proposal: Proposal, accept: bool, message: str = "") -> Proposal:
    """Accept or reject after the review; the speakers get a templated mail in
    their language and (when accepted) confirm."""
    if not is_coordinator(actor):
        raise Forbidden()
    proposal = seats.lock(Proposal, proposal.id)
    edition = proposal.edition
    if not review_closed(edition):
        raise Conflict(_("Decisions are made when the review closes."))
    if proposal.status != ProposalStatus.submitted:
        raise Conflict(_("This proposal has already been decided or withdrawn."))
    message = (message or "").strip()
    if len(message) > 3000:
        raise Invalid(fields={"message": [_("Use at most %(n)d characters.", n=3000)]})
    proposal.status = ProposalStatus.accepted if accept else ProposalStatus.rejected
    proposal.decided_at, proposal.decided_by_id = utcnow(), actor.id
    proposal.decision_message = message
    db.session.flush()
    template = "conference_accepted" if accept else "conference_rejected"
    for user in _people_to_mail(proposal):
        notifications.notify(
            user,
            notifications.CONFERENCE_PROPOSAL_DECIDED,
            template=template,
            proposal=proposal,
            edition=edition,
            message=message,
            link=external_url("conferences.proposal", proposal_id=proposal.id),
        )
    return proposal


def _people_to_mail(proposal: Proposal) -> list[User]:
    """The submitter, the speakers who are members, and for a speaker asset
    the operators of the group that offers it."""
    people: dict[int, User] = {}
    if proposal.submitter is not None:
        people[proposal.submitter.id] = proposal.submitter
    for speaker in proposal.speakers:
        if speaker.user is not None:
            people[speaker.user.id] = speaker.user
        elif speaker.asset is not None:
            for user in operators_of(speaker.asset.group_id):
                people[user.id] = user
    return [u for u in people.values() if u.is_active]


def confirm(actor: User, proposal: Proposal) -> Proposal:
    """A speaker (or the submitter) confirms an accepted proposal."""
    if not is_speaker(actor, proposal):
        raise Forbidden()
    if proposal.status != ProposalStatus.accepted:
        raise Conflict(_("Only accepted proposals can be confirmed."))
    if proposal.confirmed_at is None:
        proposal.confirmed_at = utcnow()
        db.session.flush()
    return proposal


# --- schedule ---------------------------------------------------------------------------


def sessions_query(edition: ConferenceEdition):
    return (
        select(ConferenceSession)
        .where(ConferenceSession.edition_id == edition.id)
        .options(selectinload(ConferenceSession.proposal).options(*_proposal_options()))
        .order_by(ConferenceSession.starts_at, ConferenceSession.room, ConferenceSession.id)
    )


def schedule(
    actor: User,
    edition: ConferenceEdition,
    proposal_id: int,
    room: str,
    starts_at: datetime | None,
    ends_at: datetime | None = None,
    capacity: int | None = None,
) -> ConferenceSession:
    """Place an accepted proposal in a room and slot. A room already taken or
    a speaker already speaking at that time: Conflict."""
    if not is_coordinator(actor):
        raise Forbidden()
    edition = seats.lock(ConferenceEdition, edition.id)
    proposal = db.session.get(Proposal, proposal_id) if isinstance(proposal_id, int) else None
    errors: dict[str, list[str]] = {}
    if proposal is None or proposal.edition_id != edition.id:
        errors["proposal_id"] = [_("Choose from the list.")]
    room = as_typed(room or "")
    if room not in edition.rooms:
        errors["room"] = [_("Choose from the list.")]
    if not isinstance(starts_at, datetime) or starts_at.tzinfo is None:
        errors["starts_at"] = [_("Give the time with its offset, e.g. +09:00.")]
    if capacity is not None and (
        not isinstance(capacity, int) or isinstance(capacity, bool) or not 1 <= capacity <= 100000
    ):
        errors["capacity"] = [_("Must be between %(low)s and %(high)s.", low=1, high=100000)]
    if errors:
        raise Invalid(fields=errors)
    ends_at = ends_at or starts_at + timedelta(minutes=proposal.length_minutes)
    if ends_at.tzinfo is None or ends_at <= starts_at:
        raise Invalid(fields={"ends_at": [_("The end must be after the start.")]})
    day = starts_at.astimezone(TOKYO).date()
    if not edition.starts_on <= day <= edition.ends_on or ends_at.astimezone(TOKYO).date() != day:
        raise Invalid(fields={"starts_at": [_("The session must be on a day of the conference.")]})
    if proposal.status != ProposalStatus.accepted:
        raise Conflict(_("Only accepted proposals can be scheduled."))
    if (
        db.session.scalar(select(ConferenceSession.id).where(ConferenceSession.proposal_id == proposal.id))
        is not None
    ):
        raise Conflict(_("This proposal is already in the schedule."))
    overlapping = list(
        db.session.scalars(
            sessions_query(edition).where(
                ConferenceSession.starts_at < ends_at, ConferenceSession.ends_at > starts_at
            )
        )
    )
    from federation.i18n import datetime_filter

    def which(other: ConferenceSession) -> str:
        return _(
            "“%(title)s” is in %(room)s from %(start)s to %(end)s.",
            title=other.proposal.title,
            room=other.room,
            start=datetime_filter(other.starts_at, "short"),
            end=datetime_filter(other.ends_at, "short"),
        )

    taken = next((s for s in overlapping if s.room == room), None)
    if taken is not None:
        free = [r for r in edition.rooms if r not in {s.room for s in overlapping}]
        hint = (
            _("Free rooms at that time: %(rooms)s.", rooms="、".join(free))
            if free
            else _("Every room is taken at that time; choose another time.")
        )
        raise Conflict(
            _("Another session is in this room at that time."), fields={"room": [which(taken) + " " + hint]}
        )
    mine = {s.key for s in proposal.speakers}
    for other in overlapping:
        if mine & {s.key for s in other.proposal.speakers}:
            raise Conflict(
                _("A speaker of this session speaks elsewhere at that time."),
                fields={
                    "starts_at": [
                        _("A speaker of this session speaks elsewhere at that time.") + " " + which(other)
                    ]
                },
            )
    session = ConferenceSession(
        edition_id=edition.id,
        proposal=proposal,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        sequence=0,
    )
    try:
        with db.session.begin_nested():
            db.session.add(session)
            db.session.flush()
    except IntegrityError:
        # PostgreSQL: a racing scheduler took the room first.
        raise Conflict(_("Another session is in this room at that time.")) from None
    edition.sequence += 1
    db.session.flush()
    return session


def unschedule(actor: User, session: ConferenceSession) -> Proposal:
    """Take a session out of the schedule before it begins; its proposal stays
    accepted (to be placed again) and its sign-ups go with it."""
    if not is_coordinator(actor):
        raise Forbidden()
    edition = seats.lock(ConferenceEdition, session.edition_id)
    if session.starts_at <= utcnow():
        raise Conflict(_("A session that has begun stays in the schedule."))
    proposal = session.proposal
    db.session.execute(
        delete(SessionSignup)
        .where(SessionSignup.session_id == session.id)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(session)
    edition.sequence += 1
    db.session.flush()
    return proposal


def get_session(session_id: int) -> ConferenceSession:
    session = db.session.get(ConferenceSession, session_id)
    if session is None:
        raise NotFound()
    return session


def programme(edition: ConferenceEdition) -> list[tuple[date, list[ConferenceSession]]]:
    """The schedule grouped by day (Japan time), each day by time then room."""
    days: dict[date, list[ConferenceSession]] = {}
    for session in db.session.scalars(sessions_query(edition)):
        days.setdefault(session.starts_at.astimezone(TOKYO).date(), []).append(session)
    return sorted(days.items())


def attach_content(actor: User, session: ConferenceSession, data: dict) -> ConferenceSession:
    """After the session, coordinators link its video, article and graphic recording."""
    if not is_coordinator(actor):
        raise Forbidden()
    if session.ends_at > utcnow():
        raise Conflict(_("Content is added after the session."))
    errors, changes = {}, {}
    for field in CONTENT_FIELDS:
        if field in data:
            value = (data[field] or "").strip()
            if value and (not value.startswith(("https://", "http://")) or len(value) > 500):
                errors[field] = [_("Enter a URL starting with https://.")]
            else:
                changes[field] = value
    if errors:
        raise Invalid(fields=errors)
    for field, value in changes.items():
        setattr(session, field, value)
    db.session.flush()
    return session


def export_programme(edition: ConferenceEdition, locale: str) -> dict:
    """The whole programme as JSON-ready data (speaker names are public here)."""
    return {
        "year": edition.year,
        "theme": edition.theme_for(locale),
        "starts_on": edition.starts_on.isoformat(),
        "ends_on": edition.ends_on.isoformat(),
        "place": edition.place,
        "archived": is_archived(edition),
        "sessions": [session_data(s) for _day, sessions in programme(edition) for s in sessions],
    }


def session_data(session: ConferenceSession) -> dict:
    proposal = session.proposal
    return {
        "id": session.id,
        "title": proposal.title,
        "abstract": proposal.abstract,
        "format": proposal.format.value,
        "language": proposal.language,
        "track": proposal.track,
        "room": session.room,
        "starts_at": session.starts_at.astimezone(TOKYO).isoformat(),
        "ends_at": session.ends_at.astimezone(TOKYO).isoformat(),
        "speakers": [s.name for s in proposal.speakers],
        "capacity": session.capacity,
        "content": {f: getattr(session, f) or None for f in CONTENT_FIELDS},
    }


def _vevent(session: ConferenceSession, edition: ConferenceEdition) -> VEvent:
    from federation.links import external_host

    host = external_host()
    item = VEvent()
    item.add("uid", f"conference-session-{session.id}@{host}")
    item.add("sequence", edition.sequence + session.sequence)
    # Stable while nothing changes, so polling calendar apps get the same file.
    item.add("dtstamp", edition.updated_at or edition.created_at)
    item.add("dtstart", session.starts_at.astimezone(TOKYO))
    item.add("dtend", session.ends_at.astimezone(TOKYO))
    item.add("summary", session.proposal.title)
    item.add(
        "description",
        (session.proposal.abstract + "\n\n" + ", ".join(s.name for s in session.proposal.speakers)).strip(),
    )
    item.add("location", " / ".join(p for p in (session.room, edition.place) if p))
    item.add("url", external_url("conferences.detail", year=edition.year) + f"#session-{session.id}")
    return item


def programme_ics(edition: ConferenceEdition, locale: str) -> bytes:
    from federation.services.calendars import calendar_file

    sessions = [s for _day, day_sessions in programme(edition) for s in day_sessions]
    return calendar_file([_vevent(s, edition) for s in sessions], edition.theme_for(locale), "Conference")


def session_ics(session: ConferenceSession, locale: str) -> bytes:
    from federation.services.calendars import calendar_file

    return calendar_file([_vevent(session, session.edition)], session.proposal.title, "Conference")


# --- registration -----------------------------------------------------------------------


def my_registration(actor: User | None, edition: ConferenceEdition):
    if actor is None or not actor.is_authenticated:
        return None
    return db.session.scalar(
        select(ConferenceRegistration).where(
            ConferenceRegistration.edition_id == edition.id, ConferenceRegistration.user_id == actor.id
        )
    )


def seats_left(edition: ConferenceEdition) -> int:
    return max(edition.capacity - seats.confirmed_count(ConferenceRegistration.edition_id, edition.id), 0)


def register(actor: User, edition: ConferenceEdition) -> tuple[ConferenceRegistration, bool]:
    """Confirmed while seats remain, else waitlisted (as for joint events)."""
    if not is_member(actor):
        raise Forbidden()
    edition = seats.lock(ConferenceEdition, edition.id)
    existing = my_registration(actor, edition)
    if seats.is_active(existing):
        return existing, False
    _require_window(edition, "registration")
    has_seat = seats_left(edition) > 0
    if existing is None:
        existing = ConferenceRegistration(edition_id=edition.id, user_id=actor.id)
        db.session.add(existing)
    seats.take(existing, has_seat)
    return existing, True


def cancel_registration(actor: User, edition: ConferenceEdition) -> ConferenceRegistration:
    edition = seats.lock(ConferenceEdition, edition.id)
    registration = my_registration(actor, edition)
    if not seats.is_active(registration):
        raise NotFound()
    if datetime.combine(edition.starts_on, time(0), TOKYO) <= utcnow():
        raise Conflict(_("This registration can no longer be cancelled."))
    seats.release(registration)
    # Without a conference seat, the person's seats in limited sessions go too.
    for signup in db.session.scalars(
        select(SessionSignup)
        .join(SessionSignup.session)
        .where(
            ConferenceSession.edition_id == edition.id,
            SessionSignup.user_id == actor.id,
            SessionSignup.status != RegistrationStatus.cancelled,
        )
    ).all():
        _release_signup(seats.lock(ConferenceSession, signup.session_id), signup)
    _promote_attendees(edition)
    return registration


def _promote_attendees(edition: ConferenceEdition) -> None:
    """Free seats go to the waitlist, in order; each promoted person is told."""
    promoted = seats.promote(
        ConferenceRegistration,
        ConferenceRegistration.edition_id,
        edition.id,
        room_left=lambda: seats_left(edition) > 0,
        options=(selectinload(ConferenceRegistration.user),),
    )
    for row in promoted:
        if row.user is not None and row.user.is_active:
            notifications.notify(
                row.user,
                notifications.CONFERENCE_PROMOTED,
                edition=edition,
                link=external_url("conferences.detail", year=edition.year),
            )


def attendees_query(edition: ConferenceEdition, q: str = ""):
    """Coordinators' check-in list: active registrations, confirmed first,
    searchable by name or email; paginated by the caller."""
    query = (
        select(ConferenceRegistration)
        .join(ConferenceRegistration.user, isouter=True)
        .where(
            ConferenceRegistration.edition_id == edition.id,
            ConferenceRegistration.status != RegistrationStatus.cancelled,
        )
        .options(selectinload(ConferenceRegistration.user))
        .order_by(ConferenceRegistration.status, User.sort_key, ConferenceRegistration.id)
    )
    q = normalise(q or "")[:100].replace("%", "").replace("_", "")
    if q:
        like = f"%{q}%"
        query = query.where(
            User.email.ilike(like)
            | User.family_name.like(like)
            | User.given_name.like(like)
            | User.family_name_kana.like(like)
            | User.given_name_kana.like(like)
        )
    return query


def checked_in_count(edition: ConferenceEdition) -> int:
    return db.session.scalar(
        select(func.count(ConferenceRegistration.id)).where(
            ConferenceRegistration.edition_id == edition.id, ConferenceRegistration.checked_in_at.is_not(None)
        )
    )


def registrations_of(edition: ConferenceEdition) -> list[ConferenceRegistration]:
    return list(
        db.session.scalars(
            select(ConferenceRegistration)
            .where(
                ConferenceRegistration.edition_id == edition.id,
                ConferenceRegistration.status != RegistrationStatus.cancelled,
            )
            .options(selectinload(ConferenceRegistration.user))
            .order_by(
                ConferenceRegistration.status, ConferenceRegistration.queued_at, ConferenceRegistration.id
            )
        )
    )


def check_in(
    actor: User, edition: ConferenceEdition, registration_id: int, present: bool = True
) -> ConferenceRegistration:
    if not is_coordinator(actor):
        raise Forbidden()
    registration = db.session.get(ConferenceRegistration, registration_id)
    if registration is None or registration.edition_id != edition.id:
        raise NotFound()
    if registration.status != RegistrationStatus.confirmed:
        raise Conflict(_("Only confirmed attendees can be checked in."))
    registration.checked_in_at = utcnow() if present else None
    db.session.flush()
    return registration


def my_signup(actor: User | None, session: ConferenceSession):
    if actor is None or not actor.is_authenticated:
        return None
    return db.session.scalar(
        select(SessionSignup).where(SessionSignup.session_id == session.id, SessionSignup.user_id == actor.id)
    )


def session_seats_left(session: ConferenceSession) -> int | None:
    if session.capacity is None:
        return None
    return max(session.capacity - seats.confirmed_count(SessionSignup.session_id, session.id), 0)


def sign_up(actor: User, session: ConferenceSession) -> tuple[SessionSignup, bool]:
    """A confirmed attendee takes a seat in a limited session (or its waitlist)."""
    if not is_member(actor):
        raise Forbidden()
    session = seats.lock(ConferenceSession, session.id)
    if session.capacity is None:
        raise Conflict(_("This session needs no sign-up."))
    registration = my_registration(actor, session.edition)
    if registration is None or registration.status != RegistrationStatus.confirmed:
        raise Conflict(_("Register for the conference first."))
    if session.starts_at <= utcnow():
        raise Conflict(_("This session has already begun."))
    existing = my_signup(actor, session)
    if seats.is_active(existing):
        return existing, False
    has_seat = session_seats_left(session) > 0
    if existing is None:
        existing = SessionSignup(session_id=session.id, user_id=actor.id)
        db.session.add(existing)
    seats.take(existing, has_seat)
    return existing, True


def cancel_signup(actor: User, session: ConferenceSession) -> SessionSignup:
    session = seats.lock(ConferenceSession, session.id)
    signup = my_signup(actor, session)
    if not seats.is_active(signup):
        raise NotFound()
    if session.starts_at <= utcnow():
        raise Conflict(_("This session has already begun."))
    _release_signup(session, signup)
    return signup


def _release_signup(session: ConferenceSession, signup: SessionSignup) -> None:
    """Free a seat in a limited session; the first on its waitlist takes it."""
    seats.release(signup)
    seats.promote(
        SessionSignup, SessionSignup.session_id, session.id, room_left=lambda: session_seats_left(session) > 0
    )


# --- personal data ----------------------------------------------------------------------


@exporter("conference")
def export_conference(user: User) -> dict:
    proposals = db.session.scalars(
        select(Proposal)
        .where(Proposal.submitter_id == user.id)
        .options(selectinload(Proposal.edition))
        .order_by(Proposal.id)
    )
    reviews = db.session.scalars(select(Review).where(Review.reviewer_id == user.id).order_by(Review.id))
    registrations = db.session.scalars(
        select(ConferenceRegistration)
        .where(ConferenceRegistration.user_id == user.id)
        .options(selectinload(ConferenceRegistration.edition))
        .order_by(ConferenceRegistration.id)
    )
    signups = db.session.scalars(
        select(SessionSignup).where(SessionSignup.user_id == user.id).order_by(SessionSignup.id)
    )
    return {
        "proposals": [
            {
                "year": p.edition.year,
                "title": p.title,
                "abstract": p.abstract,
                "format": p.format.value,
                "status": p.status.value,
            }
            for p in proposals
        ],
        "reviews": [
            {"proposal_id": r.proposal_id, "scores": r.scores, "comment": r.comment} for r in reviews
        ],
        "registrations": [
            {
                "year": r.edition.year,
                "status": r.status.value,
                "registered_at": r.queued_at.isoformat(),
                "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
            }
            for r in registrations
        ],
        "session_signups": [{"session_id": s.session_id, "status": s.status.value} for s in signups],
    }


@eraser
def erase_conference(user: User) -> None:
    """Attendance and reviews stay, without the person; their speaker entries go.
    A seat they hold for an edition or a session still to come is released
    first, and the waitlist moves up (as when they cancel)."""
    now = utcnow()
    for registration in db.session.scalars(
        select(ConferenceRegistration).where(
            ConferenceRegistration.user_id == user.id,
            ConferenceRegistration.status != RegistrationStatus.cancelled,
        )
    ).all():
        edition = seats.lock(ConferenceEdition, registration.edition_id)
        if datetime.combine(edition.starts_on, time(0), TOKYO) > now:
            seats.release(registration)
            _promote_attendees(edition)
    for signup in db.session.scalars(
        select(SessionSignup).where(
            SessionSignup.user_id == user.id, SessionSignup.status != RegistrationStatus.cancelled
        )
    ).all():
        session = seats.lock(ConferenceSession, signup.session_id)
        if session.starts_at > now:
            _release_signup(session, signup)
    for model in (ConferenceRegistration, SessionSignup):
        db.session.execute(
            update(model)
            .where(model.user_id == user.id)
            .values(user_id=None)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(Review)
        .where(Review.reviewer_id == user.id)
        .values(reviewer_id=None, comment="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Proposal)
        .where(Proposal.submitter_id == user.id)
        .values(submitter_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(ProposalSpeaker)
        .where(ProposalSpeaker.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(ConferenceReviewer).where(ConferenceReviewer.user_id == user.id))


# --- view data for the API ------------------------------------------------------------


def edition_views(editions) -> list:
    from federation.services.views import View

    return [View(e, archived=is_archived(e)) for e in editions]


def proposal_views(viewer: User | None, proposals) -> list:
    """Proposals as the viewer may see them (speakers hidden during a blind
    review); load them with _proposal_options (proposals_query does)."""
    from federation.services.views import View

    views = []
    for proposal in proposals:
        speakers = (
            []
            if speaker_names_hidden(viewer, proposal)
            else [
                {"kind": "user" if s.user_id else "asset", "id": s.user_id or s.asset_id, "name": s.name}
                for s in proposal.speakers
            ]
        )
        views.append(
            View(
                proposal, speakers=speakers, year=proposal.edition.year, nominations=len(proposal.nominations)
            )
        )
    return views

"""The call for proposals: who may see a proposal (and, during a blind
review, its speakers), submitting, editing and withdrawing, and the lists
reviewers, group operators and the scheduler work from."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    AssetKind,
    AssetStatus,
    ConferenceEdition,
    ConferenceSession,
    Nomination,
    Proposal,
    ProposalFormat,
    ProposalSpeaker,
    ProposalStatus,
    SharedAsset,
    User,
)
from federation.permissions import (
    can_review_conference,
    can_see_proposal,
    is_coordinator,
    is_member,
    is_speaker,
    operates_a_group,
)
from federation.services import notifications, seats
from federation.services.conferences._common import LANGUAGES, require_window, window_open
from federation.services.views import View
from federation.text import as_typed


def proposal_options():
    # One statement per collection: each speaker's user and asset, and each
    # nomination's group, are joined into it.
    return (
        selectinload(Proposal.speakers).options(
            joinedload(ProposalSpeaker.user), joinedload(ProposalSpeaker.asset)
        ),
        selectinload(Proposal.nominations).joinedload(Nomination.group),
    )


def proposal_actions(actor: User | None, proposal: Proposal) -> frozenset[str]:
    """What `actor` may do on the proposal page now: the page offers exactly
    these, and each service below refuses the rest."""
    if actor is None or not actor.is_authenticated:
        return frozenset()
    open_ = proposal.status == ProposalStatus.submitted
    speaker = is_speaker(actor, proposal)
    submitter = proposal.submitter_id == actor.id
    allowed = {
        "edit": open_ and submitter,
        "withdraw": open_ and submitter,
        "confirm": speaker and proposal.status == ProposalStatus.accepted and proposal.confirmed_at is None,
        "review": open_
        and not speaker
        and can_review_conference(actor, proposal.edition)
        and window_open(proposal.edition, "review"),
        "decide": open_ and is_coordinator(actor),
        "nominate": open_ and operates_a_group(actor),
        "unnominate": open_,
    }
    return frozenset(action for action, ok in allowed.items() if ok)


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
        .options(*proposal_options())
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
            .options(*proposal_options())
            .order_by(Proposal.id)
        )
    )


def is_blind(viewer: User | None, edition: ConferenceEdition) -> bool:
    """During a blind review window, reviewers see neither the speakers nor
    other reviewers' scores. Coordinators, who run the review, see everything
    (as the edition form says)."""
    return edition.blind_review and window_open(edition, "review") and not is_coordinator(viewer)


def speaker_names_hidden(viewer: User | None, proposal: Proposal) -> bool:
    return is_blind(viewer, proposal.edition) and not is_speaker(viewer, proposal)


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
    require_window(edition, "proposals")
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
    require_window(proposal.edition, "proposals")
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


def proposal_views(viewer: User | None, proposals) -> list:
    """Proposals as the viewer may see them (speakers hidden during a blind
    review); load them with proposal_options (proposals_query does)."""
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

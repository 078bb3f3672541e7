"""Weighted (and blind) review, the ranking, the decision mailed to the
speakers and their confirmation."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from federation.errors import Conflict, Forbidden, Invalid
from federation.extensions import db
from federation.links import external_url
from federation.models import ConferenceEdition, Proposal, ProposalStatus, Review, User, utcnow
from federation.permissions import can_review_conference, is_coordinator, is_speaker
from federation.services import notifications, seats
from federation.services.conferences._common import SCORE_RANGE, require_window, review_closed
from federation.services.conferences.proposals import is_blind, proposal_options
from federation.services.groups.operators import operators_of


def submit_review(actor: User, proposal: Proposal, scores: dict, comment: str = "") -> Review:
    edition = proposal.edition
    if not can_review_conference(actor, edition):
        raise Forbidden()
    if is_speaker(actor, proposal):
        raise Forbidden(_("You cannot review your own proposal."))
    require_window(edition, "review")
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
            .options(*proposal_options())
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

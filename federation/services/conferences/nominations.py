"""Group nominations: a group's operators back proposals still in the
running, within the edition's quota per group."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from federation.errors import Conflict, Forbidden, NotFound
from federation.extensions import db
from federation.models import (
    AlumniGroup,
    ConferenceEdition,
    Nomination,
    Proposal,
    ProposalStatus,
    User,
    utcnow,
)
from federation.permissions import can_manage_group
from federation.services import seats
from federation.services.conferences._common import window_open


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

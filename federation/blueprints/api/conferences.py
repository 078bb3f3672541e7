"""API: the annual conference."""
from __future__ import annotations

from flask import jsonify, request

from federation.errors import Forbidden, NotFound

from federation.blueprints.api import operation
from federation.pagination import page_args
from federation.schemas.conferences import (ConferenceRegistrationSchema, ProposalDecisionSchema,
                                            EditionSchema, ProposalSchema,
                                            ReviewSchema, SessionSchema, SessionSignupSchema)
from federation.security import is_coordinator
from federation.services import conferences
from federation.services import groups as group_service


@operation("/conferences", summary="Editions of the annual conference, newest first",
           tag="conferences", response=EditionSchema, paginated=True, auth=False)
def conference_list_editions(actor):
    return conferences.editions_query()


@operation("/conferences", "POST", summary="Create the year's edition (coordinators)",
           tag="conferences", body=EditionSchema, response=EditionSchema, status=201,
           errors=(403, 409))
def conference_create_edition(actor, data):
    return conferences.create_edition(actor, data)


@operation("/conferences/<int:year>", summary="One edition", tag="conferences",
           response=EditionSchema, auth=False, errors=(404,))
def conference_get_edition(actor, year):
    return conferences.get_edition(year)


@operation("/conferences/<int:year>", "PATCH",
           summary="Change an edition: theme, dates, rooms, windows... (coordinators; "
                   "not the year)", tag="conferences", body=EditionSchema,
           response=EditionSchema, partial=True, errors=(403, 404))
def conference_update_edition(actor, year, data):
    edition = conferences.get_edition(year)
    for field in ("venue_asset_id", "venue_group", "venue_starts_at", "venue_ends_at"):
        data.pop(field, None)
    return conferences.update_edition(actor, edition, data)


@operation("/conferences/<int:year>/proposals", "POST",
           summary="Submit a proposal while the call is open", tag="conferences",
           body=ProposalSchema, response=ProposalSchema, status=201, errors=(404, 409))
def conference_submit_proposal(actor, year, data):
    return conferences.submit_proposal(actor, conferences.get_edition(year), data)


@operation("/conferences/<int:year>/proposals",
           summary="Reviewers see every proposal (speakers hidden during blind review), "
                   "others their own; ?ranked=1: coordinators' ranking",
           tag="conferences", response=ProposalSchema, paginated=True, errors=(404, 409),
           query={"ranked": {"type": "integer", "enum": [0, 1]}})
def conference_list_proposals(actor, year):
    edition = conferences.get_edition(year)
    if request.args.get("ranked") == "1":
        rows = conferences.ranking(actor, edition)
        page, per_page = page_args(request.args, strict=True)
        chunk = rows[(page - 1) * per_page:page * per_page]
        items = []
        for row in chunk:
            item = ProposalSchema().dump(row["proposal"])
            item.update(score=row["score"], reviews=row["reviews"])
            items.append(item)
        return jsonify({"items": items, "page": page, "per_page": per_page,
                        "total": len(rows)})
    return conferences.proposals_query(actor, edition)


@operation("/proposals/<int:proposal_id>/reviews", "POST",
           summary="Score a proposal in each category during the review (reviewers)",
           tag="conferences", body=ReviewSchema, response=ReviewSchema, status=201,
           errors=(403, 404, 409))
def conference_review(actor, proposal_id, data):
    proposal = conferences.get_proposal(actor, proposal_id)
    return conferences.submit_review(actor, proposal, data["scores"], data.get("comment", ""))


@operation("/proposals/<int:proposal_id>/decision", "POST",
           summary="Accept or reject once the review is over (coordinators)",
           tag="conferences", body=ProposalDecisionSchema, response=ProposalSchema,
           errors=(403, 404, 409))
def conference_decide(actor, proposal_id, data):
    proposal = conferences.get_proposal(actor, proposal_id)
    return conferences.decide(actor, proposal, data["decision"] == "accept",
                              data.get("message", ""))


@operation("/conferences/<int:year>/sessions", summary="The schedule, by time then room",
           tag="conferences", response=SessionSchema, paginated=True, auth=False,
           errors=(404,))
def conference_list_sessions(actor, year):
    return conferences.sessions_query(conferences.get_edition(year))


@operation("/conferences/<int:year>/sessions", "POST",
           summary="Place an accepted proposal (room or speaker clash: 409)",
           tag="conferences", body=SessionSchema, response=SessionSchema, status=201,
           errors=(403, 404, 409))
def conference_schedule(actor, year, data):
    edition = conferences.get_edition(year)
    return conferences.schedule(actor, edition, data["proposal_id"], data["room"],
                                data["starts_at"], data.get("ends_at"), data.get("capacity"))


@operation("/conferences/<int:year>/registrations", "POST",
           summary="Register: 201 with status confirmed or waitlisted", tag="conferences",
           response=ConferenceRegistrationSchema, status=201, errors=(403, 404, 409))
def conference_register(actor, year):
    registration, _created = conferences.register(actor, conferences.get_edition(year))
    return registration


@operation("/proposals/<int:proposal_id>/withdraw", "POST",
           summary="The submitter withdraws a proposal before the decision",
           tag="conferences", response=ProposalSchema, errors=(403, 404, 409))
def conference_withdraw_proposal(actor, proposal_id):
    proposal = conferences.get_proposal(actor, proposal_id)
    return conferences.withdraw_proposal(actor, proposal)


@operation("/proposals/<int:proposal_id>/nominations/<slug>", "DELETE",
           summary="A group's operator withdraws the group's nomination (frees its quota)",
           tag="conferences", status=204, errors=(403, 404, 409))
def conference_withdraw_nomination(actor, proposal_id, slug):
    proposal = conferences.get_proposal_for_nomination(actor, proposal_id)
    group = group_service.get_group(actor, slug)
    conferences.withdraw_nomination(actor, proposal, group)


@operation("/conferences/<int:year>/sessions/<int:session_id>", "DELETE",
           summary="Take a session out of the schedule before it begins (coordinators)",
           tag="conferences", status=204, errors=(403, 404, 409))
def conference_unschedule(actor, year, session_id):
    conferences.unschedule(actor, _session_of(year, session_id))


@operation("/conferences/<int:year>/registrations/me", "DELETE",
           summary="Cancel my registration before the conference (the waitlist moves up)",
           tag="conferences", status=204, errors=(404, 409))
def conference_unregister(actor, year):
    conferences.cancel_registration(actor, conferences.get_edition(year))


@operation("/conferences/<int:year>/registrations",
           summary="Attendees for the check-in, confirmed first (coordinators; ?q= name or "
                   "email)", tag="conferences", response=ConferenceRegistrationSchema,
           paginated=True, errors=(403, 404), query={"q": {"type": "string"}})
def conference_list_registrations(actor, year):
    edition = conferences.get_edition(year)
    if not is_coordinator(actor):
        raise Forbidden()
    return conferences.attendees_query(edition, request.args.get("q", ""))


@operation("/conferences/<int:year>/registrations/<int:registration_id>/check-in", "POST",
           summary="Check a confirmed attendee in (coordinators)", tag="conferences",
           response=ConferenceRegistrationSchema, errors=(403, 404, 409))
def conference_check_in(actor, year, registration_id):
    return conferences.check_in(actor, conferences.get_edition(year), registration_id)


def _session_of(year: int, session_id: int):
    session = conferences.get_session(session_id)
    if session.edition.year != year:
        raise NotFound()
    return session


@operation("/conferences/<int:year>/sessions/<int:session_id>/signups", "POST",
           summary="Take a seat in a limited session (confirmed attendees): 201 with "
                   "confirmed or waitlisted", tag="conferences", response=SessionSignupSchema,
           status=201, errors=(403, 404, 409))
def conference_sign_up(actor, year, session_id):
    signup, _created = conferences.sign_up(actor, _session_of(year, session_id))
    return signup


@operation("/conferences/<int:year>/sessions/<int:session_id>/signups/me", "DELETE",
           summary="Give my seat in a limited session back (its waitlist moves up)",
           tag="conferences", status=204, errors=(404, 409))
def conference_cancel_signup(actor, year, session_id):
    conferences.cancel_signup(actor, _session_of(year, session_id))

"""API: the annual conference."""

from __future__ import annotations

from federation.blueprints.api.base import authenticated, bp, errors, existing_on_conflict, paginate
from federation.errors import NotFound
from federation.permissions import is_coordinator
from federation.schemas.base import PageQuerySchema, page_schema
from federation.schemas.conferences import (
    AttendeeQuerySchema,
    ConferenceRegistrationSchema,
    EditionSchema,
    ProposalDecisionSchema,
    ProposalSchema,
    RankedProposalSchema,
    RankedQuerySchema,
    ReviewSchema,
    SessionSchema,
    SessionSignupSchema,
)
from federation.services import conferences
from federation.services import groups as group_service
from federation.services.views import View

TAGS = ["conferences"]


def _edition(edition):
    return conferences.edition_views([edition])[0]


def _proposal(actor, proposal):
    return conferences.proposal_views(actor, [proposal])[0]


@bp.route("/conferences", methods=["GET"])
@authenticated(required=False)
@bp.arguments(PageQuerySchema, location="query")
@bp.response(200, page_schema(EditionSchema))
@errors(304, 422)
@bp.doc(summary="Editions of the annual conference, newest first", tags=TAGS)
def conference_list_editions(args, actor):
    page = paginate(conferences.editions_query(), args)
    page["items"] = conferences.edition_views(page["items"])
    return page


@bp.route("/conferences", methods=["POST"])
@authenticated(allow=is_coordinator)
@bp.arguments(EditionSchema)
@bp.response(201, EditionSchema)
@errors(400, 409, 422)
@bp.doc(summary="Create the year's edition (coordinators)", tags=TAGS)
def conference_create_edition(data, actor):
    return _edition(conferences.create_edition(actor, data))


@bp.route("/conferences/<int:year>", methods=["GET"])
@authenticated(required=False)
@bp.response(200, EditionSchema)
@errors(304, 404)
@bp.doc(summary="One edition", tags=TAGS)
def conference_get_edition(year, actor):
    return _edition(conferences.get_edition(year))


@bp.route("/conferences/<int:year>", methods=["PATCH"])
@authenticated(allow=is_coordinator)
@bp.arguments(EditionSchema(partial=True))
@bp.response(200, EditionSchema)
@errors(400, 404, 409, 422)
@bp.doc(summary="Change an edition: theme, dates, rooms, windows... (coordinators; not the year)", tags=TAGS)
def conference_update_edition(data, year, actor):
    edition = conferences.get_edition(year)
    for field in ("venue_asset_id", "venue_group", "venue_starts_at", "venue_ends_at"):
        data.pop(field, None)
    return _edition(conferences.update_edition(actor, edition, data))


@bp.route("/conferences/<int:year>/proposals", methods=["POST"])
@authenticated()
@bp.arguments(ProposalSchema)
@bp.response(201, ProposalSchema)
@errors(400, 403, 404, 409, 422)
@bp.doc(summary="Submit a proposal while the call is open", tags=TAGS)
def conference_submit_proposal(data, year, actor):
    proposal = conferences.submit_proposal(actor, conferences.get_edition(year), data)
    return _proposal(actor, proposal)


@bp.route("/conferences/<int:year>/proposals", methods=["GET"])
@authenticated()
@bp.arguments(RankedQuerySchema, location="query")
@bp.response(200, page_schema(RankedProposalSchema))
@errors(304, 403, 404, 409, 422)
@bp.doc(
    summary="Reviewers see every proposal (speakers hidden during blind review), "
    "others their own; ?ranked=1: coordinators' ranking",
    tags=TAGS,
)
def conference_list_proposals(args, year, actor):
    edition = conferences.get_edition(year)
    if args["ranked"] == 1:
        rows = conferences.ranking(actor, edition)
        start = (args["page"] - 1) * args["per_page"]
        chunk = rows[start : start + args["per_page"]]
        views = conferences.proposal_views(actor, [row["proposal"] for row in chunk])
        items = [
            View(view, score=row["score"], reviews=row["reviews"])
            for view, row in zip(views, chunk, strict=True)
        ]
        return paginate(items, args, total=len(rows))
    page = paginate(conferences.proposals_query(actor, edition), args)
    page["items"] = conferences.proposal_views(actor, page["items"])
    return page


@bp.route("/proposals/<int:proposal_id>/reviews", methods=["POST"])
@authenticated()
@bp.arguments(ReviewSchema)
@bp.response(201, ReviewSchema)
@errors(400, 403, 404, 409, 422)
@bp.doc(summary="Score a proposal in each category during the review (reviewers)", tags=TAGS)
def conference_review(data, proposal_id, actor):
    proposal = conferences.get_proposal(actor, proposal_id)
    return conferences.submit_review(actor, proposal, data["scores"], data.get("comment", ""))


@bp.route("/proposals/<int:proposal_id>/decision", methods=["POST"])
@authenticated()
@bp.arguments(ProposalDecisionSchema)
@bp.response(200, ProposalSchema)
@errors(400, 403, 404, 409, 422)
@bp.doc(summary="Accept or reject once the review is over (coordinators)", tags=TAGS)
def conference_decide(data, proposal_id, actor):
    proposal = conferences.get_proposal(actor, proposal_id)
    proposal = conferences.decide(actor, proposal, data["decision"] == "accept", data.get("message", ""))
    return _proposal(actor, proposal)


@bp.route("/conferences/<int:year>/sessions", methods=["GET"])
@authenticated(required=False)
@bp.arguments(PageQuerySchema, location="query")
@bp.response(200, page_schema(SessionSchema))
@errors(304, 404, 422)
@bp.doc(summary="The schedule, by time then room", tags=TAGS)
def conference_list_sessions(args, year, actor):
    return paginate(conferences.sessions_query(conferences.get_edition(year)), args)


@bp.route("/conferences/<int:year>/sessions", methods=["POST"])
@authenticated()
@bp.arguments(SessionSchema)
@bp.response(201, SessionSchema)
@errors(400, 403, 404, 409, 422)
@bp.doc(summary="Place an accepted proposal (room or speaker clash: 409)", tags=TAGS)
def conference_schedule(data, year, actor):
    edition = conferences.get_edition(year)
    return conferences.schedule(
        actor,
        edition,
        data["proposal_id"],
        data["room"],
        data["starts_at"],
        data.get("ends_at"),
        data.get("capacity"),
    )


@bp.route("/conferences/<int:year>/registrations", methods=["POST"])
@authenticated()
@bp.response(201, ConferenceRegistrationSchema)
@existing_on_conflict(ConferenceRegistrationSchema)
@errors(403, 404)
@bp.doc(
    summary="Register: 201 with status confirmed or waitlisted (registered already: "
    "409 with the registration)",
    tags=TAGS,
)
def conference_register(year, actor):
    registration, created = conferences.register(actor, conferences.get_edition(year))
    return registration if created else (registration, 409)


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["POST"])
@authenticated()
@bp.response(200, ProposalSchema)
@errors(403, 404, 409)
@bp.doc(summary="The submitter withdraws a proposal before the decision", tags=TAGS)
def conference_withdraw_proposal(proposal_id, actor):
    proposal = conferences.get_proposal(actor, proposal_id)
    return _proposal(actor, conferences.withdraw_proposal(actor, proposal))


@bp.route("/proposals/<int:proposal_id>/nominations/<slug>", methods=["DELETE"])
@authenticated()
@bp.response(204)
@errors(403, 404, 409)
@bp.doc(summary="A group's operator withdraws the group's nomination (frees its quota)", tags=TAGS)
def conference_withdraw_nomination(proposal_id, slug, actor):
    proposal = conferences.get_proposal_for_nomination(actor, proposal_id)
    group = group_service.get_group(actor, slug)
    conferences.withdraw_nomination(actor, proposal, group)


def _session_of(year: int, session_id: int):
    session = conferences.get_session(session_id)
    if session.edition.year != year:
        raise NotFound()
    return session


@bp.route("/conferences/<int:year>/sessions/<int:session_id>", methods=["DELETE"])
@authenticated()
@bp.response(204)
@errors(403, 404, 409)
@bp.doc(summary="Take a session out of the schedule before it begins (coordinators)", tags=TAGS)
def conference_unschedule(year, session_id, actor):
    conferences.unschedule(actor, _session_of(year, session_id))


@bp.route("/conferences/<int:year>/registrations/me", methods=["DELETE"])
@authenticated()
@bp.response(204)
@errors(404, 409)
@bp.doc(summary="Cancel my registration before the conference (the waitlist moves up)", tags=TAGS)
def conference_unregister(year, actor):
    conferences.cancel_registration(actor, conferences.get_edition(year))


@bp.route("/conferences/<int:year>/registrations", methods=["GET"])
@authenticated(allow=is_coordinator)
@bp.arguments(AttendeeQuerySchema, location="query")
@bp.response(200, page_schema(ConferenceRegistrationSchema))
@errors(304, 404, 422)
@bp.doc(summary="Attendees for the check-in, confirmed first (coordinators; ?q= name or email)", tags=TAGS)
def conference_list_registrations(args, year, actor):
    edition = conferences.get_edition(year)
    return paginate(conferences.attendees_query(edition, args["q"]), args)


@bp.route("/conferences/<int:year>/registrations/<int:registration_id>/check-in", methods=["POST"])
@authenticated()
@bp.response(200, ConferenceRegistrationSchema)
@errors(403, 404, 409)
@bp.doc(summary="Check a confirmed attendee in (coordinators)", tags=TAGS)
def conference_check_in(year, registration_id, actor):
    return conferences.check_in(actor, conferences.get_edition(year), registration_id)


@bp.route("/conferences/<int:year>/sessions/<int:session_id>/signups", methods=["POST"])
@authenticated()
@bp.response(201, SessionSignupSchema)
@existing_on_conflict(SessionSignupSchema)
@errors(403, 404)
@bp.doc(
    summary="Take a seat in a limited session (confirmed attendees): 201 with confirmed or waitlisted",
    tags=TAGS,
)
def conference_sign_up(year, session_id, actor):
    signup, created = conferences.sign_up(actor, _session_of(year, session_id))
    return signup if created else (signup, 409)


@bp.route("/conferences/<int:year>/sessions/<int:session_id>/signups/me", methods=["DELETE"])
@authenticated()
@bp.response(204)
@errors(404, 409)
@bp.doc(summary="Give my seat in a limited session back (its waitlist moves up)", tags=TAGS)
def conference_cancel_signup(year, session_id, actor):
    conferences.cancel_signup(actor, _session_of(year, session_id))

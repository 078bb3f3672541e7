"""The annual conference: editions, call for proposals, review, schedule,
registration and the archive by year."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from federation.errors import NotFound
from federation.extensions import db
from federation.forms.base import ConfirmForm, choices, flash_errors, submit
from federation.forms.conferences import (
    CheckInForm,
    ContentForm,
    DecisionForm,
    EditionEditForm,
    EditionForm,
    NominateForm,
    ProposalForm,
    ReviewForm,
    ScheduleForm,
)
from federation.guards import parse_id
from federation.i18n import current_locale
from federation.ical import ics_response
from federation.models import AssetKind, AssetStatus, SharedAsset, User
from federation.pagination import page_args
from federation.permissions import can_manage_group, can_review_conference, is_coordinator, is_speaker
from federation.services import conferences as service
from federation.services import groups as group_service

bp = Blueprint("conferences", __name__)


@bp.route("/")
def list():
    editions = db.session.scalars(service.editions_query()).all()
    return render_template(
        "conferences/list.html",
        editions=editions,
        archived={e.id: service.is_archived(e) for e in editions},
        can_create=is_coordinator(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    if not is_coordinator(current_user):
        abort(403)
    form = EditionForm()
    done, edition = submit(form, lambda: service.create_edition(current_user, form.service_data()))
    if done:
        flash(_("The edition is saved."), "success")
        return redirect(url_for("conferences.detail", year=edition.year))
    return render_template("conferences/form.html", form=form)


@bp.route("/<int:year>/edit", methods=["GET", "POST"])
@login_required
def edit(year: int):
    edition = service.get_edition(year)
    if not is_coordinator(current_user):
        abort(403)
    form = EditionEditForm(data=EditionEditForm.initial(edition))
    done, _r = submit(form, lambda: service.update_edition(current_user, edition, form.service_data()))
    if done:
        flash(_("The edition is saved."), "success")
        return redirect(url_for("conferences.detail", year=year))
    return render_template("conferences/form.html", form=form, edition=edition)


@bp.route("/<int:year>")
def detail(year: int):
    edition = service.get_edition(year)
    mine = service.my_registration(current_user, edition)
    days = service.programme(edition)
    scheduled = [s for _day, sessions in days for s in sessions]
    signups = service.my_signups(current_user, scheduled) if mine is not None else {}
    return render_template(
        "conferences/detail.html",
        edition=edition,
        days=days,
        mine=mine,
        signups=signups,
        session_actions=service.programme_actions(current_user, edition, mine, scheduled, signups),
        theme=edition.theme_for(current_locale()),
        archived=service.is_archived(edition),
        seats_left=service.seats_left(edition),
        proposals_open=service.window_open(edition, "proposals"),
        registration_open=service.window_open(edition, "registration"),
        can_review=can_review_conference(current_user, edition),
        coordinator=is_coordinator(current_user),
        action=ConfirmForm(),
        content_form=ContentForm(),
    )


@bp.route("/<int:year>.ics")
def programme_ics(year: int):
    edition = service.get_edition(year)
    return ics_response(service.programme_ics(edition, current_locale()), f"conference-{year}.ics")


@bp.route("/<int:year>.json")
def programme_json(year: int):
    edition = service.get_edition(year)
    return jsonify(service.export_programme(edition, current_locale()))


@bp.route("/sessions/<int:session_id>.ics")
def session_ics(session_id: int):
    session = service.get_session(session_id)
    return ics_response(service.session_ics(session, current_locale()), f"session-{session_id}.ics")


def _proposal_form(edition, proposal=None) -> ProposalForm:
    form = ProposalForm(obj=proposal)
    form.track.choices = choices([(t, t) for t in edition.tracks] or [("", "—")])
    people = [(f"user:{current_user.id}", current_user.display_name)]
    assets = db.session.scalars(
        select(SharedAsset)
        .where(SharedAsset.kind == AssetKind.speaker, SharedAsset.status == AssetStatus.active)
        .order_by(SharedAsset.speaker_name_kana, SharedAsset.id)
        .limit(300)
    )
    people += [(f"asset:{a.id}", f"{a.speaker_name} — {a.title}") for a in assets]
    form.speakers.choices = choices(people)
    return form


@bp.route("/<int:year>/propose", methods=["GET", "POST"])
@login_required
def propose(year: int):
    edition = service.get_edition(year)
    form = _proposal_form(edition)
    done, proposal = submit(form, lambda: service.submit_proposal(current_user, edition, form.service_data()))
    if done:
        flash(_("Your proposal is submitted. You can edit it until the call closes."), "success")
        return redirect(url_for("conferences.proposal", proposal_id=proposal.id))
    return render_template(
        "conferences/propose.html",
        form=form,
        edition=edition,
        proposal=None,
        open=service.window_open(edition, "proposals"),
    )


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit_proposal(proposal_id: int):
    proposal = service.get_proposal(current_user, proposal_id)
    if proposal.submitter_id != current_user.id:
        abort(403)
    form = _proposal_form(proposal.edition, proposal)
    if request.method == "GET":
        form.format.data = proposal.format.value
        form.speakers.data = [s.key for s in proposal.speakers]
    done, _r = submit(form, lambda: service.update_proposal(current_user, proposal, form.service_data()))
    if done:
        flash(_("Your proposal is saved."), "success")
        return redirect(url_for("conferences.proposal", proposal_id=proposal.id))
    return render_template(
        "conferences/propose.html",
        form=form,
        edition=proposal.edition,
        proposal=proposal,
        open=service.window_open(proposal.edition, "proposals"),
    )


@bp.route("/proposals/<int:proposal_id>")
@login_required
def proposal(proposal_id: int):
    proposal = service.get_proposal(current_user, proposal_id)
    edition = proposal.edition
    actions = service.proposal_actions(current_user, proposal)
    review_form = decision_form = nominate_form = None
    my_review = None
    if "review" in actions:
        review_form = ReviewForm()
        my_review = next(
            (r for r in service.visible_reviews(current_user, proposal) if r.reviewer_id == current_user.id),
            None,
        )
        if my_review is not None and request.method == "GET":
            review_form.comment.data = my_review.comment
    if "decide" in actions:
        decision_form = DecisionForm()
    mine = [g for g in group_service.groups_operated_by(current_user)]
    if mine and "nominate" in actions:
        nominate_form = NominateForm()
        nominate_form.group.choices = choices((g.slug, g.name_for(current_locale())) for g in mine)
    return render_template(
        "conferences/proposal.html",
        proposal=proposal,
        edition=edition,
        hide_speakers=service.speaker_names_hidden(current_user, proposal),
        reviews=service.visible_reviews(current_user, proposal),
        my_review=my_review,
        review_form=review_form,
        decision_form=decision_form,
        nominate_form=nominate_form,
        is_speaker=is_speaker(current_user, proposal),
        action=ConfirmForm(),
        my_nominations=[n for n in proposal.nominations if n.group in mine],
        actions=actions,
        weighted=lambda r: service.weighted(r.scores, edition.score_categories),
    )


def _back(proposal_id: int):
    return redirect(url_for("conferences.proposal", proposal_id=proposal_id))


@bp.route("/proposals/<int:proposal_id>/review", methods=["POST"])
@login_required
def review(proposal_id: int):
    proposal = service.get_proposal(current_user, proposal_id)
    form = ReviewForm()
    scores = {c["key"]: request.form.get(f"score-{c['key']}", "") for c in proposal.edition.score_categories}
    done, _r = submit(form, lambda: service.submit_review(current_user, proposal, scores, form.comment.data))
    if done:
        flash(_("Your review is saved."), "success")
    else:
        flash_errors(form)
    return _back(proposal_id)


@bp.route("/proposals/<int:proposal_id>/decision", methods=["POST"])
@login_required
def decision(proposal_id: int):
    proposal = service.get_proposal(current_user, proposal_id)
    form = DecisionForm()
    done, _r = submit(
        form, lambda: service.decide(current_user, proposal, bool(form.accept.data), form.message.data)
    )
    if done:
        flash(_("The decision is saved and the speakers are told."), "success")
    return _back(proposal_id)


@bp.route("/proposals/<int:proposal_id>/confirm", methods=["POST"])
@login_required
def confirm(proposal_id: int):
    proposal = service.get_proposal(current_user, proposal_id)
    done, _r = submit(ConfirmForm(), lambda: service.confirm(current_user, proposal))
    if done:
        flash(_("Thank you: your participation is confirmed."), "success")
    return _back(proposal_id)


def _nomination_request(proposal_id: int):
    """The proposal, the form and the group (one the user runs) it names, or 403."""
    proposal = service.get_proposal_for_nomination(current_user, proposal_id)
    form = NominateForm()
    mine = group_service.groups_operated_by(current_user)
    form.group.choices = choices((g.slug, g.slug) for g in mine)
    group = next((g for g in mine if g.slug == form.group.data), None)
    if group is None or not can_manage_group(current_user, group):
        abort(403)
    return proposal, form, group


@bp.route("/proposals/<int:proposal_id>/nominate", methods=["POST"])
@login_required
def nominate(proposal_id: int):
    proposal, form, group = _nomination_request(proposal_id)
    done, _r = submit(form, lambda: service.nominate(current_user, proposal, group))
    if done:
        flash(_("Your group nominated this proposal."), "success")
    return redirect(url_for("conferences.proposals", year=proposal.edition.year))


@bp.route("/<int:year>/proposals")
@login_required
def proposals(year: int, schedule_form=None):
    """Reviewers' list, the nominations of my groups, the ranking and the schedule."""
    edition = service.get_edition(year)
    proposals = db.session.scalars(service.proposals_query(current_user, edition)).all()
    mine = group_service.groups_operated_by(current_user)
    candidates = service.nominatable_proposals(edition) if mine else []
    ranking = None
    if is_coordinator(current_user):
        ranking = service.ranking(current_user, edition)
        schedule_form = schedule_form or _schedule_form(edition)
        if not schedule_form.proposal_id.choices:  # nothing accepted is left to place
            schedule_form = None
    return render_template(
        "conferences/proposals.html",
        edition=edition,
        proposals=proposals,
        ranking=ranking,
        candidates=candidates,
        my_groups=mine,
        schedule_form=schedule_form,
        my_group_ids={g.id for g in mine},
        quota={g.id: service.nominations_left(edition, g) for g in mine},
        can_review=can_review_conference(current_user, edition),
        blind=service.is_blind(current_user, edition),
        coordinator=is_coordinator(current_user),
        hide=lambda p: service.speaker_names_hidden(current_user, p),
        action=ConfirmForm(),
    )


def _schedule_form(edition) -> ScheduleForm:
    form = ScheduleForm()
    form.proposal_id.choices = choices((p.id, p.title) for p in service.accepted_unscheduled(edition))
    form.room.choices = choices((r, r) for r in edition.rooms)
    return form


@bp.route("/<int:year>/sessions", methods=["POST"])
@login_required
def schedule(year: int):
    edition = service.get_edition(year)
    if not is_coordinator(current_user):
        abort(403)
    form = _schedule_form(edition)
    from federation.forms.conferences import _local

    done, _r = submit(
        form,
        lambda: service.schedule(
            current_user,
            edition,
            form.proposal_id.data,
            form.room.data,
            _local(form.starts_at.data),
            capacity=form.capacity.data,
        ),
    )
    if done:
        flash(_("The session is in the schedule."), "success")
        return redirect(url_for("conferences.proposals", year=year))
    # The schedule form comes back as typed, with what clashes next to the field.
    conflict = g.pop("form_conflict", None)
    return proposals(year, schedule_form=form), 409 if conflict else 422


@bp.route("/<int:year>/register", methods=["POST"])
@login_required
def register(year: int):
    edition = service.get_edition(year)
    result = {}

    def action():
        result["registration"], _created = service.register(current_user, edition)

    done, _r = submit(ConfirmForm(), action)
    if done:
        if result["registration"].status.value == "confirmed":
            flash(_("You are registered."), "success")
        else:
            flash(_("The conference is full: you are on the waitlist."), "info")
    return redirect(url_for("conferences.detail", year=year))


@bp.route("/<int:year>/cancel", methods=["POST"])
@login_required
def cancel(year: int):
    edition = service.get_edition(year)
    try:
        done, _r = submit(ConfirmForm(), lambda: service.cancel_registration(current_user, edition))
    except NotFound as error:  # cancelled already (a second click): say so on the page
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("conferences.detail", year=year))
    if done:
        flash(_("Your registration is cancelled."), "success")
    return redirect(url_for("conferences.detail", year=year))


@bp.route("/<int:year>/cancel")
@login_required
def confirm_cancel(year: int):
    edition = service.get_edition(year)
    return render_template(
        "confirm.html",
        heading=_("Cancel your registration for the conference %(year)d?", year=edition.year),
        consequences=[
            _("Your seat goes to the next person on the waitlist."),
            _("Your seats in limited sessions are released too."),
        ],
        button=_("Cancel my registration"),
        action_url=url_for("conferences.cancel", year=edition.year),
        back_url=url_for("conferences.detail", year=edition.year),
    )


@bp.route("/proposals/<int:proposal_id>/withdraw")
@login_required
def confirm_withdraw(proposal_id: int):
    proposal = service.get_proposal(current_user, proposal_id)
    if proposal.submitter_id != current_user.id:
        abort(403)
    consequences = [
        _(
            "The proposal leaves the review and cannot be submitted again; "
            "propose anew if you change your mind."
        )
    ]
    if proposal.nominations:
        consequences.append(
            _(
                "The %(n)d group nomination(s) it holds go back to the groups' quotas.",
                n=len(proposal.nominations),
            )
        )
    return render_template(
        "confirm.html",
        heading=_("Withdraw “%(title)s”?", title=proposal.title),
        consequences=consequences,
        button=_("Withdraw the proposal"),
        action_url=url_for("conferences.withdraw", proposal_id=proposal.id),
        back_url=url_for("conferences.proposal", proposal_id=proposal.id),
    )


@bp.route("/sessions/<int:session_id>/signup", methods=["POST"])
@login_required
def signup(session_id: int):
    session = service.get_session(session_id)
    done, _r = submit(ConfirmForm(), lambda: service.sign_up(current_user, session))
    if done:
        flash(_("Your seat in the session is saved."), "success")
    return redirect(url_for("conferences.detail", year=session.edition.year))


@bp.route("/sessions/<int:session_id>/content", methods=["POST"])
@login_required
def content(session_id: int):
    session = service.get_session(session_id)
    if not is_coordinator(current_user):
        abort(403)
    form = ContentForm()
    done, _r = submit(
        form,
        lambda: service.attach_content(
            current_user, session, {f: form[f].data for f in service.CONTENT_FIELDS}
        ),
    )
    if done:
        flash(_("The content is saved."), "success")
    else:
        flash_errors(form)
    return redirect(url_for("conferences.detail", year=session.edition.year))


@bp.route("/<int:year>/reviewers", methods=["POST"])
@login_required
def invite(year: int):
    edition = service.get_edition(year)
    if not is_coordinator(current_user):
        abort(403)
    email = (request.form.get("email") or "").strip().lower()
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        flash(_("No member has this email address."), "error")
    else:
        done, _r = submit(ConfirmForm(), lambda: service.invite_reviewer(current_user, edition, user))
        if done:
            flash(_("The reviewer is invited."), "success")
    return redirect(url_for("conferences.proposals", year=year))


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["POST"])
@login_required
def withdraw(proposal_id: int):
    proposal = service.get_proposal(current_user, proposal_id)
    if proposal.submitter_id != current_user.id:
        abort(403)
    done, _r = submit(ConfirmForm(), lambda: service.withdraw_proposal(current_user, proposal))
    if done:
        flash(_("Your proposal is withdrawn."), "success")
    return _back(proposal_id)


@bp.route("/proposals/<int:proposal_id>/unnominate", methods=["POST"])
@login_required
def unnominate(proposal_id: int):
    proposal, form, group = _nomination_request(proposal_id)
    done, _r = submit(form, lambda: service.withdraw_nomination(current_user, proposal, group))
    if done:
        flash(_("Your group's nomination is withdrawn."), "success")
    return redirect(url_for("conferences.proposals", year=proposal.edition.year))


@bp.route("/sessions/<int:session_id>/delete", methods=["POST"])
@login_required
def unschedule(session_id: int):
    session = service.get_session(session_id)
    if not is_coordinator(current_user):
        abort(403)
    year = session.edition.year
    done, _r = submit(ConfirmForm(), lambda: service.unschedule(current_user, session))
    if done:
        flash(_("The session is out of the schedule; its proposal can be placed again."), "success")
    return redirect(url_for("conferences.proposals", year=year))


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@login_required
def cancel_signup(session_id: int):
    session = service.get_session(session_id)
    try:
        done, _r = submit(ConfirmForm(), lambda: service.cancel_signup(current_user, session))
    except NotFound as error:  # cancelled already (a second click): say so on the page
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("conferences.detail", year=session.edition.year))
    if done:
        flash(_("Your seat in the session is cancelled."), "success")
    return redirect(url_for("conferences.detail", year=session.edition.year))


@bp.route("/<int:year>/attendees")
@login_required
def attendees(year: int):
    """Coordinators check attendees in at the door: a searchable, paged list."""
    edition = service.get_edition(year)
    if not is_coordinator(current_user):
        abort(403)
    q = request.args.get("q", "")[:100]
    page, per_page = page_args(request.args)
    pagination = db.paginate(
        service.attendees_query(edition, q), page=page, per_page=per_page, error_out=False
    )
    return render_template(
        "conferences/attendees.html",
        edition=edition,
        pagination=pagination,
        q=q,
        theme=edition.theme_for(current_locale()),
        check_in=CheckInForm(),
        seats_left=service.seats_left(edition),
        checked_in=service.checked_in_count(edition),
    )


@bp.route("/<int:year>/check-in", methods=["POST"])
@login_required
def check_in(year: int):
    edition = service.get_edition(year)
    if not is_coordinator(current_user):
        abort(403)
    form = CheckInForm()
    raw = form.registration.data or ""
    registration_id = parse_id(raw) or 0
    done, _r = submit(
        form,
        lambda: service.check_in(current_user, edition, registration_id, present=form.present.data != "0"),
    )
    if done:
        flash(_("Checked in.") if form.present.data != "0" else _("Check-in undone."), "success")
    return redirect(
        url_for(
            "conferences.attendees",
            year=year,
            q=request.form.get("q") or None,
            page=request.form.get("page") or None,
        )
    )

"""Consultations [壁打ち]: post, reply, solve, turn into an article, 1:1
sessions, helpers' topics and abuse reports."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from federation.errors import DomainError, NotFound
from federation.extensions import db, limiter
from federation.forms.base import ConfirmForm, choices, submit
from federation.forms.knowledge import (
    AcceptSessionForm,
    ConsultationForm,
    ReplyForm,
    ReportConsultationForm,
    SessionForm,
    SolveForm,
    ToArticleForm,
    TopicsForm,
)
from federation.i18n import current_locale
from federation.ical import ics_response
from federation.labels import CATEGORY_LABELS, SPACE_LABELS, in_language
from federation.models import ConsultationStatus, KnowledgeCategory
from federation.pagination import page_args
from federation.permissions import (
    can_accept_consultation_session,
    can_solve_consultation,
    consultation_space_for,
    is_federation_operator,
)
from federation.ratelimits import per_person, setting
from federation.services.groups import groups_operated_by
from federation.services.knowledge import consultations as service

bp = Blueprint("consultations", __name__)


@bp.context_processor
def labels():
    return {"category_labels": in_language(CATEGORY_LABELS), "space_labels": in_language(SPACE_LABELS)}


def _only_post() -> bool:
    return request.method != "POST"


def _visible_or_404():
    if not service.visible_spaces(current_user):
        raise NotFound()


@bp.route("/")
@login_required
def list():
    _visible_or_404()
    category = request.args.get("category", "")[:20]
    status = request.args.get("status", "")[:20]
    space = request.args.get("space", "")[:20]
    page, per_page = page_args(request.args)
    pagination = db.paginate(
        service.consultations_query(current_user, category, status, space),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    return render_template(
        "consultations/list.html",
        pagination=pagination,
        categories=KnowledgeCategory,
        statuses=ConsultationStatus,
        category=category,
        status=status,
        space=space,
        spaces=service.visible_spaces(current_user),
        can_post=consultation_space_for(current_user) is not None,
        helper=is_federation_operator(current_user),
    )


def _group_choices(form: ConsultationForm) -> None:
    locale = current_locale()
    form.group.choices = choices([(g.slug, g.name_for(locale)) for g in groups_operated_by(current_user)])


@bp.route("/new", methods=["GET", "POST"])
@login_required
@limiter.limit(setting("RATELIMIT_CONSULTATION_POST"), key_func=per_person, exempt_when=_only_post)
def create():
    space = consultation_space_for(current_user)
    if space is None:
        abort(403)
    form = ConsultationForm()
    _group_choices(form)
    done, consultation = submit(
        form,
        lambda: service.post_consultation(
            current_user,
            {
                "title": form.title.data,
                "body": form.body.data,
                "category": form.category.data,
                "group": form.group.data,
            },
        ),
    )
    if done:
        flash(
            _("Your consultation is posted. Helpers on this topic hear of it in their daily digest."),
            "success",
        )
        return redirect(url_for("consultations.detail", consultation_id=consultation.id))
    return render_template(
        "consultations/form.html",
        form=form,
        space=space,
        context=service.context_of(current_user, None) if space == "practice" else None,
    )


def _render_detail(consultation, status: int = 200, **forms):
    allowed = service.permissions(current_user, consultation)
    solve_form = forms.get("solve_form") or SolveForm()
    solve_form.helpful.choices = choices([(str(r.id), str(r.id)) for r in consultation.replies])
    session_form = forms.get("session_form") or SessionForm()
    repliers = {
        r.author_id: r.author
        for r in consultation.replies
        if r.author is not None and r.author_id != current_user.id
    }
    session_form.helper_id.choices = choices([(str(uid), u.display_name) for uid, u in repliers.items()])
    return render_template(
        "consultations/detail.html",
        consultation=consultation,
        allowed=allowed,
        reply_form=forms.get("reply_form") or ReplyForm(),
        solve_form=solve_form,
        article_form=forms.get("article_form") or ToArticleForm(),
        session_form=session_form,
        report_form=forms.get("report_form") or ReportConsultationForm(),
        accept_form=AcceptSessionForm(),
        action_form=ConfirmForm(),
        sessions=service.sessions_for(current_user, consultation),
        proposed_times=lambda s: [datetime.fromisoformat(t) for t in s.proposed_times],
        session_actions=lambda s: service.session_actions(current_user, s),
    ), status


@bp.route("/<int:consultation_id>")
@login_required
def detail(consultation_id: int):
    return _render_detail(service.get_consultation(current_user, consultation_id))


@bp.route("/<int:consultation_id>/replies", methods=["POST"])
@login_required
@limiter.limit(setting("RATELIMIT_CONSULTATION_REPLY"), key_func=per_person)
def reply(consultation_id: int):
    consultation = service.get_consultation(current_user, consultation_id)
    if not service.permissions(current_user, consultation).reply:
        abort(403)
    form = ReplyForm()
    done, _r = submit(form, lambda: service.reply(current_user, consultation, form.body.data))
    if done:
        flash(_("Your reply is posted."), "success")
        return redirect(url_for("consultations.detail", consultation_id=consultation_id))
    return _render_detail(consultation, 422, reply_form=form)


@bp.route("/<int:consultation_id>/solve", methods=["POST"])
@login_required
def solve(consultation_id: int):
    consultation = service.get_consultation(current_user, consultation_id)
    if not can_solve_consultation(current_user, consultation):
        abort(403)  # the asker's action: refused before the form is read
    form = SolveForm()
    form.helpful.choices = choices([(str(r.id), str(r.id)) for r in consultation.replies])
    if form.validate_on_submit():
        try:
            service.solve(
                current_user, consultation, [int(v) for v in form.helpful.data or [] if str(v).isdigit()]
            )
            flash(_("Marked as solved. Thank you for sharing how it went."), "success")
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
    return redirect(url_for("consultations.detail", consultation_id=consultation_id))


@bp.route("/<int:consultation_id>/article", methods=["POST"])
@login_required
def to_article(consultation_id: int):
    consultation = service.get_consultation(current_user, consultation_id)
    if not can_solve_consultation(current_user, consultation):
        abort(403)
    form = ToArticleForm()
    if form.validate_on_submit():
        try:
            article = service.to_article(current_user, consultation, bool(form.consent.data))
            flash(_("The consultation is now a knowledge article."), "success")
            return redirect(url_for("knowledge.detail", article_id=article.id))
        except DomainError as error:
            db.session.rollback()
            form.show_errors(error)
    return _render_detail(consultation, 422, article_form=form)


@bp.route("/<int:consultation_id>/sessions", methods=["POST"])
@login_required
def request_session(consultation_id: int):
    consultation = service.get_consultation(current_user, consultation_id)
    if not can_solve_consultation(current_user, consultation):
        abort(403)
    form = SessionForm()
    form.helper_id.choices = choices([(str(r.author_id), "") for r in consultation.replies])
    done, _r = submit(
        form,
        lambda: service.request_session(
            current_user,
            consultation,
            int(form.helper_id.data or 0) if str(form.helper_id.data or "").isdigit() else 0,
            [t for t in (form.time_1.data, form.time_2.data, form.time_3.data) if t],
        ),
    )
    if done:
        flash(_("Your session request is sent."), "success")
        return redirect(url_for("consultations.detail", consultation_id=consultation_id))
    return _render_detail(consultation, 422, session_form=form)


@bp.route("/sessions/<int:session_id>/accept", methods=["POST"])
@login_required
def accept_session(session_id: int):
    session = service.get_session(current_user, session_id)
    if not can_accept_consultation_session(current_user, session):
        abort(403)
    form = AcceptSessionForm()
    if form.validate_on_submit():
        try:
            service.accept_session(current_user, session, form.time.data or "")
            flash(
                _("Accepted: you both receive each other's contact details and the invitation by mail."),
                "success",
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
    return redirect(url_for("consultations.detail", consultation_id=session.consultation_id))


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@login_required
def cancel_session(session_id: int):
    session = service.get_session(current_user, session_id)
    if ConfirmForm().validate_on_submit():
        try:
            service.cancel_session(current_user, session)
            flash(_("The session is cancelled; the other person is told."), "success")
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
    return redirect(url_for("consultations.detail", consultation_id=session.consultation_id))


@bp.route("/sessions/<int:session_id>/invite.ics")
@login_required
def session_ics(session_id: int):
    session = service.get_session(current_user, session_id)
    if session.starts_at is None:
        abort(404)
    # Not conditional: an invitation's DTSTAMP is the time it is fetched.
    return ics_response(service.session_ics(session), f"consultation-{session.id}.ics", conditional=False)


@bp.route("/<int:consultation_id>/report", methods=["POST"])
@login_required
def report(consultation_id: int):
    consultation = service.get_consultation(current_user, consultation_id)
    form = ReportConsultationForm()
    reply_id = int(form.reply_id.data) if str(form.reply_id.data or "").isdigit() else None
    done, _r = submit(form, lambda: service.report(current_user, consultation, form.reason.data, reply_id))
    if done:
        flash(_("Thank you. The coordinators will look into it."), "success")
        return redirect(url_for("consultations.detail", consultation_id=consultation_id))
    return _render_detail(consultation, 422, report_form=form)


@bp.route("/topics", methods=["GET", "POST"])
@login_required
def topics():
    if not is_federation_operator(current_user):
        abort(403)
    helper = service.helper_of(current_user)
    form = TopicsForm()
    if request.method == "GET":
        form.categories.data = helper.categories if helper else []
        form.digest_enabled.data = helper.digest_enabled if helper else True
    done, _r = submit(
        form,
        lambda: service.set_topics(current_user, form.categories.data or [], bool(form.digest_enabled.data)),
    )
    if done:
        flash(_("Your topics are saved."), "success")
        return redirect(url_for("consultations.topics"))
    return render_template("consultations/topics.html", form=form)

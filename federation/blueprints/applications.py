"""Operator applications: apply, follow, review, decide; the precedent log,
screening settings, and the liaison's endorsement link."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from federation import listcache
from federation.errors import Forbidden, Invalid
from federation.extensions import db
from federation.forms.applications import (
    ApplicationForm,
    DecisionForm,
    EndorseForm,
    OverrideForm,
    SettingsForm,
)
from federation.forms.base import choices, submit
from federation.i18n import current_locale
from federation.models import AlumniGroup, ApplicationStatus, ReadKind
from federation.models.base import name_in
from federation.pagination import page_args
from federation.permissions import is_coordinator
from federation.services import applications as service
from federation.services import reads

bp = Blueprint("applications", __name__)


def _coordinator_only():
    if not is_coordinator(current_user):
        raise Forbidden()


def _group_choices(form: ApplicationForm) -> None:
    rows = db.session.execute(
        select(AlumniGroup.id, AlumniGroup.name_ja, AlumniGroup.name_en).order_by(
            AlumniGroup.sort_key, AlumniGroup.id
        )
    ).all()
    locale = current_locale()
    form.group_id.choices = choices(
        [("", _("A new group (described below)"))]
        + [(str(gid), name_in(locale, ja, en)) for gid, ja, en in rows]
    )


@bp.route("/")
@login_required
def list():
    status = request.args.get("status", "")
    try:
        # Days: bounded, so a huge number is no date overflow.
        older = min(max(int(request.args.get("older_than", "")[:6] or 0), 0), 36500)
    except ValueError:
        older = 0
    page, per_page = page_args(request.args)

    def build() -> str:
        return render_template(
            "applications/_queue.html",
            pagination=service.queue_page(current_user, status, older, page, per_page),
            status=status,
            older_than=older,
            statuses=[s for s in ApplicationStatus],
            coordinator=is_coordinator(current_user),
        )

    body = listcache.page(service.QUEUE_LIST, service.queue_scope(current_user, older), build)
    return render_template("applications/list.html", body=body)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = ApplicationForm()
    _group_choices(form)
    if request.method == "GET" and request.args.get("group", "").isdigit():
        form.group_id.data = request.args["group"]
    if request.method == "GET" and request.args.get("from") == "practice":
        from federation.services.knowledge import practice  # the practice community's re-apply

        form.process(data=practice.application_prefill(current_user))
        _group_choices(form)
    done, application = submit(form, lambda: service.submit_application(current_user, form.service_data()))
    if done:
        flash(_("Your application is submitted. Here is its assessment."), "success")
        return redirect(url_for("applications.detail", application_id=application.id))
    return render_template("applications/form.html", form=form, application=None)


@bp.route("/<int:application_id>")
@login_required
def detail(application_id: int):
    application = service.get_application(current_user, application_id)
    reads.record_reads(current_user, ReadKind.application, application.id, [application.applicant_id])
    coordinator = is_coordinator(current_user)
    return render_template(
        "applications/detail.html",
        application=application,
        assessment=service.assessment_of(application),
        coordinator=coordinator,
        liaison_warning=service.liaison_address_warning(application) if coordinator else None,
        override_form=OverrideForm() if coordinator else None,
        actions=service.application_actions(current_user, application),
    )


@bp.route("/<int:application_id>/edit", methods=["GET", "POST"])
@login_required
def edit(application_id: int):
    application = service.get_application(current_user, application_id)
    if application.applicant_id != current_user.id:
        raise Forbidden()
    form = ApplicationForm(obj=application if request.method == "GET" else None)
    _group_choices(form)
    if request.method == "GET":
        form.group_id.data = str(application.group_id or "")
        for n, example in enumerate(application.event_examples or []):
            if n >= len(form.event_examples):
                form.event_examples.append_entry()
            entry = form.event_examples[n]
            entry.title.data = example.get("title")
            entry.held_on.data = date.fromisoformat(example["held_on"])
            entry.attendance.data = example.get("attendance")
        for field in ("governance_type", "membership_scope", "audience", "purpose", "involvement"):
            value = getattr(application, field)
            getattr(form, field).data = value.value if value is not None else ""
    done, _r = submit(
        form, lambda: service.resubmit_application(current_user, application, form.service_data())
    )
    if done:
        flash(_("Your application is submitted again and was assessed anew."), "success")
        return redirect(url_for("applications.detail", application_id=application.id))
    return render_template("applications/form.html", form=form, application=application)


@bp.route("/<int:application_id>/override", methods=["POST"])
@login_required
def override(application_id: int):
    application = service.get_application(current_user, application_id)
    _coordinator_only()
    form = OverrideForm()
    done, _r = submit(
        form,
        lambda: service.override_criterion(
            current_user, application, form.criterion.data, form.verdict.data, form.note.data
        ),
    )
    if done:
        flash(_("The verdict is overridden."), "success")
    elif form.errors or form.form_errors:
        flash(
            " ".join(str(m) for ms in form.errors.values() for m in ms) or " ".join(form.form_errors), "error"
        )
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.route("/<int:application_id>/decision", methods=["GET", "POST"])
@login_required
def decide(application_id: int):
    application = service.get_application(current_user, application_id)
    _coordinator_only()
    form = DecisionForm()
    if request.method == "GET":
        decision = request.args.get("decision", "approve")
        if decision not in service.DECISIONS:
            decision = "approve"
        form.decision.data = decision
        form.message.data = service.decision_template(application, decision)
    done, _r = submit(
        form,
        lambda: service.decide(
            current_user, application, form.decision.data, form.message.data, form.note.data
        ),
    )
    if done:
        flash(_("The decision is recorded and the applicant is told."), "success")
        return redirect(url_for("applications.detail", application_id=application.id))
    return render_template(
        "applications/decision.html",
        form=form,
        application=application,
        assessment=service.assessment_of(application),
        precedents=service.suggested_precedents(application),
    )


@bp.route("/precedents")
@login_required
def precedents():
    _coordinator_only()
    q = request.args.get("q", "")
    page, per_page = page_args(request.args)
    pagination = db.paginate(service.precedents_query(q), page=page, per_page=per_page, error_out=False)
    return render_template("applications/precedents.html", pagination=pagination, q=q)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    _coordinator_only()
    form = SettingsForm(data=service.get_settings() if request.method == "GET" else None)
    done, _r = submit(
        form,
        lambda: service.update_settings(
            current_user, {key: getattr(form, key).data for key in service.SETTINGS}
        ),
    )
    if done:
        flash(_("The settings are saved."), "success")
        return redirect(url_for("applications.settings"))
    changes = db.session.scalars(service.setting_changes_query().limit(50)).all()
    return render_template(
        "applications/settings.html",
        form=form,
        changes=changes,
        labels={k: v[3] for k, v in service.SETTINGS.items()},
    )


@bp.route("/endorse/<token>", methods=["GET", "POST"])
def endorse(token: str):
    form = EndorseForm()
    try:
        endorsement = service.find_endorsement(token)
    except Invalid as error:
        return render_template("applications/endorse.html", form=None, error=error.message), 410
    declining = bool(form.decline.data)
    answer = service.decline_endorsement if declining else service.confirm_endorsement
    done, _r = submit(form, lambda: answer(token, form.confirmer_name.data))
    if done:
        return render_template("applications/endorse.html", form=None, done=True, declined=declining)
    application = endorsement.application
    return render_template("applications/endorse.html", form=form, application=application)

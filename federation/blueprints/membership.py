"""Joining a member group: how to join, asking, the approvers' queue and
decisions, the group's join settings, its member page and self-introductions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from federation.errors import Conflict, Invalid, NotFound
from federation.extensions import db
from federation.forms.base import ConfirmForm
from federation.models import AlumniGroup, JoinRequestStatus
from federation.pagination import page_args
from federation.permissions import (
    access_level,
    can_ask_to_join,
    can_decide_join_requests,
    can_manage_group,
    join_approver_ids,
    may_see_birth_date,
)
from federation.services import groups, membership

bp = Blueprint("membership", __name__)


def _weekday_labels() -> list[tuple[int, str]]:
    names = (
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    )
    return list(enumerate(names))


@bp.context_processor
def labels():
    return {"join_status_label": membership.status_label, "JoinRequestStatus": JoinRequestStatus}


def _group(slug: str) -> AlumniGroup:
    """A group the viewer may see, or one that takes join requests."""
    try:
        return groups.get_group(current_user, slug)
    except NotFound:  # an approver's group is always visible; this is for askers
        return membership.joinable_group(current_user, slug)


@bp.route("/join")
def how_to_join():
    """How to become a member: ask a member group, or apply as an operator."""
    level = access_level(current_user)
    open_groups = db.session.scalars(membership.open_groups_query().limit(200)).all()
    mine = membership.my_requests(current_user) if level in ("visitor", "member") else []
    my_groups = membership.my_group_ids(current_user)
    pending = {r.group_id for r in mine if r.status == JoinRequestStatus.pending}
    return render_template(
        "membership/join.html",
        level=level,
        open_groups=open_groups,
        requests=mine,
        my_groups=my_groups,
        pending=pending,
    )


@bp.route("/groups/<slug>/join", methods=["GET", "POST"])
@login_required
def ask(slug: str):
    group = membership.joinable_group(current_user, slug)
    if not can_ask_to_join(current_user):
        abort(403)
    settings = membership.settings_of(group)
    questions = membership.questions_of(settings)
    form = ConfirmForm()
    errors: dict[str, list[str]] = {}
    existing = membership.pending_request(current_user, group)
    if request.method == "POST" and form.validate_on_submit():
        answers = {q["key"]: request.form.get(q["key"], "") for q in questions}
        try:
            join_request = membership.ask_to_join(current_user, group, answers)
        except membership.JoinRequestConflict as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            existing = error.existing
        except Invalid as error:
            db.session.rollback()
            errors = error.fields
            form.form_errors.append(_("Please correct the fields marked below."))
        else:
            flash(_("Your request was sent. The group's approvers will answer by mail."), "success")
            return redirect(url_for("membership.detail", request_id=join_request.id))
    status = 422 if form.form_errors else 200
    return render_template(
        "membership/ask.html",
        group=group,
        questions=questions,
        form=form,
        errors=errors,
        values=request.form,
        existing=existing,
        already_member=group.id in membership.my_group_ids(current_user),
    ), status


@bp.route("/groups/<slug>/join-requests")
@login_required
def queue(slug: str):
    group = _group(slug)
    if not can_decide_join_requests(current_user, group):
        abort(404)
    status = request.args.get("status", "pending")
    if status not in JoinRequestStatus.__members__:
        status = "pending"
    page, per_page = page_args(request.args)
    pagination = db.paginate(
        membership.queue_query(current_user, group, status), page=page, per_page=per_page, error_out=False
    )
    return render_template(
        "membership/queue.html",
        group=group,
        pagination=pagination,
        status=status,
        form=ConfirmForm(),
        weekdays=_weekday_labels(),
        chosen=membership.approver_weekdays(current_user, group),
    )


@bp.route("/groups/<slug>/join-requests/digest-days", methods=["POST"])
@login_required
def digest_days(slug: str):
    group = _group(slug)
    if not can_decide_join_requests(current_user, group):
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        membership.set_digest_weekdays(current_user, group, request.form.getlist("weekday"))
        flash(_("Your digest days are saved."), "success")
    return redirect(url_for("membership.queue", slug=group.slug))


@bp.route("/join-requests/<int:request_id>")
@login_required
def detail(request_id: int):
    join_request = membership.get_request(current_user, request_id)
    return _render_detail(join_request)


def _render_detail(join_request, form=None, status: int = 200, message: str | None = None):
    group = join_request.group
    settings = membership.settings_of(group)
    actions = membership.allowed_actions(current_user, join_request)
    if message is None:
        message = settings.approve_template or membership.default_template(
            "approve", join_request.user.locale
        )
    return render_template(
        "membership/detail.html",
        join_request=join_request,
        group=group,
        actions=actions,
        questions=membership.questions_of(settings),
        form=form or ConfirmForm(),
        show_birth_date=may_see_birth_date(current_user, join_request),
        approve_template=settings.approve_template
        or membership.default_template("approve", join_request.user.locale),
        decline_template=settings.decline_template
        or membership.default_template("decline", join_request.user.locale),
        message=message,
    ), status


@bp.route("/join-requests/<int:request_id>/<any(approve, decline, withdraw):action>", methods=["POST"])
@login_required
def decide(request_id: int, action: str):
    join_request = membership.get_request(current_user, request_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _render_detail(join_request, form, 400)
    message = request.form.get("message", "")
    try:
        if action == "withdraw":
            membership.withdraw(current_user, join_request)
        else:
            service = membership.approve if action == "approve" else membership.decline
            service(current_user, join_request, message)
    except Conflict as error:
        # Answered by another approver (or withdrawn) meanwhile: say so, on the page.
        db.session.rollback()
        join_request = membership.get_request(current_user, request_id)
        form.form_errors.append(error.message)
        return _render_detail(join_request, form, 409, message)
    except Invalid as error:
        db.session.rollback()
        join_request = membership.get_request(current_user, request_id)
        form.show_errors(error)
        return _render_detail(join_request, form, 422, message)
    flash(
        {
            "approve": _("Approved: a welcome mail is on its way."),
            "decline": _("Declined: the person is told by mail."),
            "withdraw": _("Your request is withdrawn."),
        }[action],
        "success",
    )
    if action == "withdraw":
        return redirect(url_for("membership.how_to_join"))
    return redirect(url_for("membership.queue", slug=join_request.group.slug))


@bp.route("/groups/<slug>/join-settings", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    group = groups.get_group(current_user, slug)
    if not can_manage_group(current_user, group):
        abort(403)
    form = ConfirmForm()
    current = membership.settings_of(group)
    errors: dict[str, list[str]] = {}
    values = None
    if request.method == "POST" and form.validate_on_submit():
        values = {
            "is_open": request.form.get("is_open") == "1",
            "builtin": request.form.getlist("builtin"),
            "custom": request.form.get("custom", ""),
            "founding_statement_url": request.form.get("founding_statement_url", ""),
            "approve_template": request.form.get("approve_template", ""),
            "decline_template": request.form.get("decline_template", ""),
            "approvers": request.form.getlist("approvers"),
        }
        try:
            membership.update_settings(current_user, group, values)
        except Invalid as error:
            db.session.rollback()
            errors = error.fields
            form.form_errors.append(_("Please correct the fields marked below."))
        else:
            flash(_("The join settings are saved."), "success")
            return redirect(url_for("membership.settings", slug=group.slug))
    if values is None:
        keys = [q["key"] for q in current.questions or []]
        values = {
            "is_open": current.is_open,
            "builtin": [k for k in keys if not k.startswith("custom_")],
            "custom": "\n".join(
                q.get("label", "") for q in current.questions or [] if q.get("key", "").startswith("custom_")
            ),
            "founding_statement_url": current.founding_statement_url,
            "approve_template": current.approve_template
            or membership.default_template("approve", current_user.locale),
            "decline_template": current.decline_template
            or membership.default_template("decline", current_user.locale),
            "approvers": [str(u) for u in join_approver_ids(group)],
        }
    return render_template(
        "membership/settings.html",
        group=group,
        form=form,
        errors=errors,
        values=values,
        builtin=membership.BUILTIN_QUESTIONS,
        operators=groups.group_operators(group),
    ), (422 if errors else 200)


@bp.route("/groups/<slug>/members")
@login_required
def members(slug: str):
    group = groups.get_group(current_user, slug)
    page, per_page = page_args(request.args)
    pagination = db.paginate(
        membership.group_members_query(current_user, group), page=page, per_page=per_page, error_out=False
    )
    return render_template(
        "membership/members.html",
        group=group,
        pagination=pagination,
        is_mine=group.id in membership.my_group_ids(current_user),
    )


@bp.route("/groups/<slug>/introduction", methods=["GET", "POST"])
@login_required
def introduction(slug: str):
    group = groups.get_group(current_user, slug)
    own = membership.own_membership(current_user, group)
    form = ConfirmForm()
    errors: dict[str, list[str]] = {}
    text = own.self_introduction
    if request.method == "POST" and form.validate_on_submit():
        text = request.form.get("text", "")
        try:
            membership.save_self_introduction(current_user, group, text)
        except Invalid as error:
            db.session.rollback()
            errors = error.fields
        else:
            flash(_("Your self-introduction is on the group's member page."), "success")
            return redirect(url_for("membership.members", slug=group.slug))
    return render_template(
        "membership/introduction.html", group=group, form=form, errors=errors, text=text
    ), (422 if errors else 200)


@bp.app_context_processor
def join_helpers():
    def join_links(group: AlumniGroup) -> membership.JoinActions:
        return membership.join_actions(current_user, group)

    return {"join_links": join_links}

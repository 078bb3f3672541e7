"""Administration: people and roles, and the mail outbox."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectField, StringField, SubmitField

from federation.errors import Conflict
from federation.extensions import db
from federation.forms.base import BaseForm, ConfirmForm, choices, max_length, required, submit
from federation.labels import ROLE_LABELS
from federation.models import MailStatus, OutboxMail, Role, User, limits
from federation.pagination import page_args
from federation.security_log import log_event
from federation.services import admin
from federation.services.accounts import administration
from federation.services.mail import retry_mail

bp = Blueprint("admin", __name__)


class RemoveAccountForm(BaseForm):
    confirm_email = StringField(
        _l("Type the account's email address to confirm"), validators=[required(), max_length(limits.EMAIL)]
    )
    submit = SubmitField(_l("Remove the account"))


class RoleForm(BaseForm):
    role = SelectField(_l("Role"), choices=choices((r.value, ROLE_LABELS[r]) for r in Role))
    submit = SubmitField(_l("Change role"))


@bp.before_request
@login_required
def require_admin():
    admin.require_admin(current_user)


@bp.route("/")
def index():
    return redirect(url_for("admin.users"))


@bp.route("/users")
def users():
    q = request.args.get("q", "")
    page, per_page = page_args(request.args)
    pagination = db.paginate(admin.users_query(q), page=page, per_page=per_page, error_out=False)
    return render_template("admin/users.html", pagination=pagination, q=q, form_class=RoleForm)


@bp.route("/users/<int:user_id>/role", methods=["POST"])
def set_role(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm()
    if form.validate_on_submit():
        administration.grant_role(current_user, user, Role(form.role.data))
        flash(_("%(name)s is now: %(role)s", name=user.display_name, role=ROLE_LABELS[user.role]), "success")
    return redirect(url_for("admin.users", q=request.args.get("q", "")))


@bp.route("/users/<int:user_id>")
def user_detail(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    return render_template(
        "admin/user_detail.html", user=user, form=ConfirmForm(), remove_form=RemoveAccountForm()
    )


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            administration.deactivate_account(current_user, user)
        except Conflict as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("admin.user_detail", user_id=user.id))
        flash(
            _(
                "%(name)s's account is deactivated: signed out everywhere, API tokens revoked.",
                name=user.display_name,
            ),
            "success",
        )
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
def reactivate(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            administration.reactivate_account(current_user, user)
        except Conflict as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("admin.user_detail", user_id=user.id))
        flash(_("%(name)s's account is active again.", name=user.display_name), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/remove", methods=["POST"])
def remove(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RemoveAccountForm()
    done, _r = submit(
        form, lambda: administration.remove_account(current_user, user, form.confirm_email.data)
    )
    if done:
        flash(_("The account is removed."), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_detail.html", user=user, form=ConfirmForm(), remove_form=form), 422


@bp.route("/outbox")
def outbox():
    status = request.args.get("status", "")
    page, per_page = page_args(request.args)
    pagination = db.paginate(admin.outbox_query(status), page=page, per_page=per_page, error_out=False)
    return render_template(
        "admin/outbox.html", pagination=pagination, status=status, statuses=list(MailStatus)
    )


@bp.route("/outbox/<int:mail_id>")
def outbox_detail(mail_id: int):
    mail = db.session.get(OutboxMail, mail_id) or abort(404)
    return render_template("admin/outbox_detail.html", mail=mail, retry_form=ConfirmForm())


@bp.route("/outbox/<int:mail_id>/retry", methods=["POST"])
def outbox_retry(mail_id: int):
    mail = db.session.get(OutboxMail, mail_id) or abort(404)
    # A mail that is no longer waiting (sent meanwhile) is a conflict, shown on
    # the mail's page (submit carries it to the redirect).
    done, _r = submit(ConfirmForm(), lambda: retry_mail(current_user, mail))
    if done:
        log_event("admin.mail_retried", kind=mail.template)
        flash(_("The mail is queued again."), "success")
    return redirect(url_for("admin.outbox_detail", mail_id=mail.id))

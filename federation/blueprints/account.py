"""The signed-in person's own account: profile, email, password, tokens."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from federation.forms.account import (
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
    ProfileForm,
    TokenForm,
)
from federation.forms.base import ConfirmForm, submit
from federation.security import renew_session
from federation.security_log import log_event
from federation.services import accounts, groups, privacy

bp = Blueprint("account", __name__)


@bp.before_request
@login_required
def require_login():
    pass


@bp.route("/", methods=["GET", "POST"])
def profile():
    form = ProfileForm(obj=current_user)
    done, _r = submit(
        form,
        lambda: accounts.update_profile(
            current_user,
            family_name=form.family_name.data,
            given_name=form.given_name.data,
            family_name_kana=form.family_name_kana.data,
            given_name_kana=form.given_name_kana.data,
            self_introduction=form.self_introduction.data or "",
            name_order=form.name_order.data,
        ),
    )
    if done:
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("account.profile"))
    return render_template(
        "account/profile.html",
        form=form,
        resend_form=ConfirmForm(),
        my_groups=groups.groups_operated_by(current_user),
    )


@bp.route("/resend-verification", methods=["POST"])
def resend_verification():
    form = ConfirmForm()
    if form.validate_on_submit() and not current_user.is_verified:
        accounts.send_verification(current_user, current_user.email)
        # (At most RATELIMIT_VERIFICATION_MAILS per account: beyond, nothing
        # more is sent and the message stays the same.)
        flash(_("A new confirmation link is on its way to %(email)s.", email=current_user.email), "info")
    return redirect(url_for("account.profile"))


@bp.route("/password", methods=["GET", "POST"])
def password():
    form = ChangePasswordForm()

    def change():
        user = current_user._get_current_object()
        accounts.change_password(user, form.current_password.data, form.new_password.data)
        # Every session ended, this one too; this browser gets a fresh one.
        accounts.start_login_session(user, request.user_agent.string)
        return user

    done, user = submit(form, change)
    if done:
        login_user(user)
        flash(_("Your password is changed. Other browsers have been signed out."), "success")
        return redirect(url_for("account.profile"))
    return render_template("account/password.html", form=form)


@bp.route("/email", methods=["GET", "POST"])
def email():
    form = ChangeEmailForm()
    done, _r = submit(
        form, lambda: accounts.request_email_change(current_user, form.new_email.data, form.password.data)
    )
    if done:
        flash(
            _(
                "Open the link we sent to %(email)s to confirm the new address.",
                email=form.new_email.data.strip(),
            ),
            "info",
        )
        return redirect(url_for("account.profile"))
    return render_template("account/email.html", form=form)


@bp.route("/tokens", methods=["GET", "POST"])
def tokens():
    form = TokenForm()
    done, created = submit(form, lambda: accounts.create_api_token(current_user, form.name.data))
    new_token = created[1] if done else None
    if done:
        form = TokenForm(formdata=None)
    return render_template(
        "account/tokens.html",
        form=form,
        new_token=new_token,
        tokens=accounts.active_api_tokens(current_user),
        revoke_form=ConfirmForm(),
    )


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        token = accounts.revoke_api_token(current_user, token_id)
        flash(_("The token “%(name)s” is revoked.", name=token.name), "success")
    return redirect(url_for("account.tokens"))


@bp.route("/sessions")
def sessions():
    return render_template(
        "account/sessions.html",
        sessions=accounts.login_sessions_of(current_user),
        current_id=current_user.current_session_id,
        form=ConfirmForm(),
    )


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
def end_session(session_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        accounts.end_my_login_session(current_user, session_id)
        if session_id == current_user.current_session_id:
            logout_user()
            return redirect(url_for("auth.login"))
        flash(_("That browser is signed out."), "success")
    return redirect(url_for("account.sessions"))


@bp.route("/sessions/end-all", methods=["POST"])
def end_all_sessions():
    form = ConfirmForm()
    if form.validate_on_submit():
        accounts.sign_out_everywhere(current_user)
        logout_user()
        renew_session()
        flash(_("You are signed out everywhere, this browser too."), "success")
        return redirect(url_for("auth.login"))
    return redirect(url_for("account.sessions"))


@bp.route("/data", methods=["GET"])
def data():
    return render_template("account/data.html", export_form=ConfirmForm(), delete_form=DeleteAccountForm())


@bp.route("/data/export", methods=["POST"])
def export_data():
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("account.data"))
    document = privacy.export_personal_data(current_user)
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="federation-my-data.json"'},
    )


@bp.route("/data/delete", methods=["POST"])
def delete_account():
    form = DeleteAccountForm()
    user = current_user._get_current_object()
    user_id = user.id
    done, _r = submit(form, lambda: privacy.delete_account(user, form.password.data))
    if done:
        log_event("account.deleted", user_id=user_id)
        logout_user()
        renew_session()
        flash(_("Your account is deleted. Thank you for taking part."), "success")
        return redirect(url_for("main.home"))
    return render_template("account/data.html", export_form=ConfirmForm(), delete_form=form), 422

"""Registration, email verification, sign-in and out, password reset.

Verification and reset links carry their token in the URL fragment
(`/auth/reset#TOKEN`): browsers never send a fragment to the server, so the
token cannot reach an access log (ours, a proxy's) or a Referer header. The
page copies it into its POST form (static/js/token.js); without JavaScript
the person pastes it into the field shown instead.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from federation import devices
from federation.errors import Invalid
from federation.extensions import db, limiter
from federation.forms.account import (
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    VerifyForm,
)
from federation.forms.base import ConfirmForm, submit
from federation.i18n import current_locale
from federation.ratelimits import setting
from federation.security import renew_session, safe_redirect_target
from federation.security_log import log_event
from federation.services import accounts

bp = Blueprint("auth", __name__)


def _posted_account() -> str:
    # A second limit per target account, so one account cannot be guessed at
    # from many addresses.
    return "login-account:" + devices.account_key(request.form.get("email") or "")


def _only_post() -> bool:
    return request.method != "POST"


def _only_post_from_unknown_device() -> bool:
    """The per-account limit spares browsers that signed into this account
    before: others' failures cannot lock the owner out."""
    return _only_post() or devices.knows(request, request.form.get("email") or "")


def _failed(response) -> bool:
    # Only failed attempts count: a successful sign-in is a redirect.
    return response.status_code != 302


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(setting("RATELIMIT_REGISTER"), exempt_when=_only_post)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    done, _user = submit(
        form,
        lambda: accounts.register_user(
            email=form.email.data,
            password=form.password.data,
            family_name=form.family_name.data,
            given_name=form.given_name.data,
            family_name_kana=form.family_name_kana.data,
            given_name_kana=form.given_name_kana.data,
            locale=current_locale(),
            name_order=form.name_order.data,
        ),
    )
    if done:
        return redirect(url_for("auth.check_mail"))
    return render_template("auth/register.html", form=form)


@bp.route("/check-mail")
def check_mail():
    return render_template("auth/check_mail.html")


@bp.route("/verify", methods=["GET", "POST"])
def verify():
    # A GET only shows a button: mail scanners that open links must not use up
    # the token.
    form = VerifyForm()
    if form.validate_on_submit():
        try:
            user = accounts.verify_email(form.token.data)
        except Invalid as error:
            db.session.rollback()
            return render_template("auth/verify.html", form=None, error=error.message), 400
        log_event("email.verified", user=user)
        flash(_("Your email address is confirmed."), "success")
        return redirect(url_for("main.home") if current_user.is_authenticated else url_for("auth.login"))
    return render_template("auth/verify.html", form=form, error=None)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(setting("RATELIMIT_LOGIN"), exempt_when=_only_post, deduct_when=_failed)
@limiter.limit(
    setting("RATELIMIT_LOGIN_ACCOUNT"),
    exempt_when=_only_post_from_unknown_device,
    deduct_when=_failed,
    key_func=_posted_account,
)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    done, user = submit(
        form, lambda: accounts.sign_in(form.email.data, form.password.data, request.user_agent.string)
    )
    if done:
        target = safe_redirect_target(form.next.data, url_for("main.home"))
        renew_session()
        login_user(user)
        log_event("login.success", user=user)
        response = redirect(target)
        devices.remember(response, request, user.email)
        return response
    if request.method == "POST":
        known = accounts.find_user_by_email(form.email.data or "")
        log_event("login.failure", user_id=None, target_user_id=known.id if known is not None else None)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    form = ConfirmForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        user_id = current_user.id
        accounts.end_login_session(current_user.current_session_key)
        logout_user()
        renew_session()
        log_event("logout", user_id=user_id)
        flash(_("You have signed out."), "success")
    return redirect(url_for("main.home"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(setting("RATELIMIT_PASSWORD_RESET"), exempt_when=_only_post)
def forgot_password():
    form = ForgotPasswordForm()
    done, _result = submit(form, lambda: accounts.request_password_reset(form.email.data))
    if done:
        flash(_("If the address has an account, a reset link is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(setting("RATELIMIT_PASSWORD_RESET"), exempt_when=_only_post)
def reset_password():
    form = ResetPasswordForm()
    done, user = submit(form, lambda: accounts.reset_password(form.token.data, form.password.data))
    if done:
        logout_user()
        renew_session()
        log_event("password.reset", user=user)
        flash(_("Your password is changed. Sign in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)

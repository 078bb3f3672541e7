"""Registration, email verification, sign-in and out, password reset."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from federation.errors import Invalid
from federation.extensions import db, limiter
from federation.forms.account import (ConfirmForm, ForgotPasswordForm, LoginForm, RegisterForm,
                                      ResetPasswordForm)
from federation.forms.base import submit
from federation.i18n import current_locale
from federation.security import is_safe_redirect
from federation.services import accounts

bp = Blueprint("auth", __name__)


def _limit(name: str):
    return lambda: current_app.config[name]


def _posted_email() -> str:
    # A second limit per target address, so one account cannot be guessed at
    # from many addresses.
    return "login-email:" + (request.form.get("email") or "").strip().lower()


def _only_post() -> bool:
    return request.method != "POST"


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_REGISTER"), exempt_when=_only_post)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    done, _user = submit(form, lambda: accounts.register_user(
        email=form.email.data, password=form.password.data,
        family_name=form.family_name.data, given_name=form.given_name.data,
        family_name_kana=form.family_name_kana.data,
        given_name_kana=form.given_name_kana.data, locale=current_locale(),
        name_order=form.name_order.data,
    ))
    if done:
        return redirect(url_for("auth.check_mail"))
    return render_template("auth/register.html", form=form)


@bp.route("/check-mail")
def check_mail():
    return render_template("auth/check_mail.html")


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify(token: str):
    # A GET only shows a button: mail scanners that open links must not use up
    # the token.
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            accounts.verify_email(token)
        except Invalid as error:
            db.session.rollback()
            return render_template("auth/verify.html", form=None, error=error.message), 400
        db.session.commit()
        flash(_("Your email address is confirmed."), "success")
        return redirect(url_for("main.home") if current_user.is_authenticated
                        else url_for("auth.login"))
    return render_template("auth/verify.html", form=form, error=None)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_LOGIN"), exempt_when=_only_post)
@limiter.limit(_limit("RATELIMIT_LOGIN"), exempt_when=_only_post, key_func=_posted_email)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    done, user = submit(form, lambda: accounts.sign_in(
        form.email.data, form.password.data, request.user_agent.string))
    if done:
        login_user(user)
        target = form.next.data
        if not is_safe_redirect(target, request.host_url):
            target = url_for("main.home")
        return redirect(target)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    form = ConfirmForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        accounts.end_login_session(current_user.current_session_key)
        db.session.commit()
        logout_user()
        flash(_("You have signed out."), "success")
    return redirect(url_for("main.home"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_PASSWORD_RESET"), exempt_when=_only_post)
def forgot_password():
    form = ForgotPasswordForm()
    done, _result = submit(form, lambda: accounts.request_password_reset(form.email.data))
    if done:
        flash(_("If the address has an account, a reset link is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_PASSWORD_RESET"), exempt_when=_only_post)
def reset_password(token: str):
    form = ResetPasswordForm()
    done, _user = submit(form, lambda: accounts.reset_password(token, form.password.data))
    if done:
        logout_user()
        flash(_("Your password is changed. Sign in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)

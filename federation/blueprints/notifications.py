"""The inbox: my notifications, and how I want to get each kind of them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from federation.extensions import db
from federation.forms.base import ConfirmForm, submit
from federation.forms.notifications import settings_form
from federation.labels import DELIVERY_LABELS
from federation.links import site_path
from federation.models import limits
from federation.pagination import page_args
from federation.security import is_safe_redirect
from federation.services import notifications as service

bp = Blueprint("notifications", __name__)


def _unread() -> int:
    # Read with the sign-in (User.loaded_unread): the badge and the inbox
    # cost no query of their own.
    return service.unread_count(current_user)


@bp.app_context_processor
def unread_notifications():
    # A callable, so the count is asked only by pages that show it.
    return {"unread_notifications": _unread}


@bp.app_template_filter("unread")
def unread_shown(count: int) -> str:
    """The unread count as the badge and the inbox show it: counted up to a
    bound, "99+" beyond."""
    return f"{limits.UNREAD_COUNTED}+" if count > limits.UNREAD_COUNTED else str(count)


@bp.before_request
@login_required
def require_login():
    pass


@bp.route("/")
def inbox():
    unread_only = request.args.get("show") == "unread"
    page, per_page = page_args(request.args)
    pagination = db.paginate(
        service.inbox_query(current_user, unread_only), page=page, per_page=per_page, error_out=False
    )
    return render_template(
        "notifications/inbox.html",
        pagination=pagination,
        unread_only=unread_only,
        form=ConfirmForm(),
        unread=_unread(),
    )


@bp.route("/<int:notification_id>")
def detail(notification_id: int):
    """Reading a notification marks it read, like opening a mail."""
    row = service.mark_read(current_user, notification_id)
    return render_template("notifications/detail.html", item=row, local_link=_local(row.link))


@bp.route("/<int:notification_id>/read", methods=["POST"])
def read(notification_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        row = service.mark_read(current_user, notification_id)
        if request.form.get("open") and row.link:
            return redirect(_local(row.link))
    return redirect(url_for("notifications.inbox"))


@bp.route("/read-all", methods=["POST"])
def read_all():
    form = ConfirmForm()
    if form.validate_on_submit():
        count = service.mark_all_read(current_user)
        flash(_("%(n)d notification(s) marked as read.", n=count), "success")
    return redirect(url_for("notifications.inbox"))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    form = settings_form(service.KINDS, service.preferences(current_user))
    done, _r = submit(form, lambda: service.set_preferences(current_user, form.values()))
    if done:
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    sections: dict = {}
    for kind in service.KINDS.values():
        sections.setdefault(str(kind.section), []).append((kind, form[kind.name]))
    return render_template(
        "notifications/settings.html", form=form, sections=sections, labels=DELIVERY_LABELS
    )


def _local(link: str) -> str:
    """The path of a notification's link on this site (links are stored
    absolute, from the configured external URL); anything else goes to the inbox."""
    path = site_path(link)
    if path is not None and is_safe_redirect(path, request.host_url):
        return path
    return url_for("notifications.inbox")

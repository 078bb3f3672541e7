"""The home page and the language switch."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user

from federation import listcache
from federation.forms.account import LanguageForm
from federation.security import is_safe_redirect
from federation.services import accounts, groups

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    def build() -> tuple[str, str]:
        overview = groups.federation_overview(current_user)
        return (
            render_template("main/_stats.html", overview=overview),
            render_template("main/_tiles.html", overview=overview),
        )

    # The numbers and the first groups are the same for every visitor (or
    # every member); the greeting around them is the viewer's own.
    stats, tiles = listcache.page_parts(groups.HOME_LIST, groups.registry_scope(current_user), build)
    return render_template("main/home.html", stats=stats, tiles=tiles)


@bp.route("/language", methods=["POST"])
def language():
    form = LanguageForm()
    target = form.next.data if is_safe_redirect(form.next.data, request.host_url) else url_for("main.home")
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            accounts.set_locale(current_user, form.locale.data)
    return redirect(target)


@bp.route("/healthz")
def health():
    """The process answers (for the load balancer's liveness check)."""
    return {"status": "ok"}


@bp.route("/readyz")
def ready():
    """Database and job queue reachable, migrations at head: 200, else 503."""
    from federation.services.operations import readiness

    checks = readiness()
    ok = all(check["ok"] for check in checks.values())
    return {"status": "ok" if ok else "unavailable", "checks": checks}, 200 if ok else 503

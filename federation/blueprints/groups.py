"""The registry of member groups: list, profile page, editing, CSV export."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from federation import listcache
from federation.csvfiles import csv_response
from federation.forms.base import submit
from federation.forms.registry import AssetForm, GroupForm
from federation.guards import parse_id
from federation.models import AssetKind, GovernanceType, NeedPair
from federation.pagination import page_args
from federation.permissions import can_export_registry, can_manage_group, is_member
from federation.services import assets, groups
from federation.services.groups import page as group_pages

bp = Blueprint("groups", __name__)


def _filters() -> dict:
    args = request.args
    maturity = args.get("maturity", "")
    return {
        "q": args.get("q", "")[:100],
        "governance": args.get("governance", ""),
        "maturity": parse_id(maturity),
        "need": args.get("need", ""),
        "has_venue": args.get("has_venue") == "1",
        "has_speaker": args.get("has_speaker") == "1",
        "sort": args.get("sort", "kana") if args.get("sort") in groups.SORTS else "kana",
    }


@bp.route("/")
@login_required
def list():
    filters = _filters()
    page, per_page = page_args(request.args)
    can_export = can_export_registry(current_user)

    def build() -> str:
        pagination = groups.registry_page(current_user, page, per_page, **filters)
        url_args = {
            k: (int(v) if isinstance(v, bool) else v)
            for k, v in filters.items()
            if v not in (None, "", False)
        }
        return render_template(
            "groups/_registry.html",
            pagination=pagination,
            filters=filters,
            url_args=url_args,
            governance_types=GovernanceType,
            need_pairs=NeedPair,
            can_export=can_export,
        )

    scope = (*groups.registry_scope(current_user), can_export)
    body = listcache.page(groups.REGISTRY_LIST, scope, build)
    return render_template("groups/list.html", body=body)


@bp.route("/export.csv")
@login_required
def export():
    body = groups.export_registry_csv(current_user)
    return csv_response(body, "registry.csv")


@bp.route("/<slug>")
def detail(slug: str):
    if not is_member(current_user):
        return render_template("groups/public.html", group=groups.get_group(current_user, slug))
    page = group_pages.group_page(current_user, slug)
    return render_template(
        "groups/detail.html",
        group=page.group,
        operators=page.operators,
        assets=page.assets,
        balance=page.balance,
        can_manage=page.can_manage,
        joining=page.joining,
        kinds=AssetKind,
        upcoming_events=page.upcoming_events,
        endorsements=page.endorsements,
    )


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    group = groups.get_group(current_user, slug)
    if not can_manage_group(current_user, group):
        abort(403)
    form = GroupForm(obj=group)
    if request.method == "GET":
        form.governance_type.data = group.governance_type.value
        form.revenue_model.data = group.revenue_model.value if group.revenue_model else ""
        form.need_pairs.data = [n.value for n in group.need_pairs]
    done, _r = submit(form, lambda: groups.update_group(current_user, group, form.service_data()))
    if done:
        flash(_("The profile is saved."), "success")
        return redirect(url_for("groups.detail", slug=group.slug))
    return render_template("groups/edit.html", group=group, form=form)


@bp.route("/<slug>/assets/new", methods=["GET", "POST"])
@login_required
def new_asset(slug: str):
    group = groups.get_group(current_user, slug)
    if not can_manage_group(current_user, group):
        abort(403)
    kind = request.args.get("kind", "venue")
    if kind not in AssetKind.__members__:
        abort(404)
    form = AssetForm()
    done, asset = submit(
        form, lambda: assets.create_asset(current_user, group, kind, form.service_data(kind))
    )
    if done:
        flash(_("The asset is listed."), "success")
        return redirect(url_for("assets.detail", asset_id=asset.id))
    return render_template("assets/edit.html", group=group, form=form, kind=kind, asset=None)

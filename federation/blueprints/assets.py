"""Shared assets across groups, requests to use them, and venue photos."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from federation import listcache
from federation.extensions import db
from federation.forms.base import ConfirmForm, choices, flash_errors, submit
from federation.forms.registry import AnswerForm, AssetForm, PhotoForm, RequestForm
from federation.guards import parse_id
from federation.i18n import current_locale
from federation.models import AssetKind, AssetStatus, RequestStatus, SharedAsset, limits
from federation.models.base import TOKYO
from federation.pagination import page_args
from federation.permissions import can_manage_group
from federation.services import assets, groups, uploads

bp = Blueprint("assets", __name__)


@bp.before_request
@login_required
def require_login():
    pass


@bp.route("/")
def list():
    args = request.args
    capacity = args.get("capacity", "")
    filters = {
        "kind": args.get("kind", ""),
        # The API's bounds (schemas/registry.py AssetQuerySchema), as cuts.
        "q": args.get("q", "")[: limits.SEARCH_QUERY],
        "area": args.get("area", "")[: limits.AREA],
        "topic": args.get("topic", "")[: limits.SEARCH_QUERY],
        "min_capacity": parse_id(capacity),
        "group": args.get("group", "")[: limits.GROUP_SLUG],
    }
    page, per_page = page_args(args)

    def build() -> str:
        pagination = db.paginate(
            assets.assets_query(current_user, **filters), page=page, per_page=per_page, error_out=False
        )
        url_args = {("capacity" if k == "min_capacity" else k): v for k, v in filters.items() if v}
        return render_template(
            "assets/_catalogue.html",
            pagination=pagination,
            filters=filters,
            url_args=url_args,
            kinds=AssetKind,
        )

    body = listcache.page(assets.CATALOGUE_LIST, assets.catalogue_scope(current_user), build)
    return render_template("assets/list.html", body=body)


def _request_form(asset) -> RequestForm:
    form = RequestForm()
    mine = [g for g in groups.groups_operated_by(current_user) if g.id != asset.group_id]
    form.group.choices = choices((g.slug, g.name_for(current_user.locale)) for g in mine)
    return form


@bp.route("/<int:asset_id>")
def detail(asset_id: int):
    asset = assets.get_asset(current_user, asset_id)
    manage = can_manage_group(current_user, asset.group)
    bookings = assets.venue_bookings(asset) if asset.kind == AssetKind.venue else []
    return render_template(
        "assets/detail.html",
        asset=asset,
        can_manage=manage,
        bookings=bookings,
        request_form=_request_form(asset),
        photo_form=PhotoForm(),
        confirm_form=ConfirmForm(),
    )


@bp.route("/<int:asset_id>/edit", methods=["GET", "POST"])
def edit(asset_id: int):
    asset = assets.get_asset(current_user, asset_id)
    if not can_manage_group(current_user, asset.group):
        abort(403)
    form = AssetForm(obj=asset)
    kind = asset.kind.value
    if request.method == "GET":
        form.availability.data = assets.format_availability(asset.availability, current_locale())
        form.blocked_dates.data = "\n".join(asset.blocked_dates or [])
        form.channel_type.data = asset.channel_type.value if asset.channel_type else ""
        form.content_type.data = asset.content_type.value if asset.content_type else ""
        form.consent_confirmed.data = asset.consent_confirmed_at is not None
    done, _r = submit(form, lambda: assets.update_asset(current_user, asset, form.service_data(kind)))
    if done:
        flash(_("The asset is saved."), "success")
        return redirect(url_for("assets.detail", asset_id=asset.id))
    return render_template("assets/edit.html", group=asset.group, form=form, kind=kind, asset=asset)


@bp.route("/<int:asset_id>/pause", methods=["POST"])
def pause(asset_id: int):
    asset = assets.get_asset(current_user, asset_id)
    if not can_manage_group(current_user, asset.group):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        assets.set_paused(current_user, asset, paused=asset.is_active)
        flash(
            _("The asset is paused.") if not asset.is_active else _("The asset is available again."),
            "success",
        )
    return redirect(url_for("assets.detail", asset_id=asset.id))


@bp.route("/<int:asset_id>/delete")
def confirm_delete(asset_id: int):
    """The step before removing an asset: what happens to its requests."""
    from sqlalchemy import func, select

    from federation.models import AssetRequest, RequestStatus

    asset = assets.get_asset(current_user, asset_id)
    if not can_manage_group(current_user, asset.group):
        abort(403)
    waiting = db.session.scalar(
        select(func.count(AssetRequest.id)).where(
            AssetRequest.asset_id == asset.id, AssetRequest.status == RequestStatus.pending
        )
    )
    consequences = [
        _("The asset leaves the registry and the search; its past requests stay in the give-first balance.")
    ]
    if waiting:
        consequences.append(
            _("%(n)d waiting request(s) are declined and the requesting groups told.", n=waiting)
        )
    return render_template(
        "confirm.html",
        heading=_("Remove “%(title)s”?", title=asset.title),
        consequences=consequences,
        button=_("Remove"),
        action_url=url_for("assets.delete", asset_id=asset.id),
        back_url=url_for("assets.detail", asset_id=asset.id),
    )


@bp.route("/<int:asset_id>/delete", methods=["POST"])
def delete(asset_id: int):
    removed = db.session.get(SharedAsset, asset_id)
    if (
        removed is not None
        and removed.status == AssetStatus.removed
        and can_manage_group(current_user, removed.group)
    ):
        # Removed already (a second click, or another operator): say so on the group's page.
        flash(_("This asset was already removed."), "error")
        return redirect(url_for("groups.detail", slug=removed.group.slug))
    asset = assets.get_asset(current_user, asset_id)
    if not can_manage_group(current_user, asset.group):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        assets.remove_asset(current_user, asset)
        flash(_("The asset is removed."), "success")
    return redirect(url_for("groups.detail", slug=asset.group.slug))


@bp.route("/<int:asset_id>/request", methods=["POST"])
def request_asset(asset_id: int):
    asset = assets.get_asset(current_user, asset_id)
    form = _request_form(asset)
    if not form.group.choices:
        abort(403)

    def send():
        group = groups.get_group(current_user, form.group.data)
        local = [
            value.replace(tzinfo=TOKYO) if value else None
            for value in (form.starts_at.data, form.ends_at.data)
        ]
        return assets.request_asset(
            current_user,
            asset,
            group,
            message=form.message.data,
            joint_event=form.joint_event.data or "",
            starts_at=local[0],
            ends_at=local[1],
        )

    done, _r = submit(form, send)
    if done:
        flash(_("Your request is sent. The group's operators will answer by mail."), "success")
        return redirect(url_for("assets.requests", box="outgoing"))
    manage = can_manage_group(current_user, asset.group)
    bookings = assets.venue_bookings(asset) if asset.kind == AssetKind.venue else []
    return render_template(
        "assets/detail.html",
        asset=asset,
        can_manage=manage,
        bookings=bookings,
        request_form=form,
        photo_form=PhotoForm(),
        confirm_form=ConfirmForm(),
    ), 422


@bp.route("/requests")
def requests():
    box = "outgoing" if request.args.get("box") == "outgoing" else "incoming"
    page, per_page = page_args(request.args)
    pagination = db.paginate(
        assets.requests_query(current_user, box), page=page, per_page=per_page, error_out=False
    )
    return render_template(
        "assets/requests.html",
        pagination=pagination,
        box=box,
        overlaps=assets.pending_overlaps(pagination.items) if box == "incoming" else {},
        answer_form=AnswerForm(),
        statuses=RequestStatus,
        actions_for=lambda r: assets.request_actions(current_user, r),
    )


ANSWERS = {
    "accept": assets.accept_request,
    "decline": assets.decline_request,
    "cancel": assets.cancel_request,
}


@bp.route("/requests/<int:request_id>/<any(accept, decline, cancel):answer>", methods=["POST"])
def answer(request_id: int, answer: str):
    asset_request = assets.get_request(current_user, request_id)
    form = AnswerForm()
    done, _r = submit(form, lambda: ANSWERS[answer](current_user, asset_request, form.message.data or ""))
    if done:
        flash(
            {
                "accept": _("The request is accepted."),
                "decline": _("The request is declined."),
                "cancel": _("The request is cancelled."),
            }[answer],
            "success",
        )
    else:
        flash_errors(form)
    box = "outgoing" if answer == "cancel" else "incoming"
    return redirect(url_for("assets.requests", box=box))


@bp.route("/<int:asset_id>/photos", methods=["POST"])
def upload_photo(asset_id: int):
    asset = assets.get_asset(current_user, asset_id)
    if not can_manage_group(current_user, asset.group):
        abort(403)
    form = PhotoForm()
    done, _r = submit(form, lambda: uploads.add_photo(current_user, asset, form.photo.data))
    if done:
        flash(_("The photo is added."), "success")
    else:
        flash_errors(form)
    return redirect(url_for("assets.detail", asset_id=asset.id))


@bp.route("/photos/<int:photo_id>")
def photo(photo_id: int):
    row = uploads.get_photo(current_user, photo_id)
    response = send_file(uploads.photo_path(row), mimetype=row.content_type, conditional=True, max_age=3600)
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

"""API: the registry of groups, shared assets and asset requests."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from federation.blueprints.api.base import authenticated, bp, cached_page, errors, paginate
from federation.errors import Invalid, NotFound
from federation.models import AlumniGroup
from federation.permissions import is_member
from federation.schemas.base import page_schema
from federation.schemas.registry import (
    AnswerSchema,
    AssetQuerySchema,
    AssetRequestCreateSchema,
    AssetRequestSchema,
    AssetSchema,
    AssetUpdateSchema,
    BoxQuerySchema,
    GroupQuerySchema,
    GroupSchema,
)
from federation.services import assets, groups


@bp.route("/groups", methods=["GET"])
@authenticated()
@bp.arguments(GroupQuerySchema, location="query")
@bp.response(200, page_schema(GroupSchema))
@errors(304, 422)
@bp.doc(summary="The registry of member groups", tags=["registry"])
def list_groups(args, actor):
    def build() -> dict:
        query = groups.registry_query(
            actor,
            q=args["q"],
            governance=args["governance"],
            maturity=args["maturity"],
            need=args["need"],
            has_venue=args["has_venue"],
            has_speaker=args["has_speaker"],
            sort=args["sort"],
        ).options(selectinload(AlumniGroup.member_counts))
        return paginate(query, args)

    return cached_page(groups.REGISTRY_LIST, groups.registry_scope(actor), page_schema(GroupSchema), build)


@bp.route("/groups/<slug>", methods=["GET"])
@authenticated()
@bp.response(200, GroupSchema)
@errors(304, 404)
@bp.doc(summary="A group's profile", tags=["registry"])
def get_group(slug, actor):
    return groups.get_group(actor, slug)


@bp.route("/groups/<slug>", methods=["PATCH"])
@authenticated()
@bp.arguments(GroupSchema(partial=True))
@bp.response(200, GroupSchema)
@errors(400, 403, 404, 422)
@bp.doc(summary="Edit a group's profile (its operators only)", tags=["registry"])
def update_group(data, slug, actor):
    group = groups.get_group(actor, slug)
    return groups.update_group(actor, group, data)


@bp.route("/assets", methods=["GET"])
@authenticated()
@bp.arguments(AssetQuerySchema, location="query")
@bp.response(200, page_schema(AssetSchema))
@errors(304, 404, 422)
@bp.doc(summary="Shared assets across groups", tags=["assets"])
def list_assets(args, actor):
    def build() -> dict:
        query = assets.assets_query(
            actor,
            kind=args["kind"],
            group=args["group"],
            q=args["q"],
            area=args["area"],
            topic=args["topic"],
            min_capacity=args["capacity"],
        )
        return paginate(query, args)

    return cached_page(assets.CATALOGUE_LIST, assets.catalogue_scope(actor), page_schema(AssetSchema), build)


@bp.route("/groups/<slug>/assets", methods=["POST"])
@authenticated()
@bp.arguments(AssetSchema)
@bp.response(201, AssetSchema)
@errors(400, 403, 404, 422)
@bp.doc(summary="Offer a shared asset", tags=["assets"])
def create_asset(data, slug, actor):
    group = groups.get_group(actor, slug)
    kind = data.pop("kind")
    data.pop("status", None)
    return assets.create_asset(actor, group, kind, data)


@bp.route("/assets/<int:asset_id>", methods=["GET"])
@authenticated()
@bp.response(200, AssetSchema)
@errors(304, 404)
@bp.doc(summary="One shared asset", tags=["assets"])
def get_asset(asset_id, actor):
    return assets.get_asset(actor, asset_id)


@bp.route("/assets/<int:asset_id>", methods=["PATCH"])
@authenticated()
@bp.arguments(AssetUpdateSchema(partial=True))
@bp.response(200, AssetSchema)
@errors(400, 403, 404, 422)
@bp.doc(summary="Edit, pause or resume an asset", tags=["assets"])
def update_asset(data, asset_id, actor):
    asset = assets.get_asset(actor, asset_id)
    return assets.update_asset(actor, asset, data)


@bp.route("/assets/<int:asset_id>", methods=["DELETE"])
@authenticated()
@bp.response(204)
@errors(403, 404)
@bp.doc(summary="Remove an asset", tags=["assets"])
def delete_asset(asset_id, actor):
    asset = assets.get_asset(actor, asset_id)
    assets.remove_asset(actor, asset)


@bp.route("/assets/<int:asset_id>/requests", methods=["POST"])
@authenticated()
@bp.arguments(AssetRequestCreateSchema, required=False)
@bp.response(201, AssetRequestSchema)
@errors(400, 403, 404, 409, 422)
@bp.doc(summary="Ask to use an asset (venues: with starts_at/ends_at)", tags=["assets"])
def request_asset(data, asset_id, actor):
    asset = assets.get_asset(actor, asset_id)
    slug = data.get("group")
    if slug:
        group = groups.get_group(actor, slug)
    else:
        mine = [g for g in groups.groups_operated_by(actor) if g.id != asset.group_id]
        if len(mine) != 1:
            raise Invalid(fields={"group": [_("Choose the group you ask for.")]})
        group = mine[0]
    return assets.request_asset(
        actor,
        asset,
        group,
        message=data["message"],
        joint_event=data["joint_event"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
    )


@bp.route("/asset-requests", methods=["GET"])
@authenticated()
@bp.arguments(BoxQuerySchema, location="query")
@bp.response(200, page_schema(AssetRequestSchema))
@errors(304, 404, 422)
@bp.doc(summary="Requests to (incoming) or from (outgoing) my groups", tags=["assets"])
def list_requests(args, actor):
    if not is_member(actor):
        raise NotFound()
    return paginate(assets.requests_query(actor, args["box"]), args)


def _answer(name: str, summary: str, service):
    @bp.route(f"/asset-requests/<int:request_id>/{name}", methods=["POST"], endpoint=f"{name}_request")
    @authenticated()
    @bp.arguments(AnswerSchema, required=False)
    @bp.response(200, AssetRequestSchema)
    @errors(400, 403, 404, 409, 422)
    @bp.doc(summary=summary, tags=["assets"])
    def view(data, request_id, actor):
        return service(actor, assets.get_request(actor, request_id), data["message"])

    return view


_answer("accept", "Accept a request (overlapping venue slot: 409)", assets.accept_request)
_answer("decline", "Decline a request", assets.decline_request)
_answer("cancel", "Cancel my group's request", assets.cancel_request)

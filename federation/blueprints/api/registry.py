"""API: the registry of groups, shared assets and asset requests."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from federation.blueprints.api import operation
from federation.errors import Invalid, NotFound
from federation.schemas.registry import (AnswerSchema, AssetRequestCreateSchema,
                                         AssetRequestSchema, AssetSchema, AssetUpdateSchema,
                                         GroupSchema)
from federation.security import is_member
from federation.services import assets, groups

STRING = {"type": "string"}


@operation("/groups", summary="The registry of member groups", tag="registry",
           response=GroupSchema, paginated=True,
           query={"q": STRING, "governance": STRING, "maturity": {"type": "integer"},
                  "need": STRING, "has_venue": {"type": "boolean"},
                  "has_speaker": {"type": "boolean"}, "sort": STRING})
def list_groups(actor):
    args = request.args
    maturity = args.get("maturity", "")
    return groups.registry_query(
        actor, q=args.get("q", ""), governance=args.get("governance", ""),
        maturity=int(maturity) if maturity.isdigit() else None, need=args.get("need", ""),
        has_venue=args.get("has_venue") in ("1", "true"),
        has_speaker=args.get("has_speaker") in ("1", "true"),
        sort=args.get("sort", "kana"))


@operation("/groups/<slug>", summary="A group's profile", tag="registry", response=GroupSchema,
           errors=(404,))
def get_group(actor, slug):
    return groups.get_group(actor, slug)


@operation("/groups/<slug>", "PATCH", summary="Edit a group's profile (its operators only)",
           tag="registry", body=GroupSchema, response=GroupSchema, partial=True,
           errors=(403, 404))
def update_group(actor, slug, data):
    group = groups.get_group(actor, slug)
    return groups.update_group(actor, group, data)


@operation("/assets", summary="Shared assets across groups", tag="assets", response=AssetSchema,
           paginated=True, query={"kind": {"type": "string", "enum": [
               "venue", "pr_channel", "content", "speaker"]}, "group": STRING, "q": STRING,
               "area": STRING, "topic": STRING, "capacity": {"type": "integer"}})
def list_assets(actor):
    args = request.args
    capacity = args.get("capacity", "")
    return assets.assets_query(actor, kind=args.get("kind", ""), group=args.get("group", ""),
                               q=args.get("q", ""), area=args.get("area", ""),
                               topic=args.get("topic", ""),
                               min_capacity=int(capacity) if capacity.isdigit() else None)


@operation("/groups/<slug>/assets", "POST", summary="Offer a shared asset", tag="assets",
           body=AssetSchema, response=AssetSchema, status=201, errors=(403, 404))
def create_asset(actor, slug, data):
    group = groups.get_group(actor, slug)
    kind = data.pop("kind")
    data.pop("status", None)
    return assets.create_asset(actor, group, kind, data)


@operation("/assets/<int:asset_id>", summary="One shared asset", tag="assets",
           response=AssetSchema, errors=(404,))
def get_asset(actor, asset_id):
    return assets.get_asset(actor, asset_id)


@operation("/assets/<int:asset_id>", "PATCH", summary="Edit, pause or resume an asset",
           tag="assets", body=AssetUpdateSchema, response=AssetSchema, partial=True,
           errors=(403, 404))
def update_asset(actor, asset_id, data):
    asset = assets.get_asset(actor, asset_id)
    return assets.update_asset(actor, asset, data)


@operation("/assets/<int:asset_id>", "DELETE", summary="Remove an asset", tag="assets",
           status=204, errors=(403, 404))
def delete_asset(actor, asset_id):
    asset = assets.get_asset(actor, asset_id)
    assets.remove_asset(actor, asset)


@operation("/assets/<int:asset_id>/requests", "POST",
           summary="Ask to use an asset (venues: with starts_at/ends_at)", tag="assets",
           body=AssetRequestCreateSchema, response=AssetRequestSchema, status=201,
           errors=(403, 404, 409))
def request_asset(actor, asset_id, data):
    asset = assets.get_asset(actor, asset_id)
    slug = data.get("group")
    if slug:
        group = groups.get_group(actor, slug)
    else:
        mine = [g for g in groups.groups_operated_by(actor) if g.id != asset.group_id]
        if len(mine) != 1:
            raise Invalid(fields={"group": [_("Choose the group you ask for.")]})
        group = mine[0]
    return assets.request_asset(actor, asset, group, message=data["message"],
                                joint_event=data["joint_event"], starts_at=data["starts_at"],
                                ends_at=data["ends_at"])


@operation("/asset-requests", summary="Requests to (incoming) or from (outgoing) my groups",
           tag="assets", response=AssetRequestSchema, paginated=True,
           query={"box": {"type": "string", "enum": ["incoming", "outgoing"]}})
def list_requests(actor):
    if not is_member(actor):
        raise NotFound()
    return assets.requests_query(actor, request.args.get("box", "incoming"))


def _answer(name):
    def view(actor, request_id, data):
        asset_request = assets.get_request(actor, request_id)
        service = {"accept": assets.accept_request, "decline": assets.decline_request,
                   "cancel": assets.cancel_request}[name]
        return service(actor, asset_request, data["message"])

    view.__name__ = f"{name}_request"
    return view


for _name, _summary in (("accept", "Accept a request (overlapping venue slot: 409)"),
                        ("decline", "Decline a request"), ("cancel", "Cancel my group's request")):
    operation(f"/asset-requests/<int:request_id>/{_name}", "POST", summary=_summary,
              tag="assets", body=AnswerSchema, response=AssetRequestSchema,
              errors=(403, 404, 409))(_answer(_name))

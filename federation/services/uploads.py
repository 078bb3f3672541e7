"""Venue photos: checked by their content (magic bytes), size-limited, stored
under UPLOAD_DIR (outside the web root) with random names."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from federation.errors import Forbidden, Invalid, NotFound, TooLarge
from federation.extensions import db
from federation.models import AssetKind, AssetPhoto, AssetStatus, SharedAsset, User
from federation.permissions import can_manage_group, is_member

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def sniff_image(head: bytes) -> str | None:
    """The image type from the first bytes, whatever the file is called."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def add_photo(actor: User, asset: SharedAsset, file) -> AssetPhoto:
    if not can_manage_group(actor, asset.group):
        raise Forbidden()
    if asset.kind != AssetKind.venue:
        raise Invalid(fields={"photo": [_("Only venues have photos.")]})
    if file is None or not getattr(file, "stream", None):
        raise Invalid(fields={"photo": [_("Choose a photo.")]})
    limit = current_app.config["PHOTO_MAX_BYTES"]
    data = file.stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(_("The photo is larger than %(n)d KB.", n=limit // 1024))
    content_type = sniff_image(data[:16])
    if content_type is None:
        raise Invalid(fields={"photo": [_("Upload a JPEG, PNG or WebP image.")]})
    count = db.session.scalar(select(func.count(AssetPhoto.id)).where(AssetPhoto.asset_id == asset.id))
    if count >= current_app.config["PHOTOS_PER_ASSET"]:
        raise Invalid(
            fields={
                "photo": [_("A venue has at most %(n)d photos.", n=current_app.config["PHOTOS_PER_ASSET"])]
            }
        )
    name = f"{secrets.token_hex(16)}.{EXTENSIONS[content_type]}"
    _write_after_commit(upload_dir() / name, data)
    photo = AssetPhoto(asset=asset, stored_name=name, content_type=content_type, size=len(data))
    db.session.add(photo)
    db.session.flush()
    return photo


# Files wait in the session until its transaction commits: a rolled-back
# photo row leaves no file behind, and a file never exists without its row.
_PENDING = "pending_upload_files"


def _write_after_commit(path: Path, data: bytes) -> None:
    db.session.info.setdefault(_PENDING, []).append((path, data))


@event.listens_for(Session, "after_commit")
def _write_pending_files(session) -> None:
    for path, data in session.info.pop(_PENDING, []):
        path.write_bytes(data)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending_files(session, previous_transaction) -> None:
    # Any rollback of the outermost transaction (a savepoint's is not one).
    if previous_transaction.parent is None and not previous_transaction.nested:
        session.info.pop(_PENDING, None)


def get_photo(viewer: User | None, photo_id: int) -> AssetPhoto:
    photo = db.session.get(AssetPhoto, photo_id)
    if photo is None or not is_member(viewer) or photo.asset.status == AssetStatus.removed:
        raise NotFound()
    if photo.asset.status == AssetStatus.paused and not can_manage_group(viewer, photo.asset.group):
        raise NotFound()
    return photo


def photo_path(photo: AssetPhoto) -> Path:
    path = upload_dir() / photo.stored_name
    if not path.is_file():
        raise NotFound()
    return path

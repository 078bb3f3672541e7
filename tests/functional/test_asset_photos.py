"""Venue photos: checked by content, size-limited, stored with random names,
served with safe headers."""
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from federation.extensions import db
from federation.models import AssetPhoto, Role

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 64


@pytest.fixture
def venue(app, make, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    owner = make.user(role=Role.operator)
    group = make.group(operators=(owner,))
    return owner, make.asset(group, "venue")


@pytest.mark.parametrize("content,kind", [(PNG, "image/png"), (JPEG, "image/jpeg"),
                                          (WEBP, "image/webp")])
def test_photo_is_stored_with_a_random_name_and_served_safely(client, login, venue, app,
                                                              content, kind):
    owner, asset = venue
    login(owner)
    response = client.post(f"/assets/{asset.id}/photos", data={
        "photo": (io.BytesIO(content), "../../evil.html")}, content_type="multipart/form-data")
    assert response.status_code == 302
    photo = db.session.scalar(select(AssetPhoto))
    assert photo.content_type == kind and "evil" not in photo.stored_name
    stored = Path(app.config["UPLOAD_DIR"]) / photo.stored_name
    assert stored.read_bytes() == content
    served = client.get(f"/assets/photos/{photo.id}")
    assert served.status_code == 200 and served.data == content
    assert served.headers["Content-Type"] == kind
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"] == "inline"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    client.post("/auth/logout")
    assert client.get(f"/assets/photos/{photo.id}").status_code == 302  # members only


def test_photo_named_jpg_but_not_an_image_is_refused(client, login, venue):
    owner, asset = venue
    login(owner)
    client.post(f"/assets/{asset.id}/photos", data={
        "photo": (io.BytesIO(b"<script>alert(1)</script>"), "photo.jpg")},
        content_type="multipart/form-data")
    assert db.session.scalar(select(func.count(AssetPhoto.id))) == 0


def test_too_large_photo_is_413(client, login, venue, app):
    owner, asset = venue
    login(owner)
    big = PNG + b"\x00" * app.config["PHOTO_MAX_BYTES"]
    response = client.post(f"/assets/{asset.id}/photos", data={
        "photo": (io.BytesIO(big), "big.png")}, content_type="multipart/form-data")
    assert response.status_code == 413
    huge = PNG + b"\x00" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = client.post(f"/assets/{asset.id}/photos", data={
        "photo": (io.BytesIO(huge), "huge.png")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert db.session.scalar(select(func.count(AssetPhoto.id))) == 0


def test_others_cannot_upload(client, login, make, venue):
    _owner, asset = venue
    login(make.user(role=Role.operator))
    response = client.post(f"/assets/{asset.id}/photos", data={
        "photo": (io.BytesIO(PNG), "a.png")}, content_type="multipart/form-data")
    assert response.status_code == 403

"""Attached templates: allowed types only, recognised by their content (not
their name), size-limited, OOXML checked against zip bombs, stored under
UPLOAD_DIR with random names and always served as downloads."""

from __future__ import annotations

import io
import re
import secrets
import zipfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from federation.errors import Invalid, TooLarge

OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
TEXT_TYPES = {"md": "text/markdown", "markdown": "text/markdown", "txt": "text/plain"}
_SAFE_NAME = re.compile(r"[^\w.\-()\u3000-\u9fff\uff00-\uffef ]+")


def _ooxml_type(data: bytes) -> tuple[str, str]:
    """The OOXML type of a zip, refusing zip bombs: too many members, a
    declared total beyond the limit, or a member that inflates past what it
    declares (read in bounded chunks, never whole)."""
    limit = current_app.config["KNOWLEDGE_UNZIPPED_MAX_BYTES"]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Invalid(fields={"file": [_("The file is damaged or not an Office document.")]}) from None
    names = {m.filename for m in members}
    if len(members) > 2000 or sum(m.file_size for m in members) > limit:
        raise Invalid(fields={"file": [_("The document expands to too much data.")]})
    total = 0
    try:
        for member in members:
            if member.file_size and member.compress_size and member.file_size / member.compress_size > 200:
                raise Invalid(fields={"file": [_("The document expands to too much data.")]})
            with archive.open(member) as stream:
                while chunk := stream.read(64 * 1024):
                    total += len(chunk)
                    if total > limit:
                        raise Invalid(fields={"file": [_("The document expands to too much data.")]})
    except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError):
        raise Invalid(fields={"file": [_("The file is damaged or not an Office document.")]}) from None
    if "[Content_Types].xml" in names:
        for prefix, kind in OOXML.items():
            if any(name.startswith(prefix) for name in names):
                return kind
    raise Invalid(
        fields={"file": [_("Upload a PDF, Word, Excel, PowerPoint, Markdown, text, PNG or JPEG file.")]}
    )


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    head = text[:2048].lstrip().lower()
    # A text template may not be markup a browser would run.
    if head.startswith(("<!doctype", "<html", "<script", "<svg", "<?xml")) or "<script" in head:
        return False
    return "\x00" not in text


def sniff(data: bytes, filename: str) -> tuple[str, str]:
    """(content type, extension) from the content; the name only tells
    Markdown from plain text once the content is known to be text."""
    if data.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_type(data)
    if _is_text(data):
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "txt"
        ext = "md" if ext in ("md", "markdown") else "txt"
        return TEXT_TYPES[ext], ext
    raise Invalid(
        fields={"file": [_("Upload a PDF, Word, Excel, PowerPoint, Markdown, text, PNG or JPEG file.")]}
    )


def safe_filename(filename: str, extension: str) -> str:
    stem = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = _SAFE_NAME.sub("_", stem).strip(" ._")[:120] or "template"
    return f"{stem}.{extension}"


def read_upload(file) -> tuple[bytes, str, str, str]:
    """(data, content type, extension, safe filename) of an upload, or Invalid/TooLarge."""
    if file is None or not getattr(file, "stream", None):
        raise Invalid(fields={"file": [_("Choose a file.")]})
    limit = current_app.config["KNOWLEDGE_ATTACHMENT_MAX_BYTES"]
    data = file.stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(_("The file is larger than %(n)d KB.", n=limit // 1024))
    if not data:
        raise Invalid(fields={"file": [_("The file is empty.")]})
    content_type, extension = sniff(data, file.filename or "")
    return data, content_type, extension, safe_filename(file.filename or "", extension)


def store(data: bytes, extension: str) -> str:
    path = Path(current_app.config["UPLOAD_DIR"]) / "knowledge"
    path.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    (path / name).write_bytes(data)
    return name


def stored_path(stored_name: str) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "knowledge" / stored_name

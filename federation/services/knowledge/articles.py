"""Knowledge articles [実践知]: writing, versions, diffs, restore and
attached templates."""

from __future__ import annotations

import difflib

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from federation.errors import Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.labels import TOPIC_LABELS
from federation.models import (
    Article,
    ArticleAttachment,
    ArticleVersion,
    ArticleVisibility,
    GovernanceType,
    KnowledgeCategory,
    User,
    utcnow,
)
from federation.permissions import can_edit_article, can_write_article, knowledge_audiences
from federation.services.events import render_markdown
from federation.services.knowledge import attachments as files
from federation.services.knowledge import index
from federation.services.knowledge.taxonomy import MATURITY_LEVELS
from federation.text import normalise

LIMITS = {"title_ja": 200, "title_en": 200, "body_ja": 50000, "body_en": 50000}
VERSIONED = (
    "title_ja",
    "title_en",
    "body_ja",
    "body_en",
    "category",
    "topic",
    "governance_types",
    "maturity_levels",
    "visibility",
)

__all__ = ["render_markdown"]


def visible_condition(viewer: User | None):
    """Articles this viewer may see, as a SQL condition."""
    return Article.visibility.in_([v for v in ArticleVisibility if v.value in knowledge_audiences(viewer)])


def articles_query(viewer: User | None, category: str = ""):
    query = (
        select(Article)
        .where(visible_condition(viewer))
        .options(selectinload(Article.author))
        .order_by(Article.updated_at.desc(), Article.id.desc())
    )
    if category in KnowledgeCategory.__members__:
        query = query.where(Article.category == KnowledgeCategory(category))
    return query


def get_article(viewer: User | None, article_id: int) -> Article:
    """The article, or NotFound when it does not exist or the viewer may not see it."""
    article = db.session.get(Article, article_id)
    if article is None or article.visibility.value not in knowledge_audiences(viewer):
        raise NotFound()
    return article


def _clean(data: dict, current: Article | None) -> dict:
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    for name, limit in LIMITS.items():
        if name in data and data[name] is not None:
            value = (data[name] or "").strip() if name.startswith("body") else normalise(data[name])
            if len(value) > limit:
                errors[name] = [_("Use at most %(n)d characters.", n=limit)]
            clean[name] = value
    category = data.get("category", current.category.value if current else None)
    category = getattr(category, "value", category)
    if category not in KnowledgeCategory.__members__:
        errors["category"] = [_("Choose one of the options.")]
    else:
        clean["category"] = KnowledgeCategory(category)
        topic = data.get("topic", current.topic if current else "") or ""
        if topic and topic not in TOPIC_LABELS[clean["category"]]:
            errors["topic"] = [_("Choose one of the options.")]
        clean["topic"] = topic
    if data.get("governance_types") is not None:
        values = [getattr(v, "value", v) for v in data["governance_types"]]
        if any(v not in GovernanceType.__members__ for v in values):
            errors["governance_types"] = [_("Choose from the list.")]
        clean["governance_types"] = sorted(set(values))
    if data.get("maturity_levels") is not None:
        try:
            levels = sorted({int(v) for v in data["maturity_levels"]})
        except (TypeError, ValueError):
            levels = [0]
        if any(v not in MATURITY_LEVELS for v in levels):
            errors["maturity_levels"] = [_("Choose from the list.")]
        clean["maturity_levels"] = levels
    if data.get("visibility") is not None:
        visibility = getattr(data["visibility"], "value", data["visibility"])
        if visibility not in ArticleVisibility.__members__:
            errors["visibility"] = [_("Choose one of the options.")]
        else:
            clean["visibility"] = ArticleVisibility(visibility)
    title_ja = clean.get("title_ja", current.title_ja if current else "")
    title_en = clean.get("title_en", current.title_en if current else "")
    body_ja = clean.get("body_ja", current.body_ja if current else "")
    body_en = clean.get("body_en", current.body_en if current else "")
    if not (title_ja or title_en):
        errors["title_ja"] = [_("Give a title in Japanese or English.")]
    if not (body_ja or body_en):
        errors["body_ja"] = [_("Write the article in Japanese or English.")]
    if errors:
        raise Invalid(fields=errors)
    return clean


def snapshot(article: Article, actor: User | None, note: str = "") -> ArticleVersion:
    version = ArticleVersion(
        article_id=article.id,
        number=article.version,
        author_id=actor.id if actor else None,
        note=note[:200],
        created_at=utcnow(),
        **{name: getattr(article, name) for name in VERSIONED},
    )
    db.session.add(version)
    db.session.flush()
    return version


def create_article(actor: User, data: dict) -> Article:
    if not can_write_article(actor):
        raise Forbidden()
    clean = _clean(data, None)
    clean.setdefault("visibility", ArticleVisibility.members)
    clean.setdefault("governance_types", [])
    clean.setdefault("maturity_levels", [])
    article = Article(author_id=actor.id, version=1, **clean)
    db.session.add(article)
    db.session.flush()
    snapshot(article, actor, data.get("note") or "")
    index.index_article(article)
    return article


def update_article(actor: User, article: Article, data: dict) -> Article:
    """Save an edit as a new version (nothing changed: no new version)."""
    if not can_edit_article(actor, article):
        raise Forbidden()
    clean = _clean(data, article)
    if all(getattr(article, k) == v for k, v in clean.items()):
        return article
    for name, value in clean.items():
        setattr(article, name, value)
    article.version += 1
    article.updated_at = utcnow()
    db.session.flush()
    snapshot(article, actor, data.get("note") or "")
    index.index_article(article)
    return article


def versions_query(article: Article):
    return (
        select(ArticleVersion)
        .where(ArticleVersion.article_id == article.id)
        .options(selectinload(ArticleVersion.author))
        .order_by(ArticleVersion.number.desc())
    )


def get_version(article: Article, number: int) -> ArticleVersion:
    version = db.session.scalar(
        select(ArticleVersion).where(ArticleVersion.article_id == article.id, ArticleVersion.number == number)
    )
    if version is None:
        raise NotFound()
    return version


def diff(article: Article, old: int, new: int) -> list[tuple[str, list[str]]]:
    """(field, unified diff lines) of each field that differs between two versions."""
    a, b = get_version(article, old), get_version(article, new)
    result = []
    for name in ("title_ja", "title_en", "body_ja", "body_en"):
        before, after = getattr(a, name) or "", getattr(b, name) or ""
        if before != after:
            lines = list(
                difflib.unified_diff(
                    before.splitlines(), after.splitlines(), f"v{old}", f"v{new}", lineterm="", n=2
                )
            )
            result.append((name, lines))
    return result


def restore(actor: User, article: Article, number: int) -> Article:
    """Bring an old version back as a new version (history is never rewritten)."""
    if not can_edit_article(actor, article):
        raise Forbidden()
    version = get_version(article, number)
    if version.number == article.version:
        raise Invalid(_("This is already the current version."))
    for name in VERSIONED:
        setattr(article, name, getattr(version, name))
    article.version += 1
    article.updated_at = utcnow()
    db.session.flush()
    snapshot(article, actor, _("Restored version %(n)d", n=number))
    index.index_article(article)
    return article


# --- attached templates -----------------------------------------------------------


def add_attachment(actor: User, article: Article, file) -> ArticleAttachment:
    if not can_edit_article(actor, article):
        raise Forbidden()
    count = db.session.scalar(
        select(func.count(ArticleAttachment.id)).where(ArticleAttachment.article_id == article.id)
    )
    limit = current_app.config["KNOWLEDGE_ATTACHMENTS_PER_ARTICLE"]
    if count >= limit:
        raise Invalid(fields={"file": [_("An article has at most %(n)d files.", n=limit)]})
    data, content_type, extension, filename = files.read_upload(file)
    row = ArticleAttachment(
        article_id=article.id,
        filename=filename,
        stored_name=files.store(data, extension),
        content_type=content_type,
        size=len(data),
        uploaded_by_id=actor.id,
        created_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def get_attachment(viewer: User | None, attachment_id: int) -> ArticleAttachment:
    row = db.session.get(ArticleAttachment, attachment_id)
    if row is None:
        raise NotFound()
    get_article(viewer, row.article_id)
    if not files.stored_path(row.stored_name).is_file():
        raise NotFound()
    return row


def remove_attachment(actor: User, attachment: ArticleAttachment) -> None:
    if not can_edit_article(actor, attachment.article):
        raise Forbidden()
    path = files.stored_path(attachment.stored_name)
    db.session.delete(attachment)
    db.session.flush()
    path.unlink(missing_ok=True)

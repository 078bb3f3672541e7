"""The textbook [教科書]: chapters in coordinators' order, each a list of
articles; readers see the articles they may see, with a table of contents and
previous/next navigation."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.models import Article, TextbookChapter, TextbookEntry, User
from federation.permissions import can_curate_textbook, knowledge_audiences
from federation.services.knowledge.articles import get_article
from federation.text import normalise


@dataclass
class Chapter:
    """A chapter as one reader sees it: only articles they may see."""

    chapter: TextbookChapter
    number: int
    articles: list[Article]

    @property
    def id(self) -> int:
        return self.chapter.id


def table_of_contents(viewer: User | None) -> list[Chapter]:
    """Every chapter with the viewer's articles, in two queries."""
    audiences = knowledge_audiences(viewer)
    chapters = db.session.scalars(
        select(TextbookChapter)
        .order_by(TextbookChapter.position, TextbookChapter.id)
        .options(
            selectinload(TextbookChapter.entries)
            .selectinload(TextbookEntry.article)
            .selectinload(Article.author)
        )
    ).all()
    return [
        Chapter(c, n, [e.article for e in c.entries if e.article.visibility.value in audiences])
        for n, c in enumerate(chapters, start=1)
    ]


def chapter_with_neighbours(
    viewer: User | None, chapter_id: int
) -> tuple[Chapter, Chapter | None, Chapter | None]:
    toc = table_of_contents(viewer)
    for index, chapter in enumerate(toc):
        if chapter.id == chapter_id:
            return (
                chapter,
                toc[index - 1] if index > 0 else None,
                toc[index + 1] if index + 1 < len(toc) else None,
            )
    raise NotFound()


def reading_neighbours(
    viewer: User | None, article: Article
) -> tuple[Article | None, Article | None, Chapter | None]:
    """(previous, next) article in the textbook's reading order, and the
    article's chapter; (None, None, None) when it is not in the textbook."""
    toc = table_of_contents(viewer)
    flat = [(c, a) for c in toc for a in c.articles]
    for index, (chapter, item) in enumerate(flat):
        if item.id == article.id:
            return (
                flat[index - 1][1] if index > 0 else None,
                flat[index + 1][1] if index + 1 < len(flat) else None,
                chapter,
            )
    return None, None, None


def _titles(data: dict) -> dict:
    title_ja = normalise(data.get("title_ja") or "")
    title_en = normalise(data.get("title_en") or "")
    if not title_ja:
        raise Invalid(fields={"title_ja": [_("This field is required.")]})
    if len(title_ja) > 200 or len(title_en) > 200:
        raise Invalid(fields={"title_ja": [_("Use at most %(n)d characters.", n=200)]})
    return {"title_ja": title_ja, "title_en": title_en}


def create_chapter(actor: User, data: dict) -> TextbookChapter:
    if not can_curate_textbook(actor):
        raise Forbidden()
    last = db.session.scalar(select(func.max(TextbookChapter.position))) or 0
    chapter = TextbookChapter(position=last + 1, **_titles(data))
    db.session.add(chapter)
    db.session.flush()
    return chapter


def get_chapter(chapter_id: int) -> TextbookChapter:
    chapter = db.session.get(TextbookChapter, chapter_id)
    if chapter is None:
        raise NotFound()
    return chapter


def update_chapter(actor: User, chapter: TextbookChapter, data: dict) -> TextbookChapter:
    if not can_curate_textbook(actor):
        raise Forbidden()
    for name, value in _titles(data).items():
        setattr(chapter, name, value)
    db.session.flush()
    return chapter


def move_chapter(actor: User, chapter: TextbookChapter, offset: int) -> None:
    """Swap with the previous (-1) or next (+1) chapter."""
    if not can_curate_textbook(actor):
        raise Forbidden()
    chapters = list(
        db.session.scalars(select(TextbookChapter).order_by(TextbookChapter.position, TextbookChapter.id))
    )
    index = chapters.index(chapter)
    other = index + offset
    if 0 <= other < len(chapters):
        chapters[index], chapters[other] = chapters[other], chapters[index]
    for position, row in enumerate(chapters, start=1):
        row.position = position
    db.session.flush()


def delete_chapter(actor: User, chapter: TextbookChapter) -> None:
    if not can_curate_textbook(actor):
        raise Forbidden()
    db.session.delete(chapter)
    db.session.flush()


def add_article(actor: User, chapter: TextbookChapter, article_id: int) -> TextbookEntry:
    if not can_curate_textbook(actor):
        raise Forbidden()
    article = get_article(actor, article_id)
    if any(e.article_id == article.id for e in chapter.entries):
        raise Conflict(_("The article is already in this chapter."))
    last = max((e.position for e in chapter.entries), default=0)
    entry = TextbookEntry(chapter=chapter, article_id=article.id, position=last + 1)
    db.session.add(entry)
    db.session.flush()
    return entry


def move_entry(actor: User, chapter: TextbookChapter, entry_id: int, offset: int) -> None:
    if not can_curate_textbook(actor):
        raise Forbidden()
    entries = list(chapter.entries)
    index = next((i for i, e in enumerate(entries) if e.id == entry_id), None)
    if index is None:
        raise NotFound()
    other = index + offset
    if 0 <= other < len(entries):
        entries[index], entries[other] = entries[other], entries[index]
    for position, row in enumerate(entries, start=1):
        row.position = position
    db.session.flush()


def remove_entry(actor: User, chapter: TextbookChapter, entry_id: int) -> None:
    if not can_curate_textbook(actor):
        raise Forbidden()
    entry = next((e for e in chapter.entries if e.id == entry_id), None)
    if entry is None:
        raise NotFound()
    chapter.entries.remove(entry)
    db.session.flush()

"""The knowledge hub: search, articles with versions and templates, the
textbook, and the practice community's profile."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from federation.errors import DomainError, Invalid, NotFound
from federation.extensions import db, limiter
from federation.forms.base import ConfirmForm, submit
from federation.forms.knowledge import (
    ArticleForm,
    AttachmentForm,
    ChapterArticleForm,
    ChapterForm,
    PracticeProfileForm,
)
from federation.i18n import current_locale
from federation.labels import (
    ARTICLE_VISIBILITY_LABELS,
    CATEGORY_LABELS,
    SPACE_LABELS,
    in_language,
    topic_label,
)
from federation.models import GovernanceType, KnowledgeCategory
from federation.pagination import page_args
from federation.permissions import (
    can_curate_textbook,
    can_edit_article,
    can_write_article,
    is_practice_member,
)
from federation.ratelimits import per_person, setting
from federation.services import applications as application_service
from federation.services.knowledge import (
    articles,
    consultations,
    index,
    personal,  # noqa: F401 (registers export and erasure)
    practice,
    textbook,
)
from federation.services.knowledge import attachments as files
from federation.services.knowledge.taxonomy import MATURITY_LEVELS

bp = Blueprint("knowledge", __name__)


@bp.context_processor
def labels():
    return {
        "category_labels": in_language(CATEGORY_LABELS),
        "visibility_labels": in_language(ARTICLE_VISIBILITY_LABELS),
        "space_labels": in_language(SPACE_LABELS),
        "topic_label": topic_label,
        "render_markdown": articles.render_markdown,
    }


@bp.app_template_global()
def practice_offer_for(application, viewer=None) -> bool:
    """Whether the application's result (and rejection mail) offers the practice community."""
    return practice.offers_practice(application, viewer)


def _filters() -> dict:
    args = request.args
    return {
        "q": args.get("q", "")[:100],
        "category": args.get("category", "")[:20],
        "governance": args.get("governance", "")[:20],
        "maturity": args.get("maturity", "")[:2],
        "kind": args.get("kind", "")[:20],
        "sort": args.get("sort") if args.get("sort") in index.SORTS else "relevance",
    }


@bp.route("/")
@limiter.limit(setting("RATELIMIT_DIRECTORY_SEARCH"), key_func=per_person)
def list():
    filters = _filters()
    page, per_page = page_args(request.args)
    found = index.search(current_user, page, per_page, **filters)
    url_args = {k: v for k, v in filters.items() if v}
    return render_template(
        "knowledge/list.html",
        pagination=found,
        filters=filters,
        url_args=url_args,
        categories=KnowledgeCategory,
        governance_types=GovernanceType,
        maturity_levels=MATURITY_LEVELS,
        can_write=can_write_article(current_user),
        practice=is_practice_member(current_user),
    )


# --- articles --------------------------------------------------------------------------


@bp.route("/articles/new", methods=["GET", "POST"])
@login_required
def create():
    if not can_write_article(current_user):
        abort(403)
    form = ArticleForm()
    done, article = submit(form, lambda: articles.create_article(current_user, form.service_data()))
    if done:
        flash(_("The article is published."), "success")
        return redirect(url_for("knowledge.detail", article_id=article.id))
    return render_template("knowledge/form.html", form=form, article=None)


@bp.route("/articles/<int:article_id>")
def detail(article_id: int):
    article = articles.get_article(current_user, article_id)
    previous, following, chapter = textbook.reading_neighbours(current_user, article)
    editable = can_edit_article(current_user, article)
    return render_template(
        "knowledge/detail.html",
        article=article,
        locale=current_locale(),
        body=articles.render_markdown(article.body_for(current_locale())),
        editable=editable,
        attachment_form=AttachmentForm() if editable else None,
        action_form=ConfirmForm(),
        previous=previous,
        following=following,
        chapter=chapter,
        source=consultations.source_consultation(current_user, article),
    )


@bp.route("/articles/<int:article_id>/edit", methods=["GET", "POST"])
@login_required
def edit(article_id: int):
    article = articles.get_article(current_user, article_id)
    if not can_edit_article(current_user, article):
        abort(403)
    form = ArticleForm(obj=article)
    if request.method == "GET":
        form.category.data = article.category.value
        form.visibility.data = article.visibility.value
        form.maturity_levels.data = [str(m) for m in article.maturity_levels or []]
        form.note.data = ""
    done, _r = submit(form, lambda: articles.update_article(current_user, article, form.service_data()))
    if done:
        flash(_("The article is saved as a new version."), "success")
        return redirect(url_for("knowledge.detail", article_id=article.id))
    return render_template("knowledge/form.html", form=form, article=article)


@bp.route("/articles/<int:article_id>/history")
def history(article_id: int):
    article = articles.get_article(current_user, article_id)
    versions = db.session.scalars(articles.versions_query(article).limit(200)).all()
    return render_template(
        "knowledge/history.html",
        article=article,
        versions=versions,
        editable=can_edit_article(current_user, article),
        form=ConfirmForm(),
    )


@bp.route("/articles/<int:article_id>/diff")
def diff(article_id: int):
    article = articles.get_article(current_user, article_id)
    try:
        old = int(request.args.get("old", article.version - 1))
        new = int(request.args.get("new", article.version))
    except ValueError:
        abort(404)
    changes = articles.diff(article, old, new)
    return render_template("knowledge/diff.html", article=article, changes=changes, old=old, new=new)


@bp.route("/articles/<int:article_id>/restore/<int:number>", methods=["POST"])
@login_required
def restore(article_id: int, number: int):
    article = articles.get_article(current_user, article_id)
    if not can_edit_article(current_user, article):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            articles.restore(current_user, article, number)
            flash(_("Version %(n)d is restored as the current version.", n=number), "success")
        except Invalid as error:
            db.session.rollback()
            flash(error.message, "error")
    return redirect(url_for("knowledge.history", article_id=article.id))


@bp.route("/articles/<int:article_id>/attachments", methods=["POST"])
@login_required
def attach(article_id: int):
    article = articles.get_article(current_user, article_id)
    if not can_edit_article(current_user, article):
        abort(403)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            articles.add_attachment(current_user, article, form.file.data)
            flash(_("The file is attached."), "success")
            return redirect(url_for("knowledge.detail", article_id=article.id))
        except DomainError as error:
            db.session.rollback()
            form.show_errors(error)
            status = error.status
    else:
        status = 422
    previous, following, chapter = textbook.reading_neighbours(current_user, article)
    return render_template(
        "knowledge/detail.html",
        article=article,
        locale=current_locale(),
        body=articles.render_markdown(article.body_for(current_locale())),
        editable=True,
        attachment_form=form,
        action_form=ConfirmForm(),
        previous=previous,
        following=following,
        chapter=chapter,
        source=consultations.source_consultation(current_user, article),
    ), status


@bp.route("/attachments/<int:attachment_id>")
def download(attachment_id: int):
    row = articles.get_attachment(current_user, attachment_id)
    response = send_file(
        files.stored_path(row.stored_name),
        mimetype=row.content_type,
        as_attachment=True,
        download_name=row.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def remove_attachment(attachment_id: int):
    row = articles.get_attachment(current_user, attachment_id)
    if not can_edit_article(current_user, row.article):
        abort(403)
    if ConfirmForm().validate_on_submit():
        article_id = row.article_id
        articles.remove_attachment(current_user, row)
        flash(_("The file is removed."), "success")
        return redirect(url_for("knowledge.detail", article_id=article_id))
    return redirect(url_for("knowledge.detail", article_id=row.article_id))


# --- the textbook -------------------------------------------------------------------------


@bp.route("/textbook")
def textbook_toc():
    return render_template(
        "knowledge/textbook.html",
        toc=textbook.table_of_contents(current_user),
        curator=can_curate_textbook(current_user),
    )


@bp.route("/textbook/<int:chapter_id>")
def chapter(chapter_id: int):
    current, previous, following = textbook.chapter_with_neighbours(current_user, chapter_id)
    return render_template(
        "knowledge/chapter.html",
        chapter=current,
        previous=previous,
        following=following,
        locale=current_locale(),
    )


@bp.route("/textbook/manage", methods=["GET", "POST"])
@login_required
def manage_textbook():
    if not can_curate_textbook(current_user):
        abort(403)
    form = ChapterForm(prefix="chapter")
    done, _r = submit(
        form,
        lambda: textbook.create_chapter(
            current_user, {"title_ja": form.title_ja.data, "title_en": form.title_en.data}
        ),
    )
    if done:
        flash(_("The chapter is added."), "success")
        return redirect(url_for("knowledge.manage_textbook"))
    return render_template(
        "knowledge/manage.html",
        form=form,
        toc=textbook.table_of_contents(current_user),
        add_form=ChapterArticleForm(prefix="add"),
        action_form=ConfirmForm(),
    )


@bp.route("/textbook/<int:chapter_id>/articles", methods=["POST"])
@login_required
def chapter_add(chapter_id: int):
    if not can_curate_textbook(current_user):
        abort(403)
    row = textbook.get_chapter(chapter_id)
    form = ChapterArticleForm(prefix="add")
    if form.validate_on_submit():
        try:
            textbook.add_article(current_user, row, form.article_id.data)
            flash(_("The article is added to the chapter."), "success")
        except DomainError as error:
            db.session.rollback()
            flash(error.message if error.status != 404 else _("No such article."), "error")
    else:
        flash(_("Enter the number of an article."), "error")
    return redirect(url_for("knowledge.manage_textbook"))


@bp.route("/textbook/<int:chapter_id>/<any(up, down, delete):action>", methods=["POST"])
@login_required
def chapter_action(chapter_id: int, action: str):
    if not can_curate_textbook(current_user):
        abort(403)
    row = textbook.get_chapter(chapter_id)
    if ConfirmForm().validate_on_submit():
        if action == "delete":
            textbook.delete_chapter(current_user, row)
        else:
            textbook.move_chapter(current_user, row, -1 if action == "up" else 1)
    return redirect(url_for("knowledge.manage_textbook"))


@bp.route(
    "/textbook/<int:chapter_id>/entries/<int:entry_id>/<any(up, down, remove):action>", methods=["POST"]
)
@login_required
def entry_action(chapter_id: int, entry_id: int, action: str):
    if not can_curate_textbook(current_user):
        abort(403)
    row = textbook.get_chapter(chapter_id)
    if ConfirmForm().validate_on_submit():
        if action == "remove":
            textbook.remove_entry(current_user, row, entry_id)
        else:
            textbook.move_entry(current_user, row, entry_id, -1 if action == "up" else 1)
    return redirect(url_for("knowledge.manage_textbook"))


# --- the practice community ----------------------------------------------------------------


@bp.route("/practice/join/<int:application_id>", methods=["POST"])
@login_required
def practice_join(application_id: int):
    application = application_service.get_application(current_user, application_id)
    if ConfirmForm().validate_on_submit():
        try:
            practice.join(current_user, application)
            flash(
                _("Welcome to the practice community! Read the textbook and ask in the beginners' space."),
                "success",
            )
            return redirect(url_for("knowledge.practice_profile"))
        except NotFound:
            raise  # not one's own application: 404, not a message on someone else's page
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
    return redirect(url_for("applications.detail", application_id=application_id))


@bp.route("/practice", methods=["GET", "POST"])
@login_required
def practice_profile():
    row = practice.membership_of(current_user)
    if row is None:
        abort(404)
    form = PracticeProfileForm(obj=row)
    done, _r = submit(
        form,
        lambda: practice.update_profile(
            current_user,
            {
                "group_name": form.group_name.data,
                "registered_members": form.registered_members.data,
                "events_last_12_months": form.events_last_12_months.data,
            },
        ),
    )
    if done:
        flash(_("Your practice profile is saved."), "success")
        return redirect(url_for("knowledge.practice_profile"))
    return render_template(
        "knowledge/practice.html",
        form=form,
        membership=row,
        open_application=practice.open_application(current_user),
    )

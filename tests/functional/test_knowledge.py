"""The knowledge hub: who reads which article, writing and versions,
attached templates, the textbook, and the API of articles."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from federation.extensions import db
from federation.models import Article, ArticleAttachment, ArticleVersion, Role
from tests.functional.knowledge_helpers import (article, ooxml, operator, practice_member,
                                                zip_bomb)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def articles_by_level(app, make):
    author, _group = operator(make)
    return author, {level: article(app, author, title_ja=f"{level}向けの記事",
                                   visibility=level)
                    for level in ("public", "practice", "members")}


def _viewer(make, role):
    if role == "anonymous":
        return None
    if role == "practice":
        return practice_member(make)
    if role == "operator":
        return operator(make)[0]
    if role == "member":
        return make.member()  # a verified account with an accepted group membership
    return make.user(role=Role.coordinator)


@pytest.mark.parametrize("role,readable", [
    ("anonymous", {"public"}),
    ("practice", {"public", "practice"}),
    ("member", {"public", "practice", "members"}),
    ("operator", {"public", "practice", "members"}),
    ("coordinator", {"public", "practice", "members"}),
])
def test_each_visibility_level_for_each_role(client, make, login, token_for, articles_by_level,
                                             role, readable):
    _author, rows = articles_by_level
    viewer = _viewer(make, role)
    headers = token_for(viewer) if viewer else {}
    if viewer:
        login(viewer)
    for level, row in rows.items():
        page = client.get(f"/knowledge/articles/{row.id}")
        api = client.get(f"/api/v1/articles/{row.id}", headers=headers)
        expected = 200 if level in readable else 404
        assert (page.status_code, api.status_code) == (expected, expected), (role, level)
    listed = client.get("/api/v1/articles", headers=headers).get_json()
    assert {i["visibility"] for i in listed["items"]} == readable
    assert listed["total"] == len(readable)
    found = client.get("/knowledge/?q=向け").get_data(as_text=True)
    for level, row in rows.items():
        assert (f"/knowledge/articles/{row.id}\"" in found) == (level in readable)


def test_markdown_is_sanitised_like_event_descriptions(client, app, make, login):
    author, _g = operator(make)
    row = article(app, author, body_ja="**大切**<script>alert(1)</script>[x](javascript:alert(1))")
    login(author)
    page = client.get(f"/knowledge/articles/{row.id}").get_data(as_text=True)
    assert "<strong>大切</strong>" in page
    assert "<script>alert(1)" not in page and "javascript:alert" not in page


def test_operators_write_members_cannot(client, make, login):
    member = make.user()
    login(member)
    assert client.get("/knowledge/articles/new").status_code == 403
    author, _g = operator(make)
    login(author)
    response = client.post("/knowledge/articles/new", data={
        "title_ja": "", "title_en": "", "body_ja": "", "category": "operations"})
    assert response.status_code == 200
    assert "日本語または英語でタイトル" in response.get_data(as_text=True)
    response = client.post("/knowledge/articles/new", data={
        "title_en": "Approval manual", "body_en": "Two approvers, twice a week.",
        "category": "operations", "topic": "manuals", "visibility": "public",
        "governance_types": ["delegated"], "maturity_levels": ["2", "3"]})
    assert response.status_code == 302
    row = db.session.scalar(select(Article))
    assert row.title_en == "Approval manual" and row.maturity_levels == [2, 3]
    assert row.governance_types == ["delegated"]
    # English-only article, read in Japanese: the page says so.
    page = client.get(f"/knowledge/articles/{row.id}").get_data(as_text=True)
    assert "英語のみ" in page


def test_every_edit_is_a_version_with_history_diff_and_restore(client, app, make, login):
    author, _g = operator(make)
    row = article(app, author, body_ja="一行目\n二行目")
    login(author)
    for body in ("一行目\n二行目を直した", "まったく別の本文"):
        assert client.post(f"/knowledge/articles/{row.id}/edit", data={
            "title_ja": row.title_ja, "body_ja": body, "category": "operations",
            "visibility": "members", "note": "手直し"}).status_code == 302
    history = client.get(f"/knowledge/articles/{row.id}/history").get_data(as_text=True)
    assert history.count('class="version-row"') == 3 and "手直し" in history
    diff = client.get(f"/knowledge/articles/{row.id}/diff?old=1&new=2").get_data(as_text=True)
    assert "-二行目" in diff and "+二行目を直した" in diff
    # Someone else (an operator, not the author) may not restore.
    other, _g2 = operator(make)
    login(other)
    assert client.post(f"/knowledge/articles/{row.id}/restore/1").status_code == 403
    login(author)
    assert client.post(f"/knowledge/articles/{row.id}/restore/1").status_code == 302
    db.session.expire_all()
    row = db.session.get(Article, row.id)
    assert row.body_ja == "一行目\n二行目" and row.version == 4
    assert db.session.scalar(select(func.count(ArticleVersion.id))) == 4
    # Coordinators restore too; the current version cannot be "restored".
    login(make.user(role=Role.coordinator))
    assert client.post(f"/knowledge/articles/{row.id}/restore/3").status_code == 302
    db.session.expire_all()
    assert db.session.get(Article, row.id).body_ja == "まったく別の本文"
    client.post(f"/knowledge/articles/{row.id}/restore/5")
    assert db.session.get(Article, row.id).version == 5


@pytest.fixture
def editable(app, make, tmp_path, login):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    author, _g = operator(make)
    row = article(app, author, visibility="members")
    login(author)
    return author, row


def _upload(client, row, content, name):
    return client.post(f"/knowledge/articles/{row.id}/attachments",
                       data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("content,name,kind", [
    (PDF, "招待文.pdf", "application/pdf"),
    (PNG, "flow.png", "image/png"),
    (ooxml("word"), "承認マニュアル.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (ooxml("xl"), "checklist.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (ooxml("ppt"), "設立趣意書.pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("# ガイドライン\n".encode(), "guideline.md", "text/markdown"),
    ("歓迎メッセージ".encode(), "welcome.txt", "text/plain"),
])
def test_allowed_templates_are_stored_and_always_downloaded(client, editable, content, name,
                                                            kind):
    _author, row = editable
    assert _upload(client, row, content, name).status_code == 302
    attachment = db.session.scalar(select(ArticleAttachment))
    assert attachment.content_type == kind and attachment.stored_name != name
    response = client.get(f"/knowledge/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == content
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == kind


@pytest.mark.parametrize("content,name", [
    (b"<!doctype html><html><script>alert(1)</script></html>", "template.pdf"),
    (b"<html><body>hi</body></html>", "notes.txt"),
    (b"MZ\x90\x00" + b"\x00" * 100, "tool.docx"),
    (b"PK\x03\x04" + b"\x00" * 50, "broken.docx"),
    (ooxml("other"), "archive.zip"),
])
def test_wrong_content_is_refused_whatever_the_name(client, editable, content, name):
    _author, row = editable
    response = _upload(client, row, content, name)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "PDF" in page and "has-error" in page
    assert db.session.scalar(select(func.count(ArticleAttachment.id))) == 0


@pytest.mark.parametrize("kind,name", [("word", "bomb.docx"), ("xl", "bomb.xlsx")])
def test_zip_bombs_in_office_documents_are_refused(client, editable, kind, name):
    _author, row = editable
    bomb = zip_bomb(kind, 80)
    assert len(bomb) < 1024 * 1024  # small on the wire
    response = _upload(client, row, bomb, name)
    assert response.status_code == 422
    assert "展開後のデータが大きすぎます" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ArticleAttachment.id))) == 0


def test_oversized_files_are_refused_with_the_form(client, editable, app):
    _author, row = editable
    big = PDF + b"0" * app.config["KNOWLEDGE_ATTACHMENT_MAX_BYTES"]
    response = _upload(client, row, big, "big.pdf")
    assert response.status_code == 413
    assert "KB" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ArticleAttachment.id))) == 0


def test_attachments_follow_the_articles_visibility(client, editable, make, login):
    _author, row = editable
    _upload(client, row, PDF, "a.pdf")
    attachment = db.session.scalar(select(ArticleAttachment))
    login(practice_member(make))
    assert client.get(f"/knowledge/attachments/{attachment.id}").status_code == 404
    assert _upload(client, row, PDF, "b.pdf").status_code == 404


def test_textbook_chapters_toc_and_navigation(client, app, make, login, token_for):
    author, _g = operator(make)
    first = article(app, author, title_ja="はじめに", visibility="practice")
    hidden = article(app, author, title_ja="会員向けの章", visibility="members")
    last = article(app, author, title_ja="合同イベントのチェックリスト", visibility="public")
    coordinator = make.user(role=Role.coordinator)
    login(author)
    assert client.get("/knowledge/textbook/manage").status_code == 403
    login(coordinator)
    client.post("/knowledge/textbook/manage", data={"chapter-title_ja": "はじめの一歩",
                                                    "chapter-title_en": "First steps"})
    client.post("/knowledge/textbook/manage", data={"chapter-title_ja": "活性化"})
    toc = client.get("/api/v1/textbook", headers=token_for(coordinator)).get_json()["chapters"]
    one, two = toc[0]["id"], toc[1]["id"]
    for chapter, item in ((one, first), (one, hidden), (two, last)):
        assert client.post(f"/knowledge/textbook/{chapter}/articles",
                           data={"add-article_id": item.id}).status_code == 302
    client.post(f"/knowledge/textbook/{one}/articles", data={"add-article_id": 9999})
    beginner = practice_member(make)
    login(beginner)
    page = client.get("/knowledge/textbook").get_data(as_text=True)
    assert "はじめに" in page and "会員向けの章" not in page and "合同イベント" in page
    chapter = client.get(f"/knowledge/textbook/{one}").get_data(as_text=True)
    assert f"/knowledge/textbook/{two}" in chapter and 'rel="next"' in chapter
    reading = client.get(f"/knowledge/articles/{first.id}").get_data(as_text=True)
    assert f'rel="next" href="/knowledge/articles/{last.id}"' in reading
    # Chapter order is the coordinators'.
    login(coordinator)
    client.post(f"/knowledge/textbook/{two}/up")
    toc = client.get("/api/v1/textbook").get_json()["chapters"]
    assert [c["id"] for c in toc] == [two, one]
    assert [a["title_ja"] for a in toc[1]["articles"]] == ["はじめに", "会員向けの章"]
    anonymous = app.test_client()
    toc = anonymous.get("/api/v1/textbook").get_json()["chapters"]
    assert [a["title_ja"] for c in toc for a in c["articles"]] == ["合同イベントのチェックリスト"]


def test_articles_api_create_patch_versions_and_errors(client, make, token_for):
    author, _g = operator(make)
    headers = token_for(author)
    created = client.post("/api/v1/articles", headers=headers, json={
        "title_ja": "ガイドライン", "body_ja": "勧誘は禁止です。", "category": "governance",
        "topic": "guidelines", "visibility": "members", "maturity_levels": [2]})
    assert created.status_code == 201, created.get_json()
    article_id = created.get_json()["id"]
    bad = client.post("/api/v1/articles", headers=headers, json={"category": "cooking"})
    assert bad.status_code == 422 and "category" in bad.get_json()["error"]["fields"]
    patched = client.patch(f"/api/v1/articles/{article_id}", headers=headers,
                           json={"body_ja": "勧誘と営業は禁止です。"})
    assert patched.status_code == 200 and patched.get_json()["version"] == 2
    versions = client.get(f"/api/v1/articles/{article_id}/versions", headers=headers).get_json()
    assert versions["total"] == 2 and versions["items"][0]["number"] == 2
    other = token_for(operator(make)[0])
    assert client.patch(f"/api/v1/articles/{article_id}", headers=other,
                        json={"body_ja": "x"}).status_code == 403
    member = token_for(make.user())
    assert client.post("/api/v1/articles", headers=member, json={
        "title_ja": "x", "body_ja": "y", "category": "mindset"}).status_code == 403
    anonymous = app_client = client.application.test_client()
    assert app_client.get(f"/api/v1/articles/{article_id}/versions").status_code == 404
    assert anonymous.get("/api/v1/articles/999999").get_json()["error"]["code"] == "not_found"


def test_article_lists_take_a_fixed_number_of_queries(client, app, make, login, count_queries):
    author, _g = operator(make)
    login(author)

    def queries(path):
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    article(app, author)
    few = [queries("/knowledge/"), queries("/api/v1/articles"), queries("/knowledge/textbook")]
    for n in range(6):
        article(app, make.user(role=Role.operator), title_ja=f"記事{n}")
    assert [queries("/knowledge/"), queries("/api/v1/articles"),
            queries("/knowledge/textbook")] == few


@pytest.mark.parametrize("path", [
    "/knowledge/articles/{id}/diff?old=abc", "/knowledge/articles/{id}/diff?old=1&new=99",
    "/knowledge/articles/99999", "/knowledge/textbook/99999", "/knowledge/attachments/99999",
    "/knowledge/?maturity=9&governance=x&kind=y&page=zz",
])
def test_odd_input_never_breaks_a_page(client, app, make, login, path):
    author, _g = operator(make)
    row = article(app, author)
    login(author)
    assert client.get(path.format(id=row.id)).status_code in (200, 404)
    assert client.post(f"/knowledge/articles/{row.id}/restore/99").status_code == 404

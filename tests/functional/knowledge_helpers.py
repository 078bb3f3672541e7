"""Builders shared by the knowledge hub's tests."""
from __future__ import annotations

import io
import zipfile

from federation.extensions import db
from federation.models import PracticeMembership, Role


def operator(make, **group_fields):
    user = make.user(role=Role.operator)
    group = make.group(operators=(user,), **group_fields)
    return user, group


def practice_member(make, locale="ja"):
    user = make.user(locale=locale)
    db.session.add(PracticeMembership(user_id=user.id, group_name="若葉フーズ 卒業生の会",
                                      company_name="若葉フーズ株式会社", registered_members=35,
                                      events_last_12_months=1))
    db.session.commit()
    return user


def article(app, author, **fields):
    from federation.services.knowledge import articles

    data = {"title_ja": "参加承認のプロセス", "body_ja": "承認担当は2名、週2回確認します。",
            "category": "operations", "topic": "processes", "visibility": "members"}
    data.update(fields)
    with app.test_request_context():
        row = articles.create_article(author, data)
        db.session.commit()
    return row


def consultation(app, asker, **fields):
    from federation.services.knowledge import consultations

    data = {"title": "リピート参加者が減っています", "body": "2回目の交流会で参加者が半減しました。",
            "category": "activation"}
    data.update(fields)
    with app.test_request_context():
        row = consultations.post_consultation(asker, data)
        db.session.commit()
    return row


def ooxml(kind: str = "word", extra: dict | None = None) -> bytes:
    """A minimal, valid-looking DOCX/XLSX/PPTX package."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(f"{kind}/document.xml", "<document>テンプレート</document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(kind: str = "word", megabytes: int = 80) -> bytes:
    """An OOXML package whose one member inflates from a few KB to `megabytes` MB."""
    return ooxml(kind, {f"{kind}/media/bomb.bin": b"\x00" * (megabytes * 1024 * 1024)})

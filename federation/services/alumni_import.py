"""Reading a group's member list for the alumni import: CSV or XLSX, with a
column mapping the operator confirms in the preview.

Real member lists have headers such as 氏名, フリガナ, カナ, 退職年 or 所属, in
any order: each column is mapped to one of the fields (the keys of
federation.labels.IMPORT_FIELD_LABELS), guessed from common
Japanese and English headers, or from what this group's operators chose last
time (remembered per group, keyed by the folded header text). A full-name
column is split at the first space (half- or full-width).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

from flask_babel import gettext as _

from federation.errors import Invalid
from federation.extensions import db
from federation.labels import IMPORT_FIELD_LABELS
from federation.models import AlumniGroup, ImportMapping, utcnow
from federation.text import normalise

MAX_IMPORT_ROWS = 2000

_ALIASES = {
    "full_name": ("氏名", "名前", "お名前", "フルネーム", "会員名", "name", "fullname"),
    "family_name": ("family_name", "familyname", "姓", "苗字", "名字", "lastname", "surname"),
    "given_name": ("given_name", "givenname", "名", "firstname"),
    "full_kana": (
        "フリガナ",
        "ふりがな",
        "カナ",
        "かな",
        "よみがな",
        "ヨミガナ",
        "読み",
        "よみ",
        "氏名カナ",
        "氏名(カナ)",
        "氏名(フリガナ)",
        "氏名(かな)",
        "kana",
        "furigana",
        "reading",
    ),
    "family_name_kana": (
        "family_name_kana",
        "familynamekana",
        "せい",
        "セイ",
        "姓(かな)",
        "姓(カナ)",
        "姓カナ",
        "姓かな",
        "姓(フリガナ)",
    ),
    "given_name_kana": (
        "given_name_kana",
        "givennamekana",
        "めい",
        "メイ",
        "名(かな)",
        "名(カナ)",
        "名カナ",
        "名かな",
        "名(フリガナ)",
    ),
    "email": (
        "email",
        "e-mail",
        "mail",
        "メール",
        "メールアドレス",
        "eメール",
        "mailaddress",
        "emailaddress",
        "連絡先メール",
    ),
    "year_left": (
        "year_left",
        "yearleft",
        "退職年",
        "退職年度",
        "退職",
        "退社年",
        "退社年度",
        "卒業年",
        "卒業年度",
        "退職した年",
    ),
    "organisation": (
        "organisation",
        "organization",
        "所属",
        "現在の所属",
        "現所属",
        "会社",
        "会社名",
        "勤務先",
        "現在の勤務先",
        "company",
        "employer",
    ),
}

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# An XLSX is a zip: refuse archives that expand far beyond what a member list
# needs (a "zip bomb"), before any XML is parsed.
MAX_XLSX_EXPANDED = 40 * 1024 * 1024
MAX_XLSX_ENTRIES = 300
MAX_XLSX_RATIO = 150
MAX_COLUMNS = 60


def _key(header: str) -> str:
    return re.sub(r"[\s_・:：]+", "", normalise(header).lower())


_BY_KEY = {_key(alias): field for field, aliases in _ALIASES.items() for alias in aliases}


def remembered(group: AlumniGroup) -> dict[str, str]:
    row = db.session.get(ImportMapping, group.id)
    return dict(row.columns or {}) if row is not None else {}


def remember(group: AlumniGroup, header: list[str], mapping: list[str]) -> None:
    columns = remembered(group)
    for name, field in zip(header, mapping, strict=False):
        if _key(name):
            columns[_key(name)] = field
    row = db.session.get(ImportMapping, group.id)
    if row is None:
        db.session.add(ImportMapping(group_id=group.id, columns=columns, updated_at=utcnow()))
    else:
        row.columns, row.updated_at = columns, utcnow()
    db.session.flush()


def guess(header: list[str], known: dict[str, str]) -> list[str]:
    """A field (or "" to ignore) per column: what was chosen before for this
    header, else a common header's meaning; each field used once."""
    mapping, used = [], set()
    for name in header:
        key = _key(name)
        field = known.get(key, _BY_KEY.get(key, ""))
        if field in used:
            field = ""
        if field:
            used.add(field)
        mapping.append(field)
    return mapping


def clean_mapping(header: list[str], values: list[str]) -> list[str]:
    """The operator's choices from the form: unknown values are ignored
    columns; a field chosen twice is an error."""
    mapping = [v if v in IMPORT_FIELD_LABELS else "" for v in values[: len(header)]]
    mapping += [""] * (len(header) - len(mapping))
    chosen = [m for m in mapping if m]
    if len(chosen) != len(set(chosen)):
        raise Invalid(fields={"mapping": [_("Choose each field for one column only.")]})
    return mapping


def missing(mapping: list[str]) -> list[str]:
    """The required fields no column gives, as labels in the reader's language."""
    have = set(mapping)
    needs = []
    if "full_name" not in have and not {"family_name", "given_name"} <= have:
        needs.append(str(IMPORT_FIELD_LABELS["full_name"]))
    if "email" not in have:
        needs.append(str(IMPORT_FIELD_LABELS["email"]))
    return needs


def _split(value: str) -> tuple[str, str]:
    parts = re.split(r"[ \u3000]+", (value or "").strip(), maxsplit=1)
    return (parts[0], parts[1] if len(parts) > 1 else "")


def row_data(cells: list[str], mapping: list[str]) -> dict[str, str]:
    """One sheet row as the invitee's fields."""
    data = {field: (cells[i].strip() if i < len(cells) else "") for i, field in enumerate(mapping) if field}
    if "full_name" in data:
        family, given = _split(data.pop("full_name"))
        data.setdefault("family_name", family)
        data.setdefault("given_name", given)
    if "full_kana" in data:
        family, given = _split(data.pop("full_kana"))
        data.setdefault("family_name_kana", family)
        data.setdefault("given_name_kana", given)
    year = data.get("year_left", "")
    found = re.search(r"(19|20)\d{2}", normalise(year))
    if found:  # "2019年", "2019年3月", "2019/03"
        data["year_left"] = found.group(0)
    return data


# --- reading uploads ----------------------------------------------------------------


def upload_to_csv(filename: str, raw: bytes) -> str:
    """The uploaded member list as CSV text (what the preview carries along):
    CSV in UTF-8 or Shift_JIS, or the first sheet of an XLSX workbook."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise Invalid(fields={"file": [_("The file is too large (at most 2 MB).")]})
    if (filename or "").lower().endswith(".xlsx") or raw[:4] == b"PK\x03\x04":
        return _xlsx_to_csv(raw)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid(fields={"file": [_("Save the file as UTF-8 or Shift_JIS CSV, or as XLSX.")]})


def _refuse_bombs(raw: bytes) -> None:
    unreadable = Invalid(fields={"file": [_("The file is not a readable XLSX workbook.")]})
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError):
        raise unreadable from None
    entries = archive.infolist()
    expanded = sum(e.file_size for e in entries)
    if (
        len(entries) > MAX_XLSX_ENTRIES
        or expanded > MAX_XLSX_EXPANDED
        or any(
            e.file_size > 1024 * 1024 and e.file_size > MAX_XLSX_RATIO * max(e.compress_size, 1)
            for e in entries
        )
    ):
        raise Invalid(
            fields={
                "file": [
                    _(
                        "The workbook expands to far more than a member list; "
                        "save the sheet as CSV and try again."
                    )
                ]
            }
        )
    if "xl/workbook.xml" not in {e.filename for e in entries}:
        raise unreadable


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _xlsx_to_csv(raw: bytes) -> str:
    _refuse_bombs(raw)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken workbook
        raise Invalid(fields={"file": [_("The file is not a readable XLSX workbook.")]}) from None
    try:
        sheet = workbook.worksheets[0]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for row in sheet.iter_rows(values_only=True, max_row=MAX_IMPORT_ROWS + 2, max_col=MAX_COLUMNS):
            writer.writerow([_cell(v) for v in row])
        return out.getvalue()
    finally:
        workbook.close()

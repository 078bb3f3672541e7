"""The registry as CSV, with formula-safe cells."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from federation.csvfiles import csv_text
from federation.errors import Forbidden
from federation.extensions import db
from federation.models import (
    AlumniGroup,
    User,
)
from federation.permissions import can_export_registry

CSV_COLUMNS = (
    "slug",
    "name_ja",
    "name_en",
    "name_kana",
    "company_name",
    "founded_on",
    "founder_name",
    "representative_name",
    "registered_members",
    "eligibility_rule",
    "governance_type",
    "maturity_level",
    "revenue_model",
    "liaison_department",
    "platforms",
    "need_pairs",
    "company_hopes",
    "is_public",
    "description",
)


def export_registry_csv(actor: User) -> str:
    """The whole registry as CSV (UTF-8 with BOM, so that Excel reads Japanese)."""
    if not can_export_registry(actor):
        raise Forbidden()
    groups = db.session.scalars(
        select(AlumniGroup)
        .options(selectinload(AlumniGroup.needs))
        .order_by(AlumniGroup.sort_key, AlumniGroup.id)
    )
    return csv_text(CSV_COLUMNS, (_row(group) for group in groups))


def _row(group: AlumniGroup) -> list:
    row = []
    for column in CSV_COLUMNS:
        if column == "need_pairs":
            value = " ".join(n.value for n in group.need_pairs)
        elif column in ("platforms", "company_hopes"):
            value = " ".join(getattr(group, column) or [])
        else:
            value = getattr(group, column)
            value = getattr(value, "value", value)
        row.append(value)
    return row

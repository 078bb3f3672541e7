"""What a group's operators told the import about their member list's columns,
so that next month's sheet is mapped the same way."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, func
from sqlalchemy.orm import Mapped, mapped_column

from federation.models.base import Base


class ImportMapping(Base):
    __tablename__ = "import_mapping"

    group_id: Mapped[int] = mapped_column(ForeignKey("alumni_group.id", ondelete="CASCADE"), primary_key=True)
    # {folded header text: field}, e.g. {"氏名": "full_name", "退職年": "year_left"}
    columns: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())

"""An applicant's applications in their export, and what erasure removes."""

from __future__ import annotations

from sqlalchemy import select, update

from federation.extensions import db
from federation.models import OperatorApplication, User
from federation.services import privacy


@privacy.exporter("applications")
def _export_applications(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(OperatorApplication)
        .where(OperatorApplication.applicant_id == user.id)
        .order_by(OperatorApplication.id)
    )
    return [
        {
            "id": a.id,
            "status": a.status.value,
            "submitted_at": a.submitted_at.isoformat(),
            "group": a.group.slug if a.group else a.name_ja,
            "company_name": a.company_name,
            "operating_since": a.operating_since.isoformat() if a.operating_since else None,
            "involvement": a.involvement.value if a.involvement else None,
            "role_description": a.role_description,
            "assessment": a.assessment,
        }
        for a in rows
    ]


@privacy.eraser
def _erase_applications(user: User) -> None:
    # Decisions stay in the precedent log; the applicant's own words about
    # themselves do not.
    db.session.execute(
        update(OperatorApplication)
        .where(OperatorApplication.applicant_id == user.id)
        .values(role_description="")
        .execution_options(synchronize_session=False)
    )

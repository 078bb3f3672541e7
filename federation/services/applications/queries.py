"""Reading applications: the queue, one application, the precedent log and
the precedents suggested for an application."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from federation import listcache
from federation.errors import NotFound
from federation.extensions import db
from federation.models import (
    AlumniGroup,
    ApplicationEvent,
    ApplicationStatus,
    EventKind,
    OperatorApplication,
    User,
    Verdict,
    utcnow,
)
from federation.models.base import name_in
from federation.models.user import ordered_name
from federation.pagination import Page, core_page
from federation.permissions import can_see_application, is_coordinator
from federation.services.applications.screening import assessment_of
from federation.services.views import View
from federation.text import normalise


def applications_query(
    viewer: User, status: str = "", older_than_days: int | None = None, with_assessment: bool = False
):
    """Coordinators see every application, others their own; oldest first.
    Applicant and group come in the same query; the overrides behind the
    assessment only when asked (the API shows it, the queue page does not)."""
    query = _queue_filtered(select(OperatorApplication), viewer, status, older_than_days).options(
        joinedload(OperatorApplication.applicant), joinedload(OperatorApplication.group)
    )
    if with_assessment:
        query = query.options(selectinload(OperatorApplication.overrides))
    return query


def _queue_filtered(query, viewer: User, status: str, older_than_days: int | None):
    query = query.order_by(OperatorApplication.submitted_at, OperatorApplication.id)
    if not is_coordinator(viewer):
        query = query.where(OperatorApplication.applicant_id == viewer.id)
    if status in ApplicationStatus.__members__:
        query = query.where(OperatorApplication.status == ApplicationStatus(status))
    if older_than_days:
        query = query.where(OperatorApplication.submitted_at <= utcnow() - timedelta(days=older_than_days))
    return query


@dataclass(frozen=True)
class QueueRow:
    """An application as the queue's row shows it, and nothing more: plain
    columns (no ORM objects), and complete, so that the row is also the key
    of its cached rendering."""

    id: int
    status: ApplicationStatus
    submitted_at: datetime
    name_ja: str
    name_en: str
    group_name_ja: str | None
    group_name_en: str | None
    family_name: str
    given_name: str
    name_order: str

    def group_name_for(self, locale: str) -> str:
        """As OperatorApplication.group_name_for: the registered group's
        name, else the name the application gives."""
        if self.group_name_ja is not None:
            return name_in(locale, self.group_name_ja, self.group_name_en)
        return name_in(locale, self.name_ja, self.name_en)

    @property
    def applicant_name(self) -> str:
        return ordered_name(self.family_name, self.given_name, self.name_order)


# The queue (the page and the API) reads these, and is cached by them.
QUEUE_LIST = listcache.register("application-queue", ("operator_application", "user", "alumni_group"))


def queue_scope(viewer: User, older_than_days: int | None) -> tuple:
    """What decides which applications the viewer's queue lists: all of
    them for a coordinator, else the viewer's own. "Waiting at least N days"
    moves with the clock: such a list is kept for the minute."""
    minute = int(utcnow().timestamp() // 60) if older_than_days else None
    return (is_coordinator(viewer), None if is_coordinator(viewer) else viewer.id, minute)


def queue_page(viewer: User, status: str, older_than_days: int | None, page: int, per_page: int) -> Page:
    """A page of the queue as rows: one COUNT, one select of the shown
    columns with the applicant and the group joined."""
    query = _queue_filtered(
        select(
            OperatorApplication.id,
            OperatorApplication.status,
            OperatorApplication.submitted_at,
            OperatorApplication.name_ja,
            OperatorApplication.name_en,
            AlumniGroup.name_ja.label("group_name_ja"),
            AlumniGroup.name_en.label("group_name_en"),
            User.family_name,
            User.given_name,
            User.name_order,
        )
        .join(User, User.id == OperatorApplication.applicant_id)
        .outerjoin(AlumniGroup, AlumniGroup.id == OperatorApplication.group_id),
        viewer,
        status,
        older_than_days,
    )
    result = core_page(query, page, per_page)
    result.items = [QueueRow(*row) for row in result.items]
    return result


def get_application(viewer: User, application_id: int) -> OperatorApplication:
    application = db.session.get(OperatorApplication, application_id)
    if application is None or not can_see_application(viewer, application):
        raise NotFound()
    return application


def precedents_query(q: str = ""):
    """Decisions and overrides with their notes, newest first, searchable."""
    kinds = [EventKind.approved, EventKind.rejected, EventKind.info_requested, EventKind.override]
    query = (
        select(ApplicationEvent)
        .join(OperatorApplication, OperatorApplication.id == ApplicationEvent.application_id)
        .where(ApplicationEvent.kind.in_(kinds))
        .options(
            selectinload(ApplicationEvent.actor),
            selectinload(ApplicationEvent.application).selectinload(OperatorApplication.group),
        )
        .order_by(ApplicationEvent.id.desc())
    )
    for word in normalise(q).split()[:5]:
        like = f"%{word.lower()}%"
        query = query.where(
            or_(
                func.lower(ApplicationEvent.note).like(like),
                func.lower(ApplicationEvent.message).like(like),
                func.lower(OperatorApplication.name_ja).like(like),
                func.lower(OperatorApplication.name_en).like(like),
                func.lower(OperatorApplication.company_name).like(like),
            )
        )
    return query


PRECEDENT_WINDOW = 300  # recent decided applications looked through


def suggested_precedents(application: OperatorApplication, limit: int = 5) -> list[dict]:
    """Earlier decisions on applications whose assessment raised the same
    question (same criterion, same automatic reason) as the criteria still
    under review here, newest first: what the coordinators decided and why.
    Bounded: three queries over the most recent decided applications."""
    open_items = {
        item["key"]: item.get("code")
        for item in application.assessment or []
        if item.get("verdict") in (Verdict.review.value, Verdict.failed.value)
    }
    if not open_items:
        return []
    candidates = db.session.scalars(
        select(OperatorApplication)
        .where(
            OperatorApplication.id != application.id,
            OperatorApplication.status.in_([ApplicationStatus.approved, ApplicationStatus.rejected]),
        )
        .options(selectinload(OperatorApplication.overrides), selectinload(OperatorApplication.group))
        .order_by(OperatorApplication.decided_at.desc(), OperatorApplication.id.desc())
        .limit(PRECEDENT_WINDOW)
    ).all()
    matched: list[tuple[OperatorApplication, list[str]]] = []
    for other in candidates:
        keys = [
            key
            for key, code in open_items.items()
            if any(i.get("key") == key and i.get("code") == code for i in other.assessment or [])
            or any(o.criterion == key for o in other.overrides)
        ]
        if keys:
            matched.append((other, keys))
        if len(matched) >= limit:
            break
    if not matched:
        return []
    decisions = {
        e.application_id: e
        for e in db.session.scalars(
            select(ApplicationEvent)
            .where(
                ApplicationEvent.application_id.in_([a.id for a, _k in matched]),
                ApplicationEvent.kind.in_([EventKind.approved, EventKind.rejected]),
            )
            .order_by(ApplicationEvent.id)
        )
    }
    return [
        {
            "application": other,
            "criteria": keys,
            "decision": decisions.get(other.id),
            "overrides": [o for o in other.overrides if o.criterion in keys],
        }
        for other, keys in matched
    ]


def application_views(applications) -> list:
    """Applications with their assessment (overrides applied) for the API;
    load them with applications_query(..., with_assessment=True)."""
    return [View(a, assessment=assessment_of(a)) for a in applications]

"""The approvers' digest: one mail per approver on the weekdays they
chose, listing what waits in every group they approve for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from federation.extensions import db
from federation.links import external_url
from federation.models import AlumniGroup, JoinApprover, JoinDigestLog, JoinRequest, User, utcnow
from federation.models.base import TOKYO
from federation.services.mail import queue_mail
from federation.services.membership.join_requests import S
from federation.services.membership.settings import DEFAULT_DIGEST_WEEKDAYS


def send_approver_digests(now: datetime | None = None) -> int:
    """Mail each approver, on the weekdays they chose (Japan time), ONE mail
    listing the pending requests of every group they approve for. At most one
    per person and day (idempotent); nothing when nothing waits. For cron."""
    now = now or utcnow()
    today = now.astimezone(TOKYO).date()
    weekday = today.weekday()
    pending_groups = list(
        db.session.scalars(
            select(AlumniGroup)
            .where(exists().where(JoinRequest.group_id == AlumniGroup.id, JoinRequest.status == S.pending))
            .options(selectinload(AlumniGroup.operators))
        )
    )
    if not pending_groups:
        return 0
    group_ids = [g.id for g in pending_groups]
    named: dict[int, dict[int, list[int]]] = {}
    for link in db.session.scalars(select(JoinApprover).where(JoinApprover.group_id.in_(group_ids))):
        named.setdefault(link.group_id, {})[link.user_id] = list(link.digest_weekdays or [])
    due: dict[int, list[AlumniGroup]] = {}
    for group in pending_groups:
        operators = {op.user_id for op in group.operators}
        chosen = {uid: days for uid, days in named.get(group.id, {}).items() if uid in operators}
        approvers = chosen or {uid: list(DEFAULT_DIGEST_WEEKDAYS) for uid in operators}
        for user_id, days in approvers.items():
            if weekday in days:
                due.setdefault(user_id, []).append(group)
    if not due:
        return 0
    already = set(
        db.session.scalars(
            select(JoinDigestLog.user_id).where(
                JoinDigestLog.user_id.in_(list(due)), JoinDigestLog.sent_on == today
            )
        )
    )
    users = {
        u.id: u
        for u in db.session.scalars(select(User).where(User.id.in_(list(due)), User.deactivated_at.is_(None)))
    }
    pending: dict[int, list[JoinRequest]] = {}
    for row in db.session.scalars(
        select(JoinRequest)
        .where(
            JoinRequest.group_id.in_([g.id for gs in due.values() for g in gs]),
            JoinRequest.status == S.pending,
        )
        .options(selectinload(JoinRequest.user))
        .order_by(JoinRequest.created_at)
    ):
        pending.setdefault(row.group_id, []).append(row)
    sent = 0
    for user_id, groups in due.items():
        user = users.get(user_id)
        if user is None or user_id in already:
            continue
        sections = [
            (g, pending.get(g.id, []), external_url("membership.queue", slug=g.slug))
            for g in sorted(groups, key=lambda g: g.name_kana)
        ]
        total = sum(len(rows) for _g, rows, _l in sections)
        queue_mail(user.email, "join_requests_digest", user.locale, user=user, sections=sections, total=total)
        db.session.add(JoinDigestLog(user_id=user_id, sent_on=today, request_count=total))
        sent += 1
    db.session.flush()
    return sent

"""The weekly digest of new matches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from federation.extensions import db
from federation.links import external_url
from federation.models import DigestLog, DirectoryProfile, User, utcnow
from federation.services.directory.matches import list_matches
from federation.services.mail import queue_mail


def week_of(moment: datetime) -> str:
    year, week, _day = moment.isocalendar()
    return f"{year}-W{week:02d}"


def send_digests(now: datetime | None = None) -> int:
    """Mail each opted-in person the matches that are new since their last
    digest; at most once per week (idempotent)."""
    now = now or utcnow()
    week = week_of(now)
    sent = 0
    profiles = db.session.scalars(
        select(DirectoryProfile)
        .join(User, User.id == DirectoryProfile.user_id)
        .where(DirectoryProfile.digest_opt_in.is_(True), User.deactivated_at.is_(None))
        .options(selectinload(DirectoryProfile.user))
    ).all()
    for profile in profiles:
        user = profile.user
        if db.session.scalar(
            select(DigestLog.id).where(DigestLog.user_id == user.id, DigestLog.week == week)
        ):
            continue
        last = db.session.scalar(select(func.max(DigestLog.sent_at)).where(DigestLog.user_id == user.id))
        matches, total = list_matches(user, 1, 10, since=last)
        if matches:
            queue_mail(
                user.email,
                "directory_digest",
                user.locale,
                key=f"week:{week}",
                user=user,
                matches=matches,
                total=total,
                link=external_url("directory.matches"),
            )
            sent += 1
        db.session.add(DigestLog(user_id=user.id, week=week, sent_at=now, match_count=total))
        db.session.flush()
    return sent

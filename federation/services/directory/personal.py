"""A person's directory data in their export, and its erasure."""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update

from federation.extensions import db
from federation.models import (
    AbuseReport,
    AlumniGroup,
    AlumniInvitation,
    DigestLog,
    DirectoryBlock,
    DirectoryProfile,
    GroupMembership,
    Introduction,
    User,
)
from federation.permissions import forget_membership
from federation.services.directory.profiles import get_own_profile


def export_directory(user: User) -> dict:
    profile = get_own_profile(user, create=False)
    iso = lambda v: v.isoformat() if v else None  # noqa: E731
    return {
        "profile": None
        if profile is None
        else {
            "organisation": profile.organisation,
            "title": profile.title,
            "industries": profile.industries,
            "skills": profile.skills,
            "bio": profile.bio,
            "visibility": profile.visibility,
            "consented_at": iso(profile.consented_at),
            "consent_version": profile.consent_version,
            "digest_opt_in": profile.digest_opt_in,
            "needs": [
                {"need": n.need.value, "side": n.side.value, "detail": n.detail} for n in profile.needs
            ],
        },
        "alumni_of": [
            {"group": g.slug, "year_left": m.year_left, "verified_at": iso(m.verified_at)}
            for m, g in db.session.execute(
                select(GroupMembership, AlumniGroup)
                .join(AlumniGroup)
                .where(GroupMembership.user_id == user.id)
            )
        ],
        "introductions": [
            {
                "sent": i.sender_id == user.id,
                "status": i.status.value,
                "message": i.message,
                "created_at": iso(i.created_at),
                "decided_at": iso(i.decided_at),
            }
            for i in db.session.scalars(
                select(Introduction).where(
                    or_(Introduction.sender_id == user.id, Introduction.recipient_id == user.id)
                )
            )
        ],
        "blocked": len(
            db.session.scalars(select(DirectoryBlock.id).where(DirectoryBlock.blocker_id == user.id)).all()
        ),
        "abuse_reports": [
            {"reason": r.reason, "created_at": iso(r.created_at)}
            for r in db.session.scalars(select(AbuseReport).where(AbuseReport.reporter_id == user.id))
        ],
    }


def erase_directory(user: User) -> None:
    """Personal data goes; introductions stay, without their messages (the
    account row itself is anonymised by privacy.delete_account)."""
    db.session.execute(delete(DirectoryProfile).where(DirectoryProfile.user_id == user.id))
    db.session.execute(delete(GroupMembership).where(GroupMembership.user_id == user.id))
    forget_membership(user)
    db.session.execute(delete(AlumniInvitation).where(AlumniInvitation.email == user.email))
    db.session.execute(
        delete(DirectoryBlock).where(
            or_(DirectoryBlock.blocker_id == user.id, DirectoryBlock.blocked_id == user.id)
        )
    )
    db.session.execute(
        update(Introduction)
        .where(or_(Introduction.sender_id == user.id, Introduction.recipient_id == user.id))
        .values(message="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(AbuseReport)
        .where(AbuseReport.reporter_id == user.id)
        .values(reason="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(DigestLog).where(DigestLog.user_id == user.id))

"""The practice community [実践コミュニティ]: beginners' groups that do not
meet entry criterion 1 (track record) yet. An applicant failing it is offered
to join; members read practice-visible articles and use the beginners'
consultation space; when the group grows they apply again, prefilled."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from federation.errors import Conflict, Forbidden, Invalid, NotFound
from federation.extensions import db
from federation.models import (
    ApplicationStatus,
    OperatorApplication,
    PracticeMembership,
    User,
    Verdict,
    utcnow,
)
from federation.permissions import forget_practice_membership, is_practice_member
from federation.text import normalise


def fails_track_record(application: OperatorApplication) -> bool:
    """Criterion 1 (track record) failed, after any coordinator's override:
    the group is a beginners' group."""
    from federation.services.applications import assessment_of

    return any(
        item["key"] == "track_record" and item["verdict"] == Verdict.failed.value
        for item in assessment_of(application)
    )


def offers_practice(application: OperatorApplication, viewer: User | None = None) -> bool:
    """Offer the applicant to join (the result page, with the viewer, and the
    rejection mail, without)."""
    if application.group_id is not None or not fails_track_record(application):
        return False
    if application.status == ApplicationStatus.approved:
        return False
    if viewer is not None and (not viewer.is_authenticated or viewer.id != application.applicant_id):
        return False
    return not is_practice_member(application.applicant)


def membership_of(user: User | None) -> PracticeMembership | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        select(PracticeMembership).where(
            PracticeMembership.user_id == user.id, PracticeMembership.left_at.is_(None)
        )
    )


def join(actor: User, application: OperatorApplication) -> PracticeMembership:
    """Join from one's own application that failed criterion 1."""
    if actor is None or not actor.is_authenticated or application.applicant_id != actor.id:
        raise NotFound()
    if not fails_track_record(application) or application.group_id is not None:
        raise Forbidden(
            _("The practice community is for groups that do not meet the track record criterion yet.")
        )
    existing = db.session.scalar(select(PracticeMembership).where(PracticeMembership.user_id == actor.id))
    if existing is not None and existing.left_at is None:
        raise Conflict(_("You are already in the practice community."))
    row = existing or PracticeMembership(user_id=actor.id)
    row.application_id = application.id
    row.group_name = application.name_ja
    row.company_name = application.company_name
    row.governance_type = application.governance_type
    row.registered_members = application.registered_members
    row.events_last_12_months = application.events_last_12_months
    row.left_at = None
    row.updated_at = utcnow()
    db.session.add(row)
    db.session.flush()
    forget_practice_membership(actor)
    return row


def update_profile(actor: User, data: dict) -> PracticeMembership:
    """The group's current numbers (they prefill the next application)."""
    row = membership_of(actor)
    if row is None:
        raise NotFound()
    errors = {}
    name = normalise(data.get("group_name") or row.group_name)
    if len(name) > 120:
        errors["group_name"] = [_("Use at most %(n)d characters.", n=120)]
    numbers = {}
    for key in ("registered_members", "events_last_12_months"):
        value = data.get(key)
        try:
            numbers[key] = getattr(row, key) if value in (None, "") else int(value)
            if not 0 <= numbers[key] <= 10_000_000:
                raise ValueError
        except (TypeError, ValueError):
            errors[key] = [_("Enter a whole number.")]
    if errors:
        raise Invalid(fields=errors)
    row.group_name = name
    for key, value in numbers.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    db.session.flush()
    return row


def leave(actor: User) -> None:
    row = membership_of(actor)
    if row is not None:
        row.left_at = utcnow()
        db.session.flush()
        forget_practice_membership(actor)


def leave_on_approval(user: User) -> None:
    """An approved applicant leaves the practice community (they are a member now)."""
    leave(user)


def application_prefill(actor: User) -> dict:
    """The fields of a new application: the last application's evidence with
    the practice profile's current numbers."""
    row = membership_of(actor)
    if row is None:
        return {}
    last = db.session.get(OperatorApplication, row.application_id) if row.application_id else None
    data: dict = {}
    if last is not None and last.applicant_id == actor.id:
        for name in (
            "name_ja",
            "name_en",
            "name_kana",
            "company_name",
            "founded_on",
            "platforms",
            "governance_type",
            "liaison_department",
            "membership_scope",
            "admits_outsiders",
            "audience",
            "purpose",
            "operating_since",
            "involvement",
            "role_description",
        ):
            value = getattr(last, name, None)
            data[name] = getattr(value, "value", value)
    data["name_ja"] = row.group_name or data.get("name_ja")
    data["registered_members"] = row.registered_members
    data["events_last_12_months"] = row.events_last_12_months
    return data


def open_application(actor: User) -> OperatorApplication | None:
    return db.session.scalar(
        select(OperatorApplication).where(
            OperatorApplication.applicant_id == actor.id,
            OperatorApplication.status.in_([ApplicationStatus.pending, ApplicationStatus.info_requested]),
        )
    )

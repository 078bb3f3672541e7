"""Bringing alumni in: an operator invites one person or imports the
group's member list (CSV or XLSX, see alumni_import); the invitee follows the
mailed link once and becomes the group's verified alumnus."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from federation.errors import Forbidden, Invalid
from federation.extensions import db
from federation.labels import IMPORT_FIELD_LABELS
from federation.links import external_url
from federation.models import AlumniGroup, AlumniInvitation, GroupMembership, User, utcnow
from federation.permissions import can_invite_alumni, forget_membership
from federation.security import hash_secret, new_secret
from federation.services import alumni_import
from federation.services.accounts import (
    check_names,
    find_user_by_email,
    normalise_email,
    register_user,
    validate_together,
)
from federation.services.alumni_import import MAX_IMPORT_ROWS
from federation.services.directory.index import reindex
from federation.services.directory.profiles import get_own_profile
from federation.services.mail import queue_mail
from federation.text import as_typed


def _invitation_lifetime() -> timedelta:
    return current_app.config["DIRECTORY_INVITATION_LIFETIME"]


def _clean_invitee(data: dict) -> dict:
    year = data.get("year_left")

    def check_year():
        if year in (None, ""):
            return None
        try:
            value = int(str(year).strip())
        except ValueError:
            raise Invalid(fields={"year_left": [_("Enter a year such as 2019.")]}) from None
        if not 1950 <= value <= utcnow().year:
            raise Invalid(fields={"year_left": [_("Enter a year such as 2019.")]})
        return value

    def check_org():
        value = as_typed(data.get("organisation") or "")
        if len(value) > 120:
            raise Invalid(fields={"organisation": [_("Use at most %(n)d characters.", n=120)]})
        return value

    email, names, year_left, organisation = validate_together(
        lambda: normalise_email(data.get("email") or ""),
        lambda: check_names(
            {
                k: data.get(k) or ""
                for k in ("family_name", "given_name", "family_name_kana", "given_name_kana")
            }
        ),
        check_year,
        check_org,
    )
    return {"email": email, **names, "year_left": year_left, "organisation": organisation}


def _already_in(group: AlumniGroup, emails: list[str]) -> set[str]:
    """Addresses already invited to the group or already its verified alumni."""
    if not emails:
        return set()
    invited = set(
        db.session.scalars(
            select(AlumniInvitation.email).where(
                AlumniInvitation.group_id == group.id, AlumniInvitation.email.in_(emails)
            )
        )
    )
    members = set(
        db.session.scalars(
            select(User.email)
            .join(GroupMembership, GroupMembership.user_id == User.id)
            .where(GroupMembership.group_id == group.id, User.email.in_(emails))
        )
    )
    return invited | members


def _create_invitation(actor: User, group: AlumniGroup, clean: dict) -> AlumniInvitation:
    raw = new_secret()
    invitation = AlumniInvitation(
        group=group,
        group_id=group.id,
        token_hash=hash_secret(raw),
        invited_by_id=actor.id,
        expires_at=utcnow() + _invitation_lifetime(),
        **clean,
    )
    db.session.add(invitation)
    db.session.flush()
    locale = "ja"
    existing = db.session.scalar(select(User).where(User.email == clean["email"]))
    if existing is not None:
        locale = existing.locale
    queue_mail(
        clean["email"],
        "directory_invitation",
        locale,
        invitation=invitation,
        group=group,
        link=external_url("directory.join", token=raw),
        days=_invitation_lifetime().days,
    )
    return invitation


def invite(actor: User, group: AlumniGroup, data: dict) -> AlumniInvitation:
    if not can_invite_alumni(actor, group):
        raise Forbidden()
    clean = _clean_invitee(data)
    if _already_in(group, [clean["email"]]):
        raise Invalid(fields={"email": [_("This person is already invited or a member.")]})
    return _create_invitation(actor, group, clean)


@dataclass
class ImportRow:
    line: int
    data: dict
    status: str  # ok | error | duplicate
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    header: list[str]
    mapping: list[str]  # a field of labels.IMPORT_FIELD_LABELS per column, "" to ignore
    rows: list[ImportRow]
    missing: list[str]  # required fields no column gives (labels); then no rows


def preview_import(
    actor: User, group: AlumniGroup, text: str, mapping: list[str] | None = None
) -> ImportPreview:
    """Parse the spreadsheet and say, row by row, what an import would do,
    with the columns mapped as given (else guessed, or as last time)."""
    if not can_invite_alumni(actor, group):
        raise Forbidden()
    text = (text or "").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise Invalid(fields={"file": [_("The file is empty.")]}) from None
    header = [h.strip() for h in header]
    if mapping is None:
        mapping = alumni_import.guess(header, alumni_import.remembered(group))
    else:
        mapping = alumni_import.clean_mapping(header, mapping)
    needs = alumni_import.missing(mapping)
    if needs:
        return ImportPreview(header, mapping, [], needs)
    rows: list[ImportRow] = []
    seen: set[str] = set()
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_IMPORT_ROWS:
                raise Invalid(fields={"file": [_("Import at most %(n)d rows at a time.", n=MAX_IMPORT_ROWS)]})
            data = alumni_import.row_data(cells, mapping)
            try:
                clean = _clean_invitee(data)
            except Invalid as error:
                messages = [f"{_field_label(k)}: {m}" for k, ms in error.fields.items() for m in ms]
                rows.append(ImportRow(number, data, "error", messages))
                continue
            if clean["email"] in seen:
                rows.append(
                    ImportRow(
                        number, clean, "duplicate", [_("The same address appears earlier in the file.")]
                    )
                )
                continue
            seen.add(clean["email"])
            rows.append(ImportRow(number, clean, "ok"))
    except csv.Error:
        raise Invalid(fields={"file": [_("The file is not a valid CSV file.")]}) from None
    existing = _already_in(group, [r.data["email"] for r in rows if r.status == "ok"])
    for row in rows:
        if row.status == "ok" and row.data["email"] in existing:
            row.status = "duplicate"
            row.errors = [_("Already invited or already a member.")]
    return ImportPreview(header, mapping, rows, [])


def _field_label(key: str) -> str:
    return str(IMPORT_FIELD_LABELS.get(key, key))


def import_alumni(
    actor: User, group: AlumniGroup, text: str, mapping: list[str] | None = None
) -> dict[str, int]:
    """Invite every good row; bad and duplicate rows are skipped. One
    transaction: the caller commits once, so nothing is half-imported. The
    column mapping is remembered for the group's next import."""
    preview = preview_import(actor, group, text, mapping)
    if preview.missing:
        raise Invalid(
            fields={"mapping": [_("Choose which column holds: %(names)s", names="、".join(preview.missing))]}
        )
    alumni_import.remember(group, preview.header, preview.mapping)
    counts = {"invited": 0, "error": 0, "duplicate": 0}
    for row in preview.rows:
        if row.status == "ok":
            _create_invitation(actor, group, row.data)
            counts["invited"] += 1
        else:
            counts[row.status] += 1
    return counts


def invitation_for(raw: str) -> AlumniInvitation:
    invitation = db.session.scalar(
        select(AlumniInvitation).where(AlumniInvitation.token_hash == hash_secret(raw or ""))
    )
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= utcnow():
        raise Invalid(_("This invitation is invalid, has expired or was already used."))
    return invitation


def accept_invitation(raw: str, user: User) -> GroupMembership:
    """Link the user to the group as verified alumni; the link works once."""
    invitation = invitation_for(raw)
    used = db.session.execute(
        update(AlumniInvitation)
        .where(AlumniInvitation.id == invitation.id, AlumniInvitation.accepted_at.is_(None))
        .values(accepted_at=utcnow(), accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1:
        raise Invalid(_("This invitation is invalid, has expired or was already used."))
    membership = db.session.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == invitation.group_id, GroupMembership.user_id == user.id
        )
    )
    if membership is None:
        membership = GroupMembership(
            group_id=invitation.group_id,
            user_id=user.id,
            year_left=invitation.year_left,
            verified_at=utcnow(),
        )
        db.session.add(membership)
        db.session.flush()
        forget_membership(user)
    profile = get_own_profile(user)
    if not profile.organisation and invitation.organisation:
        profile.organisation = invitation.organisation
    reindex(profile)
    return membership


def join_with_new_account(raw: str, *, password: str, locale: str = "ja", **names) -> User:
    """Create the invitee's account (the mailed link proves the address) and
    accept the invitation."""
    invitation = invitation_for(raw)
    if find_user_by_email(invitation.email) is not None:
        raise Invalid(_("This address already has an account: sign in, then open the link again."))
    user = register_user(email=invitation.email, password=password, locale=locale, verified=True, **names)
    accept_invitation(raw, user)
    return user

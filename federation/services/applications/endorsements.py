"""The company liaison's endorsement: the mailed link, confirming or
declining it once, and the reviewer's warning about the liaison's address."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from federation.errors import Invalid
from federation.extensions import db
from federation.links import external_url
from federation.models import (
    AlumniGroup,
    ApplicationStatus,
    EventKind,
    GroupEndorsement,
    OperatorApplication,
    User,
    utcnow,
)
from federation.security import hash_secret, new_secret
from federation.services.applications.records import reassess, record_event
from federation.services.mail import queue_mail
from federation.text import as_typed


def _endorsement_lifetime() -> timedelta:
    return current_app.config.get("ENDORSEMENT_TOKEN_LIFETIME", timedelta(days=14))


def send_endorsement_request(application: OperatorApplication) -> GroupEndorsement:
    raw = new_secret()
    endorsement = GroupEndorsement(
        application=application,
        group_id=application.group_id,
        liaison_email=application.liaison_email,
        token_hash=hash_secret(raw),
        expires_at=utcnow() + _endorsement_lifetime(),
    )
    db.session.add(endorsement)
    db.session.flush()
    applicant = application.applicant or db.session.get(User, application.applicant_id)
    queue_mail(
        application.liaison_email,
        "endorsement_request",
        applicant.locale,
        applicant=applicant,
        application=application,
        group_name=application.group_name_for(applicant.locale),
        company=application.company_name or (application.group.company_name if application.group else ""),
        link=external_url("applications.endorse", token=raw),
        days=_endorsement_lifetime().days,
    )
    return endorsement


def find_endorsement(raw: str) -> GroupEndorsement:
    """The endorsement of a valid, unused, unexpired link."""
    endorsement = db.session.scalar(
        select(GroupEndorsement).where(GroupEndorsement.token_hash == hash_secret(raw or ""))
    )
    if (
        endorsement is None
        or endorsement.confirmed_at is not None
        or endorsement.declined_at is not None
        or endorsement.expires_at <= utcnow()
    ):
        raise Invalid(_("This link is invalid, has expired or was already used."))
    return endorsement


def confirm_endorsement(raw: str, confirmer_name: str) -> GroupEndorsement:
    """The liaison confirms; works once even when two clicks race."""
    name = as_typed(confirmer_name or "")
    if not name or len(name) > 160:
        raise Invalid(fields={"confirmer_name": [_("Enter your name.")]})
    endorsement = find_endorsement(raw)
    now = utcnow()
    done = db.session.execute(
        update(GroupEndorsement)
        .where(
            GroupEndorsement.id == endorsement.id,
            GroupEndorsement.confirmed_at.is_(None),
            GroupEndorsement.declined_at.is_(None),
        )
        .values(confirmed_at=now, confirmer_name=name)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise Invalid(_("This link is invalid, has expired or was already used."))
    db.session.refresh(endorsement)
    application = endorsement.application
    record_event(application, EventKind.endorsed, note=name)
    if application.status in (ApplicationStatus.pending, ApplicationStatus.info_requested):
        db.session.refresh(application, ["endorsements"])
        reassess(application)
    db.session.flush()
    return endorsement


def decline_endorsement(raw: str, confirmer_name: str) -> GroupEndorsement:
    """The liaison says the company does not recognise the group; the link is
    used up and the criterion goes to a coordinator."""
    name = as_typed(confirmer_name or "")
    if not name or len(name) > 160:
        raise Invalid(fields={"confirmer_name": [_("Enter your name.")]})
    endorsement = find_endorsement(raw)
    done = db.session.execute(
        update(GroupEndorsement)
        .where(
            GroupEndorsement.id == endorsement.id,
            GroupEndorsement.confirmed_at.is_(None),
            GroupEndorsement.declined_at.is_(None),
        )
        .values(declined_at=utcnow(), confirmer_name=name)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise Invalid(_("This link is invalid, has expired or was already used."))
    db.session.refresh(endorsement)
    application = endorsement.application
    if application.status in (ApplicationStatus.pending, ApplicationStatus.info_requested):
        db.session.refresh(application, ["endorsements"])
        reassess(application)
    db.session.flush()
    return endorsement


FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.co.jp",
        "yahoo.com",
        "ymail.com",
        "outlook.com",
        "outlook.jp",
        "hotmail.com",
        "hotmail.co.jp",
        "live.jp",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "au.com",
        "softbank.ne.jp",
        "i.softbank.jp",
        "nifty.com",
        "biglobe.ne.jp",
        "ocn.ne.jp",
        "so-net.ne.jp",
        "proton.me",
        "protonmail.com",
        "zoho.com",
        "gmx.com",
        "mail.com",
    }
)


def liaison_address_warning(application: OperatorApplication) -> str | None:
    """A note for the reviewer when the liaison's address does not look like
    the company's: a free-mail or carrier domain, the applicant's own address,
    or (when the company's name has a romanised form) a domain sharing no word
    with it. The platform does not know companies' domains, so it flags
    rather than refuses."""
    email = (application.liaison_email or "").lower()
    if "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1]
    applicant = application.applicant
    if applicant is not None and applicant.email.lower() == email:
        return _("The liaison's address is the applicant's own address (%(email)s).", email=email)
    if domain in FREE_MAIL_DOMAINS:
        return _(
            "The liaison's address %(email)s is at a free mail or mobile carrier "
            "domain, not the company's. Check it before relying on the endorsement.",
            email=email,
        )
    words = {
        w
        for w in re.split(
            r"[^a-z0-9]+", " ".join((application.name_en or "", application.company_name or "")).lower()
        )
        if len(w) >= 3
        and w not in {"alumni", "group", "club", "network", "the", "and", "inc", "ltd", "corp", "co"}
    }
    labels = set(re.split(r"[.\-]", domain))
    if words and not any(w in label or label in w for w in words for label in labels if len(label) >= 3):
        return _(
            "The liaison's address %(email)s is at %(domain)s, which does not look like "
            "the company's (%(company)s). Check it before relying on the endorsement.",
            email=email,
            domain=domain,
            company=application.company_name or application.name_en,
        )
    return None


def confirmed_endorsements(group: AlumniGroup) -> list[GroupEndorsement]:
    """The company's verified endorsements of a group: who confirmed, when."""
    return list(
        db.session.scalars(
            select(GroupEndorsement)
            .where(GroupEndorsement.group_id == group.id, GroupEndorsement.confirmed_at.is_not(None))
            .order_by(GroupEndorsement.confirmed_at.desc())
            .limit(5)
        )
    )

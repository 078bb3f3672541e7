"""Retention: personal fields of closed records are erased after the period
the configuration sets (README, "Retention").

Table-driven: each rule names a model, the setting that holds its period,
the condition that makes a row closed since a given cutoff, and the values
its personal fields get. A capability adds its rule with `retention_rule()`;
`purge_expired_personal_data()` (CLI: `flask privacy purge`) runs them all,
one UPDATE per rule, and is safe to run as often as it is scheduled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from flask import current_app
from sqlalchemy import String, and_, cast, literal, or_, update

from federation.extensions import db
from federation.models import (
    AlumniInvitation,
    ApplicationStatus,
    GroupEndorsement,
    JoinRequest,
    JoinRequestStatus,
    OperatorApplication,
    utcnow,
)


@dataclass(frozen=True)
class RetentionRule:
    name: str
    model: type
    # The config key holding the period (a timedelta).
    setting: str
    # cutoff -> SQL condition: the row was closed before the cutoff.
    closed_before: Callable[[datetime], object]
    # column name -> value (a constant, or a callable of the model giving
    # an SQL expression, for values that must stay unique).
    erased: dict
    # An SQL condition true while something is left to erase.
    pending: Callable[[], object]


RULES: list[RetentionRule] = []


def retention_rule(rule: RetentionRule) -> RetentionRule:
    RULES.append(rule)
    return rule


def _closed_application_statuses():
    closed = [ApplicationStatus.rejected]
    withdrawn = getattr(ApplicationStatus, "withdrawn", None)
    if withdrawn is not None:
        closed.append(withdrawn)
    return closed


retention_rule(
    RetentionRule(
        name="closed_applications",
        model=OperatorApplication,
        setting="RETENTION_CLOSED_APPLICATIONS",
        closed_before=lambda cutoff: and_(
            OperatorApplication.status.in_(_closed_application_statuses()),
            OperatorApplication.decided_at.is_not(None),
            OperatorApplication.decided_at < cutoff,
        ),
        erased={"liaison_email": "", "liaison_department": "", "role_description": ""},
        pending=lambda: or_(
            OperatorApplication.liaison_email != "",
            OperatorApplication.liaison_department != "",
            OperatorApplication.role_description != "",
        ),
    )
)

retention_rule(
    RetentionRule(
        name="closed_application_endorsements",
        model=GroupEndorsement,
        setting="RETENTION_CLOSED_APPLICATIONS",
        closed_before=lambda cutoff: GroupEndorsement.application_id.in_(
            db.select(OperatorApplication.id).where(
                OperatorApplication.status.in_(_closed_application_statuses()),
                OperatorApplication.decided_at.is_not(None),
                OperatorApplication.decided_at < cutoff,
            )
        ),
        erased={"liaison_email": "", "confirmer_name": ""},
        pending=lambda: or_(GroupEndorsement.liaison_email != "", GroupEndorsement.confirmer_name != ""),
    )
)

retention_rule(
    RetentionRule(
        name="expired_invitations",
        model=AlumniInvitation,
        setting="RETENTION_EXPIRED_INVITATIONS",
        closed_before=lambda cutoff: and_(
            AlumniInvitation.accepted_at.is_(None), AlumniInvitation.expires_at < cutoff
        ),
        # (group, email) is unique: each erased row gets its own placeholder.
        erased={
            "email": lambda m: literal("erased-") + db.cast(m.id, db.String) + literal("@erased.invalid"),
            "family_name": "",
            "given_name": "",
            "family_name_kana": "",
            "given_name_kana": "",
            "organisation": "",
            "year_left": None,
        },
        pending=lambda: ~AlumniInvitation.email.like("erased-%@erased.invalid"),
    )
)

retention_rule(
    RetentionRule(
        name="decided_join_requests",
        model=JoinRequest,
        setting="RETENTION_DECIDED_JOIN_REQUESTS",
        # Decided (approved, declined) or withdrawn: the answers (full name, company
        # left, current job) and the decision message go; the fact of the request,
        # its status and dates stay for the group's history. The birth date went
        # already when the request was decided.
        closed_before=lambda cutoff: and_(
            JoinRequest.status != JoinRequestStatus.pending,
            JoinRequest.decided_at.is_not(None),
            JoinRequest.decided_at < cutoff,
        ),
        erased={"answers": {}, "decision_message": "", "birth_date": None},
        pending=lambda: or_(
            cast(JoinRequest.answers, String) != "{}",
            JoinRequest.decision_message != "",
            JoinRequest.birth_date.is_not(None),
        ),
    )
)


def purge_expired_personal_data(now: datetime | None = None) -> dict[str, int]:
    """Erase what every rule says is due; return the rows erased per rule.
    Flushes, never commits."""
    now = now or utcnow()
    counts = {}
    for rule in RULES:
        period = current_app.config[rule.setting]
        values = {
            name: (value(rule.model) if callable(value) else value) for name, value in rule.erased.items()
        }
        result = db.session.execute(
            update(rule.model)
            .where(rule.closed_before(now - period), rule.pending())
            .values(values)
            .execution_options(synchronize_session=False)
        )
        counts[rule.name] = result.rowcount
    return counts

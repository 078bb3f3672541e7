"""The anonymised research export: per group, only for groups whose operators
agreed; no name, slug or company, only the group's kind and its numbers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from federation.csvfiles import csv_text
from federation.errors import Forbidden
from federation.extensions import db
from federation.models import AlumniGroup, GroupHealthProfile, HealthSnapshot, User, utcnow
from federation.permissions import can_export_research, can_set_research_consent
from federation.services.health.snapshots import latest_month, size_band

FIELDS = (
    "record",
    "month",
    "governance_type",
    "maturity_level",
    "size_band",
    "events_held",
    "events_joint",
    "registrations",
    "attended",
    "no_show_rate",
    "newcomer_share",
    "repeat_rate",
    "cross_group_share",
    "started_total",
    "started_by_members",
    "leader_share",
    "bench",
    "assets_given",
    "assets_received",
    "introductions_requested",
    "introductions_accepted",
    "outcomes_measurable",
    "flags",
)


def set_consent(actor: User, group: AlumniGroup, agreed: bool) -> GroupHealthProfile:
    if not can_set_research_consent(actor, group):
        raise Forbidden()
    profile = db.session.get(GroupHealthProfile, group.id) or GroupHealthProfile(
        group_id=group.id, highlights=""
    )
    profile.research_consent = bool(agreed)
    profile.consent_changed_by_id, profile.consent_changed_at = actor.id, utcnow()
    db.session.add(profile)
    db.session.flush()
    return profile


def research_rows(actor: User, month: date | None = None) -> list[dict]:
    if not can_export_research(actor):
        raise Forbidden()
    month = month or latest_month()
    if month is None:
        return []
    rows = db.session.execute(
        select(AlumniGroup.governance_type, AlumniGroup.maturity_level, HealthSnapshot)
        .join(HealthSnapshot, HealthSnapshot.group_id == AlumniGroup.id)
        .join(GroupHealthProfile, GroupHealthProfile.group_id == AlumniGroup.id)
        .where(HealthSnapshot.month == month, GroupHealthProfile.research_consent.is_(True))
        # Ordered by numbers, not by id or name, so the record order reveals no group.
        .order_by(
            AlumniGroup.governance_type,
            AlumniGroup.maturity_level,
            HealthSnapshot.members,
            HealthSnapshot.attended,
            HealthSnapshot.id,
        )
    ).all()
    out = []
    for n, (governance, maturity, snapshot) in enumerate(rows, start=1):
        v = snapshot.indicators
        out.append(
            {
                "record": n,
                "month": month.isoformat(),
                "governance_type": governance.value,
                "maturity_level": maturity,
                "size_band": size_band(snapshot.members),
                **{k: v.get(k) for k in FIELDS[5:17]},
                "assets_given": sum(v.get("assets_given", {}).values()),
                "assets_received": sum(v.get("assets_received", {}).values()),
                "introductions_requested": v.get("introductions_requested"),
                "introductions_accepted": v.get("introductions_accepted"),
                "outcomes_measurable": v.get("outcomes_measurable"),
                "flags": " ".join(sorted(f["code"] for f in snapshot.flags)),
            }
        )
    return out


def research_csv(actor: User, month: date | None = None) -> str:
    return csv_text(FIELDS, ([row.get(field) for field in FIELDS] for row in research_rows(actor, month)))

"""A joint event's attendance by group: registered, attended, newcomers and
repeaters per group, and the share of guests from other groups."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import aliased

from federation.extensions import db
from federation.models import AlumniGroup, EventRegistration, JointEvent, RegistrationStatus
from federation.services.health.measures import person_key, person_of, ratio


def event_breakdown(event: JointEvent, repeat_window: int = 5) -> dict:
    """A joint event's attendance by group: registered, attended, newcomers
    and repeaters per group, and the share of guests from groups other than
    the lead. A fixed number of queries."""
    reg = EventRegistration
    rows = db.session.execute(
        select(reg.group_id, person_key().label("person"), reg.checked_in_at).where(
            reg.event_id == event.id, reg.status == RegistrationStatus.confirmed
        )
    ).all()
    attended = [r for r in rows if r.checked_in_at is not None]
    people = {r.person for r in attended}
    earlier: set[str] = set()
    here = aliased(EventRegistration)
    if people:
        earlier = set(
            db.session.scalars(
                select(person_key())
                .join(JointEvent, JointEvent.id == reg.event_id)
                .where(
                    reg.checked_in_at.is_not(None),
                    JointEvent.starts_at < event.starts_at,
                    person_key().in_(
                        select(person_of(here)).where(
                            here.event_id == event.id, here.checked_in_at.is_not(None)
                        )
                    ),
                )
                .distinct()
            )
        )
    per_group: dict = defaultdict(lambda: {"registered": 0, "attended": 0, "newcomers": 0, "repeat": 0})
    for r in rows:
        entry = per_group[r.group_id]
        entry["registered"] += 1
        if r.checked_in_at is not None:
            entry["attended"] += 1
            entry["repeat" if r.person in earlier else "newcomers"] += 1
    names = (
        {
            g.id: g
            for g in db.session.scalars(
                select(AlumniGroup).where(AlumniGroup.id.in_([k for k in per_group if k is not None]))
            )
        }
        if per_group
        else {}
    )
    guests = sum(1 for r in attended if r.group_id != event.lead_group_id)
    groups = [
        {"group": names.get(k), "group_id": k, **v}
        for k, v in sorted(per_group.items(), key=lambda kv: -kv[1]["attended"])
    ]
    return {
        "registered": len(rows),
        "attended": len(attended),
        "guest_share": ratio(guests, len(attended)),
        "newcomers": sum(g["newcomers"] for g in groups),
        "repeat_rate": ratio(len(people & earlier), len(people)),
        "groups": groups,
    }

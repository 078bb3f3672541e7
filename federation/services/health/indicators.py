"""Indicators of one group over one period, computed from what is stored.

Every indicator has a definition (DEFINITIONS) that pages show next to the
number. "The group's events" are joint events the group hosts as a confirmed
host (the lead group always is), published or completed, that started in the
period and before now; an event is "own" with one confirmed host, "joint"
with more. A person is their account, or an erased account's opaque key, so
repeat attendance stays right after erasure.

The units (months, a person, a share) are in measures, the definitions in
definitions, one event's breakdown in event_attendance; their names are
re-exported here for the callers that import them from this module.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from federation.extensions import db
from federation.models import (
    AlumniGroup,
    AssetKind,
    AssetRequest,
    EventHost,
    EventRegistration,
    EventStatus,
    GroupMemberCount,
    GroupMembership,
    GroupOperator,
    HostStatus,
    Introduction,
    IntroductionOutcome,
    IntroductionStatus,
    JointEvent,
    OutcomeKind,
    RegistrationStatus,
    RequestStatus,
    SharedAsset,
    User,
    utcnow,
)
from federation.models.base import TOKYO
from federation.services.groups.operators import active_operator_ids
from federation.services.health.definitions import DEFINITIONS, empty_indicators
from federation.services.health.event_attendance import event_breakdown
from federation.services.health.hooks import MEMBER_ACTIVITY_SOURCES
from federation.services.health.measures import (
    month_bounds,
    month_start,
    months_back,
    next_month,
    person_key,
    person_of,
    ratio,
    tokyo_midnight,
)

__all__ = [
    "BENCH_DAYS",
    "DEFINITIONS",
    "HELD",
    "LEADER_MONTHS",
    "TOKYO",
    "compute",
    "empty_indicators",
    "event_breakdown",
    "month_bounds",
    "month_start",
    "months_back",
    "next_month",
    "person_key",
    "ratio",
    "tokyo_midnight",
]

HELD = (EventStatus.published, EventStatus.completed)
BENCH_DAYS = 90
LEADER_MONTHS = 12


def _group_events(group_id: int, start: datetime | None, end: datetime, now: datetime):
    hosts = (
        select(func.count(EventHost.id))
        .where(EventHost.event_id == JointEvent.id, EventHost.status == HostStatus.confirmed)
        .correlate(JointEvent)
        .scalar_subquery()
    )
    hosted = select(EventHost.event_id).where(
        EventHost.group_id == group_id, EventHost.status == HostStatus.confirmed
    )
    query = select(JointEvent.id, JointEvent.starts_at, JointEvent.created_by_id, hosts.label("hosts")).where(
        JointEvent.id.in_(hosted), JointEvent.status.in_(HELD), JointEvent.starts_at < min(end, now)
    )
    if start is not None:
        query = query.where(JointEvent.starts_at >= start)
    return db.session.execute(query.order_by(JointEvent.starts_at, JointEvent.id)).all()


def compute(
    group: AlumniGroup, start: datetime, end: datetime, *, repeat_window: int = 5, now: datetime | None = None
) -> dict:
    """The indicators of `group` for [start, end): a fixed number of queries."""
    now = now or utcnow()
    gid = group.id
    operator_ids = set(db.session.scalars(active_operator_ids(gid)))
    result: dict = {}

    # --- members --------------------------------------------------------------
    counts = db.session.execute(
        select(GroupMemberCount.counted_on, GroupMemberCount.members)
        .where(GroupMemberCount.group_id == gid, GroupMemberCount.counted_on < end.astimezone(TOKYO).date())
        .order_by(GroupMemberCount.counted_on.desc())
        .limit(40)
    ).all()
    start_day = start.astimezone(TOKYO).date()
    latest = counts[0].members if counts else None
    before = next((c.members for c in counts if c.counted_on < start_day), None)
    result["members"] = latest if latest is not None else group.registered_members
    result["members_change"] = (latest - before) if latest is not None and before is not None else 0
    result["new_members"] = (
        db.session.scalar(
            select(func.count(GroupMembership.id)).where(
                GroupMembership.group_id == gid,
                GroupMembership.verified_at >= start,
                GroupMembership.verified_at < end,
            )
        )
        or 0
    )

    # --- activity -------------------------------------------------------------
    events = _group_events(gid, start, end, now)
    event_ids = [e.id for e in events]
    joint_ids = {e.id for e in events if e.hosts > 1}
    result["events_held"] = len(events)
    result["events_joint"] = len(joint_ids)
    result["events_own"] = len(events) - len(joint_ids)
    reg = EventRegistration
    rows = (
        db.session.execute(
            select(reg.event_id, person_key().label("person"), reg.group_id, reg.checked_in_at).where(
                reg.event_id.in_(event_ids), reg.status == RegistrationStatus.confirmed
            )
        ).all()
        if event_ids
        else []
    )
    attendees = [r for r in rows if r.checked_in_at is not None]
    result["registrations"] = len(rows)
    result["attended"] = len(attendees)
    result["no_shows"] = len(rows) - len(attendees)
    result["no_show_rate"] = ratio(len(rows) - len(attendees), len(rows))

    # Newcomers: their first check-in anywhere is at one of these events.
    people = {r.person for r in attendees}
    newcomers = 0
    here = aliased(EventRegistration)  # this period's attendees, apart from their history
    if people:
        first_seen = dict(
            db.session.execute(
                select(person_key(), func.min(JointEvent.starts_at))
                .join(JointEvent, JointEvent.id == reg.event_id)
                .where(
                    reg.checked_in_at.is_not(None),
                    reg.status == RegistrationStatus.confirmed,
                    person_key().in_(
                        select(person_of(here)).where(
                            here.event_id.in_(event_ids), here.checked_in_at.is_not(None)
                        )
                    ),
                )
                .group_by(person_key())
            ).all()
        )
        newcomers = sum(1 for p in people if first_seen.get(p) is not None and _aware(first_seen[p]) >= start)
    result["attendees"] = len(people)
    result["newcomers"] = newcomers
    result["newcomer_share"] = ratio(newcomers, len(people))

    # Repeat rate over the group's last N events up to the end of the period.
    recent = _group_events(gid, None, end, now)[-repeat_window:]
    result["repeat_window"] = repeat_window
    result["repeat_events"] = len(recent)
    if len(recent) >= 2:
        seen = db.session.execute(
            select(person_key(), func.count(func.distinct(reg.event_id)))
            .where(
                reg.event_id.in_([e.id for e in recent]),
                reg.checked_in_at.is_not(None),
                reg.status == RegistrationStatus.confirmed,
            )
            .group_by(person_key())
        ).all()
        repeaters = sum(1 for _p, n in seen if n >= 2)
        result["repeaters"] = repeaters
        result["repeat_people"] = len(seen)
        result["repeat_rate"] = ratio(repeaters, len(seen))
    else:
        result["repeaters"] = result["repeat_people"] = 0
        result["repeat_rate"] = None

    # Cross-group mix at joint events.
    joint_attendees = [r for r in attendees if r.event_id in joint_ids]
    guests = Counter(r.group_id for r in joint_attendees if r.group_id != gid)
    result["joint_attended"] = len(joint_attendees)
    result["guests"] = sum(guests.values())
    result["cross_group_share"] = ratio(sum(guests.values()), len(joint_attendees))
    result["guest_groups"] = {
        str(k) if k is not None else "none": v for k, v in sorted(guests.items(), key=lambda kv: -kv[1])
    }

    # --- who starts things ------------------------------------------------------
    sources = {
        "events": (
            len(events),
            sum(1 for e in events if e.created_by_id is not None and e.created_by_id not in operator_ids),
        )
    }
    for name, source in MEMBER_ACTIVITY_SOURCES.items():
        sources[name] = tuple(source(gid, start, end, operator_ids))
    result["started"] = {name: list(v) for name, v in sources.items()}
    result["started_total"] = sum(v[0] for v in sources.values())
    result["started_by_members"] = sum(v[1] for v in sources.values())

    year_ago = end - timedelta(days=365)
    year = _group_events(gid, year_ago, end, now)
    creators = Counter(e.created_by_id for e in year if e.created_by_id is not None)
    result["leader_events"] = len(year)
    result["leader_top"] = max(creators.values()) if creators else 0
    result["leader_share"] = ratio(result["leader_top"], len(year))

    since = min(end, now) - timedelta(days=BENCH_DAYS)
    logged_in = (
        set(db.session.scalars(select(User.id).where(User.id.in_(operator_ids), User.last_login_at >= since)))
        if operator_ids
        else set()
    )
    started = {e.created_by_id for e in year if _aware(e.starts_at) >= since}
    result["operators"] = len(operator_ids)
    result["bench"] = len(operator_ids & (logged_in | started))

    # --- give and receive -----------------------------------------------------
    accepted = and_(
        AssetRequest.status == RequestStatus.accepted,
        AssetRequest.decided_at >= start,
        AssetRequest.decided_at < end,
    )
    given = dict(
        db.session.execute(
            select(SharedAsset.kind, func.count(AssetRequest.id))
            .join(SharedAsset, SharedAsset.id == AssetRequest.asset_id)
            .where(SharedAsset.group_id == gid, accepted)
            .group_by(SharedAsset.kind)
        ).all()
    )
    received = dict(
        db.session.execute(
            select(SharedAsset.kind, func.count(AssetRequest.id))
            .join(SharedAsset, SharedAsset.id == AssetRequest.asset_id)
            .where(AssetRequest.requester_group_id == gid, accepted)
            .group_by(SharedAsset.kind)
        ).all()
    )
    result["assets_given"] = {k.value: given.get(k, 0) for k in AssetKind}
    result["assets_received"] = {k.value: received.get(k, 0) for k in AssetKind}

    # --- co-creation ------------------------------------------------------------
    members = (
        select(GroupMembership.user_id)
        .where(GroupMembership.group_id == gid)
        .union(select(GroupOperator.user_id).where(GroupOperator.group_id == gid))
    )
    involves = or_(Introduction.sender_id.in_(members), Introduction.recipient_id.in_(members))
    result["introductions_requested"] = (
        db.session.scalar(
            select(func.count(Introduction.id)).where(
                involves, Introduction.created_at >= start, Introduction.created_at < end
            )
        )
        or 0
    )
    result["introductions_accepted"] = (
        db.session.scalar(
            select(func.count(Introduction.id)).where(
                involves,
                Introduction.status == IntroductionStatus.accepted,
                Introduction.decided_at >= start,
                Introduction.decided_at < end,
            )
        )
        or 0
    )
    outcomes = dict(
        db.session.execute(
            select(IntroductionOutcome.outcome, func.count(IntroductionOutcome.id))
            .join(Introduction, Introduction.id == IntroductionOutcome.introduction_id)
            .where(
                involves,
                IntroductionOutcome.outcome.is_not(None),
                IntroductionOutcome.answered_at >= start,
                IntroductionOutcome.answered_at < end,
            )
            .group_by(IntroductionOutcome.outcome)
        ).all()
    )
    result["outcomes"] = {k.value: outcomes.get(k, 0) for k in OutcomeKind}
    result["outcomes_measurable"] = sum(
        v for k, v in result["outcomes"].items() if k != OutcomeKind.nothing_yet.value
    )
    return result


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)

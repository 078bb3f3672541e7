"""Indicators of one group over one period, computed from what is stored.

Every indicator has a definition (DEFINITIONS) that pages show next to the
number. "The group's events" are joint events the group hosts as a confirmed
host (the lead group always is), published or completed, that started in the
period and before now; an event is "own" with one confirmed host, "joint"
with more. A person is their account, or an erased account's opaque key, so
repeat attendance stays right after erasure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, func, or_, select
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
from federation.services.health.hooks import MEMBER_ACTIVITY_SOURCES

TOKYO = ZoneInfo("Asia/Tokyo")
HELD = (EventStatus.published, EventStatus.completed)
BENCH_DAYS = 90
LEADER_MONTHS = 12

DEFINITIONS = {
    "members": _l("Registered members on the last count of the period (member-count history)."),
    "members_change": _l("Change of the registered count since the last count before the period."),
    "new_members": _l(
        "People who joined the group through the platform in the period (verified memberships)."
    ),
    "events_held": _l("Events the group hosted (lead or confirmed co-host) that took place in the period."),
    "events_own": _l("Events with the group as the only host."),
    "events_joint": _l("Events co-hosted with at least one other group."),
    "registrations": _l("Confirmed registrations for those events."),
    "attended": _l("Registrations checked in at those events."),
    "no_show_rate": _l("Confirmed registrations not checked in, as a share of confirmed registrations."),
    "newcomer_share": _l("Attendees whose first check-in on the platform was at one of these events."),
    "repeat_rate": _l(
        "Of the people who attended the group's last N events, the share who attended two or more of them."
    ),
    "cross_group_share": _l(
        "At the group's joint events, the share of attendees from other groups (or none)."
    ),
    "member_driven": _l(
        "Things started in the period (events, and consultations and "
        "articles once recorded) and how many by people who are not the "
        "group's operators."
    ),
    "leader_share": _l(
        "Of the group's events in the last 12 months, the share started by "
        "the one person who started the most."
    ),
    "bench": _l("Operators active in the last 90 days (signed in or started an event)."),
    "assets_given": _l("Requests for the group's assets that it accepted in the period, by kind."),
    "assets_received": _l("The group's requests for other groups' assets accepted in the period, by kind."),
    "introductions": _l(
        "Directory introductions involving the group's members: requested "
        "and accepted in the period, and outcomes reported."
    ),
}


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def months_back(day: date, count: int) -> list[date]:
    """`count` month starts ending with the month of `day`, oldest first."""
    months = [month_start(day)]
    while len(months) < count:
        months.append(month_start(months[-1] - timedelta(days=1)))
    return list(reversed(months))


def tokyo_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=TOKYO)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    return tokyo_midnight(month), tokyo_midnight(next_month(month))


def _person_of(registration):
    return func.coalesce(cast(registration.user_id, String), registration.anonymous_key)


def person_key():
    return _person_of(EventRegistration)


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


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


def empty_indicators() -> dict:
    """Every key compute() returns, with nothing measured (for generated data)."""
    zero = {k.value: 0 for k in AssetKind}
    return {
        "members": 0,
        "members_change": 0,
        "new_members": 0,
        "events_held": 0,
        "events_joint": 0,
        "events_own": 0,
        "registrations": 0,
        "attended": 0,
        "no_shows": 0,
        "no_show_rate": None,
        "attendees": 0,
        "newcomers": 0,
        "newcomer_share": None,
        "repeat_window": 5,
        "repeat_events": 0,
        "repeaters": 0,
        "repeat_people": 0,
        "repeat_rate": None,
        "joint_attended": 0,
        "guests": 0,
        "cross_group_share": None,
        "guest_groups": {},
        "started": {"events": [0, 0]},
        "started_total": 0,
        "started_by_members": 0,
        "leader_events": 0,
        "leader_top": 0,
        "leader_share": None,
        "operators": 0,
        "bench": 0,
        "assets_given": dict(zero),
        "assets_received": dict(zero),
        "introductions_requested": 0,
        "introductions_accepted": 0,
        "outcomes": {k.value: 0 for k in OutcomeKind},
        "outcomes_measurable": 0,
    }


def compute(
    group: AlumniGroup, start: datetime, end: datetime, *, repeat_window: int = 5, now: datetime | None = None
) -> dict:
    """The indicators of `group` for [start, end): a fixed number of queries."""
    now = now or utcnow()
    gid = group.id
    operator_ids = set(db.session.scalars(select(GroupOperator.user_id).where(GroupOperator.group_id == gid)))
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
                        select(_person_of(here)).where(
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
    from datetime import timezone

    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


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
                        select(_person_of(here)).where(
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

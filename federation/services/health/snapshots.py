"""The scheduled job that writes monthly snapshots, and the reads of the
dashboards (a bounded number of queries, whatever the number of groups)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import defer, load_only, selectinload

from federation import listcache
from federation.errors import Forbidden
from federation.extensions import db
from federation.labels import FLAG_PATTERN_LABELS
from federation.models import (
    AlumniGroup,
    AssetKind,
    AssetStatus,
    GovernanceType,
    GroupNeed,
    HealthSnapshot,
    SharedAsset,
    User,
    utcnow,
)
from federation.models.base import TOKYO, BilingualName
from federation.permissions import can_see_federation_health, can_see_group_health
from federation.services.health import flags as flag_rules
from federation.services.health.hooks import knowledge_for
from federation.services.health.indicators import compute
from federation.services.health.measures import month_bounds, month_start, months_back
from federation.services.health.settings import get_thresholds

TREND_MONTHS = 12
SIZE_BANDS = ((0, 300, "<300"), (300, 1000, "300–999"), (1000, 3000, "1,000–2,999"), (3000, None, "3,000+"))


def size_band(members: int) -> str:
    for low, high, label in SIZE_BANDS:
        if members >= low and (high is None or members < high):
            return label
    return SIZE_BANDS[-1][2]


def per_mille(value: float | None) -> int | None:
    return None if value is None else round(value * 1000)


# --- the job ------------------------------------------------------------------------


def compute_snapshots(
    month: date | None = None, *, now: datetime | None = None, group_ids: list[int] | None = None
) -> int:
    """Compute (or recompute) every group's snapshot of `month` (default: the
    current Tokyo month). Flags read the snapshots of the months before, so
    backfill oldest first. Returns the number of snapshots written."""
    now = now or utcnow()
    month = month_start(month or now.astimezone(TOKYO).date())
    start, end = month_bounds(month)
    thresholds = get_thresholds()
    query = select(AlumniGroup).order_by(AlumniGroup.id)
    if group_ids is not None:
        query = query.where(AlumniGroup.id.in_(group_ids))
    groups = list(db.session.scalars(query))
    earlier_months = months_back(month, 37)[:-1]
    history: dict[int, list[dict]] = {g.id: [] for g in groups}
    for row in db.session.execute(
        select(HealthSnapshot.group_id, HealthSnapshot.indicators)
        .where(HealthSnapshot.month.in_(earlier_months), HealthSnapshot.group_id.in_([g.id for g in groups]))
        .order_by(HealthSnapshot.group_id, HealthSnapshot.month)
    ):
        history[row.group_id].append(row.indicators)
    existing = {
        s.group_id: s
        for s in db.session.scalars(
            select(HealthSnapshot).where(
                HealthSnapshot.month == month, HealthSnapshot.group_id.in_([g.id for g in groups])
            )
        )
    }
    for group in groups:
        values = compute(group, start, end, repeat_window=thresholds["repeat_window_events"], now=now)
        fired = flag_rules.evaluate(history[group.id] + [values], thresholds)
        snapshot = existing.get(group.id) or HealthSnapshot(group_id=group.id, month=month)
        snapshot.computed_at = now
        snapshot.members = values["members"]
        snapshot.events_held = values["events_held"]
        snapshot.attended = values["attended"]
        snapshot.repeat_rate = per_mille(values["repeat_rate"])
        snapshot.newcomer_share = per_mille(values["newcomer_share"])
        snapshot.flag_count = len(fired)
        snapshot.indicators = values
        snapshot.flags = fired
        db.session.add(snapshot)
    db.session.flush()
    return len(groups)


def snapshot_recent_months(now: datetime | None = None) -> int:
    """The nightly job: the month before (late check-ins settle it) and the
    month in progress. Flushes, never commits."""
    return backfill(2, now=now)


def backfill(months: int = TREND_MONTHS, *, now: datetime | None = None) -> int:
    now = now or utcnow()
    written = 0
    for month in months_back(now.astimezone(TOKYO).date(), months):
        written += compute_snapshots(month, now=now)
    return written


# --- reads ---------------------------------------------------------------------------


def latest_month() -> date | None:
    return db.session.scalar(select(func.max(HealthSnapshot.month)))


def group_health(actor: User, group: AlumniGroup, locale: str = "ja") -> dict:
    """A group's last 12 snapshots with flags described and next steps:
    a fixed number of queries."""
    if not can_see_group_health(actor, group):
        raise Forbidden()
    rows = list(
        db.session.scalars(
            select(HealthSnapshot)
            .where(HealthSnapshot.group_id == group.id)
            .order_by(HealthSnapshot.month.desc())
            .limit(TREND_MONTHS)
        )
    )
    rows.reverse()
    thresholds = get_thresholds()
    current = rows[-1] if rows else None
    described = [
        flag_rules.describe(f, thresholds)
        for f in (current.flags if current else [])
        if f.get("code") in FLAG_PATTERN_LABELS
    ]
    partners = complementary_groups(group) if described else []
    for flag in described:
        flag["partners"] = partners
        flag["articles"] = knowledge_for(flag["code"], locale)
    names = {}
    if current and current.indicators.get("guest_groups"):
        ids = [int(k) for k in current.indicators["guest_groups"] if k != "none"]
        names = (
            {str(g.id): g for g in db.session.scalars(select(AlumniGroup).where(AlumniGroup.id.in_(ids)))}
            if ids
            else {}
        )
    return {
        "group": group,
        "snapshots": rows,
        "current": current,
        "flags": described,
        "guest_group_names": names,
    }


def complementary_groups(group: AlumniGroup, limit: int = 3) -> list[dict]:
    """Groups to co-host with: another company, at least one need pair in
    common, preferring those with a venue on offer. One query."""
    mine = select(GroupNeed.need).where(GroupNeed.group_id == group.id)
    shared = (
        select(func.count())
        .select_from(GroupNeed)
        .where(GroupNeed.group_id == AlumniGroup.id, GroupNeed.need.in_(mine))
        .correlate(AlumniGroup)
        .scalar_subquery()
    )
    venue = exists().where(
        SharedAsset.group_id == AlumniGroup.id,
        SharedAsset.kind == AssetKind.venue,
        SharedAsset.status == AssetStatus.active,
    )
    rows = db.session.execute(
        select(AlumniGroup, shared.label("shared"), venue.label("venue"))
        .where(AlumniGroup.id != group.id, AlumniGroup.company_name != group.company_name, shared > 0)
        .order_by(venue.desc(), shared.desc(), AlumniGroup.registered_members.desc(), AlumniGroup.id)
        .limit(limit)
    ).all()
    return [{"group": g, "shared_needs": n, "venue": bool(v)} for g, n, v in rows]


@dataclass(frozen=True)
class DashboardRow(BilingualName):
    """One group's line of the coordinators' table: the values shown, and
    nothing else, so that the rendered table can be cached by them."""

    slug: str
    name_ja: str
    name_en: str
    governance: GovernanceType
    maturity: int
    members: int
    events_held: int | None
    attended: int | None
    repeat_rate: int | None
    newcomer_share: int | None
    flag_codes: tuple[str, ...]


def dashboard_rows(rows: list[tuple[AlumniGroup, HealthSnapshot | None]]) -> list[DashboardRow]:
    return [
        DashboardRow(
            slug=g.slug,
            name_ja=g.name_ja,
            name_en=g.name_en or "",
            governance=g.governance_type,
            maturity=g.maturity_level,
            members=s.members if s else g.registered_members,
            events_held=s.events_held if s else None,
            attended=s.attended if s else None,
            repeat_rate=s.repeat_rate if s else None,
            newcomer_share=s.newcomer_share if s else None,
            flag_codes=tuple(f["code"] for f in (s.flags or [])) if s else (),
        )
        for g, s in rows
    ]


# The coordinators' dashboard and the API's federation health read these, and
# are cached by them: the same for every coordinator until a snapshot or a
# group changes.
FEDERATION_HEALTH_LIST = listcache.register("federation-health", ("alumni_group", "health_snapshot"))


def federation_health_scope(viewer: User | None) -> tuple:
    """What decides what the viewer's federation table shows: it is the
    coordinators' (everyone else is refused before it is read)."""
    return (can_see_federation_health(viewer),)


def federation_table(
    actor: User,
    *,
    governance: str = "",
    maturity: int | None = None,
    size: str = "",
    flagged: bool = False,
    sort: str = "flags",
    descending: bool = True,
    with_indicators: bool = False,
) -> dict:
    """Every group's latest snapshot with its flags, filtered and sorted, and
    the distributions and trends for the charts: a fixed number of queries."""
    if not can_see_federation_health(actor):
        raise Forbidden()
    month = latest_month()
    query = (
        select(AlumniGroup, HealthSnapshot)
        .outerjoin(
            HealthSnapshot, and_(HealthSnapshot.group_id == AlumniGroup.id, HealthSnapshot.month == month)
        )
        # Of 300 groups, only what the table, its filters and sorts read (the
        # profile texts were most of the loading time).
        .options(
            load_only(
                AlumniGroup.slug,
                AlumniGroup.name_ja,
                AlumniGroup.name_en,
                AlumniGroup.name_kana,
                AlumniGroup.governance_type,
                AlumniGroup.maturity_level,
                AlumniGroup.registered_members,
            )
        )
    )
    if not with_indicators:
        # The table needs the headline columns and flags, not every indicator of 300 groups.
        query = query.options(defer(HealthSnapshot.indicators))
    if governance in {g.value for g in GovernanceType}:
        query = query.where(AlumniGroup.governance_type == GovernanceType(governance))
    if maturity:
        query = query.where(AlumniGroup.maturity_level == maturity)
    rows = [(g, s) for g, s in db.session.execute(query).all()]
    everyone = rows
    if size:
        rows = [(g, s) for g, s in rows if size_band(s.members if s else g.registered_members) == size]
    if flagged:
        rows = [(g, s) for g, s in rows if s and s.flag_count]
    keys = {
        "name": lambda r: r[0].name_kana or r[0].name_ja,
        "members": lambda r: r[1].members if r[1] else r[0].registered_members,
        "events": lambda r: r[1].events_held if r[1] else -1,
        "attended": lambda r: r[1].attended if r[1] else -1,
        "repeat": lambda r: r[1].repeat_rate if r[1] and r[1].repeat_rate is not None else -1,
        "newcomers": lambda r: r[1].newcomer_share if r[1] and r[1].newcomer_share is not None else -1,
        "maturity": lambda r: r[0].maturity_level,
        "flags": lambda r: r[1].flag_count if r[1] else -1,
    }
    sort = sort if sort in keys else "flags"
    rows.sort(key=lambda r: (keys[sort](r), r[0].id), reverse=descending)
    governance_counts = {g.value: 0 for g in GovernanceType}
    maturity_counts = dict.fromkeys(range(1, 6), 0)
    size_counts = {band[2]: 0 for band in SIZE_BANDS}
    for g, s in everyone:
        governance_counts[g.governance_type.value] += 1
        maturity_counts[g.maturity_level] += 1
        size_counts[size_band(s.members if s else g.registered_members)] += 1
    trend_months = months_back(month, TREND_MONTHS) if month else []
    # A month without snapshots is a gap in the chart, not a zero.
    trend: dict[date, dict[str, int | None]] = {
        m: {"members": None, "events": None, "attended": None, "flagged": None} for m in trend_months
    }
    if trend_months:
        for row in db.session.execute(
            select(
                HealthSnapshot.month,
                func.sum(HealthSnapshot.members),
                func.sum(HealthSnapshot.events_held),
                func.sum(HealthSnapshot.attended),
                func.sum(case((HealthSnapshot.flag_count > 0, 1), else_=0)),
            )
            .where(HealthSnapshot.month >= trend_months[0])
            .group_by(HealthSnapshot.month)
        ):
            if row[0] in trend:
                trend[row[0]] = {
                    "members": int(row[1] or 0),
                    "events": int(row[2] or 0),
                    "attended": int(row[3] or 0),
                    "flagged": int(row[4] or 0),
                }
    computed_at = max((s.computed_at for _g, s in everyone if s), default=None)
    return {
        "rows": rows,
        "month": month,
        "computed_at": computed_at,
        "governance": governance_counts,
        "maturity": maturity_counts,
        "sizes": size_counts,
        "trend": trend,
        "sort": sort,
        "descending": descending,
    }


def snapshots_with_groups(month: date):
    return (
        select(HealthSnapshot)
        .where(HealthSnapshot.month == month)
        .options(selectinload(HealthSnapshot.group))
    )

"""The impact report for a group's company ("is this worth it?"): a chosen
period and chosen sections, as print-ready HTML and as a PDF made on the
server (reportlab with its built-in Japanese CID font, nothing embedded
from outside)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from federation.errors import Forbidden, Invalid
from federation.extensions import db
from federation.models import (
    AlumniGroup,
    EventHost,
    GroupHealthProfile,
    GroupMembership,
    GroupOperator,
    HostStatus,
    IntroductionOutcome,
    JointEvent,
    OutcomeKind,
    User,
    utcnow,
)
from federation.models.base import TOKYO
from federation.models.limits import YEAR_MAX, YEAR_MIN
from federation.permissions import can_see_group_health, can_write_group_highlights
from federation.services.health.indicators import compute
from federation.services.health.measures import next_month, tokyo_midnight
from federation.services.health.settings import get_thresholds

SECTIONS = ("members", "events", "joint", "introductions", "assets", "highlights")
MAX_DAYS = 3 * 366
HIGHLIGHTS_LIMIT = 4000


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve whole months."""
    today = today or utcnow().astimezone(TOKYO).date()
    end = today.replace(day=1) - timedelta(days=1)
    return next_month(end).replace(year=end.year - 1), end


def parse_period(raw_from: str | None, raw_to: str | None) -> tuple[date, date]:
    default_from, default_to = default_period()
    errors = {}
    values = []
    for name, raw, fallback in (("from", raw_from, default_from), ("to", raw_to, default_to)):
        if not raw:
            values.append(fallback)
            continue
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            errors[name] = [_("Must be a date (YYYY-MM-DD).")]
            values.append(fallback)
            continue
        # Japan-time midnights of year 1 or 9999 overflow when made UTC.
        if not YEAR_MIN <= day.year <= YEAR_MAX:
            errors[name] = [_("Must be between the years %(low)s and %(high)s.", low=YEAR_MIN, high=YEAR_MAX)]
            day = fallback
        values.append(day)
    start, end = values
    if not errors and end < start:
        errors["to"] = [_("The end must not be before the start.")]
    if not errors and (end - start).days > MAX_DAYS:
        errors["to"] = [_("Choose a period of at most three years.")]
    if errors:
        raise Invalid(fields=errors)
    return start, end


def get_profile(group: AlumniGroup) -> GroupHealthProfile | None:
    return db.session.get(GroupHealthProfile, group.id)


def save_highlights(actor: User, group: AlumniGroup, text: str) -> GroupHealthProfile:
    if not can_write_group_highlights(actor, group):
        raise Forbidden()
    text = (text or "").strip()
    if len(text) > HIGHLIGHTS_LIMIT:
        raise Invalid(fields={"highlights": [_("Use at most %(n)d characters.", n=HIGHLIGHTS_LIMIT)]})
    profile = get_profile(group) or GroupHealthProfile(group_id=group.id, research_consent=False)
    profile.highlights, profile.updated_at = text, utcnow()
    db.session.add(profile)
    db.session.flush()
    return profile


def impact_report(
    actor: User, group: AlumniGroup, start: date, end: date, sections: list[str] | None = None
) -> dict:
    """The numbers of the report for [start, end] (Tokyo dates, inclusive)."""
    if not can_see_group_health(actor, group):
        raise Forbidden()
    chosen = [s for s in (sections or SECTIONS) if s in SECTIONS] or list(SECTIONS)
    begin, finish = tokyo_midnight(start), tokyo_midnight(end + timedelta(days=1))
    values = compute(group, begin, finish, repeat_window=get_thresholds()["repeat_window_events"])
    joint = []
    if "joint" in chosen:
        hosted = select(EventHost.event_id).where(
            EventHost.group_id == group.id, EventHost.status == HostStatus.confirmed
        )
        rows = db.session.execute(
            select(
                JointEvent.id,
                JointEvent.title_ja,
                JointEvent.title_en,
                JointEvent.starts_at,
                AlumniGroup.company_name,
                AlumniGroup.name_ja,
                AlumniGroup.name_en,
            )
            .join(EventHost, EventHost.event_id == JointEvent.id)
            .join(AlumniGroup, AlumniGroup.id == EventHost.group_id)
            .where(
                JointEvent.id.in_(hosted),
                EventHost.status == HostStatus.confirmed,
                EventHost.group_id != group.id,
                JointEvent.starts_at >= begin,
                JointEvent.starts_at < min(finish, utcnow()),
                JointEvent.status.in_(("published", "completed")),
            )
            .order_by(JointEvent.starts_at, JointEvent.id)
        ).all()
        by_event: dict[int, dict] = {}
        for r in rows:
            entry = by_event.setdefault(
                r.id,
                {"title_ja": r.title_ja, "title_en": r.title_en, "starts_at": r.starts_at, "partners": []},
            )
            entry["partners"].append({"company": r.company_name, "name_ja": r.name_ja, "name_en": r.name_en})
        joint = list(by_event.values())
    named = named_outcomes(group, begin, finish) if "introductions" in chosen else []
    profile = get_profile(group)
    return {
        "group": group,
        "start": start,
        "end": end,
        "sections": chosen,
        "values": values,
        "joint": joint,
        "named_outcomes": named,
        "highlights": profile.highlights if profile else "",
        "generated_at": utcnow(),
    }


def named_outcomes(group: AlumniGroup, begin, finish, limit: int = 20) -> list[dict]:
    """Outcomes whose authors agreed to be named, for the group's members. One query."""
    members = (
        select(GroupMembership.user_id)
        .where(GroupMembership.group_id == group.id)
        .union(select(GroupOperator.user_id).where(GroupOperator.group_id == group.id))
    )
    rows = db.session.execute(
        select(User.family_name, User.given_name, IntroductionOutcome.outcome)
        .join(User, User.id == IntroductionOutcome.user_id)
        .where(
            IntroductionOutcome.named.is_(True),
            IntroductionOutcome.user_id.in_(members),
            IntroductionOutcome.outcome.is_not(None),
            IntroductionOutcome.outcome != OutcomeKind.nothing_yet,
            IntroductionOutcome.answered_at >= begin,
            IntroductionOutcome.answered_at < finish,
        )
        .order_by(IntroductionOutcome.answered_at, IntroductionOutcome.id)
        .limit(limit)
    ).all()
    return [{"name": f"{r.family_name} {r.given_name}", "outcome": r.outcome.value} for r in rows]


# --- PDF ---------------------------------------------------------------------------------

FONT = "HeiseiKakuGo-W5"


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def report_rows(report: dict, locale: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The report as (section title, [(label, value)]) in the given language:
    the one place both the HTML and the PDF take their wording from."""
    from federation.labels import asset_kind_label, outcome_label

    v = report["values"]
    with force_locale(locale):
        out: list[tuple[str, list[tuple[str, str]]]] = []
        if "members" in report["sections"]:
            out.append(
                (
                    _("Member growth"),
                    [
                        (_("Registered members"), f"{v['members']:,}"),
                        (_("Change in the period"), f"{v['members_change']:+,}"),
                        (_("Joined through the platform"), f"{v['new_members']:,}"),
                    ],
                )
            )
        if "events" in report["sections"]:
            out.append(
                (
                    _("Events and attendance"),
                    [
                        (_("Events held"), f"{v['events_held']:,}"),
                        (_("of which joint events"), f"{v['events_joint']:,}"),
                        (_("Registrations"), f"{v['registrations']:,}"),
                        (_("Attendance (checked in)"), f"{v['attended']:,}"),
                        (_("No-show rate"), _pct(v["no_show_rate"])),
                        (_("Newcomer share"), _pct(v["newcomer_share"])),
                        (_("Repeat rate"), _pct(v["repeat_rate"])),
                    ],
                )
            )
        if "joint" in report["sections"]:
            items = []
            for event in report["joint"]:
                title = (
                    event["title_en"] or event["title_ja"]
                    if locale == "en"
                    else event["title_ja"] or event["title_en"]
                )
                partners = ", ".join(p["company"] for p in event["partners"])
                items.append((f"{event['starts_at'].astimezone(TOKYO):%Y-%m-%d} {title}", partners))
            out.append(
                (_("Joint events and partner companies"), items or [(_("No joint event in the period."), "")])
            )
        if "introductions" in report["sections"]:
            rows = [
                (_("Introductions requested"), f"{v['introductions_requested']:,}"),
                (_("Introductions accepted"), f"{v['introductions_accepted']:,}"),
            ]
            rows += [(str(outcome_label(k)), f"{n:,}") for k, n in v["outcomes"].items() if n]
            rows += [
                (_("%(name)s: %(outcome)s", name=o["name"], outcome=outcome_label(o["outcome"])), "")
                for o in report.get("named_outcomes", [])
            ]
            out.append((_("Introductions and their outcomes"), rows))
        if "assets" in report["sections"]:
            rows = [
                (_("Given: %(kind)s", kind=asset_kind_label(k)), f"{n:,}")
                for k, n in v["assets_given"].items()
            ]
            rows += [
                (_("Received: %(kind)s", kind=asset_kind_label(k)), f"{n:,}")
                for k, n in v["assets_received"].items()
            ]
            out.append((_("Assets given and received"), rows))
        if "highlights" in report["sections"] and report["highlights"]:
            out.append(
                (_("Highlights"), [(line, "") for line in report["highlights"].splitlines() if line.strip()])
            )
    return out


def render_pdf(report: dict, locale: str) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    group = report["group"]
    with force_locale(locale):
        title = _("Impact report")
        period = _("%(start)s to %(end)s", start=report["start"].isoformat(), end=report["end"].isoformat())
        generated = _(
            "Generated on %(date)s from the federation platform's records.",
            date=report["generated_at"].astimezone(TOKYO).strftime("%Y-%m-%d %H:%M"),
        )
    heading = ParagraphStyle("h1", fontName=FONT, fontSize=18, leading=24, spaceAfter=4)
    sub = ParagraphStyle("h2", fontName=FONT, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4)
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{title} {group.name_for(locale)}",
        author=group.name_for(locale),
    )
    story = [
        Paragraph(escape(f"{group.name_for(locale)} — {title}"), heading),
        Paragraph(escape(period), body),
        Paragraph(escape(generated), body),
        Spacer(1, 4 * mm),
    ]
    for section, rows in report_rows(report, locale):
        story.append(Paragraph(escape(section), sub))
        table = Table(
            [[Paragraph(escape(a), body), Paragraph(escape(b), body)] for a, b in rows],
            colWidths=[110 * mm, 60 * mm],
        )
        table.setStyle(
            TableStyle(
                [("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.lightgrey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
            )
        )
        story.append(table)
    doc.build(story)
    return buffer.getvalue()

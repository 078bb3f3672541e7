"""Federation health: the coordinators' table of all groups, a group's
dashboard, flag thresholds, the impact report (HTML and PDF), the research
export, introduction outcomes and a joint event's attendance breakdown."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from federation import listcache
from federation.csvfiles import csv_response
from federation.errors import Invalid
from federation.forms.base import submit
from federation.forms.health import ConsentForm, HighlightsForm, OutcomeForm, ThresholdsForm
from federation.labels import FLAG_PATTERN_LABELS, GOVERNANCE_LABELS, HEALTH_SECTION_LABELS, OUTCOME_LABELS
from federation.models import GovernanceType, IntroductionStatus
from federation.permissions import (
    can_manage_event,
    can_see_federation_health,
    can_see_group_health,
    can_set_research_consent,
    can_write_group_highlights,
)
from federation.services import events, groups
from federation.services.health import charts, export, outcomes, report, settings, snapshots
from federation.services.health.indicators import DEFINITIONS, event_breakdown

bp = Blueprint("health", __name__)


def _locale() -> str:
    return str(get_locale() or "ja")


def _pct(value):
    return None if value is None else round(value / 10)


@bp.route("/")
@login_required
def federation():
    if not can_see_federation_health(current_user):
        abort(403)
    args = request.args

    def build() -> str:
        maturity = args.get("maturity", "")
        table = snapshots.federation_table(
            current_user,
            governance=args.get("governance", ""),
            maturity=int(maturity) if maturity.isdigit() else None,
            size=args.get("size", ""),
            flagged=args.get("flagged") == "1",
            sort=args.get("sort", "flags"),
            descending=args.get("order", "desc") != "asc",
        )
        return render_template(
            "health/_federation.html",
            table=table,
            rows=snapshots.dashboard_rows(table["rows"]),
            charts=_federation_charts(table),
            governance_types=GovernanceType,
            governance_labels=GOVERNANCE_LABELS,
            size_bands=[b[2] for b in snapshots.SIZE_BANDS],
            patterns=FLAG_PATTERN_LABELS,
            pct=_pct,
            args=args,
        )

    scope = snapshots.federation_health_scope(current_user)
    body = listcache.page(snapshots.FEDERATION_HEALTH_LIST, scope, build)
    return render_template("health/federation.html", body=body)


def _federation_charts(table: dict) -> list[charts.Chart]:
    gov_labels = [str(GOVERNANCE_LABELS[g]) for g in GovernanceType]
    trend_labels = [m.strftime("%Y-%m") for m in table["trend"]]
    return [
        charts.bar(_("Governance types"), gov_labels, list(table["governance"].values()), _("Groups")),
        charts.bar(
            _("Maturity levels"),
            [_("Level %(n)d", n=n) for n in table["maturity"]],
            list(table["maturity"].values()),
            _("Groups"),
        ),
        charts.bar(
            _("Sizes (registered members)"), list(table["sizes"]), list(table["sizes"].values()), _("Groups")
        ),
        charts.line(
            _("Attendance and flagged groups by month"),
            trend_labels,
            {
                _("Attendance"): [t["attended"] for t in table["trend"].values()],
                _("Events"): [t["events"] for t in table["trend"].values()],
                _("Flagged groups"): [t["flagged"] for t in table["trend"].values()],
            },
        ),
    ]


@bp.route("/groups/<slug>")
@login_required
def group(slug: str):
    group = groups.get_group(current_user, slug)
    if not can_see_group_health(current_user, group):
        abort(403)
    data = snapshots.group_health(current_user, group, _locale())
    rows = data["snapshots"]
    labels = [s.month.strftime("%Y-%m") for s in rows]
    chart_list = []
    if rows:
        chart_list = [
            charts.line(_("Registered members"), labels, {_("Members"): [s.members for s in rows]}),
            charts.line(
                _("Events and attendance"),
                labels,
                {
                    _("Events held"): [s.events_held for s in rows],
                    _("Attendance"): [s.attended for s in rows],
                },
            ),
            charts.line(
                _("Repeat rate and newcomer share (%)"),
                labels,
                {
                    _("Repeat rate"): [_pct(s.repeat_rate) for s in rows],
                    _("Newcomer share"): [_pct(s.newcomer_share) for s in rows],
                },
            ),
        ]
    profile = report.get_profile(group)
    consent_form = ConsentForm(research_consent=bool(profile and profile.research_consent))
    return render_template(
        "health/group.html",
        data=data,
        charts=chart_list,
        definitions=DEFINITIONS,
        consent_form=consent_form,
        can_consent=can_set_research_consent(current_user, group),
        profile=profile,
    )


@bp.route("/groups/<slug>/consent", methods=["POST"])
@login_required
def consent(slug: str):
    group = groups.get_group(current_user, slug)
    if not can_set_research_consent(current_user, group):
        abort(403)
    form = ConsentForm()
    if form.validate_on_submit():
        export.set_consent(current_user, group, form.research_consent.data)
        flash(_("Your choice about the research export is saved."), "success")
    return redirect(url_for("health.group", slug=group.slug))


@bp.route("/groups/<slug>/report")
@login_required
def impact_report(slug: str):
    group = groups.get_group(current_user, slug)
    if not can_see_group_health(current_user, group):
        abort(403)
    args = request.args
    lang = args.get("lang") if args.get("lang") in ("ja", "en") else _locale()
    errors = {}
    try:
        start, end = report.parse_period(args.get("from"), args.get("to"))
    except Invalid as error:
        errors = error.fields
        start, end = report.default_period()
    sections = args.getlist("section") or list(report.SECTIONS)
    data = report.impact_report(current_user, group, start, end, sections)
    if args.get("format") == "pdf" and not errors:
        body = report.render_pdf(data, lang)
        name = f"impact-report-{group.slug}-{start.isoformat()}-{end.isoformat()}.pdf"
        return Response(
            body, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'}
        )
    with force_locale(lang):
        report_title = _("Impact report")
    return render_template(
        "health/report.html",
        report=data,
        rows=report.report_rows(data, lang),
        report_title=report_title,
        errors=errors,
        args=args,
        lang=lang,
        section_labels=HEALTH_SECTION_LABELS,
        all_sections=report.SECTIONS,
    )


@bp.route("/groups/<slug>/highlights", methods=["GET", "POST"])
@login_required
def highlights(slug: str):
    group = groups.get_group(current_user, slug)
    if not can_write_group_highlights(current_user, group):
        abort(403)
    profile = report.get_profile(group)
    form = HighlightsForm(highlights=profile.highlights if profile else "")
    done, _r = submit(form, lambda: report.save_highlights(current_user, group, form.highlights.data))
    if done:
        flash(_("The highlights are saved."), "success")
        return redirect(url_for("health.impact_report", slug=group.slug))
    return render_template("health/highlights.html", group=group, form=form)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def thresholds():
    if not can_see_federation_health(current_user):
        abort(403)
    form = ThresholdsForm(data=settings.get_thresholds())
    done, _r = submit(
        form,
        lambda: settings.update_thresholds(
            current_user, {k: getattr(form, k).data for k in settings.SETTINGS}
        ),
    )
    if done:
        flash(_("The thresholds are saved; the next computation uses them."), "success")
        return redirect(url_for("health.thresholds"))
    return render_template(
        "health/settings.html",
        form=form,
        keys=list(settings.SETTINGS),
        changes=settings.threshold_changes(),
        labels=settings.labels(),
    )


@bp.route("/export.<fmt>")
@login_required
def research_export(fmt: str):
    if fmt not in ("csv", "json"):
        abort(404)
    if not can_see_federation_health(current_user):
        abort(403)
    if fmt == "csv":
        return csv_response(export.research_csv(current_user), "federation-health-research.csv")
    body = json.dumps(
        {"fields": list(export.FIELDS), "records": export.research_rows(current_user)}, ensure_ascii=False
    )
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="federation-health-research.json"'},
    )


@bp.route("/introductions/<int:introduction_id>/outcome", methods=["GET", "POST"])
@login_required
def outcome(introduction_id: int):
    introduction, row = outcomes.get_for_answer(current_user, introduction_id)
    other = introduction.recipient if introduction.sender_id == current_user.id else introduction.sender
    if introduction.status != IntroductionStatus.accepted:
        flash(_("Only an accepted introduction has an outcome."), "info")
        return redirect(url_for("directory.introductions"))
    form = OutcomeForm(obj=row) if row and row.outcome and request.method == "GET" else OutcomeForm()
    if row and row.outcome and request.method == "GET":
        form.outcome.data = row.outcome.value
    done, _r = submit(
        form,
        lambda: outcomes.answer(
            current_user, introduction_id, form.outcome.data, named=form.named.data, note=form.note.data or ""
        ),
    )
    if done:
        flash(_("Thank you: your answer is saved."), "success")
        return redirect(url_for("directory.introductions"))
    return render_template(
        "health/outcome.html", form=form, other=other, introduction=introduction, labels=OUTCOME_LABELS
    )


@bp.route("/events/<int:event_id>")
@login_required
def event(event_id: int):
    joint_event = events.get_event(current_user, event_id)
    if not can_manage_event(current_user, joint_event):
        abort(403)
    breakdown = event_breakdown(joint_event)
    return render_template("health/event.html", event=joint_event, breakdown=breakdown)


@bp.route("/mine")
@login_required
def mine():
    """An operator's way in: their group's dashboard (or a choice of groups)."""
    mine = list(groups.groups_operated_by(current_user))
    if len(mine) == 1:
        return redirect(url_for("health.group", slug=mine[0].slug))
    if not mine:
        abort(403)
    return render_template("health/mine.html", groups=mine)


@bp.app_context_processor
def outcome_questions():
    """Pages that list introductions show the questions waiting for the viewer."""

    def pending_outcome_questions():
        if not current_user or not current_user.is_authenticated:
            return []
        return outcomes.pending_questions(current_user)

    return {"pending_outcome_questions": pending_outcome_questions}

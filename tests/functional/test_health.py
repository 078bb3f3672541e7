"""Federation health: indicators on hand-built data, flags, snapshots, the
dashboards and their permissions, outcomes, the impact report (PDF parsed)
and the research export."""
from __future__ import annotations

import io
import json
import re
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from federation.extensions import db
from federation.models import (EventHost, EventRegistration, EventStatus, GroupMemberCount,
                               GroupNeed, GroupOperator, HostStatus, Introduction,
                               IntroductionOutcome, IntroductionStatus, JointEvent, NeedPair,
                               OutboxMail, RegistrationStatus, Role, SettingChange, utcnow)
from federation.services.health import flags, outcomes, settings, snapshots
from federation.services.health.indicators import (TOKYO, compute, event_breakdown,
                                                   month_bounds, months_back)


def last_month() -> date:
    return months_back(utcnow().astimezone(TOKYO).date(), 2)[0]


def at(month: date, day: int, hour: int = 19) -> datetime:
    return datetime(month.year, month.month, day, hour, tzinfo=TOKYO)


def make_event(lead, starts_at, created_by, cohosts=(), status=EventStatus.completed):
    event = JointEvent(lead_group_id=lead.id, created_by_id=created_by.id, status=status,
                       title_ja="交流会", title_en="Meetup", format="online",
                       starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), capacity=50)
    db.session.add(event)
    db.session.flush()
    db.session.add(EventHost(event_id=event.id, group_id=lead.id, status=HostStatus.confirmed))
    for group in cohosts:
        db.session.add(EventHost(event_id=event.id, group_id=group.id,
                                 status=HostStatus.confirmed))
    db.session.commit()
    return event


def attend(event, user, group, checked_in=True):
    db.session.add(EventRegistration(
        event_id=event.id, user_id=user.id, group_id=group.id if group else None,
        status=RegistrationStatus.confirmed, queued_at=event.starts_at - timedelta(days=3),
        checked_in_at=event.starts_at if checked_in else None))
    db.session.commit()


@pytest.fixture
def world(make):
    op_a = make.user(role=Role.operator, email="op-a@alumni.example.jp")
    op_b = make.user(role=Role.operator, email="op-b@alumni.example.jp", locale="en")
    coordinator = make.user(role=Role.coordinator, email="coord@alumni.example.jp")
    people = [make.user(email=f"p{i}@alumni.example.jp") for i in range(1, 6)]
    a = make.group(slug="taiyo", operators=(op_a,), name_ja="大洋商事 アルムナイ",
                   company_name="大洋商事株式会社", registered_members=900)
    b = make.group(slug="aoba", operators=(op_b,), name_ja="青葉銀行 OB・OG会",
                   company_name="青葉銀行株式会社", registered_members=1200)
    month = last_month()
    previous = months_back(month, 2)[0]
    u1, u2, u3, u4, u5 = people
    e0 = make_event(a, at(previous, 10), op_a)
    attend(e0, u1, a)
    e1 = make_event(a, at(month, 5), op_a)
    attend(e1, u1, a)
    attend(e1, u2, a)
    attend(e1, u3, a, checked_in=False)
    e2 = make_event(a, at(month, 20), u2, cohosts=(b,))
    attend(e2, u1, a)
    attend(e2, u4, b)
    attend(e2, u5, b)
    db.session.add_all([GroupMemberCount(group_id=a.id, counted_on=previous.replace(day=2),
                                         members=880),
                        GroupMemberCount(group_id=a.id, counted_on=month.replace(day=15),
                                         members=900)])
    op_a.last_login_at = utcnow()
    db.session.commit()
    return dict(op_a=op_a, op_b=op_b, coordinator=coordinator, people=people, a=a, b=b,
                month=month, events=(e0, e1, e2))


def test_each_indicator_on_hand_built_data(world):
    start, end = month_bounds(world["month"])
    v = compute(world["a"], start, end, repeat_window=5)
    assert v["members"] == 900 and v["members_change"] == 20
    assert (v["events_held"], v["events_own"], v["events_joint"]) == (2, 1, 1)
    assert (v["registrations"], v["attended"], v["no_shows"]) == (6, 5, 1)
    assert v["no_show_rate"] == pytest.approx(0.167)
    # u1 came in the month before; u2, u4 and u5 came for the first time.
    assert (v["attendees"], v["newcomers"], v["newcomer_share"]) == (4, 3, 0.75)
    # Last 5 events are e0, e1, e2: only u1 attended two or more.
    assert (v["repeaters"], v["repeat_people"], v["repeat_rate"]) == (1, 4, 0.25)
    # At the joint event, 2 of 3 attendees came from the other group.
    assert v["cross_group_share"] == pytest.approx(0.667)
    assert v["guest_groups"] == {str(world["b"].id): 2}
    # e2 was started by a member, e1 by the operator.
    assert (v["started_total"], v["started_by_members"]) == (2, 1)
    # In 12 months the operator started 2 of 3 events.
    assert (v["leader_top"], v["leader_events"], v["leader_share"]) == (2, 3, 0.667)
    assert (v["bench"], v["operators"]) == (1, 1)
    assert v["assets_given"]["venue"] == 0 and v["introductions_requested"] == 0


def test_deactivated_operator_is_not_counted(world, make):
    # A second operator of the group, signed in lately, then deactivated:
    # the operators and the bench count the active operators only.
    former = make.user(role=Role.operator, email="op-former@alumni.example.jp")
    db.session.add(GroupOperator(group_id=world["a"].id, user_id=former.id))
    former.last_login_at = former.deactivated_at = utcnow()
    db.session.commit()
    start, end = month_bounds(world["month"])
    v = compute(world["a"], start, end, repeat_window=5)
    assert (v["bench"], v["operators"]) == (1, 1)


def test_joint_event_breakdown_by_group(world):
    breakdown = event_breakdown(world["events"][2])
    assert (breakdown["registered"], breakdown["attended"]) == (3, 3)
    assert breakdown["guest_share"] == pytest.approx(0.667)
    by_group = {g["group_id"]: g for g in breakdown["groups"]}
    assert by_group[world["b"].id]["newcomers"] == 2
    assert by_group[world["a"].id]["repeat"] == 1
    assert breakdown["repeat_rate"] == pytest.approx(0.333)


def month_values(**overrides):
    values = {"members": 500, "members_change": 0, "events_held": 2, "attended": 40,
              "registrations": 40, "no_shows": 0, "started_total": 2, "started_by_members": 1,
              "repeat_rate": 0.5, "outcomes_measurable": 0, "assets_given": {},
              "assets_received": {}, "events_joint": 1, "leader_share": 0.5,
              "leader_events": 4, "leader_top": 2, "bench": 2, "operators": 2}
    values.update(overrides)
    return values


def codes(history, **thresholds):
    t = {k: spec[0] for k, spec in settings.SETTINGS.items()}
    t.update(thresholds)
    return {f["code"]: f for f in flags.evaluate(history, t)}


def test_healthy_history_fires_no_flag():
    history = [month_values(members=500 + 10 * i, members_change=10) for i in range(12)]
    assert codes(history) == {}


def test_signups_flag_on_flat_members():
    fired = codes([month_values() for _ in range(6)])
    assert fired["signups"]["numbers"]["growth"] == 0.0
    assert fired["signups"]["numbers"]["first"] == 500


def test_operators_only_flag():
    history = [month_values(members=500 + 10 * i, members_change=10, started_by_members=0)
               for i in range(6)]
    fired = codes(history)
    assert fired["operators_only"]["numbers"] == {"total": 12, "by_members": 0, "months": 6}
    history[2]["started_by_members"] = 1
    assert "operators_only" not in codes(history)


def test_repeat_rate_fell_three_months():
    rates = [0.6, 0.5, 0.4, 0.3]
    history = [month_values(members=500 + 10 * i, members_change=10, repeat_rate=r)
               for i, r in enumerate(rates)]
    fired = codes(history)
    assert fired["repeat_drop"]["numbers"]["series"] == "60% → 50% → 40% → 30%"
    history[-1]["repeat_rate"] = 0.45
    assert "repeat_drop" not in codes(history)


def test_wrong_audience_flag_on_no_shows():
    history = [month_values(members=500 + 10 * i, members_change=10, registrations=10,
                            no_shows=5) for i in range(3)]
    assert codes(history)["wrong_audience"]["numbers"]["rate"] == 50
    assert "wrong_audience" not in codes(history, no_show_pct=60)


def test_no_outcome_in_a_year():
    history = [month_values(members=500 + 10 * i, members_change=10, events_joint=0)
               for i in range(12)]
    assert codes(history)["no_outcome"]["numbers"]["months"] == 12
    history[0]["outcomes_measurable"] = 1
    assert "no_outcome" not in codes(history)


def test_leader_dependence_flag():
    history = [month_values(members=500 + 10 * i, members_change=10) for i in range(3)]
    history[-1].update(leader_share=0.8, leader_top=4, leader_events=5)
    fired = codes(history)
    assert fired["leader_dependence"]["numbers"]["share"] == "80"
    described = flags.describe(fired["leader_dependence"], {k: s[0] for k, s in
                                                            settings.SETTINGS.items()})
    assert "4" in described["why"] and "80%" in described["why"]


def test_thresholds_are_recorded_with_a_change_log(world, client, login):
    login(world["coordinator"])
    form = {k: str(spec[0]) for k, spec in settings.SETTINGS.items()}
    form["no_show_pct"] = "30"
    response = client.post("/health/settings", data=form)
    assert response.status_code == 302
    change = db.session.scalar(select(SettingChange))
    assert (change.key, change.old_value, change.new_value) == ("health.no_show_pct", 40, 30)
    assert settings.get_thresholds()["no_show_pct"] == 30
    form["no_show_pct"] = "0"
    page = client.post("/health/settings", data=form).get_data(as_text=True)
    assert "1" in page and "100" in page and "has-error" in page


def test_snapshot_job_dashboards_and_permissions(world, client, login, runner, make):
    result = runner.invoke(args=["health", "snapshot", "--backfill", "3"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(snapshots.HealthSnapshot)) == 6
    # A member of the group who is not its operator (a bare verified account
    # would see 404: it is no member at all).
    member = make.member(group=world["a"])
    login(member)
    assert client.get("/health/").status_code == 403
    assert client.get("/health/groups/taiyo").status_code == 403
    assert client.get("/health/groups/taiyo/report").status_code == 403
    client.post("/auth/logout")
    login(world["op_a"])
    page = client.get("/health/groups/taiyo")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "data:image/svg+xml;base64," in text and "<caption>" in text
    assert client.get("/health/groups/aoba").status_code == 403
    assert client.get("/health/groups/aoba/report").status_code == 403
    assert client.get("/health/").status_code == 403
    assert client.get("/health/mine").headers["Location"].endswith("/health/groups/taiyo")
    client.post("/auth/logout")
    login(world["coordinator"])
    page = client.get("/health/?sort=members&order=desc")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert body.index("青葉銀行") < body.index("大洋商事")
    filtered = client.get("/health/?size=300–999").get_data(as_text=True)
    assert "大洋商事" in filtered and "青葉銀行 OB・OG会</a>" not in filtered
    assert client.get("/health/groups/aoba").status_code == 200


def without_tokens(html: str) -> str:
    return re.sub(r"<input[^>]*csrf_token[^>]*>", "", html)


def test_cached_dashboard_follows_the_numbers_and_the_language(world, client, login, make):
    """The coordinators' table and charts are cached by what they show: a
    changed number or name shows at once, and each language has its own."""
    snapshots.compute_snapshots(world["month"])
    db.session.commit()
    login(world["coordinator"])
    first = client.get("/health/").get_data(as_text=True)
    assert "大洋商事" in first and "<caption>Governance types</caption>" not in first
    # Served again, the same (but for the CSRF tokens, signed with the second).
    assert without_tokens(client.get("/health/").get_data(as_text=True)) == without_tokens(first)
    world["coordinator"].locale = "en"
    db.session.commit()
    english = client.get("/health/").get_data(as_text=True)
    assert "<caption>Governance types</caption>" in english and "No group matches" not in english
    world["coordinator"].locale = "ja"
    world["a"].name_ja = "大洋商事アルムナイ改め"
    make.group(slug="newcomer", name_ja="新星会")
    db.session.commit()
    snapshots.compute_snapshots(world["month"])
    db.session.commit()
    after = client.get("/health/").get_data(as_text=True)
    assert "大洋商事アルムナイ改め" in after and "新星会" in after
    charts_before = [part for part in first.split('"') if part.startswith("data:image/svg+xml")]
    charts_after = [part for part in after.split('"') if part.startswith("data:image/svg+xml")]
    assert len(charts_after) == 4 and charts_after != charts_before  # one more group counted


def test_dashboards_read_snapshots_in_bounded_queries(world, client, login, make,
                                                      count_queries, token_for):
    snapshots.compute_snapshots(world["month"])
    db.session.commit()
    headers = token_for(world["coordinator"])
    login(world["coordinator"])

    def run():
        with count_queries() as statements:
            assert client.get("/health/").status_code == 200
            assert client.get("/health/groups/taiyo").status_code == 200
            assert client.get("/api/v1/federation/health", headers=headers).status_code == 200
        return len(statements)

    run()  # the first token use is recorded once; measure after it
    few = run()
    for n in range(8):
        group = make.group(slug=f"more-{n}")
        db.session.add(GroupNeed(group_id=group.id, need=NeedPair.networking))
    db.session.commit()
    snapshots.compute_snapshots(world["month"])
    db.session.commit()
    assert run() == few


def test_flagged_group_shows_why_and_partners(world, client, login):
    db.session.add_all([GroupNeed(group_id=world["a"].id, need=NeedPair.job_hiring),
                        GroupNeed(group_id=world["b"].id, need=NeedPair.job_hiring)])
    db.session.commit()
    settings.update_thresholds(world["coordinator"], {"leader_share_pct": 50})
    db.session.commit()
    snapshots.compute_snapshots(world["month"])
    db.session.commit()
    login(world["coordinator"])
    page = client.get("/health/?flagged=1").get_data(as_text=True)
    assert "一人のリーダーに依存" in page
    detail = client.get("/health/groups/taiyo").get_data(as_text=True)
    assert "67%" in detail and "青葉銀行 OB・OG会" in detail


def test_outcome_asked_once_after_30_days_and_answered(world, client, login, smtp):
    u1, u2 = world["people"][:2]
    intro = Introduction(sender_id=u1.id, recipient_id=u2.id, message="ご挨拶",
                         status=IntroductionStatus.accepted, created_at=utcnow(),
                         decided_at=utcnow() - timedelta(days=31))
    fresh = Introduction(sender_id=u2.id, recipient_id=u1.id, message="もう一件",
                         status=IntroductionStatus.accepted, created_at=utcnow(),
                         decided_at=utcnow() - timedelta(days=5))
    db.session.add_all([intro, fresh])
    db.session.commit()
    with client.application.test_request_context():
        assert outcomes.ask_for_outcomes() == 2
        assert outcomes.ask_for_outcomes() == 0
    db.session.commit()
    mails = db.session.scalars(select(OutboxMail).where(
        OutboxMail.template == "introduction_outcome")).all()
    assert sorted(m.recipient for m in mails) == sorted([u1.email, u2.email])
    assert f"/health/introductions/{intro.id}/outcome" in mails[0].body_text
    login(u1)
    assert client.post(f"/health/introductions/{intro.id}/outcome",
                       data={"outcome": "bogus"}).status_code == 200
    response = client.post(f"/health/introductions/{intro.id}/outcome",
                           data={"outcome": "deal", "note": "取引開始"})
    assert response.status_code == 302
    row = db.session.scalar(select(IntroductionOutcome).where(
        IntroductionOutcome.user_id == u1.id))
    assert row.outcome.value == "deal" and row.named is False
    client.post("/auth/logout")
    login(world["people"][3])
    assert client.get(f"/health/introductions/{intro.id}/outcome").status_code == 404


def test_outcome_api_and_counts_in_indicators(world, client, token_for):
    u1, u2 = world["people"][:2]
    month = world["month"]
    from federation.models import GroupMembership

    db.session.add(GroupMembership(group_id=world["a"].id, user_id=u1.id,
                                   verified_at=at(month, 2)))
    intro = Introduction(sender_id=u1.id, recipient_id=u2.id, message="ご挨拶",
                         status=IntroductionStatus.accepted, created_at=at(month, 3),
                         decided_at=at(month, 4))
    db.session.add(intro)
    db.session.commit()
    headers = token_for(u2)
    bad = client.post(f"/api/v1/introductions/{intro.id}/outcome", json={"outcome": "x"},
                      headers=headers)
    assert bad.status_code == 422 and "outcome" in bad.get_json()["error"]["fields"]
    ok = client.post(f"/api/v1/introductions/{intro.id}/outcome",
                     json={"outcome": "hire", "named": True}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["outcome"] == "hire"
    row = db.session.scalar(select(IntroductionOutcome))
    row.answered_at = at(month, 25)
    db.session.commit()
    v = compute(world["a"], *month_bounds(month))
    assert v["new_members"] == 1
    assert (v["introductions_requested"], v["introductions_accepted"]) == (1, 1)
    assert v["outcomes"]["hire"] == 1 and v["outcomes_measurable"] == 1
    stranger = token_for(world["people"][4])
    assert client.post(f"/api/v1/introductions/{intro.id}/outcome", json={"outcome": "hire"},
                       headers=stranger).status_code == 404


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_impact_report_html_and_pdf_in_both_languages(world, client, login):
    login(world["op_a"])
    month = world["month"]
    period = {"from": month.isoformat(), "to": (months_back(month, 1)[0].replace(day=28)).isoformat()}
    assert client.post("/health/groups/taiyo/highlights",
                       data={"highlights": "再雇用が2名決まりました"}).status_code == 302
    html = client.get("/health/groups/taiyo/report", query_string=period).get_data(as_text=True)
    assert "インパクトレポート" in html and "青葉銀行株式会社" in html
    response = client.get("/health/groups/taiyo/report",
                          query_string={**period, "format": "pdf", "lang": "ja"})
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "インパクトレポート" in text and "青葉銀行株式会社" in text
    assert "再雇用が2名決まりました" in text
    english = pdf_text(client.get("/health/groups/taiyo/report", query_string={
        **period, "format": "pdf", "lang": "en", "section": ["events"]}).data)
    assert "Impact report" in english and "Attendance (checked in)" in english
    assert "Member growth" not in english
    bad = client.get("/health/groups/taiyo/report", query_string={"from": "2030-01-01",
                                                                  "to": "2029-01-01"})
    assert bad.status_code == 200 and "field-error" in bad.get_data(as_text=True)


@pytest.mark.parametrize("start, end", [("0001-01-01", "0001-06-30"), ("9999-01-01", "9999-12-31")])
def test_impact_report_refuses_periods_at_the_ends_of_the_calendar(world, client, login, start, end):
    login(world["op_a"])
    for fmt in ("html", "pdf"):
        page = client.get("/health/groups/taiyo/report", query_string={"from": start, "to": end, "format": fmt})
        body = page.get_data(as_text=True)
        assert page.status_code == 200 and "field-error" in body and start in body


def test_api_health_endpoints(world, client, token_for):
    snapshots.compute_snapshots(world["month"])
    db.session.commit()
    op = token_for(world["op_a"])
    mine = client.get("/api/v1/groups/taiyo/health", headers=op)
    assert mine.status_code == 200 and mine.get_json()["snapshots"][0]["events_held"] == 2
    assert client.get("/api/v1/groups/aoba/health", headers=op).status_code == 403
    assert client.get("/api/v1/federation/health", headers=op).status_code == 403
    coord = token_for(world["coordinator"])
    assert len(client.get("/api/v1/federation/health", headers=coord).get_json()["groups"]) == 2
    month = world["month"]
    report = client.get("/api/v1/groups/taiyo/impact-report", headers=op, query_string={
        "from": month.isoformat(), "to": (month + timedelta(days=27)).isoformat()})
    assert report.status_code == 200 and report.get_json()["values"]["events_joint"] == 1
    bad = client.get("/api/v1/groups/taiyo/impact-report?from=nope", headers=op)
    assert bad.status_code == 422 and "from" in bad.get_json()["error"]["fields"]


def test_research_export_only_for_groups_that_agreed(world, client, login):
    snapshots.compute_snapshots(world["month"])
    db.session.commit()
    login(world["op_a"])
    assert client.post("/health/groups/taiyo/consent",
                       data={"research_consent": "y"}).status_code == 302
    assert client.get("/health/export.csv").status_code == 403
    client.post("/auth/logout")
    login(world["coordinator"])
    # A coordinator cannot agree on a group's behalf.
    assert client.post("/health/groups/aoba/consent",
                       data={"research_consent": "y"}).status_code == 403
    csv_text = client.get("/health/export.csv").get_data(as_text=True)
    lines = csv_text.strip().splitlines()
    assert len(lines) == 2 and "company_backed" in lines[1]
    assert "taiyo" not in csv_text and "大洋" not in csv_text
    data = json.loads(client.get("/health/export.json").get_data(as_text=True))
    assert len(data["records"]) == 1 and data["records"][0]["events_held"] == 2


def test_pages_in_english(world, client, login, smtp):
    # op_b's account is in English: the dashboard, its definitions and flags follow.
    settings.update_thresholds(world["coordinator"], {"leader_share_pct": 50})
    db.session.commit()
    snapshots.compute_snapshots(world["month"])
    db.session.commit()
    login(world["op_a"])
    world["op_a"].locale = "en"
    db.session.commit()
    page = client.get("/health/groups/taiyo").get_data(as_text=True)
    assert "Indicators of the month" in page and "Depends on one leader" in page
    assert "attended two or more of them" in page
    report = client.get("/health/groups/taiyo/report").get_data(as_text=True)
    assert "Impact report" in report and "Joint events and partner companies" in report


def test_event_breakdown_page_for_hosts_only(world, client, login, make):
    event = world["events"][2]
    login(world["op_b"])
    page = client.get(f"/health/events/{event.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and world["a"].name_en in text and world["b"].name_en in text
    assert "Attendance by group" in text
    client.post("/auth/logout")
    login(make.member(group=world["a"]))  # a member of a host group, but no operator
    assert client.get(f"/health/events/{event.id}").status_code == 403


def test_named_outcomes_appear_in_the_report_and_private_ones_do_not(world, client, login):
    from federation.models import GroupMembership, OutcomeKind

    u1, u2 = world["people"][:2]
    month = world["month"]
    db.session.add_all([GroupMembership(group_id=world["a"].id, user_id=u.id) for u in (u1, u2)])
    intro = Introduction(sender_id=u1.id, recipient_id=u2.id, message="ご挨拶",
                         status=IntroductionStatus.accepted, created_at=at(month, 3),
                         decided_at=at(month, 4))
    db.session.add(intro)
    db.session.flush()
    db.session.add_all([
        IntroductionOutcome(introduction_id=intro.id, user_id=u1.id, asked_at=at(month, 5),
                            outcome=OutcomeKind.deal, named=True, answered_at=at(month, 6)),
        IntroductionOutcome(introduction_id=intro.id, user_id=u2.id, asked_at=at(month, 5),
                            outcome=OutcomeKind.hire, named=False, answered_at=at(month, 6))])
    db.session.commit()
    login(world["op_a"])
    period = {"from": month.isoformat(), "to": (month + timedelta(days=27)).isoformat(),
              "section": "introductions"}
    html = client.get("/health/groups/taiyo/report", query_string=period).get_data(as_text=True)
    assert f"{u1.family_name} {u1.given_name}: 取引" in html
    assert f"{u2.family_name} {u2.given_name}:" not in html
    assert "採用" in html  # counted in the totals all the same


def test_snapshot_command_defaults_to_last_and_this_month(world, runner):
    result = runner.invoke(args=["health", "snapshot"])
    assert result.exit_code == 0 and "4 snapshot(s)" in result.output
    months = set(db.session.scalars(select(snapshots.HealthSnapshot.month)))
    assert months == set(months_back(utcnow().astimezone(TOKYO).date(), 2))
    assert runner.invoke(args=["health", "snapshot", "--month", "2026-13"]).exit_code != 0


def test_ask_outcomes_command(world, runner, smtp):
    u1, u2 = world["people"][:2]
    db.session.add(Introduction(sender_id=u1.id, recipient_id=u2.id, message="ご挨拶",
                                status=IntroductionStatus.accepted, created_at=utcnow(),
                                decided_at=utcnow() - timedelta(days=40)))
    db.session.commit()
    result = runner.invoke(args=["health", "ask-outcomes"])
    assert result.exit_code == 0 and "2 person(s) asked." in result.output


def test_compute_returns_every_key_of_the_empty_shape(world):
    from federation.services.health.indicators import empty_indicators

    start, end = month_bounds(world["month"])
    assert set(compute(world["a"], start, end)) == set(empty_indicators())


def test_benchmark_health_rows_render(app, client, login, make, count_queries):
    from bench import generate as gen
    from bench.run import scale_for
    from federation.models import GroupOperator

    gen.generate(db.engine, scale_for(200, 30), "pbkdf2:sha256:1$x$y")
    coordinator = make.user(role=Role.coordinator, email="bench-coord@alumni.example.jp")
    db.session.add(GroupOperator(group_id=1, user_id=coordinator.id))
    db.session.commit()
    login(coordinator)
    with count_queries() as statements:
        assert client.get("/health/").status_code == 200
    assert len(statements) <= 12
    with count_queries() as statements:
        assert client.get("/health/groups/bench-group-0").status_code == 200
    assert len(statements) <= 12
    assert client.get("/health/?sort=repeat&order=asc&governance=delegated").status_code == 200


def test_outcomes_in_personal_data_and_unnamed_on_deletion(world, client, login):
    from federation.services import privacy
    from federation.models import OutcomeKind
    from tests.factories import PASSWORD

    u1, u2 = world["people"][:2]
    intro = Introduction(sender_id=u1.id, recipient_id=u2.id, message="ご挨拶",
                         status=IntroductionStatus.accepted, created_at=utcnow(),
                         decided_at=utcnow())
    pending = Introduction(sender_id=u2.id, recipient_id=u1.id, message="未回答",
                           status=IntroductionStatus.pending, created_at=utcnow())
    db.session.add_all([intro, pending])
    db.session.commit()
    outcomes.answer(u1, intro.id, "collaboration", named=True, note="共同でセミナー")
    db.session.commit()
    assert privacy.EXPORTERS["introduction_outcomes"](u1)[0]["outcome"] == "collaboration"
    login(u1)
    response = client.post(f"/health/introductions/{pending.id}/outcome", data={"outcome": "deal"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(IntroductionOutcome)) == 1
    privacy.delete_account(u1, PASSWORD)
    db.session.commit()
    row = db.session.scalar(select(IntroductionOutcome))
    assert (row.named, row.note, row.outcome) == (False, "", OutcomeKind.collaboration)

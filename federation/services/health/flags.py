"""The five failure patterns of the founding statement (and leader
dependence) as flags. Each rule reads a group's monthly indicators, oldest
first with the month being judged last, and the coordinators' thresholds; a
fired flag carries the numbers that made it fire, so pages can say why.
The patterns' names are federation.labels.FLAG_PATTERN_LABELS."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from federation.labels import FLAG_PATTERN_LABELS

RULES = {
    "signups": _l(
        "Members grew by at most %(flat_growth_pct)s%% over %(flat_months)s months, "
        "or the average attendance per event was below %(low_attendance)s."
    ),
    "operators_only": _l(
        "Something was started in the last %(operators_only_months)s months, "
        "and all of it by the group's operators."
    ),
    "repeat_drop": _l("The repeat rate fell in each of the last %(repeat_fall_months)s months."),
    "wrong_audience": _l(
        "Over the last 3 months, at least %(no_show_pct)s%% of "
        "confirmed registrations did not come (with at least "
        "%(no_show_min_registrations)s registrations)."
    ),
    "no_outcome": _l(
        "No reported outcome of an introduction, no asset given or received and "
        "no joint event in %(no_outcome_months)s months."
    ),
    "leader_dependence": _l(
        "One person started at least %(leader_share_pct)s%% of the group's "
        "events in 12 months (at least 3 events), or at most one "
        "operator was active in 90 days."
    ),
}

WHY = {
    "signups": _l(
        "Members %(first)s → %(last)s (%(growth)s%%) in %(months)s months; "
        "%(attended)s attended %(events)s events (%(average)s per event)."
    ),
    "operators_only": _l("%(total)s things started in %(months)s months, %(by_members)s by non-operators."),
    "repeat_drop": _l("Repeat rate by month: %(series)s."),
    "wrong_audience": _l(
        "%(no_shows)s of %(registrations)s confirmed registrations did not come (%(rate)s%%)."
    ),
    "no_outcome": _l(
        "In %(months)s months: %(outcomes)s outcomes reported, %(assets)s assets "
        "given or received, %(joint)s joint events."
    ),
    "leader_dependence": _l(
        "One person started %(top)s of %(events)s events (%(share)s%%); "
        "%(bench)s of %(operators)s operators active in 90 days."
    ),
}

NEXT_STEP = {
    "signups": _l("Co-host a joint event with a larger group to bring new faces."),
    "operators_only": _l(
        "Invite members to start a sub-group [分科会] or an event of "
        "their own; a joint format with another group helps."
    ),
    "repeat_drop": _l("Try a novel joint format with a complementary group to re-activate silent alumni."),
    "wrong_audience": _l(
        "Sharpen the invitation around the group's need pairs; a joint event "
        "with a group serving the same needs finds the right people."
    ),
    "no_outcome": _l(
        "Ask members what came of their introductions and co-host an event "
        "around a need pair (sales↔procurement, job change↔hiring...)."
    ),
    "leader_dependence": _l("Share the running of events among the operators and bring in a successor."),
}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}"


def _window(history: list[dict], months: int) -> list[dict]:
    return history[-months:]


def evaluate(history: list[dict], thresholds: dict[str, int]) -> list[dict]:
    """Fired flags for the last month of `history`: [{"code", "numbers"}]."""
    if not history:
        return []
    fired = []
    t = thresholds

    window = _window(history, t["flat_months"])
    first, last = window[0]["members"], window[-1]["members"]
    first -= window[0].get("members_change", 0)  # the count before the window
    growth = round((last - first) / first * 100, 1) if first else 0.0
    events = sum(m["events_held"] for m in window)
    attended = sum(m["attended"] for m in window)
    average = round(attended / events, 1) if events else 0.0
    if len(history) >= t["flat_months"] and (
        growth <= t["flat_growth_pct"] or (events and average < t["low_attendance"])
    ):
        fired.append(
            {
                "code": "signups",
                "numbers": {
                    "first": first,
                    "last": last,
                    "growth": growth,
                    "months": len(window),
                    "attended": attended,
                    "events": events,
                    "average": average,
                },
            }
        )

    window = _window(history, t["operators_only_months"])
    total = sum(m.get("started_total", 0) for m in window)
    by_members = sum(m.get("started_by_members", 0) for m in window)
    if total and not by_members:
        fired.append(
            {
                "code": "operators_only",
                "numbers": {"total": total, "by_members": by_members, "months": len(window)},
            }
        )

    k = t["repeat_fall_months"]
    rates = [m.get("repeat_rate") for m in history[-(k + 1) :]]
    if (
        len(rates) == k + 1
        and None not in rates
        and all(later < earlier for earlier, later in zip(rates, rates[1:], strict=False))
    ):
        fired.append({"code": "repeat_drop", "numbers": {"series": " → ".join(f"{_pct(r)}%" for r in rates)}})

    window = _window(history, 3)
    registrations = sum(m["registrations"] for m in window)
    no_shows = sum(m.get("no_shows", 0) for m in window)
    if registrations >= t["no_show_min_registrations"] and no_shows * 100 >= t["no_show_pct"] * registrations:
        fired.append(
            {
                "code": "wrong_audience",
                "numbers": {
                    "no_shows": no_shows,
                    "registrations": registrations,
                    "rate": round(no_shows * 100 / registrations),
                },
            }
        )

    window = _window(history, t["no_outcome_months"])
    outcomes = sum(m.get("outcomes_measurable", 0) for m in window)
    assets = sum(
        sum(m.get("assets_given", {}).values()) + sum(m.get("assets_received", {}).values()) for m in window
    )
    joint = sum(m.get("events_joint", 0) for m in window)
    if len(history) >= t["no_outcome_months"] and not (outcomes or assets or joint):
        fired.append(
            {
                "code": "no_outcome",
                "numbers": {"months": len(window), "outcomes": outcomes, "assets": assets, "joint": joint},
            }
        )

    current = history[-1]
    share = current.get("leader_share")
    led_by_one = (
        share is not None and current.get("leader_events", 0) >= 3 and share * 100 >= t["leader_share_pct"]
    )
    thin_bench = (
        current.get("operators", 0) >= 1
        and current.get("bench", 0) <= 1
        and current.get("leader_events", 0) >= 3
    )
    if led_by_one or thin_bench:
        fired.append(
            {
                "code": "leader_dependence",
                "numbers": {
                    "top": current.get("leader_top", 0),
                    "events": current.get("leader_events", 0),
                    "share": _pct(share),
                    "bench": current.get("bench", 0),
                    "operators": current.get("operators", 0),
                },
            }
        )
    return fired


class _Numbers(dict):
    """A snapshot written before a wording changed may lack a number: show a
    dash for it rather than fail the page."""

    def __missing__(self, key):
        return "—"


def describe(flag: dict, thresholds: dict[str, int]) -> dict:
    """A flag as the page shows it: pattern, rule, why (numbers), next step."""
    code = flag["code"]
    numbers = _Numbers(flag.get("numbers") or {})
    return {
        "code": code,
        "pattern": str(FLAG_PATTERN_LABELS[code]),
        "rule": str(RULES[code]) % _Numbers(thresholds),
        "why": str(WHY[code]) % numbers,
        "next_step": str(NEXT_STEP[code]),
        "numbers": dict(numbers),
    }

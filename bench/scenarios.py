"""What the benchmark measures. Each capability appends its key pages and calls.

A scenario's `paths` function gets a random generator and what the data
generator made, and returns the request targets to cycle through.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Scenario:
    name: str
    paths: Callable[[object, dict], list[str]]
    auth: str = "member"  # anonymous | member (session cookie) | token (API)
    method: str = "GET"
    body: Callable[[object, dict], list[dict]] | None = None
    kind: str = "page"  # page | search | api | write
    p95_target_ms: float = 100.0
    paginated: bool = False  # must reach half the 50-row ceiling's throughput
    partitioned: bool = False  # each load connection gets its own share of the requests
    expect: tuple[int, ...] = (200,)
    tags: list[str] = field(default_factory=list)


def fixed(path: str):
    return lambda rng, made: [path]


SCENARIOS: list[Scenario] = [
    Scenario("home page (visitor)", fixed("/"), auth="anonymous"),
    Scenario("home page (member)", fixed("/"), auth="member"),
    Scenario("API: me", fixed("/api/v1/me"), auth="token", kind="api"),
    Scenario("API: my tokens (paginated)", fixed("/api/v1/tokens?per_page=20"), auth="token",
             kind="api", paginated=True),
]

# --- co-creation directory (issue 6) -------------------------------------------------
SCENARIOS += [
    Scenario("directory search (3-char word)", fixed("/directory/?q=新規事業"), kind="search",
             tags=["directory"]),
    Scenario("directory search (2-char word)", fixed("/directory/?q=投資"), kind="search",
             tags=["directory"]),
    Scenario("match list", fixed("/directory/matches")),
]

# --- the joint-event board (issue 5) ------------------------------------------------------

def _event_pages(rng, made):
    ids = made.get("event_ids") or [1]
    return [f"/events/{rng.choice(ids)}" for _ in range(50)]


def _register_and_cancel(rng, made):
    """Register for an event, then cancel that registration, over 25
    different events: every request changes a seat (a registration again
    re-uses the cancelled row; a second one only would be a 409)."""
    ids = made.get("event_ids") or [1]
    chosen = rng.sample(ids, min(25, len(ids)))
    return [request for event_id in chosen for request in (
        ("POST", f"/api/v1/events/{event_id}/registrations"),
        ("DELETE", f"/api/v1/events/{event_id}/registrations/me"))]


SCENARIOS += [
    Scenario("event board", fixed("/events/"), auth="member", paginated=True),
    Scenario("event page", _event_pages, auth="member"),
    Scenario("register for an event and cancel (API)", _register_and_cancel, auth="token",
             method="POST", body=lambda rng, made: [{} if n % 2 == 0 else None for n in range(50)],
             kind="write", expect=(201, 204), partitioned=True),
]

# --- registry, assets and applications (issues 3 and 4) -------------------------------------

SCENARIOS += [
    Scenario("group registry", fixed("/groups/"), auth="member", paginated=True),
    Scenario("asset search", fixed("/assets/?q=会議室"), auth="member", paginated=True),
    Scenario("application queue", fixed("/applications/"), auth="member", paginated=True),
]

# --- federation health (issue 17) ------------------------------------------------------------
# The bench user is a coordinator and an operator of bench-group-0.

SCENARIOS += [
    Scenario("coordinator health dashboard (all groups)", fixed("/health/"), auth="member"),
    Scenario("a group's health dashboard", fixed("/health/groups/bench-group-0"),
             auth="member"),
    Scenario("API: federation health", fixed("/api/v1/federation/health"), auth="token",
             kind="api"),
]

# --- what the other issues added (issue 19): the API lists, knowledge search, -----------------
# the federation health dashboard and a group's own page as its operator sees it.

SCENARIOS += [
    Scenario("API: events (paginated)", fixed("/api/v1/events?per_page=20"), auth="token",
             kind="api", paginated=True),
    Scenario("API: groups (paginated)", fixed("/api/v1/groups?per_page=20"), auth="token",
             kind="api", paginated=True),
    Scenario("API: assets (paginated)", fixed("/api/v1/assets?per_page=20"), auth="token",
             kind="api", paginated=True),
    Scenario("API: directory search (paginated)", fixed("/api/v1/directory?q=新規事業&per_page=20"),
             auth="token", kind="api", paginated=True, tags=["directory"]),
    Scenario("API: notifications (paginated)", fixed("/api/v1/notifications?per_page=20"),
             auth="token", kind="api", paginated=True),
    Scenario("knowledge search", fixed("/knowledge/?q=新規事業"), auth="member", kind="search"),
    Scenario("a group's dashboard (operator)", fixed("/groups/bench-group-0"), auth="member"),
]

"""Extension points for sources that other capabilities own.

Member-driven activity: an indicator counts what was *started* in a period
and how much of it by people who are not the group's operators. Joint events
are counted here; the knowledge hub (consultations, articles) plugs in by
registering a source:

    from federation.services.health.hooks import member_activity_source

    @member_activity_source("articles")
    def articles_started(group_id, start, end, operator_ids) -> tuple[int, int]:
        return total, started_by_non_operators

Each source is called once per group and month by the snapshot job (never on
a page view) and its numbers are stored in the snapshot under its name, so
the flag "only operators started anything" sees them without further change.

Suggested reading: a flag's next step lists knowledge articles tagged for
its pattern. The knowledge hub registers a provider:

    @knowledge_provider
    def articles_for(pattern: str, locale: str, limit: int) -> list[dict]:
        return [{"title": ..., "url": ...}]

Pattern codes are the keys of federation.labels.FLAG_PATTERN_LABELS.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

ActivitySource = Callable[[int, datetime, datetime, set[int]], tuple[int, int]]
KnowledgeProvider = Callable[[str, str, int], list[dict]]

MEMBER_ACTIVITY_SOURCES: dict[str, ActivitySource] = {}
KNOWLEDGE_PROVIDERS: list[KnowledgeProvider] = []


def member_activity_source(name: str):
    def register(function: ActivitySource) -> ActivitySource:
        MEMBER_ACTIVITY_SOURCES[name] = function
        return function

    return register


def knowledge_provider(function: KnowledgeProvider) -> KnowledgeProvider:
    KNOWLEDGE_PROVIDERS.append(function)
    return function


def knowledge_for(pattern: str, locale: str, limit: int = 3) -> list[dict]:
    found: list[dict] = []
    for provider in KNOWLEDGE_PROVIDERS:
        found.extend(provider(pattern, locale, limit - len(found)))
        if len(found) >= limit:
            break
    return found[:limit]

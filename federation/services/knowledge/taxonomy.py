"""The founding statement's categories of practical knowledge and their
sub-topics, with display names."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from federation.models import KnowledgeCategory

TOPICS = {
    KnowledgeCategory.mindset: {},
    KnowledgeCategory.governance: {
        "concept": _l("Concept"),
        "governance_types": _l("Governance types"),
        "eligibility": _l("Eligibility"),
        "decision_rules": _l("Decision rules"),
        "guidelines": _l("Guidelines"),
        "team_building": _l("Team building"),
    },
    KnowledgeCategory.operations: {
        "processes": _l("Processes"),
        "manuals": _l("Manuals"),
        "templates": _l("Templates"),
        "tools": _l("Tools"),
    },
    KnowledgeCategory.activation: {
        "value_design": _l("Value design"),
        "event_planning": _l("Event planning"),
        "member_driven": _l("Member-driven activity"),
        "facilitation": _l("Facilitation"),
    },
    KnowledgeCategory.promotion: {
        "content": _l("Content"),
        "media": _l("Media"),
        "external_collaboration": _l("External collaboration"),
    },
}


MATURITY_LEVELS = (1, 2, 3, 4, 5)


def topic_label(category, topic: str) -> str:
    return str(TOPICS.get(KnowledgeCategory(category), {}).get(topic, "")) if topic else ""

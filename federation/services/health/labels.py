"""Display names for the health pages (outcomes, sections)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from federation.labels import ASSET_KIND_LABELS, GOVERNANCE_LABELS
from federation.models import AssetKind, GovernanceType, OutcomeKind

OUTCOME_LABELS = {
    OutcomeKind.deal: _l("A business deal"),
    OutcomeKind.hire: _l("A hire"),
    OutcomeKind.collaboration: _l("A collaboration"),
    OutcomeKind.investment: _l("An investment"),
    OutcomeKind.talk: _l("A good talk, information"),
    OutcomeKind.nothing_yet: _l("Nothing yet"),
}

SECTION_LABELS = {
    "members": _l("Member growth"),
    "events": _l("Events and attendance"),
    "joint": _l("Joint events and partner companies"),
    "introductions": _l("Introductions and their outcomes"),
    "assets": _l("Assets given and received"),
    "highlights": _l("Highlights"),
}


def outcome_label(value) -> object:
    return OUTCOME_LABELS[OutcomeKind(value)]


def asset_kind_label(value) -> object:
    return ASSET_KIND_LABELS[AssetKind(value)]


def governance_label(value) -> object:
    return GOVERNANCE_LABELS[GovernanceType(value)]

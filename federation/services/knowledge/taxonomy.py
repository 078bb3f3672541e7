"""The founding statement's categories of practical knowledge: their
sub-topics and display names are federation.labels.TOPIC_LABELS, the
maturity levels are here."""

from __future__ import annotations

MATURITY_LEVELS = (1, 2, 3, 4, 5)

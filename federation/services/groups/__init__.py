"""The registry of alumni groups: profiles, the registry list and its
filters, member-count history, the give-first balance and the CSV export.

Modules: search (LIKE patterns), registry (visibility, the list, filter
options), operators, profile (editing, member counts), balance (give-first),
export (CSV). This package re-exports their public names, so callers keep
`from federation.services import groups` and `groups.get_group(...)`.

page (a group's own page) is imported on its own (`from
federation.services.groups import page`): it gathers the group's events,
assets and applications, whose services import this package, so re-exported
here it would close a circle whenever one of them is imported first.
"""

from federation.csvfiles import FORMULA_STARTS, csv_safe
from federation.services.groups.balance import give_balance
from federation.services.groups.export import CSV_COLUMNS, export_registry_csv
from federation.services.groups.operators import (
    active_operator_ids,
    add_operator,
    group_operators,
    groups_operated_by,
    operators_of,
)
from federation.services.groups.profile import (
    PROFILE_FIELDS,
    REQUIRED,
    TEXT_LIMITS,
    record_member_count,
    update_group,
)
from federation.services.groups.registry import (
    HOME_LIST,
    REGISTRY_LIST,
    SORTS,
    GroupOption,
    GroupOptions,
    federation_overview,
    get_group,
    group_options,
    registry_page,
    registry_query,
    registry_scope,
    visible_groups_query,
)
from federation.services.groups.search import like_pattern, search_pattern

__all__ = [
    "CSV_COLUMNS",
    "FORMULA_STARTS",
    "PROFILE_FIELDS",
    "HOME_LIST",
    "REGISTRY_LIST",
    "REQUIRED",
    "SORTS",
    "TEXT_LIMITS",
    "GroupOption",
    "GroupOptions",
    "active_operator_ids",
    "add_operator",
    "csv_safe",
    "export_registry_csv",
    "federation_overview",
    "get_group",
    "give_balance",
    "group_operators",
    "group_options",
    "groups_operated_by",
    "like_pattern",
    "operators_of",
    "record_member_count",
    "registry_page",
    "registry_query",
    "registry_scope",
    "search_pattern",
    "update_group",
    "visible_groups_query",
]

"""The co-creation directory: bringing alumni in (invitations and CSV import),
profiles with per-field visibility and consent, search, matches and the weekly
digest. One module per job:

- visibility: who sees which field (relation, consent, ProfileView)
- index: a profile's search document and tokens
- profiles: reading and editing one's own profile
- searching: the directory search (the shared tokenizer and planner of
  federation.search)
- matches: complementary offers and asks
- digest: the weekly digest of new matches
- invitations: inviting and importing alumni, joining through the link
- personal: the person's data in their export, and its erasure

This package re-exports the public names, so `directory.search(...)` and
friends work as before.
"""

from federation.search.tokens import search_text, text_tokens, too_short
from federation.services.alumni_import import MAX_IMPORT_ROWS
from federation.services.directory.digest import send_digests, week_of
from federation.services.directory.index import industry_key, reindex
from federation.services.directory.invitations import (
    ImportPreview,
    ImportRow,
    accept_invitation,
    import_alumni,
    invitation_for,
    invite,
    join_with_new_account,
    preview_import,
)
from federation.services.directory.matches import (
    MATCH_WINDOW,
    SYMMETRIC,
    Match,
    complements,
    list_matches,
    matches_query,
)
from federation.services.directory.personal import erase_directory, export_directory
from federation.services.directory.profiles import (
    MAX_NEEDS,
    TEXT_LIMITS,
    get_own_profile,
    get_profile,
    update_profile,
)
from federation.services.directory.searching import (
    PROFILE_TOKENS,
    SEARCH_CAP,
    SEARCH_LIST,
    SORTS,
    search,
    search_scope,
    search_tokens,
)
from federation.services.directory.visibility import (
    CONSENT_VERSION,
    VISIBILITY_FIELDS,
    WIDE,
    ProfileView,
    field_visible,
    group_ids_of,
    groups_of_user,
    is_wide,
    level_of,
    relation,
    view_of,
    views_of,
)

__all__ = [
    "CONSENT_VERSION",
    "MATCH_WINDOW",
    "MAX_IMPORT_ROWS",
    "MAX_NEEDS",
    "PROFILE_TOKENS",
    "SEARCH_CAP",
    "SORTS",
    "SYMMETRIC",
    "TEXT_LIMITS",
    "VISIBILITY_FIELDS",
    "WIDE",
    "ImportPreview",
    "ImportRow",
    "Match",
    "ProfileView",
    "accept_invitation",
    "complements",
    "erase_directory",
    "export_directory",
    "field_visible",
    "get_own_profile",
    "get_profile",
    "group_ids_of",
    "groups_of_user",
    "import_alumni",
    "industry_key",
    "invitation_for",
    "invite",
    "is_wide",
    "join_with_new_account",
    "level_of",
    "list_matches",
    "matches_query",
    "preview_import",
    "reindex",
    "relation",
    "SEARCH_LIST",
    "search",
    "search_scope",
    "search_text",
    "search_tokens",
    "send_digests",
    "text_tokens",
    "too_short",
    "update_profile",
    "view_of",
    "views_of",
    "week_of",
]

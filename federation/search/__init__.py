"""Japanese search shared by the directory and the knowledge hub.

Documents and queries are normalised the same way (NFKC, lower-case, katakana
as hiragana) and cut into tokens: every 2-character window of CJK runs (so
two-character words such as 投資 or 人事 are found), whole Latin words, and
facet tokens a caller adds ("c:operations"). A document's tokens live in a
table of (owner id, token, visibility flag) indexed on the token; a query
requires every one of its tokens, planned by their frequency (see
`planner.matching_ids`).
"""

from federation.search.planner import SEARCH_CAP, SearchPage, TokenIndex, matching_ids, page_of_ids
from federation.search.tokens import search_text, text_tokens, too_short

__all__ = [
    "SEARCH_CAP",
    "SearchPage",
    "TokenIndex",
    "matching_ids",
    "page_of_ids",
    "search_text",
    "text_tokens",
    "too_short",
]

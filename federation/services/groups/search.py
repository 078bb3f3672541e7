"""Search words as LIKE patterns, shared by every list that searches
(the registry, assets, joint events)."""

from __future__ import annotations

from federation.text import normalise, search_key


def like_pattern(raw: str) -> str | None:
    """A LIKE pattern for a search word: NFKC, lower-case, wildcards escaped.
    Substring matching finds short Japanese words such as 商事 or 銀行."""
    term = normalise(raw).lower()
    if not term:
        return None
    term = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{term}%"


def search_pattern(raw: str) -> str | None:
    """A LIKE pattern for a column folded by text.search_key (kana, width and
    case folded): アオゾラ, ｱｵｿﾞﾗ and あおぞら find the same rows."""
    return like_pattern(search_key(raw))

"""Query planning over a token table, shared by every search.

A search asks for the owners (profiles, knowledge documents) that carry every
token of the query, as the viewer may see them. It is planned by hand,
because the cost is all in the choice: the frequency of each token (counted up
to SEARCH_CAP + 1, through the (token, ...) index) decides. With a rare token
(at most SEARCH_CAP rows) its rows are the candidates and the others are
checked per candidate; when every token is common, owners are walked in the
order of the caller's sort index and each is checked with a subquery per
token, rarest first, so a page stops early (`walk=False` refuses that plan:
None). The walk's weak spot: several common words that rarely occur together
make it visit many owners.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Callable

from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import aliased

from federation.extensions import db
from federation.pagination import rows_with_total

# A search reaches at most this many owners: enough to browse, not a bulk
# dump, and it keeps every search bounded at any size. Beyond it the total
# reads "1,000+" (the API says total_capped: true).
SEARCH_CAP = 1000


@dataclass(frozen=True)
class TokenIndex:
    """Where a search's tokens live: the token model, the name of its owner
    column, and the owner's id column (what a walk iterates over)."""

    token_model: Any
    owner: str
    entity_id: Any

    def owner_of(self, alias):
        return getattr(alias, self.owner)


@dataclass
class SearchPage:
    """One page of a bounded search; pager-compatible (page, pages, has_next...)."""

    items: list
    page: int
    per_page: int
    total: int  # exact when not capped; otherwise SEARCH_CAP (a lower bound)
    capped: bool

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


Seen = Callable[[Any], Any]  # token alias -> SQL condition "this row counts for the viewer"


def token_counts(index: TokenIndex, tokens: list[str], seen: Seen, cap: int = SEARCH_CAP) -> list[int]:
    """How many owners visibly carry each token, counted up to cap + 1 (one
    statement, through the (token, ...) index)."""
    token_model = index.token_model
    return list(
        db.session.execute(
            select(
                *[
                    select(func.count())
                    .select_from(
                        select(index.owner_of(token_model))
                        .where(token_model.token == token, seen(token_model))
                        .limit(cap + 1)
                        .subquery()
                    )
                    .scalar_subquery()
                    for token in tokens
                ]
            )
        ).one()
    )


def matching_ids(
    index: TokenIndex,
    tokens: list[str],
    seen: Seen,
    walk: bool = True,
    cap: int = SEARCH_CAP,
    counted: dict[str, int] | None = None,
):
    """(select of the owner ids carrying every token visibly, select to
    count them), or None when nobody can match (see the module's docstring).
    `cap` is the caller's SEARCH_CAP; `counted` the tokens' token_counts
    when the caller already has them (one search over several token sets)."""
    token_model = index.token_model
    if counted is not None:
        counts = [counted[t] for t in tokens]
    else:
        counts = token_counts(index, tokens, seen, cap)
    ranked = [t for _n, t in sorted(zip(counts, tokens, strict=True))]
    if min(counts) == 0:
        return None
    # One token: its count (up to cap + 1) is already the total; the plan
    # carries it instead of a query to count again.
    known = counts[0] if len(tokens) == 1 else None

    alias = _probe_alias(token_model)

    def has(token, owner_id=index.entity_id):
        # A scalar subquery, not EXISTS: PostgreSQL turns an EXISTS into a
        # hash semi-join over every row of the token (its estimate of how
        # words co-occur is far too low), which is what the walk avoids.
        return (
            select(literal(1))
            .where(index.owner_of(alias) == owner_id, alias.token == token, seen(alias))
            .limit(1)
            .scalar_subquery()
            .is_not(None)
        )

    # Counting (up to SEARCH_CAP + 1) is always driven by the rarest token's
    # rows: it checks fewer rows than a walk in sort order would.
    owner = index.owner_of(token_model)
    driven = select(owner).where(
        token_model.token == ranked[0], seen(token_model), *[has(t, owner) for t in ranked[1:]]
    )
    if min(counts) <= cap:
        counting = known if known is not None else driven
        return select(index.entity_id).where(index.entity_id.in_(driven)), counting
    if not walk:
        return None
    if known is None and db.session.get_bind().dialect.name == "postgresql":
        # Every token is common: on PostgreSQL count by intersecting the
        # tokens' rows in owner order ((token, owner) index, migration 0018),
        # merge joins of index-only scans that stop at the cap, instead of
        # probing the other tokens for each row of the first.
        known = intersected(index, ranked, seen)
    return select(index.entity_id).where(*[has(t) for t in ranked]), known if known is not None else driven


@cache
def _probe_alias(token_model):
    """The token table's alias the per-token probes read. One serves every
    probe of a statement, each being its own scalar subquery (its own
    scope), and every statement: making an alias per probe cost a search
    more than its SQL (about 10 ms of a directory search's Python)."""
    return aliased(token_model, name=f"probe_{token_model.__tablename__}")


def intersected(index: TokenIndex, tokens: list[str], seen: Seen):
    """The owners carrying every token visibly, in owner order (a select)."""
    aliases = [aliased(index.token_model) for _ in tokens]
    first = index.owner_of(aliases[0])
    query = select(first).where(aliases[0].token == tokens[0], seen(aliases[0]))
    for alias, token in zip(aliases[1:], tokens[1:], strict=True):
        query = query.join(alias, and_(index.owner_of(alias) == first, alias.token == token, seen(alias)))
    return query.order_by(first)


def page_of_ids(
    plan,
    order: Callable[[Any], Any],
    page: int,
    per_page: int,
    cap: int = SEARCH_CAP,
    load: Callable[[Any], Any] | None = None,
    counted_by_window: bool = False,
) -> tuple[list, int, bool]:
    """(the page, total up to SEARCH_CAP, whether capped). The page is the
    owner ids, or, with `load` (which turns the plan's select of ids into a
    select of what a page shows, e.g. the owners themselves), those rows, in
    the same statement; `order` adds the ORDER BY. `counted_by_window`: the
    ids select reads every match anyway (a ranking), so the total is counted
    over its rows rather than by the plan's count."""
    if plan is None:
        return [], 0, False
    ids_query, count_query = plan
    query = ids_query if load is None else load(ids_query)
    offset = (page - 1) * per_page
    limit = min(per_page, cap - offset)
    if limit <= 0:
        found = _count(count_query, cap)
        return [], min(found, cap), found > cap
    if isinstance(count_query, int):  # already counted (up to cap + 1) while planning
        items = list(db.session.scalars(order(query).limit(limit).offset(offset)))
        found = count_query
    else:
        items, found = rows_with_total(
            order(query), _counting(count_query, cap), limit, offset, by_window=counted_by_window
        )
    return items, min(found, cap), found > cap


def _counting(count_query, cap: int):
    """Counts the plan's owners up to cap + 1 (enough to say "1,000+")."""
    return select(func.count()).select_from(count_query.limit(cap + 1).subquery())


def _count(count_query, cap: int) -> int:
    if isinstance(count_query, int):
        return count_query
    return db.session.scalar(_counting(count_query, cap)) or 0

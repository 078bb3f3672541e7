"""Page arguments shared by pages and the API: bounded, never unbounded lists."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from federation.errors import Invalid
from federation.extensions import db

# Beyond this a page is certainly empty; the bound keeps OFFSET inside what
# every database's integers hold.
MAX_PAGE = 100_000


def page_args(args, strict: bool = False) -> tuple[int, int]:
    """Read ?page=&per_page=. Pages clamp silly values; the API (strict) refuses them."""
    default = current_app.config["API_DEFAULT_PER_PAGE"]
    maximum = current_app.config["API_MAX_PER_PAGE"]
    errors = {}
    values = {}
    for name, fallback in (("page", 1), ("per_page", default)):
        raw = args.get(name)
        if raw is None or raw == "":
            values[name] = fallback
            continue
        try:
            if len(raw) > 12:
                raise ValueError(raw)
            values[name] = int(raw)
        except ValueError:
            errors[name] = [_("Must be a whole number.")]
            values[name] = fallback
    if strict:
        if not 1 <= values["page"] <= MAX_PAGE:
            errors["page"] = [_("Must be between %(low)d and %(high)d.", low=1, high=MAX_PAGE)]
        if not 1 <= values["per_page"] <= maximum:
            errors["per_page"] = [_("Must be between %(low)d and %(high)d.", low=1, high=maximum)]
        if errors:
            raise Invalid(fields=errors)
    return min(max(values["page"], 1), MAX_PAGE), min(max(values["per_page"], 1), maximum)


class Page:
    """A page of rows read with Core (not ORM objects), with what the pager
    macro reads: page, pages, has_prev/has_next, prev_num/next_num, total."""

    def __init__(self, items: list, page: int, per_page: int, total: int):
        self.items, self.page, self.per_page, self.total = items, page, per_page, total
        self.pages = max(1, -(-total // per_page)) if total else 0
        self.has_prev, self.has_next = page > 1, page < self.pages
        self.prev_num = page - 1 if self.has_prev else None
        self.next_num = page + 1 if self.has_next else None


def core_page(query, page: int, per_page: int) -> Page:
    """Paginate a Core select of plain rows: one COUNT, one page of rows."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all() if total else []
    return Page(rows, page, per_page, total)


def page_with_total(query, page: int, per_page: int) -> tuple[list, int]:
    """The page's items (the first column of each row) and the list's total."""
    counting = select(func.count()).select_from(query.order_by(None).subquery())
    return rows_with_total(query, counting, per_page, (page - 1) * per_page)


def rows_with_total(query, counting, limit: int, offset: int, by_window: bool = False) -> tuple[list, int]:
    """A slice of `query` and what `counting` (a select of one count) counts,
    in one statement: the count is an uncorrelated scalar subquery, which
    both databases evaluate once; `by_window`, for a query that reads every
    row before it slices (a ranking that groups all the matches), a window
    count over the rows it read instead of a second pass. Only a slice past
    the end, which has no row to carry it, counts on its own."""
    total = func.count().over() if by_window else counting.scalar_subquery()
    rows = db.session.execute(query.add_columns(total).limit(limit).offset(offset)).unique().all()
    if rows:
        return [row[0] for row in rows], rows[0][-1]
    return [], (db.session.scalar(counting) or 0) if offset else 0

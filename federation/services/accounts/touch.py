"""Recording when a login session or an API token was last used, without
turning a read request into a writer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, update

from federation.extensions import db


def touch(model, row_id: int, column, now, instance=None, every: int = 60) -> None:
    """Write a "last used/seen" time in its own short transaction, never in the request's:
    on SQLite a GET's read transaction turned writer fails with "database is
    locked" when another worker wrote meanwhile (the benchmark saw a third of
    token requests fail so). Advisory data: a lost race is no error."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm.attributes import set_committed_value

    from federation.extensions import write_intent

    if write_intent.get() or db.session.dirty or db.session.new:
        # A writer anyway: one transaction.
        db.session.execute(
            update(model)
            .where(model.id == row_id)
            .values({column: now})
            .execution_options(synchronize_session=False)
        )
        if instance is not None:
            set_committed_value(instance, column.key, now)
        return
    earlier = now - timedelta(seconds=every)
    try:
        with db.engine.begin() as conn:
            conn.execute(
                update(model)
                .where(model.id == row_id, or_(column.is_(None), column < earlier))
                .values({column: now})
            )
    except OperationalError:
        return
    if instance is not None:
        set_committed_value(instance, column.key, now)

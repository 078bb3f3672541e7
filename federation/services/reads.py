"""Who read whose personal data, and when.

Pages that show a person's record (a directory profile, an event's attendee
list, an operator application) call `record_reads`; `reads_by` answers the
question a data-leak report under the APPI asks: which people's records did
account X read between two dates (CLI: `flask privacy reads`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError

from federation.extensions import db, write_intent, writing
from federation.models import PersonalDataRead, ReadKind, User, utcnow


def record_reads(reader: User | None, kind: ReadKind, object_id: int, subject_ids) -> int:
    """Record that `reader` saw the records of `subject_ids` (own record not
    counted). Written in its own short transaction, so a page view (a read
    transaction) does not become a writer, and the record stays even if the
    request's own work is rolled back."""
    if reader is None or not getattr(reader, "is_authenticated", False):
        return 0
    subjects = sorted({s for s in subject_ids if s is not None and s != reader.id})
    if not subjects:
        return 0
    now = utcnow()
    rows = [
        {"reader_id": reader.id, "subject_id": s, "kind": kind, "object_id": object_id, "read_at": now}
        for s in subjects
    ]
    if write_intent.get() or db.session.dirty or db.session.new:
        # A writing request holds the write lock (SQLite): a second
        # connection would wait for it. Part of the request's transaction.
        db.session.execute(insert(PersonalDataRead), rows)
        return len(rows)
    try:
        with writing(), db.engine.begin() as conn:
            conn.execute(insert(PersonalDataRead), rows)
    except OperationalError:
        # The database is busy past its timeout: the page still answers,
        # and the failure is in the log.
        from flask import current_app

        current_app.logger.exception("could not record %d personal-data reads", len(rows))
        return 0
    return len(rows)


def reads_by(reader: User, since: datetime, until: datetime) -> list[dict]:
    """The people whose records `reader` read in [since, until): one entry
    per person with what was read, how often, first and last time."""
    rows = db.session.execute(
        select(
            PersonalDataRead.subject_id,
            PersonalDataRead.kind,
            func.count(PersonalDataRead.id),
            func.min(PersonalDataRead.read_at),
            func.max(PersonalDataRead.read_at),
        )
        .where(
            PersonalDataRead.reader_id == reader.id,
            PersonalDataRead.read_at >= since,
            PersonalDataRead.read_at < until,
        )
        .group_by(PersonalDataRead.subject_id, PersonalDataRead.kind)
        .order_by(PersonalDataRead.subject_id, PersonalDataRead.kind)
    ).all()
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({r[0] for r in rows})))}
    return [
        {
            "user_id": subject_id,
            "name": people[subject_id].display_name,
            "email": people[subject_id].email,
            "kind": kind.value,
            "count": count,
            "first": first,
            "last": last,
        }
        for subject_id, kind, count, first, last in rows
    ]

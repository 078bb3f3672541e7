"""Queue mails into the outbox, and deliver the outbox over SMTP.

`queue_mail` runs inside the caller's transaction, so a mail exists exactly
when the action that caused it was committed. After that commit the job queue
is asked to deliver it; `deliver_outbox` runs in the worker (or the CLI), never
in a web process, and commits each step, so an SMTP outage or a crash loses
nothing.

Exactly once as the recipient sees it: each row has a unique key per (kind,
object, recipient), so queuing the same mail twice (a retried job, a duplicate
periodic run) adds nothing; a deliverer claims a row with a lease before it
talks SMTP. The remaining window: a deliverer that dies after the SMTP server
accepted the message and before the row is marked sent leaves it 'sending';
after CLAIM_LEASE another deliverer sends it again with the same Message-ID,
which receiving servers and clients use to drop the duplicate.
"""

from __future__ import annotations

import html
import re
import smtplib
from datetime import timedelta
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message
from markupsafe import Markup
from sqlalchemy import event, func, or_, select, update
from sqlalchemy.orm import Session

from federation.extensions import db, mail, writing
from federation.models import MailStatus, OutboxMail, utcnow
from federation.tasks import job
from federation.tasks import logger as queue_logger

# A deliverer that crashed mid-send leaves its row 'sending'; after this long the
# row is taken up again (with the same Message-ID).
CLAIM_LEASE = timedelta(minutes=10)
_URL_RE = re.compile(r"(https?://[^\s<>\"]+)")


def render_mail(template: str, locale: str, **context) -> tuple[str, str, str]:
    """Render `email/<template>.txt` in the recipient's language.

    The first line of the text template is the subject; the rest is the body.
    The HTML part wraps the same text in the mail layout.
    """
    with force_locale(locale):
        rendered = render_template(f"email/{template}.txt", **context).lstrip()
        subject, _, body = rendered.partition("\n")
        body = body.strip() + "\n"
        paragraphs = [
            Markup(_URL_RE.sub(r'<a href="\1">\1</a>', html.escape(p)).replace("\n", "<br>"))
            for p in body.split("\n\n")
        ]
        body_html = render_template("email/_layout.html", subject=subject.strip(), paragraphs=paragraphs)
    return subject.strip(), body, body_html


def mail_key(template: str, key: str, recipient: str) -> str:
    return f"{template}:{key}:{recipient.lower()}"[:400]


def queue_mail(
    recipient: str, template: str, locale: str, *, key: str | None = None, **context
) -> OutboxMail:
    """Queue one mail in the caller's transaction.

    `key` names the object the mail is about (e.g. "registration:12"): with it,
    queuing the same kind of mail about the same object to the same recipient
    again returns the first row and sends nothing more. Without it every call
    is a new mail."""
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].strip(">") or None
    message_id = make_msgid(domain=domain)
    dedup_key = mail_key(template, key if key is not None else f"message:{message_id}", recipient)
    if key is not None:
        existing = db.session.scalar(select(OutboxMail).where(OutboxMail.dedup_key == dedup_key))
        if existing is not None:
            return existing
    subject, body_text, body_html = render_mail(template, locale, **context)
    row = OutboxMail(
        message_id=message_id,
        dedup_key=dedup_key,
        template=template,
        locale=locale,
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        status=MailStatus.pending,
    )
    db.session.add(row)
    db.session.flush()
    db.session.info.setdefault("queued_mail_ids", []).append(row.id)
    return row


def delivery_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


@event.listens_for(Session, "after_commit")
def _enqueue_delivery_after_commit(session: Session) -> None:
    ids = session.info.pop("queued_mail_ids", None)
    if ids:
        enqueue_delivery(ids)


# --- the worker's tasks (federation.tasks is the queue; it knows no service) --------


@job(retries=3)
def deliver_mail(ids: list[int] | None = None) -> dict[str, int]:
    """Send the given outbox rows (or every due one). When some must wait (the
    SMTP server is down), come back when the first of them is due."""
    return _deliver(ids)


def _deliver(ids: list[int] | None) -> dict[str, int]:
    counts = deliver_outbox(ids=ids)
    if counts["retry"]:
        delay = next_attempt_delay()
        if delay is not None:
            deliver_mail.schedule(kwargs={"ids": None}, delay=max(delay, 1))
    return counts


def deliver_due_mail() -> dict[str, int]:
    """The minute sweep: mails whose delivery was never enqueued, or is due again."""
    return _deliver(None)


def enqueue_delivery(ids: list[int]) -> None:
    """After a commit that queued mails: ask the worker to send them. Never
    fails the caller: the minute sweep sends whatever this misses."""
    try:
        deliver_mail(ids)
    except Exception:  # the broker is down: the periodic sweep covers it
        queue_logger.warning(
            "could not enqueue delivery of mails %s; the sweep will send them", ids, exc_info=True
        )


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_mail(session: Session) -> None:
    session.info.pop("queued_mail_ids", None)


def next_attempt_delay() -> float | None:
    """Seconds until the next mail waiting for a retry is due (None: none waits)."""
    due = db.session.scalar(
        select(func.min(OutboxMail.next_attempt_at)).where(OutboxMail.status == MailStatus.pending)
    )
    db.session.commit()
    if due is None:
        return None
    return max((due - utcnow()).total_seconds(), 0.0)


def _backoff(attempts: int) -> timedelta:
    base = current_app.config.get("MAIL_RETRY_SECONDS", 30)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def _claim(mail_id: int) -> bool:
    now = utcnow()
    claimed = db.session.execute(
        update(OutboxMail)
        .where(
            OutboxMail.id == mail_id,
            or_(
                OutboxMail.status == MailStatus.pending,
                (OutboxMail.status == MailStatus.sending) & (OutboxMail.claimed_at < now - CLAIM_LEASE),
            ),
        )
        .values(status=MailStatus.sending, claimed_at=now, attempts=OutboxMail.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _send(row: OutboxMail) -> None:
    message = Message(
        subject=row.subject,
        recipients=[row.recipient],
        body=row.body_text,
        html=row.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        charset="utf-8",
    )
    message.msgId = row.message_id
    from federation.models import OutboxAttachment

    for attachment in db.session.scalars(
        select(OutboxAttachment).where(OutboxAttachment.mail_id == row.id).order_by(OutboxAttachment.id)
    ):
        message.attach(attachment.filename, attachment.content_type, attachment.data)
    mail.send(message)


def deliver_outbox(limit: int = 100, ids: list[int] | None = None) -> dict[str, int]:
    """Deliver due mails; return counts by outcome. Safe to run concurrently:
    each mail is claimed by one deliverer before it is sent."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not delivery_configured():
        return counts
    with writing():
        _deliver_due(counts, limit, ids)
    return counts


def _deliver_due(counts: dict[str, int], limit: int, ids: list[int] | None) -> None:
    now = utcnow()
    query = (
        select(OutboxMail.id)
        .where(
            or_(
                (OutboxMail.status == MailStatus.pending) & (OutboxMail.next_attempt_at <= now),
                (OutboxMail.status == MailStatus.sending) & (OutboxMail.claimed_at < now - CLAIM_LEASE),
            )
        )
        .order_by(OutboxMail.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(OutboxMail.id.in_(ids))
    due = db.session.scalars(query).all()
    db.session.commit()
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    for mail_id in due:
        if not _claim(mail_id):
            continue
        row = db.session.get(OutboxMail, mail_id)
        try:
            _send(row)
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if row.attempts >= max_attempts:
                row.status = MailStatus.failed
                counts["failed"] += 1
            else:
                row.status = MailStatus.pending
                row.next_attempt_at = utcnow() + _backoff(row.attempts)
                counts["retry"] += 1
            row.claimed_at = None
        else:
            row.status = MailStatus.sent
            row.sent_at = utcnow()
            row.last_error = ""
            counts["sent"] += 1
        db.session.commit()


def retry_mail(actor, mail_row: OutboxMail) -> None:
    """An admin puts a failed mail back in the queue."""
    from federation.errors import Conflict, Forbidden
    from federation.permissions import is_admin

    if not is_admin(actor):
        raise Forbidden()
    if mail_row.status != MailStatus.failed:
        raise Conflict()
    mail_row.status = MailStatus.pending
    mail_row.attempts = 0
    mail_row.next_attempt_at = utcnow()

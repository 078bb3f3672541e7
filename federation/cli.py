"""Commands for operators of the installation and for scripts. They call the
same services as the web UI and the API, and commit once each."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import AppGroup

from federation.errors import DomainError
from federation.extensions import db, writing
from federation.models import Role
from federation.models.base import TOKYO

users = AppGroup("users", help="Create users and API tokens.")
mail_cli = AppGroup("mail", help="Deliver the mail outbox.")


def _fail(error: DomainError):
    message = error.message
    if error.fields:
        message += " " + "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
    raise click.ClickException(message)


@users.command("create")
@click.option("--email", required=True)
@click.option(
    "--name",
    required=True,
    help="The name as written: '山田 花子' (family first) or 'John Smith' (given first).",
)
@click.option("--kana", default="", help="Reading in kana, e.g. 'やまだ はなこ' (needed for kanji).")
@click.option(
    "--name-order",
    type=click.Choice(["family_first", "given_first"]),
    default=None,
    help="Default: given first for a name in Latin letters, else family first.",
)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.member.value)
@click.option("--locale", type=click.Choice(["ja", "en"]), default="ja")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--group",
    "group_slug",
    default=None,
    help="Slug of a member group: a member is made a member of it (required for "
    "--role member to be a member); an operator becomes its operator.",
)
def create_user(email, name, kana, role, locale, password_stdin, group_slug, name_order):
    """Create a verified user."""
    from sqlalchemy import select

    from federation.models import AlumniGroup, GroupMembership, utcnow
    from federation.services import accounts, groups

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    first, _, second = name.replace("\u3000", " ").strip().partition(" ")
    kana_first, _, kana_second = kana.replace("\u3000", " ").strip().partition(" ")
    name_order = accounts.name_order_for(first, second, name_order)
    if name_order == "given_first":  # written given first: John Smith
        (given, family), (kana_given, kana_family) = (first, second), (kana_first, kana_second)
    else:
        (family, given), (kana_family, kana_given) = (first, second), (kana_first, kana_second)
    try:
        with writing():
            group = None
            if group_slug:
                group = db.session.scalar(select(AlumniGroup).where(AlumniGroup.slug == group_slug))
                if group is None:
                    raise click.ClickException(f"No group with the slug {group_slug}.")
            user = accounts.register_user(
                email=email,
                password=password,
                family_name=family or given,
                given_name=given or family,
                family_name_kana=kana_family,
                given_name_kana=kana_given,
                locale=locale,
                role=Role(role),
                verified=True,
                name_order=name_order,
            )
            if user is None:
                raise click.ClickException(f"A user with the address {email} exists already.")
            if group is not None:
                if Role(role) == Role.operator:
                    groups.add_operator(group, user)
                else:
                    db.session.add(
                        GroupMembership(
                            group_id=group.id, user_id=user.id, verified_at=utcnow(), source="cli"
                        )
                    )
            db.session.commit()
    except DomainError as error:
        db.session.rollback()
        _fail(error)
    where = (
        f", {'operator' if Role(role) == Role.operator else 'member'} of {group_slug}" if group_slug else ""
    )
    click.echo(f"Created {user.email} ({user.role.value}{where}).")
    if Role(role) == Role.member and not group_slug:
        click.echo(
            "Note: without --group this account belongs to no member group, so it is "
            "not a member yet (it sees public pages and how to join)."
        )


@users.command("token")
@click.option("--email", required=True)
@click.option("--name", default="cli", help="A name to recognise the token by.")
def create_token(email, name):
    """Print a new API token for a user."""
    from federation.services import accounts

    with writing():
        user = accounts.find_user_by_email(email)
        if user is None:
            raise click.ClickException(f"No user with the address {email}.")
        _token, raw = accounts.create_api_token(user, name)
        db.session.commit()
    click.echo(raw)


@mail_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering every few seconds.")
@click.option("--interval", default=5.0, show_default=True)
def deliver(loop, interval):
    """Send due mails from the outbox over SMTP (needs MAIL_SERVER)."""
    from federation.services.mail import deliver_outbox, delivery_configured

    if not delivery_configured():
        raise click.ClickException("MAIL_SERVER is not set: mails stay in the outbox.")
    while True:
        counts = deliver_outbox()
        if any(counts.values()) or not loop:
            click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))
        if not loop:
            return
        time.sleep(interval)


@click.command("demo")
@click.option(
    "--password", default="demo-password", show_default=True, help="Password of every demo account."
)
def demo(password):
    """Load a realistic demo federation (fictional companies only)."""
    from federation.demo import demo_logins, load_demo

    with writing():
        logins = load_demo(password)
        db.session.commit()
    # The logins are printed on every run: the quick start is run again and again.
    if not logins:
        click.echo("Demo data is already loaded. Sign in at http://127.0.0.1:5000 with:")
        logins = demo_logins()
    else:
        click.echo("Demo federation loaded. Sign in at http://127.0.0.1:5000 with:")
    for role, email in logins:
        click.echo(f"  {role:<21} {email:<40} password: {password}")


applications_cli = AppGroup("applications", help="Operator applications.")


@applications_cli.command("remind")
def remind():
    """Mail coordinators about applications waiting longer than the setting (for cron)."""

    from federation.services.applications import remind_coordinators

    with writing():
        count = remind_coordinators()
        db.session.commit()
    click.echo(
        f"{count} application(s) waiting; coordinators reminded."
        if count
        else "No application is waiting too long."
    )


directory_cli = AppGroup("directory", help="The co-creation directory.")


@directory_cli.command("digest")
def digest():
    """Mail this week's new matches to people who opted in (once per week; for cron)."""

    from federation.services.directory import send_digests

    with writing():
        count = send_digests()
        db.session.commit()
    click.echo(f"{count} digest(s) queued.")


events_cli = AppGroup("events", help="Joint events.")


@events_cli.command("remind")
def remind_events():
    """Mail attendees of tomorrow's joint events (for cron; never twice)."""

    from federation.services.events import send_reminders

    with writing():
        count = send_reminders()
        db.session.commit()
    click.echo(f"{count} reminder(s) queued.")


@click.command("worker")
@click.option("--workers", type=int, default=None, help="Worker threads (default QUEUE_WORKERS).")
@click.option(
    "--no-periodic",
    is_flag=True,
    help="Run tasks only; leave the schedules to another process (several workers).",
)
def worker(workers, no_periodic):
    """Run the job queue: worker threads and the scheduler of periodic tasks."""
    from flask import current_app

    from federation.tasks import create_consumer

    app = current_app._get_current_object()
    click.echo(f"Job queue on {app.config['QUEUE_URL'].split('@')[-1]}")
    create_consumer(app, workers=workers, periodic=not no_periodic).run()


backup_cli = AppGroup("backup", help="Back up and restore the database.")


@backup_cli.command("create")
@click.argument("target", type=click.Path(dir_okay=False))
def backup_create(target):
    """Write a consistent backup of the live database (SQLite online backup API,
    PostgreSQL pg_dump custom format) to TARGET."""
    from pathlib import Path

    from federation.services.operations import backup_database

    path = backup_database(Path(target))
    click.echo(f"Backup written to {path} ({path.stat().st_size} bytes).")


@backup_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--into",
    "into",
    required=True,
    help="URL of the NEW, empty database to restore into (sqlite:///… or postgresql://…).",
)
def backup_restore(source, into):
    """Restore SOURCE into a new database; point DATABASE_URL at it afterwards."""
    from pathlib import Path

    from federation.config import normalise_database_url
    from federation.services.operations import restore_database

    try:
        restore_database(Path(source), normalise_database_url(into))
    except (FileExistsError, ValueError) as error:
        raise click.ClickException(str(error))
    click.echo(f"Restored into {into.split('@')[-1]}.")


COMMANDS = [users, mail_cli, demo, applications_cli, directory_cli, events_cli, worker, backup_cli]


privacy_cli = AppGroup("privacy", help="Retention of personal data and the record of reads.")


@privacy_cli.command("purge")
def purge_personal_data():
    """Erase personal fields of records closed longer than the retention periods (for cron)."""
    from federation.services.retention import purge_expired_personal_data

    with writing():
        counts = purge_expired_personal_data()
        db.session.commit()
    for name, count in counts.items():
        click.echo(f"{name}: {count} erased")


@privacy_cli.command("reads")
@click.option("--account", "email", required=True, help="The reading account's email address.")
@click.option(
    "--since",
    required=True,
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
    help="From this date (Asia/Tokyo), inclusive.",
)
@click.option(
    "--until",
    required=True,
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
    help="To this date (Asia/Tokyo), exclusive.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def personal_data_reads(email, since, until, as_json):
    """Which people's records did ACCOUNT read between two dates (the APPI leak report)."""
    import json

    from federation.services.accounts import find_user_by_email
    from federation.services.reads import reads_by

    reader = find_user_by_email(email)
    if reader is None:
        raise click.ClickException(f"No account with the address {email}.")
    rows = reads_by(reader, since.replace(tzinfo=TOKYO), until.replace(tzinfo=TOKYO))
    for row in rows:
        if as_json:
            click.echo(
                json.dumps(
                    {**row, "first": row["first"].isoformat(), "last": row["last"].isoformat()},
                    ensure_ascii=False,
                )
            )
        else:
            click.echo(
                f"{row['user_id']}\t{row['name']}\t{row['email']}\t{row['kind']}\t"
                f"{row['count']}\t{row['first'].isoformat()}\t{row['last'].isoformat()}"
            )
    if not as_json:
        click.echo(f"{len({r['user_id'] for r in rows})} person(s).")


COMMANDS.append(privacy_cli)
join_requests_cli = AppGroup("join-requests", help="Asking to join a member group.")


@join_requests_cli.command("digest")
def join_requests_digest():
    """Mail each approver one digest of waiting join requests on the weekdays they
    chose (Japan time; once a day at most; for cron, e.g. every morning)."""

    from federation.services.membership import send_approver_digests

    with writing():
        count = send_approver_digests()
        db.session.commit()
    click.echo(f"{count} approver digest(s) queued.")


COMMANDS.append(join_requests_cli)


notifications_cli = AppGroup("notifications", help="The notification inbox and digests.")


@notifications_cli.command("digest")
def notifications_digest():
    """Mail each person the notifications they chose to get once a day (for cron, daily)."""
    from federation.services.notifications import send_daily_digests

    with writing():
        count = send_daily_digests()
        db.session.commit()
    click.echo(f"{count} digest(s) queued.")


consultations_cli = AppGroup("consultations", help="Consultations [壁打ち] of the knowledge hub.")


@consultations_cli.command("digest")
def consultation_digest():
    """Mail helpers the day's new consultations on their topics (once per Tokyo day; for cron)."""

    from federation.services.knowledge.consultations import send_consultation_digests

    with writing():
        count = send_consultation_digests()
        db.session.commit()
    click.echo(f"{count} digest(s) queued.")


COMMANDS.append(notifications_cli)
COMMANDS.append(consultations_cli)


health_cli = AppGroup("health", help="Federation health: snapshots and introduction outcomes.")


@health_cli.command("snapshot")
@click.option("--month", default="", help="YYYY-MM (default: last month and this month, Tokyo).")
@click.option("--backfill", default=0, type=int, help="N months up to --month, oldest first.")
def health_snapshot(month, backfill):
    """Compute every group's monthly indicators and flags (for cron, e.g. nightly)."""
    from datetime import date

    from federation.services.health.measures import months_back
    from federation.services.health.snapshots import compute_snapshots

    try:
        target = date.fromisoformat(month + "-01") if month else None
    except ValueError:
        raise click.ClickException("--month must be YYYY-MM.") from None
    from federation.models import utcnow
    from federation.models.base import TOKYO

    # By default the month before (late check-ins settle it) and the month in progress.
    months = months_back(target or utcnow().astimezone(TOKYO).date(), backfill or 2)
    if target and not backfill:
        months = [target]
    with writing():
        written = 0
        for m in months:
            written += compute_snapshots(m)
            db.session.commit()
    click.echo(f"{written} snapshot(s) computed.")


@health_cli.command("ask-outcomes")
def health_ask_outcomes():
    """Ask both people of introductions accepted 30 days ago what came of them (for cron)."""

    from federation.services.health.outcomes import ask_for_outcomes

    with writing():
        count = ask_for_outcomes()
        db.session.commit()
    click.echo(f"{count} person(s) asked.")


COMMANDS.append(health_cli)

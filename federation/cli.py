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

users = AppGroup("users", help="Create users and API tokens.")
mail_cli = AppGroup("mail", help="Deliver the mail outbox.")


def _fail(error: DomainError):
    message = error.message
    if error.fields:
        message += " " + "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
    raise click.ClickException(message)


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True, help="Family and given name, e.g. '山田 花子'.")
@click.option("--kana", default="", help="Reading in kana, e.g. 'やまだ はなこ'.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.member.value)
@click.option("--locale", type=click.Choice(["ja", "en"]), default="ja")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email, name, kana, role, locale, password_stdin):
    """Create a verified user."""
    from federation.services import accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    family, _, given = name.replace("\u3000", " ").partition(" ")
    kana_family, _, kana_given = kana.replace("\u3000", " ").partition(" ")
    try:
        with writing():
            user = accounts.register_user(
                email=email, password=password, family_name=family,
                given_name=given or family, family_name_kana=kana_family or "めい",
                given_name_kana=kana_given or "めい", locale=locale, role=Role(role),
                verified=True,
            )
            if user is None:
                raise click.ClickException(f"A user with the address {email} exists already.")
            db.session.commit()
    except DomainError as error:
        db.session.rollback()
        _fail(error)
    click.echo(f"Created {user.email} ({user.role.value}).")


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
@click.option("--password", default="demo-password", show_default=True,
              help="Password of every demo account.")
def demo(password):
    """Load a realistic demo federation (fictional companies only)."""
    from federation.demo import load_demo

    from federation.demo import demo_logins

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
    from flask import current_app

    from federation.services.applications import remind_coordinators

    with writing(), current_app.test_request_context(base_url=current_app.config["EXTERNAL_URL"]):
        count = remind_coordinators()
        db.session.commit()
    click.echo(f"{count} application(s) waiting; coordinators reminded." if count
               else "No application is waiting too long.")


directory_cli = AppGroup("directory", help="The co-creation directory.")


@directory_cli.command("digest")
def digest():
    """Mail this week's new matches to people who opted in (once per week; for cron)."""
    from flask import current_app

    from federation.services.directory import send_digests

    with writing(), current_app.test_request_context(base_url=current_app.config["EXTERNAL_URL"]):
        count = send_digests()
        db.session.commit()
    click.echo(f"{count} digest(s) queued.")


events_cli = AppGroup("events", help="Joint events.")


@events_cli.command("remind")
def remind_events():
    """Mail attendees of tomorrow's joint events (for cron; never twice)."""
    from flask import current_app

    from federation.services.events import send_reminders

    with writing(), current_app.test_request_context(base_url=current_app.config["EXTERNAL_URL"]):
        count = send_reminders()
        db.session.commit()
    click.echo(f"{count} reminder(s) queued.")


COMMANDS = [users, mail_cli, demo, applications_cli, directory_cli, events_cli]


notifications_cli = AppGroup("notifications", help="The notification inbox and digests.")


@notifications_cli.command("digest")
def notifications_digest():
    """Mail each person the notifications they chose to get once a day (for cron, daily)."""
    from federation.services.notifications import send_daily_digests

    with writing():
        count = send_daily_digests()
        db.session.commit()
    click.echo(f"{count} digest(s) queued.")


COMMANDS.append(notifications_cli)

"""`flask engage ...`: reference data, demo data, and the one-step set-up `make run` uses."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade

from engage.concerns.alerts import send_alerts
from engage.concerns.demo import load_concerns_demo
from engage.concerns.reminder_services import send_reminders
from engage.core.columns import utcnow
from engage.core.dates import today
from engage.core.demo import DEMO_PASSWORD, DemoError, database_is_empty, load_demo
from engage.core.reference import ReferenceError, load_reference, read_reference
from engage.surveys.demo import load_survey_demo
from engage.surveys.demo_results import publish_demo_results

engage_cli = AppGroup("engage", help="Engage's own commands.")


@engage_cli.command("load-reference")
@click.option("--update", is_flag=True, help="Overwrite rows admins have edited.")
def load_reference_command(update: bool) -> None:
    """Load areas, agencies, categories and plan priorities from engage/data/."""
    try:
        added = load_reference(read_reference(), update=update)
    except ReferenceError as error:
        raise click.ClickException(f"Reference data not loaded:\n{error}") from error
    click.echo(f"Reference data: {added} rows added.")


@engage_cli.command("demo")
def demo_command() -> None:
    """Add the demo accounts (password engage-demo), survey and results; refused in production."""
    try:
        _load_demo_data()
    except DemoError as error:
        raise click.ClickException(str(error)) from error
    _publish_demo_results()


@engage_cli.command("prepare")
@click.option("--demo", is_flag=True, help="Also load demo data into an empty database.")
def prepare_command(demo: bool) -> None:
    """Migrate the database, load reference data and, if asked, demo data: one process."""
    upgrade()
    added = load_reference(read_reference())
    click.echo(f"Database migrated; reference data: {added} rows added.")
    if demo and current_app.config["ENGAGE_ENV"] != "production":
        if database_is_empty():
            _load_demo_data()
        _publish_demo_results()


def _load_demo_data() -> None:
    """Load the demo accounts, then the demo survey, and say what was created."""
    created = load_demo(current_app.config["ENGAGE_ENV"])
    click.echo(f"Demo data: {created} accounts created (password {DEMO_PASSWORD}).")
    responses = load_survey_demo(date.today())
    click.echo(f"Demo survey: {responses:,} responses created.")
    concerns = load_concerns_demo(today())
    click.echo(f"Demo concerns: {concerns} concerns created.")


def _publish_demo_results() -> None:
    """Weight and publish the demo tracker's closed waves, if not done yet."""
    published = publish_demo_results(date.today())
    if published:
        click.echo(f"Demo results: {published} waves weighted and published.")


@engage_cli.command("send-reminders")
def send_reminders_command() -> None:
    """E-mail owners the concerns and actions due within two working days or overdue (cron)."""
    sent = send_reminders(today())
    click.echo(f"Reminders: {sent} e-mails sent.")


@engage_cli.command("send-alerts")
def send_alerts_command() -> None:
    """E-mail each subscriber one digest of responses published since their last alert (cron)."""
    sent = send_alerts(utcnow())
    click.echo(f"Alerts: {sent} e-mails sent.")


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(engage_cli)

"""`flask forum send-digests` (added to the forum group in cli.py)."""

import click
from flask.cli import with_appcontext

from forum.notifications.mailing import send_due_mail


@click.command("send-digests")
@with_appcontext
def send_digests() -> None:
    """Record notification e-mail that is due: daily digests, and any "at once" e-mail the
    after-commit task did not record (its process died first).

    Cron-friendly and idempotent: run it every few minutes; a notification is mailed once,
    a member gets at most one digest a day, and a second run sends nothing twice.
    """
    counts = send_due_mail()
    click.echo(f"Queued {counts['digests']} digests and {counts['now']} other e-mails.")

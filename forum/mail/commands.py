"""`flask forum mail-worker` and `flask forum mail-status` (added to the forum group in cli.py)."""

import threading
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from forum.extensions import db
from forum.mail import delivery, outbox


@click.command("mail-worker")
@click.option("--burst", is_flag=True, help="Send what is due now, then exit.")
@with_appcontext
def mail_worker(burst: bool) -> None:
    """Deliver the mail outbox: an RQ worker on MAIL_RQ_QUEUE when REDIS_URL is set.

    Without REDIS_URL it drains the outbox itself every MAIL_POLL_SECONDS (or once with
    --burst), for a deployment that prefers a separate process to the web's thread.
    """
    app = current_app._get_current_object()
    if app.config["REDIS_URL"]:
        _rq_worker(app, burst)
        return
    while True:
        sent = outbox.deliver_pending()
        db.session.remove()
        if burst:
            click.echo(f"Sent {sent} messages.")
            return
        time.sleep(app.config["MAIL_POLL_SECONDS"])


def _rq_worker(app, burst: bool) -> None:
    from rq import SimpleWorker

    connection = delivery.redis_connection(app)
    queue = delivery.mail_queue(app, connection)
    # Whatever an earlier worker left (killed mid-batch, retries now due) is drained first.
    delivery.enqueue_drain(app, connection)
    if not burst:
        threading.Thread(target=_poll, args=(app, connection), daemon=True).start()
    # SimpleWorker runs jobs in this process, inside this app context (no fork per job).
    worker = SimpleWorker([queue], connection=connection)
    worker.work(burst=burst, logging_level="WARNING")


def _poll(app, connection) -> None:
    """Enqueue a drain when retries fall due or a lease runs out (nothing else kicks then)."""
    while True:
        time.sleep(app.config["MAIL_POLL_SECONDS"])
        try:
            with app.app_context():
                if outbox.has_due():
                    delivery.enqueue_drain(app, connection)
        except Exception:  # noqa: BLE001 (try again next time)
            app.logger.warning("mail-worker: could not look for due mail", exc_info=True)


@click.command("mail-status")
@click.option("--limit", default=20, show_default=True, help="How many failed messages to list.")
@with_appcontext
def mail_status(limit: int) -> None:
    """Queued and failed counts, and the messages that failed for good (for admins)."""
    figures = outbox.summary()
    click.echo(
        f"queued: {figures['queued']} (oldest {figures['oldest_queued_seconds']}s), "
        f"sent: {figures['sent']}, failed: {figures['failed']}"
    )
    for row in outbox.failed_messages(limit):
        click.echo(
            f"failed #{row.id} {row.kind} to {row.to_address} after {row.attempts} tries"
            f" ({row.updated_at:%Y-%m-%d %H:%M}): {row.last_error}"
        )

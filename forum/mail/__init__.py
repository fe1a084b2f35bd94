"""Outgoing e-mail: recorded in the transaction of its cause, delivered afterwards with retries.

`queue_message(recipient, kind=..., subject=..., text=..., html=..., headers=...)` is the one
way to send mail: it adds an outbox row to the current session (forum/mail/outbox.py); the
commit of the cause commits it, and delivery starts after that commit (forum/mail/delivery.py).
`after_commit(task, **arguments)` runs a task the same way once the current transaction commits.
"""

from flask import Flask, current_app
from sqlalchemy import func, select

from forum.extensions import db
from forum.mail.delivery import after_commit, kick
from forum.mail.outbox import (
    ACCOUNT_KINDS,
    cancel_for_user,
    deliver_batch,
    deliver_pending,
    failed_messages,
    queue_message,
    summary,
)
from forum.models import MailMessage

__all__ = [
    "ACCOUNT_KINDS",
    "after_commit",
    "cancel_for_user",
    "deliver_batch",
    "deliver_pending",
    "failed_messages",
    "init_app",
    "kick",
    "public_url",
    "queue_message",
    "summary",
]


def public_url(path: str) -> str:
    """An absolute link for mail: PUBLIC_BASE_URL + a path from url_for."""
    return current_app.config["PUBLIC_BASE_URL"] + path


def init_app(app: Flask) -> None:
    from forum.mail import delivery, sending
    from forum.web.health import add_degrading_check

    sending.init_sending(app)
    delivery.listen_for_commits()
    add_degrading_check(app, "mail", _health)
    started = []

    @app.before_request
    def _start_delivery_thread():
        # The embedded delivery also retries what an earlier run left, without a kick.
        if not started:
            started.append(True)
            delivery.start_thread_if_embedded(app)


def _health() -> dict:
    """Queue depth and the oldest waiting message's age; not ok when mail is behind."""
    try:
        figures = summary()
    except Exception:  # noqa: BLE001 (the database check reports the database)
        return {"ok": False, "error": "the outbox cannot be read"}
    retrying = db.session.scalar(
        select(func.count()).where(
            MailMessage.status == "queued", MailMessage.last_error.is_not(None)
        )
    )
    behind = figures["oldest_queued_seconds"] > current_app.config["MAIL_BEHIND_SECONDS"]
    check = {
        "ok": not behind and not retrying,
        "queued": figures["queued"],
        "oldest_queued_seconds": figures["oldest_queued_seconds"],
        "failed": figures["failed"],
    }
    if retrying:
        check["retrying"] = retrying
    return check

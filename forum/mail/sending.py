"""Turning an outbox row into a real message and handing it to Flask-Mailman's backend.

With MAIL_SERVER set the backend is SMTP; without it, tests keep messages in memory
(`locmem`) and every other environment writes each one as an .eml file (EmlFileBackend).
"""

import json
import logging
import secrets
from pathlib import Path

from flask import Flask, current_app
from flask_mailman import EmailMultiAlternatives, Mail
from flask_mailman.backends.base import BaseEmailBackend

from forum.clock import utcnow
from forum.models import MailMessage

log = logging.getLogger("forum.mail")

mailman = Mail()


def init_sending(app: Flask) -> None:
    if app.config["MAIL_SERVER"]:
        backend = "smtp"
    elif app.testing:
        backend = "locmem"
    else:
        backend = EmlFileBackend
    app.config.setdefault("MAIL_BACKEND", backend)
    app.config.setdefault(
        "MAIL_FILE_PATH", app.config["MAIL_DIR"] or str(Path(app.instance_path) / "mail")
    )
    mailman.init_app(app)


def mail_directory() -> Path:
    return Path(current_app.config["MAIL_FILE_PATH"])


class EmlFileBackend(BaseEmailBackend):
    """One .eml file per message under instance/mail/, its path printed and logged."""

    def send_messages(self, email_messages) -> int:
        directory = mail_directory()
        directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = utcnow().strftime("%Y%m%d-%H%M%S")
            path = directory / f"{stamp}-{secrets.token_hex(4)}.eml"
            path.write_bytes(message.message().as_bytes())
            log.info("mail written to %s", path)
            print(f"Mail to {', '.join(message.to)} written to {path}", flush=True)  # noqa: T201
            sent += 1
        return sent


def build(row: MailMessage) -> EmailMultiAlternatives:
    """The message for an outbox row: a plain-text part, an HTML part when there is one."""
    headers = json.loads(row.headers) if row.headers else {}
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.text,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[row.to_address],
        headers={"X-Movement-Notes-Kind": row.kind, **headers},
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def connection():
    """A backend connection for one batch (one SMTP session for many messages)."""
    return mailman.get_connection(fail_silently=False)

"""The outbox: record a message with its cause, then claim, send and settle it.

Delivery is at least once and never lost: a worker claims due messages with a lease (a
conditional UPDATE only one worker can win, on SQLite and PostgreSQL alike), sends each and
marks it sent at once. A worker killed mid-batch leaves its claimed messages `sending` with
a lease that runs out; the next drain claims them again. A failure puts the message back
with a later next_attempt_at (doubling each time); after MAIL_MAX_ATTEMPTS it is `failed`.
"""

import json
import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from forum.clock import utcnow
from forum.extensions import db
from forum.mail import sending
from forum.models import MailMessage, User

log = logging.getLogger("forum.mail")

# Mail about the account itself goes to unverified addresses too; nothing else does.
ACCOUNT_KINDS = frozenset({"verification", "password_reset", "address_in_use"})
QUEUED_KEY = "forum.mail.queued"
MAX_BACKOFF_SECONDS = 3600


def queue_message(
    recipient: User,
    *,
    kind: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict | None = None,
) -> MailMessage | None:
    """Record one message to `recipient` in the current session, without committing.

    It commits with the change that caused it and is delivered after that commit (never in
    the request). None when nothing is recorded: the account has no address any more, or the
    address is unverified and the kind is not about the account itself.
    """
    if recipient is None or not recipient.email or recipient.deleted_at is not None:
        return None
    if kind not in ACCOUNT_KINDS and recipient.email_verified_at is None:
        return None
    now = utcnow()
    row = MailMessage(
        user_id=recipient.id,
        to_address=recipient.email,
        kind=kind,
        subject=subject,
        text=text,
        html=html,
        headers=json.dumps(headers) if headers else None,
        status="queued",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    db.session.add(row)
    db.session.info[QUEUED_KEY] = True
    return row


def cancel_for_user(user: User) -> int:
    """Cancel every unsent message to this member (account deletion), in the current session."""
    result = db.session.execute(
        update(MailMessage)
        .where(MailMessage.user_id == user.id, MailMessage.status.in_(("queued", "sending")))
        .values(status="cancelled", claim_token=None, claimed_until=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _due(now: datetime):
    return or_(
        and_(MailMessage.status == "queued", MailMessage.next_attempt_at <= now),
        and_(MailMessage.status == "sending", MailMessage.claimed_until < now),
    )


def claim(session: Session, limit: int) -> tuple[str, list[int]]:
    """Claim up to `limit` due messages for this worker; returns its claim token and the ids."""
    now = utcnow()
    lease = timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    token = secrets.token_hex(8)
    candidates = session.scalars(
        select(MailMessage.id).where(_due(now)).order_by(MailMessage.id).limit(limit)
    ).all()
    claimed = []
    for message_id in candidates:
        # Re-checks the due condition: of two workers racing for a row, one updates it.
        result = session.execute(
            update(MailMessage)
            .where(MailMessage.id == message_id, _due(now))
            .values(
                status="sending",
                claim_token=token,
                claimed_until=now + lease,
                attempts=MailMessage.attempts + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    session.commit()
    return token, claimed


def _settle(session: Session, message_id: int, token: str, **values) -> None:
    session.execute(
        update(MailMessage)
        .where(MailMessage.id == message_id, MailMessage.claim_token == token)
        .values(claim_token=None, claimed_until=None, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _failed(session: Session, row: MailMessage, token: str, error: Exception) -> None:
    config = current_app.config
    reason = f"{type(error).__name__}: {error}"[:500]
    if row.attempts >= config["MAIL_MAX_ATTEMPTS"]:
        log.error("mail %s failed for good after %s tries: %s", row.id, row.attempts, reason)
        _settle(session, row.id, token, status="failed", last_error=reason)
        return
    delay = min(config["MAIL_RETRY_SECONDS"] * 2 ** (row.attempts - 1), MAX_BACKOFF_SECONDS)
    log.warning("mail %s not sent (try %s), again in %ss: %s", row.id, row.attempts, delay, reason)
    _settle(
        session,
        row.id,
        token,
        status="queued",
        last_error=reason,
        next_attempt_at=utcnow() + timedelta(seconds=delay),
    )


def deliver_batch(limit: int | None = None) -> int:
    """Claim one batch of due messages and send them; returns how many were sent."""
    limit = limit or current_app.config["MAIL_BATCH_SIZE"]
    with Session(db.engine, expire_on_commit=False) as session:
        token, ids = claim(session, limit)
        if not ids:
            return 0
        rows = session.scalars(
            select(MailMessage).where(MailMessage.id.in_(ids)).order_by(MailMessage.id)
        ).all()
        sent = 0
        connection = sending.connection()
        try:
            connection.open()
        except Exception as error:  # noqa: BLE001 (any transport failure: retry later)
            for row in rows:
                _failed(session, row, token, error)
            return 0
        try:
            for row in rows:
                try:
                    connection.send_messages([sending.build(row)])
                except Exception as error:  # noqa: BLE001
                    _failed(session, row, token, error)
                    continue
                _settle(session, row.id, token, status="sent", sent_at=utcnow(), last_error=None)
                sent += 1
        finally:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 (the messages are settled already)
                log.warning("mail: closing the connection failed", exc_info=True)
        return sent


def deliver_pending(max_batches: int = 100) -> int:
    """Send every due message, batch after batch; returns how many were sent."""
    total = 0
    for _ in range(max_batches):
        limit = current_app.config["MAIL_BATCH_SIZE"]
        sent = deliver_batch(limit)
        total += sent
        if sent < limit and not has_due():
            break
    return total


def has_due() -> bool:
    with Session(db.engine) as session:
        return session.scalar(select(func.count()).where(_due(utcnow()))) > 0


def summary(session: Session | None = None) -> dict:
    """Counts per status, and the age in seconds of the oldest message still waiting."""
    session = session or db.session
    counts = dict(
        session.execute(select(MailMessage.status, func.count()).group_by(MailMessage.status)).all()
    )
    oldest = session.scalar(
        select(func.min(MailMessage.created_at)).where(
            MailMessage.status.in_(("queued", "sending"))
        )
    )
    waiting = counts.get("queued", 0) + counts.get("sending", 0)
    age = int((utcnow() - oldest).total_seconds()) if oldest else 0
    return {
        "queued": waiting,
        "failed": counts.get("failed", 0),
        "sent": counts.get("sent", 0),
        "oldest_queued_seconds": max(age, 0),
    }


def failed_messages(limit: int = 50) -> list[MailMessage]:
    return db.session.scalars(
        select(MailMessage)
        .where(MailMessage.status == "failed")
        .order_by(MailMessage.id.desc())
        .limit(limit)
    ).all()

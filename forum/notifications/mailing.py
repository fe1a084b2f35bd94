"""Notification e-mail: at once (per kind) or in a daily digest, through forum.mail's outbox.

A notification is mailed at most once (`mailed_at`), and only while its recipient has not
read it and may still see what it is about. Decisions about one member (approved, rejected,
hidden, suspended, follow-up approved) are recorded in the outbox in the transaction of the
decision. Replies, mentions and "me too" can have many recipients, so the request that
causes them does no per-recipient work: `send_due_mail` (run by `flask forum send-digests`,
from cron every few minutes) records their "at once" e-mail and, once a day per member, the
digest of their "daily" kinds. Running it twice sends nothing twice.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from html import escape

from flask import current_app, has_request_context, url_for
from sqlalchemy import select, update

from forum import mail
from forum.clock import utcnow
from forum.extensions import db
from forum.models import Notification, NotificationSettings, User
from forum.notifications import queries, texts
from forum.notifications.service import mail_choices
from forum.notifications.unsubscribe import mail_headers, unsubscribe_url

# Kinds about one member, mailed in the transaction of the decision.
DECISION_KINDS = frozenset({"approved", "rejected", "hidden", "suspended", "follow_up_approved"})
# Older unmailed notifications are not mailed any more (a member who turned mail on later).
MAIL_WINDOW = timedelta(days=2)


@contextmanager
def _links() -> Iterator[None]:
    """url_for works: inside a request as it is, from the command line on PUBLIC_BASE_URL."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config["PUBLIC_BASE_URL"]):
        yield


def _absolute(path: str | None) -> str:
    return mail.public_url(path or url_for("notifications.index"))


def subject(item: queries.Item) -> str:
    """A subject line that says nothing about health beyond the story's title."""
    title = f"“{item.title}”" if item.title else "your experience"
    match item.kind:
        case "approved":
            return f"Your experience {title} is public"
        case "rejected":
            return f"Your experience {title} was not approved"
        case "hidden":
            return "Something you shared was hidden"
        case "reply":
            return f"New reply on {title}"
        case "mention":
            return f"You were mentioned on {title}"
        case "me_too":
            return f"“Me too” on {title}"
        case "follow_up_approved":
            return f"Your follow-up on {title} is public"
        case "suspended":
            return "Your Movement Notes account is suspended"
    return "News from Movement Notes"


def _footer(user: User, kind: str) -> tuple[str, str]:
    stop = unsubscribe_url(user, kind)
    settings = mail.public_url(url_for("auth.profile") + "#notification-settings")
    text = f"\n\n--\nStop these e-mails: {stop}\nChoose what you get: {settings}\n"
    html = (
        f'<hr><p><a href="{escape(stop)}">Stop these e-mails</a> · '
        f'<a href="{escape(settings)}">Choose what you get</a></p>'
    )
    return text, html


def _queue_one(user: User, item: queries.Item) -> None:
    link = _absolute(texts.link(item))
    sentence = texts.text(item)
    footer_text, footer_html = _footer(user, item.kind)
    mail.queue_message(
        user,
        kind=f"notify_{item.kind}",
        subject=subject(item),
        text=f"Hello {user.username},\n\n{sentence}\n\n{link}{footer_text}",
        html=(
            f"<p>Hello {escape(user.username)},</p><p>{escape(sentence)}</p>"
            f'<p><a href="{escape(link)}">Open it on Movement Notes</a></p>{footer_html}'
        ),
        headers=mail_headers(user, item.kind),
    )


def _queue_digest(user: User, items: list[queries.Item]) -> None:
    lines = [f"- {texts.text(item)}\n  {_absolute(texts.link(item))}" for item in items]
    entries = "".join(
        f'<li>{escape(texts.text(item))} <a href="{escape(_absolute(texts.link(item)))}">Open</a>'
        "</li>"
        for item in items
    )
    footer_text, footer_html = _footer(user, "digest")
    count = f"{len(items)} new notification{'s' if len(items) != 1 else ''}"
    mail.queue_message(
        user,
        kind="notify_digest",
        subject=f"Your Movement Notes digest: {count}",
        text=f"Hello {user.username},\n\nSince yesterday:\n\n" + "\n".join(lines) + footer_text,
        html=f"<p>Hello {escape(user.username)},</p><p>Since yesterday:</p><ul>{entries}</ul>"
        + footer_html,
        headers=mail_headers(user, "digest"),
    )


def mail_decision(user_id: int | None, notification: Notification) -> None:
    """Record a decision's e-mail now, in the decision's transaction, when the member wants it."""
    if user_id is None or notification.kind not in DECISION_KINDS:
        return
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        return
    if mail_choices(user)[notification.kind] != "now":
        return
    db.session.flush()
    item = queries.item_for(user, notification.id)
    if item is None:
        return
    with _links():
        _queue_one(user, item)
    notification.mailed_at = utcnow()


def send_due_mail(now: datetime | None = None) -> dict[str, int]:
    """Record every due "at once" e-mail and today's digests; one transaction per member."""
    now = now or utcnow()
    today = now.date()
    since = now - MAIL_WINDOW
    member_ids = db.session.scalars(
        select(Notification.user_id)
        .where(
            Notification.mailed_at.is_(None),
            Notification.read_at.is_(None),
            Notification.created_at >= since,
        )
        .distinct()
        .order_by(Notification.user_id)
    ).all()
    counts = {"now": 0, "digests": 0}
    with _links():
        for member_id in member_ids:
            user = db.session.get(User, member_id)
            if user is not None and user.deleted_at is None:
                sent_now, digest = _send_for(user, since, today, now)
                counts["now"] += sent_now
                counts["digests"] += digest
            db.session.commit()
    return counts


def _send_for(user: User, since: datetime, today: date, now: datetime) -> tuple[int, int]:
    choices = mail_choices(user)
    due = queries.due_for_mail(user, since)
    at_once = [item for item in due if choices[item.kind] == "now"]
    daily = [item for item in due if choices[item.kind] == "daily"]
    for item in at_once:
        _queue_one(user, item)
    mailed = [item.id for item in at_once]
    digest = 0
    if daily and _claim_digest_day(user, today):
        _queue_digest(user, daily)
        mailed += [item.id for item in daily]
        digest = 1
    if mailed:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(mailed), Notification.mailed_at.is_(None))
            .values(mailed_at=now)
            .execution_options(synchronize_session=False)
        )
    return len(at_once), digest


def _claim_digest_day(user: User, today: date) -> bool:
    """True once per member and day: the day is written with the digest it allows."""
    row = db.session.get(NotificationSettings, user.id)
    if row is None:
        row = NotificationSettings(user_id=user.id, mail={}, watch_replies=True)
        db.session.add(row)
    if row.digest_sent_on == today:
        return False
    row.digest_sent_on = today
    return True

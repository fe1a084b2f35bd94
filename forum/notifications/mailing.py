"""Notification e-mail: at once (per kind) or in a daily digest, through forum.mail's outbox.

A notification is mailed at most once (`mailed_at`), and only while its recipient has not
read it and may still see what it is about. Decisions about one member (approved, rejected,
hidden, suspended, follow-up approved) are recorded in the outbox in the transaction of the
decision. Replies, mentions and "me too" can have many recipients, so the request that
causes them does no per-recipient work: it asks for `mail_at_once` to run after its commit,
off the request (`forum.mail.after_commit`: an RQ job, the delivery thread, or inline in
tests), which records the e-mail of those recipients who want it at once. `send_due_mail`
(`flask forum send-digests`, from cron every few minutes) records, once a day per member, the
digest of their "daily" kinds, and any "at once" e-mail a crash kept the job from recording.
Both claim a notification (`mailed_at`, set only where it is still empty) before queueing
its e-mail, in the transaction that queues it: whichever claims first mails it, once.
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
from forum.notifications.service import mail_choices, mail_choices_of
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


def wants_at_once(member_id: int, kind: str) -> bool:
    """Whether the member chose e-mail at once for `kind` (one primary-key read)."""
    return mail_choices_of(member_id)[kind] == "now"


def mail_soon(*, reply_id: int | None = None, member_id: int | None = None) -> None:
    """After the current transaction commits, mail at once the notifications it made about
    `reply_id` (its watchers and mentioned members) or for `member_id`, to whoever wants that.

    The request only notes the task; choices and addresses are read by `mail_at_once`.
    """
    mail.after_commit(mail_at_once, reply_id=reply_id, member_id=member_id)


def mail_at_once(reply_id: int | None = None, member_id: int | None = None) -> int:
    """The after-commit task: the "at once" e-mail of the members notified about `reply_id`
    (or of `member_id`); one transaction per member. Returns how many were queued."""
    now = utcnow()
    since = now - MAIL_WINDOW
    source = Notification.reply_id == reply_id if reply_id else Notification.user_id == member_id
    queued = 0
    for user in _members_with_unmailed(since, source):
        queued += _send_now(user, mail_choices(user), queries.due_for_mail(user, since), now)
        db.session.commit()
    return queued


def send_due_mail(now: datetime | None = None) -> dict[str, int]:
    """Record today's digests and every due "at once" e-mail the after-commit task did not
    (the process died first); one transaction per member."""
    now = now or utcnow()
    since = now - MAIL_WINDOW
    counts = {"now": 0, "digests": 0}
    for user in _members_with_unmailed(since):
        sent_now, digest = _send_for(user, since, now.date(), now)
        counts["now"] += sent_now
        counts["digests"] += digest
        db.session.commit()
    return counts


def _members_with_unmailed(since: datetime, *conditions) -> Iterator[User]:
    """The active members with unread, unmailed notifications since `since`, with links
    available (the caller commits each member's mail before asking for the next)."""
    member_ids = db.session.scalars(
        select(Notification.user_id)
        .where(
            Notification.mailed_at.is_(None),
            Notification.read_at.is_(None),
            Notification.created_at >= since,
            *conditions,
        )
        .distinct()
        .order_by(Notification.user_id)
    ).all()
    with _links():
        for member_id in member_ids:
            user = db.session.get(User, member_id)
            if user is not None and user.deleted_at is None:
                yield user


def _send_for(user: User, since: datetime, today: date, now: datetime) -> tuple[int, int]:
    choices = mail_choices(user)
    due = queries.due_for_mail(user, since)
    sent_now = _send_now(user, choices, due, now)
    daily = [item for item in due if choices[item.kind] == "daily"]
    if not daily or _digest_sent(user, today):
        return sent_now, 0
    claimed = _claim([item.id for item in daily], now)
    if not claimed:
        return sent_now, 0
    _queue_digest(user, [item for item in daily if item.id in claimed])
    _note_digest_day(user, today)
    return sent_now, 1


def _send_now(user: User, choices: dict[str, str], due: list[queries.Item], now: datetime) -> int:
    """Queue one e-mail per due notification of a kind the member wants at once."""
    at_once = [item for item in due if choices[item.kind] == "now"]
    claimed = _claim([item.id for item in at_once], now)
    for item in at_once:
        if item.id in claimed:
            _queue_one(user, item)
    return len(claimed)


def _claim(notification_ids: list[int], now: datetime) -> set[int]:
    """Mark the notifications mailed, in the transaction that queues their e-mail; the ids
    returned are the ones still unmailed: of the job and the sweep, one claims a row.

    (On PostgreSQL a second UPDATE waits for the first one's commit and then finds
    mailed_at set; SQLite lets one writer at a time.)
    """
    if not notification_ids:
        return set()
    return set(
        db.session.scalars(
            update(Notification)
            .where(Notification.id.in_(notification_ids), Notification.mailed_at.is_(None))
            .values(mailed_at=now)
            .returning(Notification.id)
            .execution_options(synchronize_session=False)
        )
    )


def _digest_sent(user: User, today: date) -> bool:
    row = db.session.get(NotificationSettings, user.id)
    return row is not None and row.digest_sent_on == today


def _note_digest_day(user: User, today: date) -> None:
    """One digest per member and day: the day is written with the digest it allows."""
    row = db.session.get(NotificationSettings, user.id)
    if row is None:
        row = NotificationSettings(user_id=user.id, mail={}, watch_replies=True)
        db.session.add(row)
    row.digest_sent_on = today

"""A member's notification use cases: mark read, watch and unwatch, mail choices."""

from sqlalchemy import delete, func, select, update

from forum import permissions, unit_of_work
from forum.clock import utcnow
from forum.errors import NotFound
from forum.extensions import db
from forum.models import (
    DEFAULT_MAIL,
    Experience,
    Notification,
    NotificationSettings,
    User,
    Watch,
)

NO_NOTIFICATION = "There is no such notification."


def mark_read(user: User, values: dict) -> int:
    """Mark the given ids (all the caller's, or NotFound and nothing changes), or all, as read.

    Returns how many were unread before.
    """
    query = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if not values.get("all"):
        ids = set(values["ids"])
        owned = db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.id.in_(ids))
        )
        if owned != len(ids):
            raise NotFound(NO_NOTIFICATION)
        query = query.where(Notification.id.in_(ids))
    changed = db.session.execute(
        query.values(read_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    unit_of_work.commit()
    return changed


def _experience(user: User, experience_id: int) -> Experience:
    experience = db.session.get(Experience, experience_id)
    if experience is None:
        raise NotFound(permissions.NO_EXPERIENCE)
    permissions.ensure_can_watch(user, experience)
    return experience


def is_watching(user: User | None, experience_id: int) -> bool:
    """Whether the signed-in member watches the experience."""
    if user is None or not user.is_authenticated:
        return False
    return db.session.get(Watch, (user.id, experience_id)) is not None


def watch(user: User, experience_id: int) -> bool:
    """Hear about new replies on an experience; watching twice is harmless."""
    experience = _experience(user, experience_id)
    if not is_watching(user, experience.id):
        db.session.add(Watch(user_id=user.id, experience_id=experience.id, created_at=utcnow()))
        unit_of_work.commit()
    return True


def unwatch(user: User, experience_id: int) -> bool:
    """Stop hearing about an experience's replies; unwatching twice is harmless."""
    experience = _experience(user, experience_id)
    db.session.execute(
        delete(Watch).where(Watch.user_id == user.id, Watch.experience_id == experience.id)
    )
    unit_of_work.commit()
    return False


def settings_of(user: User) -> NotificationSettings:
    """The member's settings row (unsaved defaults when they never changed any)."""
    row = db.session.get(NotificationSettings, user.id)
    return row or NotificationSettings(user_id=user.id, mail={}, watch_replies=True)


def mail_choices(user: User) -> dict[str, str]:
    """Every kind → off | now | daily, the member's choice or the default."""
    return mail_choices_of(user.id)


def mail_choices_of(member_id: int) -> dict[str, str]:
    """mail_choices by the member's id (one primary-key read, no User needed)."""
    row = db.session.get(NotificationSettings, member_id)
    return {**DEFAULT_MAIL, **(row.mail if row is not None and row.mail else {})}


def update_settings(user: User, values: dict) -> NotificationSettings:
    """Change mail choices (`mail`: some kinds) and `watch_replies`; the caller commits."""
    row = db.session.get(NotificationSettings, user.id)
    if row is None:
        row = NotificationSettings(user_id=user.id, mail={}, watch_replies=True)
        db.session.add(row)
    if "mail" in values:
        # A new dict, so the JSON column sees the change.
        row.mail = {**(row.mail or {}), **values["mail"]}
    if "watch_replies" in values:
        row.watch_replies = values["watch_replies"]
    return row


def save_settings(user: User, values: dict) -> NotificationSettings:
    """The settings form's use case: update and commit."""
    row = update_settings(user, values)
    unit_of_work.commit()
    return row


def unsubscribe(user_id: int, kind: str) -> User | None:
    """Turn one kind's e-mail off (the one-click link); None when the account is gone.

    "digest" turns off every kind the member gets in the daily digest.
    """
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        return None
    if kind == "digest":
        off = {key: "off" for key, choice in mail_choices(user).items() if choice == "daily"}
    else:
        off = {kind: "off"}
    update_settings(user, {"mail": off})
    unit_of_work.commit()
    return user

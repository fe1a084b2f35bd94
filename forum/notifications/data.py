"""A member's notification data for their export, and its removal with their account."""

from sqlalchemy import delete, select, update

from forum.clock import isoformat
from forum.extensions import db
from forum.models import Notification, NotificationSettings, User, Watch
from forum.notifications import queries, texts
from forum.notifications.service import mail_choices, settings_of

EXPORT_PAGE = 500


def export_data(user: User) -> dict:
    """Notifications (those the member may still see), watches and mail choices."""
    notifications, page = [], 1
    while True:
        found = queries.list_for(user, page=page, per_page=EXPORT_PAGE)
        notifications += [
            {
                "id": item.id,
                "kind": item.kind,
                "created_at": isoformat(item.created_at),
                "read": item.read,
                "experience_id": item.experience_id,
                "text": texts.text(item),
            }
            for item in found.items
        ]
        if not found.has_next:
            break
        page += 1
    watches = db.session.scalars(
        select(Watch).where(Watch.user_id == user.id).order_by(Watch.experience_id)
    )
    return {
        "notifications": notifications,
        "watches": [
            {"experience_id": w.experience_id, "created_at": isoformat(w.created_at)}
            for w in watches
        ],
        "notification_settings": {
            "mail": mail_choices(user),
            "watch_replies": settings_of(user).watch_replies,
        },
    }


def forget_member(user: User) -> None:
    """Delete the member's notifications, watches and settings; others' notifications about
    what they did keep no name. The caller commits (account deletion)."""
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(delete(Watch).where(Watch.user_id == user.id))
    db.session.execute(delete(NotificationSettings).where(NotificationSettings.user_id == user.id))
    db.session.execute(
        update(Notification)
        .where(Notification.actor_id == user.id)
        .values(actor_id=None)
        .execution_options(synchronize_session=False)
    )

"""API endpoints for notifications and for watching experiences."""

from forum.api.auth import api_user, member_required
from forum.api.blueprint import ApiBlueprint
from forum.api.notification_answers import MarkedReadShape, NotificationPageShape, WatchShape
from forum.clock import isoformat
from forum.notifications import queries, service, texts
from forum.notifications.schemas import MarkReadSchema, NotificationQuerySchema

bp = ApiBlueprint("api_notifications", __name__, url_prefix="/api/v1", description="notifications")


def _item(item: queries.Item) -> dict:
    body = {
        "id": item.id,
        "kind": item.kind,
        "created_at": isoformat(item.created_at),
        "read": item.read,
        "text": texts.text(item),
    }
    if item.experience_id is not None:
        body["experience_id"] = item.experience_id
        body["url"] = texts.link(item)
    return body


@bp.get("/notifications")
@member_required
@bp.arguments(NotificationQuerySchema, location="query")
@bp.response(200, NotificationPageShape)
def list_notifications(args: dict):
    """The caller's notifications, newest first (unread=1: unread ones only)"""
    user = api_user()
    page = queries.list_for(
        user, unread=args["unread"], page=args["page"], per_page=args["per_page"]
    )
    return {
        "items": [_item(item) for item in page.items],
        "unread_count": queries.unread_count(user),
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


@bp.post("/notifications/read")
@member_required
@bp.arguments(MarkReadSchema)
@bp.response(200, MarkedReadShape)
@bp.documents_errors(404)
def mark_read(values: dict):
    """Mark notifications read: {"ids": [...]} (all the caller's, or 404) or {"all": true}"""
    user = api_user()
    marked = service.mark_read(user, values)
    return {"marked": marked, "unread_count": queries.unread_count(user)}


@bp.put("/experiences/<int:experience_id>/watch")
@member_required
@bp.response(200, WatchShape)
@bp.documents_errors(403, 404)
def watch(experience_id: int):
    """Hear about new replies on an experience"""
    return {"experience_id": experience_id, "watching": service.watch(api_user(), experience_id)}


@bp.delete("/experiences/<int:experience_id>/watch")
@member_required
@bp.response(200, WatchShape)
@bp.documents_errors(403, 404)
def unwatch(experience_id: int):
    """Stop hearing about an experience's replies"""
    return {
        "experience_id": experience_id,
        "watching": service.unwatch(api_user(), experience_id),
    }

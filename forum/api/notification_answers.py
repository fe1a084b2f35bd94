"""What the notification and watch endpoints answer (see forum/api/answers.py)."""

from marshmallow import fields

from forum.api.answers import Answer, moment, one_of
from forum.models import NOTIFICATION_KINDS


class NotificationShape(Answer):
    id = fields.Integer()
    kind = one_of(NOTIFICATION_KINDS)
    created_at = moment()
    read = fields.Boolean()
    experience_id = fields.Integer(
        metadata={"optional": True, "description": "absent when about no experience (suspended)"}
    )
    text = fields.String(metadata={"description": "what the member reads, plain text"})
    url = fields.String(
        metadata={"optional": True, "description": "the page it leads to (a path on this site)"}
    )


class NotificationPageShape(Answer):
    items = fields.List(fields.Nested(NotificationShape))
    unread_count = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class MarkedReadShape(Answer):
    marked = fields.Integer(metadata={"description": "how many were unread before"})
    unread_count = fields.Integer()


class WatchShape(Answer):
    experience_id = fields.Integer()
    watching = fields.Boolean()

"""Input schemas for notifications: the list's query, marking read, the member's settings."""

from marshmallow import RAISE, ValidationError, fields, validate, validates_schema

from forum.models import MAIL_CHOICES, NOTIFICATION_KINDS
from forum.notifications.queries import MAX_PAGE, PER_PAGE
from forum.validation import InputSchema

MAIL_CHOICE_LABELS = {"off": "Off", "now": "At once", "daily": "Daily digest"}
KIND_LABELS = {
    "approved": "My experience is approved",
    "rejected": "My experience is not approved",
    "hidden": "Something of mine is hidden",
    "reply": "Replies on experiences I watch",
    "mention": "Someone mentions me",
    "me_too": "“Me too” on my experiences",
    "follow_up_approved": "My follow-up is approved",
    "suspended": "My account is suspended",
    "digest": "The daily digest",
}


class NotificationQuerySchema(InputSchema):
    unread = fields.Boolean(load_default=False, metadata={"description": "1: unread ones only"})
    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = fields.Integer(
        load_default=PER_PAGE, validate=validate.Range(1, 100, error="Use 1 to 100 per page.")
    )


class MarkReadSchema(InputSchema):
    ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(1, 2**31 - 1)),
        validate=validate.Length(1, 100, error="Give 1 to 100 ids."),
        metadata={"description": "the caller's notification ids; any other → 404"},
    )
    all = fields.Boolean(metadata={"description": "true: mark every notification read"})

    @validates_schema
    def one_of_ids_or_all(self, data, **kwargs):
        if bool(data.get("ids")) == bool(data.get("all")):
            raise ValidationError('Give either ids or "all": true.', "_schema")


class MailChoicesSchema(InputSchema):
    """kind → off | now | daily; kinds left out keep their choice."""

    class Meta:
        unknown = RAISE

    locals().update(
        {
            kind: fields.String(
                validate=validate.OneOf(
                    MAIL_CHOICES, error="Choose one of: " + ", ".join(MAIL_CHOICES) + "."
                )
            )
            for kind in NOTIFICATION_KINDS
        }
    )


class NotificationSettingsSchema(InputSchema):
    mail = fields.Nested(MailChoicesSchema)
    watch_replies = fields.Boolean(metadata={"description": "replying to an experience watches it"})

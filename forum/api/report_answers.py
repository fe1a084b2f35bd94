"""What the API answers for search, insights and the export: the schemas those views
serialize their results with, and what the OpenAPI document says of them."""

from marshmallow import fields, validate

from forum.api.answers import (
    Answer,
    ExperienceShape,
    FollowUpShape,
    OwnUserShape,
    QuickAnswerShape,
    moment,
    one_of,
)
from forum.api.moderation_answers import TargetShape
from forum.insights.schemas import ComparisonResponseSchema, InsightsResponseSchema
from forum.models import MAIL_CHOICES, NOTIFICATION_KINDS
from forum.moderation.schemas import LOG_ACTIONS
from forum.vocabulary import (
    FLAG_REASON,
)


def counts(**kwargs) -> fields.Dict:
    """{key: count} for the keys of one list."""
    return fields.Dict(
        keys=fields.String(), values=fields.Integer(validate=validate.Range(0)), **kwargs
    )


class HighlightsShape(Answer):
    title = fields.String(metadata={"optional": True, "description": "HTML, matches in <mark>"})
    body = fields.String(metadata={"optional": True, "description": "HTML, matches in <mark>"})


class SearchHitShape(Answer):
    experience = fields.Nested(ExperienceShape)
    highlights = fields.Nested(HighlightsShape)


class FacetsShape(Answer):
    """Counts over all matches; no lists at all while the index is being built."""

    exercise = counts(metadata={"optional": True})
    onset = counts(metadata={"optional": True})
    outcome = counts(metadata={"optional": True})
    onset_detail = counts(metadata={"optional": True})


class SearchResultsShape(Answer):
    items = fields.List(fields.Nested(SearchHitShape))
    total = fields.Integer()
    facets = fields.Nested(FacetsShape)
    suggestion = fields.String(allow_none=True)
    page = fields.Integer()
    per_page = fields.Integer()
    notice = fields.String(allow_none=True)


class InsightsShape(Answer, InsightsResponseSchema):
    """Insights answers are documented by the schemas that dump them (forum/insights/schemas.py)."""


class ComparisonShape(Answer, ComparisonResponseSchema):
    """Two groups side by side, dumped by forum/insights/schemas.py."""


class RevisionShape(Answer):
    number = fields.Integer()
    title = fields.String()
    body = fields.String()
    other_fields = fields.Dict(
        data_key="fields", metadata={"description": "the other fields as they were"}
    )
    status = fields.String()
    created_at = moment()


class ExportedExperienceShape(ExperienceShape):
    revisions = fields.List(fields.Nested(RevisionShape))


class ReplyRevisionShape(Answer):
    """A reply's text before one of its author's edits."""

    number = fields.Integer()
    body = fields.String()
    status = fields.String()
    created_at = moment()


class ExportedReplyShape(Answer):
    id = fields.Integer()
    experience_id = fields.Integer()
    body = fields.String()
    status = fields.String()
    created_at = moment()
    updated_at = moment()
    edited_at = moment(allow_none=True)
    deleted_by_author = fields.Boolean()
    revisions = fields.List(fields.Nested(ReplyRevisionShape))


class ExportedMeTooShape(Answer):
    experience_id = fields.Integer()
    created_at = moment()


class ExportedFlagShape(Answer):
    experience_id = fields.Integer(allow_none=True)
    reply_id = fields.Integer(allow_none=True)
    reason = one_of(FLAG_REASON)
    note = fields.String(allow_none=True)
    created_at = moment()
    resolved_at = moment(allow_none=True)


class ExportedDecisionShape(Answer):
    action = one_of(LOG_ACTIONS)
    target = fields.Nested(TargetShape)
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = moment()


class ExportedTokenShape(Answer):
    created_at = moment()
    expires_at = moment()
    revoked_at = moment(allow_none=True)


class ExportedNotificationShape(Answer):
    id = fields.Integer()
    kind = one_of(NOTIFICATION_KINDS)
    created_at = moment()
    read = fields.Boolean()
    experience_id = fields.Integer(allow_none=True)
    text = fields.String()


class ExportedWatchShape(Answer):
    experience_id = fields.Integer()
    created_at = moment()


class ExportedNotificationSettingsShape(Answer):
    mail = fields.Dict(keys=one_of(NOTIFICATION_KINDS), values=one_of(MAIL_CHOICES))
    watch_replies = fields.Boolean()


class ExportShape(Answer):
    format_version = fields.Integer()
    exported_at = moment()
    profile = fields.Nested(OwnUserShape)
    experiences = fields.List(fields.Nested(ExportedExperienceShape))
    replies = fields.List(fields.Nested(ExportedReplyShape))
    follow_ups = fields.List(fields.Nested(FollowUpShape))
    quick_answers = fields.List(fields.Nested(QuickAnswerShape))
    me_too = fields.List(fields.Nested(ExportedMeTooShape))
    flags_raised = fields.List(fields.Nested(ExportedFlagShape))
    moderation_decisions = fields.List(fields.Nested(ExportedDecisionShape))
    api_tokens = fields.List(fields.Nested(ExportedTokenShape))
    notifications = fields.List(fields.Nested(ExportedNotificationShape))
    watches = fields.List(fields.Nested(ExportedWatchShape))
    notification_settings = fields.Nested(ExportedNotificationSettingsShape)

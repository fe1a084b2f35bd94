"""What the moderation and flag endpoints answer: the schemas they serialize with, which are
also what the OpenAPI document says of them (see forum/api/answers.py)."""

from marshmallow import fields

from forum.api.answers import (
    REPLY_STATUSES,
    Answer,
    ExperienceShape,
    FollowUpShape,
    ReplyShape,
    moment,
    one_of,
    page_of,
)
from forum.moderation.schemas import (
    LOG_ACTIONS,
    QUEUE_KINDS,
    TARGET_TYPES,
    FlagOutputSchema,
    MemberStandingSchema,
    ModerationActionSchema,
)
from forum.vocabulary import FLAG_REASON, ROLE


class FlagShape(Answer, FlagOutputSchema):
    reason = one_of(FLAG_REASON)
    DOCUMENTED_AS = {"created_at": moment()}


class FlagEnvelopeShape(Answer):
    flag = fields.Nested(FlagShape)


class ModeratedExperienceShape(ExperienceShape):
    version = fields.Integer(metadata={"description": "send it back with a decision"})


class ModeratedReplyShape(ReplyShape):
    experience_id = fields.Integer()
    status = one_of(REPLY_STATUSES)


class ModeratedFollowUpShape(FollowUpShape):
    status_reason = fields.String(allow_none=True)
    experience_title = fields.Function(
        lambda follow_up: follow_up.experience.title,
        metadata={"description": "the story it follows up"},
    )
    DOCUMENTED_AS = {**FollowUpShape.DOCUMENTED_AS, "experience_title": fields.String()}


class QueuedFlagShape(Answer):
    reason = one_of(FLAG_REASON)
    note = fields.String(allow_none=True)
    created_at = moment()


class QueueFlagsShape(Answer):
    """What flagged items carry on top of the item itself."""

    waiting_since = moment()
    type = one_of(
        ("experience", "follow_up", "reply"), metadata={"description": "what the item is"}
    )
    flag_count = fields.Integer(metadata={"optional": True})
    flag_reasons = fields.Dict(
        keys=one_of(FLAG_REASON),
        values=fields.Integer(),
        metadata={"optional": True, "description": "open flags per reason"},
    )
    flags = fields.List(fields.Nested(QueuedFlagShape), metadata={"optional": True})


class ActorShape(Answer):
    username = fields.String()


class TargetShape(Answer):
    type = one_of(TARGET_TYPES)
    id = fields.Integer()


class ModerationActionShape(Answer, ModerationActionSchema):
    action = one_of(LOG_ACTIONS)
    DOCUMENTED_AS = {
        "actor": fields.Nested(
            ActorShape, allow_none=True, metadata={"description": "null: system"}
        ),
        "target": fields.Nested(TargetShape),
        "subject": fields.Nested(ActorShape, allow_none=True),
        "created_at": moment(),
    }


class MemberStandingShape(Answer, MemberStandingSchema):
    role = one_of(ROLE)
    DOCUMENTED_AS = {
        "suspended_until": moment(allow_none=True),
        "suspension_reason": fields.String(allow_none=True),
        "created_at": moment(),
    }


class StandingEnvelopeShape(Answer):
    user = fields.Nested(MemberStandingShape)


LogPageShape = page_of(ModerationActionShape, "LogPageShape")


class QueuePageShape(Answer):
    kind = one_of(QUEUE_KINDS)
    items = fields.List(fields.Dict())  # built by the view, by kind
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    DOCUMENTED_AS = {
        "items": {
            "type": "array",
            "description": "Experiences (and follow-ups, `type: follow_up`, for kind=pending); "
            "replies for kind=flagged_replies.",
            "items": {
                "allOf": [
                    {"$ref": "#/components/schemas/QueueFlags"},
                    {
                        "anyOf": [
                            {"$ref": "#/components/schemas/ModeratedExperience"},
                            {"$ref": "#/components/schemas/ModeratedReply"},
                            {"$ref": "#/components/schemas/ModeratedFollowUp"},
                        ]
                    },
                ]
            },
        }
    }

"""What the API answers: the schemas its views serialize with (`@blp.response`), which are
also what its OpenAPI document says.

The domain's output schemas (ExperienceSchema, ReplySchema, OwnUserSchema...) are subclassed:
plain fields gain their allowed values, and fields the domain computes (`fields.Function`) keep
computing and are typed by DOCUMENTED_AS. Every field is always present (`required` in the
document) unless marked optional. The validators only document values: nothing is loaded here.
"""

from marshmallow import EXCLUDE, Schema, fields, validate

from forum.auth.schemas import OwnUserSchema
from forum.experiences.schemas import ExperienceSchema, ReplySchema
from forum.moderation.schemas import (
    LOG_ACTIONS,
    QUEUE_KINDS,
    TARGET_TYPES,
    FlagOutputSchema,
    MemberStandingSchema,
    ModerationActionSchema,
)
from forum.vocabulary import (
    AGE_BAND,
    CONDITION,
    EFFECT,
    EXERCISE,
    FLAG_REASON,
    FLARE,
    INTENSITY,
    ONSET,
    OUTCOME,
    ROLE,
    STATUS,
    SYMPTOM,
)

REPLY_STATUSES = ("published", "hidden", "deleted")


class Answer(Schema):
    """Base of every answer: each field present unless its metadata says optional."""

    class Meta:
        unknown = EXCLUDE  # never loaded; and more fields may come later

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = not field.metadata.get("optional")


def one_of(keys, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(list(keys)), **kwargs)


def moment(**kwargs) -> fields.String:
    """A time as the API writes it: ISO 8601 in UTC with a trailing Z."""
    return fields.String(metadata={"format": "date-time"}, **kwargs)


def share() -> fields.Float:
    return fields.Float(validate=validate.Range(0, 1))


def interval(**kwargs) -> fields.List:
    """A 95 % interval: [low, high]."""
    return fields.List(
        fields.Float(), validate=validate.Length(equal=2, error="[low, high]"), **kwargs
    )


def page_of(item_schema, name: str) -> type[Schema]:
    """{items, page, per_page, total}: one page of a list."""
    return Answer.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "total": fields.Integer(),
        },
        name=name,
    )


class AuthorShape(Answer):
    username = fields.String(allow_none=True, metadata={"description": "null once deleted"})


class EffectsShape(Answer):
    """Only the effects the author gave."""

    pain = one_of(EFFECT, metadata={"optional": True})
    fatigue = one_of(EFFECT, metadata={"optional": True})
    sleep = one_of(EFFECT, metadata={"optional": True})


class ExperienceShape(Answer, ExperienceSchema):
    exercises = fields.List(one_of(EXERCISE))
    intensity = one_of(INTENSITY)
    outcome = one_of(OUTCOME)
    flare = one_of(FLARE)
    effects = fields.Nested(EffectsShape)
    onset = one_of(ONSET, allow_none=True)
    condition = one_of(CONDITION, allow_none=True)
    symptom = one_of(SYMPTOM, allow_none=True)
    age_band = one_of(AGE_BAND, allow_none=True)
    status = one_of(STATUS)
    DOCUMENTED_AS = {
        "tags": fields.List(fields.String()),
        "author": fields.Nested(AuthorShape),
        "created_at": moment(),
        "updated_at": moment(),
        "published_at": moment(allow_none=True),
    }


class ReplyShape(Answer, ReplySchema):
    DOCUMENTED_AS = {"author": fields.Nested(AuthorShape), "created_at": moment()}


class OwnUserShape(Answer, OwnUserSchema):
    role = one_of(ROLE)
    onset = one_of(ONSET, allow_none=True)
    condition = one_of(CONDITION, allow_none=True)
    symptom = one_of(SYMPTOM, allow_none=True)
    age_band = one_of(AGE_BAND, allow_none=True)
    DOCUMENTED_AS = {"created_at": moment(), "suspended_until": moment(allow_none=True)}


class UserEnvelopeShape(Answer):
    user = fields.Nested(OwnUserShape)


class TokenShape(Answer):
    token = fields.String()
    expires_at = moment()


class TaxonomyEntryShape(Answer):
    key = fields.String()
    label = fields.String()
    score = fields.Integer(metadata={"optional": True, "description": "outcome list only"})


TaxonomyShape = Answer.from_dict(
    {
        name: fields.List(fields.Nested(TaxonomyEntryShape))
        for name in ("onset", "condition", "symptom", "age_band", "exercise", "intensity")
        + ("outcome", "flare", "effect", "status", "role", "flag_reason")
    },
    name="TaxonomyShape",
)


class MeTooShape(Answer):
    me_too = fields.Boolean()
    me_too_count = fields.Integer()


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


class QueuedFlagShape(Answer):
    reason = one_of(FLAG_REASON)
    note = fields.String(allow_none=True)
    created_at = moment()


class QueueFlagsShape(Answer):
    """What flagged items carry on top of the item itself."""

    waiting_since = moment()
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


ExperiencePageShape = page_of(ExperienceShape, "ExperiencePageShape")
ReplyPageShape = page_of(ReplyShape, "ReplyPageShape")
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
            "description": "Experiences; replies for kind=flagged_replies.",
            "items": {
                "allOf": [
                    {"$ref": "#/components/schemas/QueueFlags"},
                    {
                        "anyOf": [
                            {"$ref": "#/components/schemas/ModeratedExperience"},
                            {"$ref": "#/components/schemas/ModeratedReply"},
                        ]
                    },
                ]
            },
        }
    }


class ErrorDetailShape(Answer):
    code = fields.String()
    message = fields.String()
    field_messages = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        data_key="fields",
        metadata={"optional": True, "description": "per field, when fields are at fault"},
    )


class ErrorShape(Answer):
    """The contract's error: {"error": {"code", "message", "fields"}}."""

    error = fields.Nested(ErrorDetailShape)

"""Response shapes for the OpenAPI document, typed where the API's output schemas compute values.

The output schemas the views dump with (ExperienceSchema, ReplySchema, OwnUserSchema...) are
subclassed here and only their `fields.Function` fields, which apispec cannot type, are
redeclared; responses built from dicts (search, insights, export) are written out in full.
The validators below only document the allowed values: nothing is loaded through these.
"""

from marshmallow import Schema, fields, validate

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
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "total": fields.Integer(),
        },
        name=name,
    )


class AuthorShape(Schema):
    username = fields.String(allow_none=True, metadata={"description": "null once deleted"})


class EffectsShape(Schema):
    """Only the effects the author gave."""

    pain = one_of(EFFECT, metadata={"optional": True})
    fatigue = one_of(EFFECT, metadata={"optional": True})
    sleep = one_of(EFFECT, metadata={"optional": True})


class ExperienceShape(ExperienceSchema):
    exercises = fields.List(one_of(EXERCISE))
    intensity = one_of(INTENSITY)
    outcome = one_of(OUTCOME)
    flare = one_of(FLARE)
    effects = fields.Nested(EffectsShape)
    tags = fields.List(fields.String())
    onset = one_of(ONSET, allow_none=True)
    condition = one_of(CONDITION, allow_none=True)
    symptom = one_of(SYMPTOM, allow_none=True)
    age_band = one_of(AGE_BAND, allow_none=True)
    status = one_of(STATUS)
    author = fields.Nested(AuthorShape)
    created_at = moment()
    updated_at = moment()
    published_at = moment(allow_none=True)


class ReplyShape(ReplySchema):
    author = fields.Nested(AuthorShape)
    created_at = moment()


class OwnUserShape(OwnUserSchema):
    role = one_of(ROLE)
    onset = one_of(ONSET, allow_none=True)
    condition = one_of(CONDITION, allow_none=True)
    symptom = one_of(SYMPTOM, allow_none=True)
    age_band = one_of(AGE_BAND, allow_none=True)
    created_at = moment()
    suspended_until = moment(allow_none=True)


class UserEnvelopeShape(Schema):
    user = fields.Nested(OwnUserShape)


class TokenShape(Schema):
    token = fields.String()
    expires_at = moment()


class TaxonomyEntryShape(Schema):
    key = fields.String()
    label = fields.String()
    score = fields.Integer(metadata={"optional": True, "description": "outcome list only"})


TaxonomyShape = Schema.from_dict(
    {
        name: fields.List(fields.Nested(TaxonomyEntryShape))
        for name in ("onset", "condition", "symptom", "age_band", "exercise", "intensity")
        + ("outcome", "flare", "effect", "status", "role", "flag_reason")
    },
    name="TaxonomyShape",
)


class MeTooShape(Schema):
    me_too = fields.Boolean()
    me_too_count = fields.Integer()


class FlagShape(FlagOutputSchema):
    reason = one_of(FLAG_REASON)
    created_at = moment()


class FlagEnvelopeShape(Schema):
    flag = fields.Nested(FlagShape)


class ModeratedExperienceShape(ExperienceShape):
    version = fields.Integer(metadata={"description": "send it back with a decision"})


class ModeratedReplyShape(ReplyShape):
    experience_id = fields.Integer()
    status = one_of(REPLY_STATUSES)


class QueuedFlagShape(Schema):
    reason = one_of(FLAG_REASON)
    note = fields.String(allow_none=True)
    created_at = moment()


class QueueFlagsShape(Schema):
    """What flagged items carry on top of the item itself."""

    waiting_since = moment()
    flag_count = fields.Integer(metadata={"optional": True})
    flag_reasons = fields.Dict(
        keys=one_of(FLAG_REASON),
        values=fields.Integer(),
        metadata={"optional": True, "description": "open flags per reason"},
    )
    flags = fields.List(fields.Nested(QueuedFlagShape), metadata={"optional": True})


class ActorShape(Schema):
    username = fields.String()


class TargetShape(Schema):
    type = one_of(TARGET_TYPES)
    id = fields.Integer()


class ModerationActionShape(ModerationActionSchema):
    action = one_of(LOG_ACTIONS)
    actor = fields.Nested(ActorShape, allow_none=True, metadata={"description": "null: system"})
    target = fields.Nested(TargetShape)
    subject = fields.Nested(ActorShape, allow_none=True)
    created_at = moment()


class MemberStandingShape(MemberStandingSchema):
    role = one_of(ROLE)
    suspended_until = moment(allow_none=True)
    suspension_reason = fields.String(allow_none=True)
    created_at = moment()


class StandingEnvelopeShape(Schema):
    user = fields.Nested(MemberStandingShape)


ExperiencePageShape = page_of(ExperienceShape, "ExperiencePageShape")
ReplyPageShape = page_of(ReplyShape, "ReplyPageShape")
LogPageShape = page_of(ModerationActionShape, "LogPageShape")


class QueuePageShape(Schema):
    kind = one_of(QUEUE_KINDS)
    # Experiences for kind=pending|flagged, replies for flagged_replies: openapi.py spells it.
    items = fields.List(fields.Dict())
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class ErrorDetailShape(Schema):
    code = fields.String()
    message = fields.String()
    field_messages = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        data_key="fields",
        metadata={"optional": True, "description": "per field, when fields are at fault"},
    )


class ErrorShape(Schema):
    """The contract's error: {"error": {"code", "message", "fields"}}."""

    error = fields.Nested(ErrorDetailShape)

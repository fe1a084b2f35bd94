"""What the API answers: the schemas its views serialize with (`@blp.response`), which are
also what its OpenAPI document says.

The domain's output schemas (ExperienceSchema, ReplySchema, OwnUserSchema...) are subclassed:
plain fields gain their allowed values, and fields the domain computes (`fields.Function`) keep
computing and are typed by DOCUMENTED_AS. Every field is always present (`required` in the
document) unless marked optional. The validators only document values: nothing is loaded here.
"""

from marshmallow import EXCLUDE, Schema, fields, validate

from forum.auth.schemas import OwnUserSchema
from forum.experiences.schemas import (
    MAIN_EXERCISE_RULE,
    VISIBILITY_RULE,
    ExperienceSchema,
    FollowUpSchema,
    QuickAnswerSchema,
    ReplySchema,
)
from forum.models import MAIL_CHOICES, NOTIFICATION_KINDS
from forum.validation import OutputSchema
from forum.vocabulary import (
    EFFECT,
    EXERCISE,
    FLARE,
    INTENSITY,
    ONSET,
    OUTCOME,
    ROLE,
    STATUS,
    STOP_REASON,
    VISIBILITY,
)

REPLY_STATUSES = ("pending", "published", "rejected", "hidden", "deleted")


class Answer(OutputSchema):
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


UNFINISHED = {"description": "null only in an unfinished draft"}


class FollowUpShape(Answer, FollowUpSchema):
    stop_reason = one_of(STOP_REASON, allow_none=True)
    outcome = one_of(OUTCOME)
    flare = one_of(FLARE)
    status = one_of(STATUS)
    DOCUMENTED_AS = {
        "weeks_after": fields.Integer(),
        "author": fields.Nested(AuthorShape),
        "created_at": moment(),
        "published_at": moment(allow_none=True),
    }


FollowUpListShape = Answer.from_dict(
    {"items": fields.List(fields.Nested(FollowUpShape))}, name="FollowUpListShape"
)


class QuickAnswerShape(Answer, QuickAnswerSchema):
    exercise = one_of(EXERCISE)
    outcome = one_of(OUTCOME)
    flare = one_of(FLARE)
    DOCUMENTED_AS = {"created_at": moment(), "updated_at": moment()}


class ExperienceShape(Answer, ExperienceSchema):
    title = fields.String(allow_none=True, metadata=UNFINISHED)
    body = fields.String(allow_none=True, metadata=UNFINISHED)
    body_html = fields.String(allow_none=True, metadata=UNFINISHED)
    main_exercise = fields.String(allow_none=True, dump_only=True, metadata=UNFINISHED)
    exercises = fields.List(one_of(EXERCISE))
    intensity = one_of(INTENSITY, allow_none=True, metadata=UNFINISHED)
    outcome = one_of(OUTCOME, allow_none=True, metadata=UNFINISHED)
    flare = one_of(FLARE, allow_none=True, metadata=UNFINISHED)
    effects = fields.Nested(EffectsShape)
    visibility = one_of(VISIBILITY, metadata={"description": VISIBILITY_RULE})
    share_profile = fields.Boolean(
        metadata={"optional": True, "description": "Shown to the author and moderators only."}
    )
    status = one_of(STATUS)
    follow_ups = fields.List(
        fields.Nested(FollowUpShape),
        attribute="shown_follow_ups",
        metadata={
            "optional": True,
            "description": "on the detail answer: oldest first; published ones, and pending "
            "ones for the author and moderators",
        },
    )
    updated_with_follow_up = fields.Boolean(
        attribute="has_follow_up",
        metadata={"optional": True, "description": "in lists: it has a published follow-up"},
    )
    DOCUMENTED_AS = {
        "tags": fields.List(fields.String()),
        "author": fields.Nested(AuthorShape),
        "created_at": moment(),
        "updated_at": moment(),
        "published_at": moment(allow_none=True),
    }


class ReplyShape(Answer, ReplySchema):
    status = one_of(
        REPLY_STATUSES,
        metadata={"description": "pending: waiting for a moderator, seen by its author only"},
    )
    DOCUMENTED_AS = {
        "body": fields.String(metadata={"description": "empty once deleted"}),
        "body_html": fields.String(metadata={"description": "empty once deleted"}),
        "author": fields.Nested(AuthorShape),
        "created_at": moment(),
        "edited_at": moment(allow_none=True),
    }


class OwnUserShape(Answer, OwnUserSchema):
    role = one_of(ROLE)
    default_visibility = one_of(VISIBILITY)
    DOCUMENTED_AS = {
        "created_at": moment(),
        "suspended_until": moment(allow_none=True),
        "email_verified": fields.Boolean(),
        # Notification kind → off | now | daily (CONTRACT.md §6).
        "mail": fields.Dict(keys=one_of(NOTIFICATION_KINDS), values=one_of(MAIL_CHOICES)),
        "watch_replies": fields.Boolean(),
    }


class UserEnvelopeShape(Answer):
    user = fields.Nested(OwnUserShape)


class TokenShape(Answer):
    token = fields.String()
    expires_at = moment()


class TaxonomyEntryShape(Answer):
    key = fields.String()
    label = fields.String()
    score = fields.Integer(metadata={"optional": True, "description": "outcome list only"})
    onset = one_of(ONSET, metadata={"optional": True, "description": "onset_detail list only"})


TaxonomyShape = Answer.from_dict(
    {
        name: fields.List(
            fields.Nested(TaxonomyEntryShape),
            metadata={"description": MAIN_EXERCISE_RULE} if name == "exercise" else {},
        )
        for name in ("onset", "condition", "symptom", "age_band", "exercise", "intensity")
        + ("outcome", "flare", "effect", "status", "role", "flag_reason", "stop_reason")
        + ("onset_detail", "severity", "years_ill")
    },
    name="TaxonomyShape",
)


class PreviewShape(Answer):
    body_html = fields.String(metadata={"description": "sanitized as it would be published"})


class MeTooShape(Answer):
    me_too = fields.Boolean()
    me_too_count = fields.Integer()


ExperiencePageShape = page_of(ExperienceShape, "ExperiencePageShape")
ReplyPageShape = page_of(ReplyShape, "ReplyPageShape")


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

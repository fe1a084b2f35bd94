"""What the API answers: the schemas its views serialize with (`@blp.response`), which are
also what its OpenAPI document says.

The domain's output schemas (ExperienceSchema, ReplySchema, OwnUserSchema...) are subclassed:
plain fields gain their allowed values, and fields the domain computes (`fields.Function`) keep
computing and are typed by DOCUMENTED_AS. Every field is always present (`required` in the
document) unless marked optional. The validators only document values: nothing is loaded here.
"""

from marshmallow import EXCLUDE, Schema, fields, validate

from forum.auth.schemas import OwnUserSchema
from forum.experiences.schemas import MAIN_EXERCISE_RULE, ExperienceSchema, ReplySchema
from forum.validation import OutputSchema
from forum.vocabulary import (
    AGE_BAND,
    CONDITION,
    EFFECT,
    EXERCISE,
    FLARE,
    INTENSITY,
    ONSET,
    ONSET_DETAIL,
    OUTCOME,
    ROLE,
    SEVERITY,
    STATUS,
    SYMPTOM,
    YEARS_ILL,
)

REPLY_STATUSES = ("published", "hidden", "deleted")


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
    onset_detail = one_of(ONSET_DETAIL, allow_none=True)
    severity = one_of(SEVERITY, allow_none=True)
    years_ill = one_of(YEARS_ILL, allow_none=True)
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
    onset_detail = one_of(ONSET_DETAIL, allow_none=True)
    severity = one_of(SEVERITY, allow_none=True)
    years_ill = one_of(YEARS_ILL, allow_none=True)
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
    onset = one_of(ONSET, metadata={"optional": True, "description": "onset_detail list only"})


TaxonomyShape = Answer.from_dict(
    {
        name: fields.List(
            fields.Nested(TaxonomyEntryShape),
            metadata={"description": MAIN_EXERCISE_RULE} if name == "exercise" else {},
        )
        for name in ("onset", "condition", "symptom", "age_band", "exercise", "intensity")
        + ("outcome", "flare", "effect", "status", "role", "flag_reason")
        + ("onset_detail", "severity", "years_ill")
    },
    name="TaxonomyShape",
)


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

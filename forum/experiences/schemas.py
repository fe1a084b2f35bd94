"""Experience schemas: one input schema (form, API, CLI) and the contract's output shapes."""

from marshmallow import ValidationError, fields, validate, validates

from forum.clock import isoformat
from forum.fields import CleanText, OnsetDetailRule, TagName, WholeNumber, vocabulary_choice
from forum.validation import InputSchema, OutputSchema
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
    SEVERITY,
    SYMPTOM,
    YEARS_ILL,
)

TITLE_MIN, TITLE_MAX = 5, 150
BODY_MIN, BODY_MAX = 20, 20000
REPLY_MAX = 5000
MAX_EXERCISES = 5
MAX_TAGS = 10
MAIN_EXERCISE_RULE = (
    "1 to 5 exercise keys, no duplicates. The first key is the main exercise: the outcome, "
    "flare and effects are about it, and insights credit only it; the others were combined "
    "with it."
)


def _range(low: int, high: int) -> validate.Range:
    return validate.Range(low, high, error=f"Enter a whole number from {low} to {high}.")


class EffectsSchema(InputSchema):
    pain = vocabulary_choice(EFFECT, allow_none=True)
    fatigue = vocabulary_choice(EFFECT, allow_none=True)
    sleep = vocabulary_choice(EFFECT, allow_none=True)


class EffectsField(fields.Nested):
    """{"pain": ..., "fatigue": ..., "sleep": ...}; anything but an object is named as such."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError('Give effects as an object, like {"pain": "better"}.')
        return super()._deserialize(value, attr, data, partial=partial, **kwargs)


class ExperienceInputSchema(OnsetDetailRule, InputSchema):
    """What a member writes; PATCH loads it with partial=True."""

    title = CleanText(
        required=True,
        validate=validate.Length(
            TITLE_MIN, TITLE_MAX, error=f"Use {TITLE_MIN} to {TITLE_MAX} characters."
        ),
    )
    body = CleanText(
        required=True,
        validate=validate.Length(
            BODY_MIN,
            BODY_MAX,
            error=f"Write your story in {BODY_MIN} to {BODY_MAX} characters.",
        ),
    )
    exercises = fields.List(
        vocabulary_choice(EXERCISE),
        required=True,
        validate=validate.Length(
            1, MAX_EXERCISES, error=f"Choose 1 to {MAX_EXERCISES} kinds of exercise."
        ),
        metadata={"description": MAIN_EXERCISE_RULE},
    )
    intensity = vocabulary_choice(INTENSITY, required=True)
    outcome = vocabulary_choice(OUTCOME, required=True)
    flare = vocabulary_choice(FLARE, required=True)
    minutes_per_session = WholeNumber(allow_none=True, validate=_range(1, 600))
    sessions_per_week = WholeNumber(allow_none=True, validate=_range(1, 21))
    weeks_tried = WholeNumber(allow_none=True, validate=_range(1, 520))
    effects = EffectsField(EffectsSchema, allow_none=True)
    tags = fields.List(
        TagName(),
        allow_none=True,
        validate=validate.Length(max=MAX_TAGS, error=f"Use at most {MAX_TAGS} tags."),
    )
    onset = vocabulary_choice(ONSET, allow_none=True)
    condition = vocabulary_choice(CONDITION, allow_none=True)
    symptom = vocabulary_choice(SYMPTOM, allow_none=True)
    age_band = vocabulary_choice(AGE_BAND, allow_none=True)
    onset_detail = vocabulary_choice(ONSET_DETAIL, allow_none=True)
    severity = vocabulary_choice(SEVERITY, allow_none=True)
    years_ill = vocabulary_choice(YEARS_ILL, allow_none=True)

    @validates("exercises")
    def no_duplicate_exercises(self, value: list[str], **kwargs) -> None:
        if len(set(value)) != len(value):
            raise ValidationError("Choose each kind of exercise only once.")

    @validates("tags")
    def no_duplicate_tags(self, value: list[str] | None, **kwargs) -> None:
        if value and len(set(value)) != len(value):
            raise ValidationError("Use each tag only once.")


def form_exercises(posted: list[str]) -> list[str]:
    """The form's main exercise then its "combined with" ticks as `exercises`.

    The main exercise's radio comes first in the form, so it is the first key; ticking it
    again under "combined with" adds nothing, so that repeat is dropped.
    """
    if not posted:
        return posted
    main, *combined = posted
    return [main, *(key for key in combined if key != main)]


class ReplyInputSchema(InputSchema):
    body = CleanText(
        required=True,
        validate=validate.Length(1, REPLY_MAX, error=f"Write 1 to {REPLY_MAX} characters."),
    )


def author_of(item) -> dict:
    """{"username": ...}; null once the author's account is gone."""
    author = item.author
    if item.author_id is None or author is None or author.deleted_at is not None:
        return {"username": None}
    return {"username": author.username}


class ExperienceSchema(OutputSchema):
    """An experience as the API (and search results) show it; never the author's e-mail."""

    id = fields.Integer()
    title = fields.String()
    body = fields.String()
    body_html = fields.String()
    exercises = fields.List(fields.String(), metadata={"description": MAIN_EXERCISE_RULE})
    main_exercise = fields.String(
        dump_only=True, metadata={"description": "Read-only: always exercises[0]."}
    )
    intensity = fields.String()
    minutes_per_session = fields.Integer(allow_none=True)
    sessions_per_week = fields.Integer(allow_none=True)
    weeks_tried = fields.Integer(allow_none=True)
    outcome = fields.String()
    flare = fields.String()
    effects = fields.Dict(keys=fields.String(), values=fields.String())
    tags = fields.Function(lambda experience: experience.tag_names)
    onset = fields.String(allow_none=True)
    condition = fields.String(allow_none=True)
    symptom = fields.String(allow_none=True)
    age_band = fields.String(allow_none=True)
    onset_detail = fields.String(allow_none=True)
    severity = fields.String(allow_none=True)
    years_ill = fields.String(allow_none=True)
    status = fields.String()
    author = fields.Function(author_of)
    me_too_count = fields.Integer()
    reply_count = fields.Integer()
    created_at = fields.Function(lambda experience: isoformat(experience.created_at))
    updated_at = fields.Function(lambda experience: isoformat(experience.updated_at))
    published_at = fields.Function(lambda experience: isoformat(experience.published_at))


class ReplySchema(OutputSchema):
    """A reply as the API shows it."""

    id = fields.Integer()
    body = fields.String()
    body_html = fields.String()
    author = fields.Function(author_of)
    created_at = fields.Function(lambda reply: isoformat(reply.created_at))

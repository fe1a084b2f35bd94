"""Experience schemas: one input schema (form, API, CLI) and the contract's output shapes."""

from marshmallow import ValidationError, fields, post_dump, validate, validates, validates_schema

from forum import permissions
from forum.clock import isoformat
from forum.fields import (
    CleanText,
    OnsetDetailRule,
    ProfileAnswers,
    TagName,
    WholeNumber,
    vocabulary_choice,
)
from forum.validation import InputSchema, OutputSchema
from forum.vocabulary import (
    EFFECT,
    EXERCISE,
    FLARE,
    INTENSITY,
    OUTCOME,
    PROFILE_FIELDS,
    STOP_REASON,
    VISIBILITY,
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

VISIBILITY_RULE = (
    "public: anyone may read it; members: signed-in members and moderators only. "
    "Defaults to the author's default_visibility."
)
SHARE_PROFILE_RULE = (
    "false: onset, condition, symptom and age band are shown to the author and moderators "
    "only, and filters on them do not find the story for anyone else. Defaults to the "
    "author's default_share_profile."
)
# The experience's own choices, which an edit changes without sending it back to review.
PRIVACY_CHOICES = ("visibility", "share_profile")


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


class ExperienceInputSchema(OnsetDetailRule, ProfileAnswers, InputSchema):
    """What a member writes, with the profile answers it overrides; PATCH loads it with
    partial=True."""

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
    # Left out: the author's profile defaults. Changing them is not a content edit.
    visibility = vocabulary_choice(VISIBILITY, metadata={"description": VISIBILITY_RULE})
    share_profile = fields.Boolean(metadata={"description": SHARE_PROFILE_RULE})

    @validates("exercises")
    def no_duplicate_exercises(self, value: list[str], **kwargs) -> None:
        if len(set(value)) != len(value):
            raise ValidationError("Choose each kind of exercise only once.")

    @validates("tags")
    def no_duplicate_tags(self, value: list[str] | None, **kwargs) -> None:
        if value and len(set(value)) != len(value):
            raise ValidationError("Use each tag only once.")


class ExperienceCreateSchema(ExperienceInputSchema):
    """A new experience; with `"draft": true` a private draft, whose required fields may be
    missing (whatever is given is still checked) until it is submitted."""

    draft = fields.Boolean(
        load_default=False,
        metadata={
            "description": "true: save as a draft, seen by its author only; required fields "
            "may then be missing. POST /api/v1/experiences/{id}/submit sends it on."
        },
    )

    def load(self, data, *, many=None, partial=None, unknown=None):
        if isinstance(data, dict) and data.get("draft") is True:
            partial = True
        return super().load(data, many=many, partial=partial, unknown=unknown)


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


class PreviewInputSchema(InputSchema):
    body = CleanText(
        required=True,
        validate=validate.Length(max=BODY_MAX, error=f"Use at most {BODY_MAX} characters."),
    )


FOLLOW_UP_MAX = 5000


class FollowUpInputSchema(InputSchema):
    """An author's follow-up: still doing it or stopped (and why), the outcome and flare now."""

    still_doing = fields.Boolean(required=True)
    stop_reason = vocabulary_choice(
        STOP_REASON,
        allow_none=True,
        metadata={"description": "required when still_doing is false; ignored otherwise"},
    )
    outcome = vocabulary_choice(OUTCOME, required=True)
    flare = vocabulary_choice(FLARE, required=True)
    body = CleanText(
        allow_none=True,
        validate=validate.Length(
            max=FOLLOW_UP_MAX, error=f"Use at most {FOLLOW_UP_MAX} characters."
        ),
    )

    @validates_schema
    def reason_when_stopped(self, data: dict, **kwargs) -> None:
        if data.get("still_doing") is False and not data.get("stop_reason"):
            raise ValidationError("Say why you stopped.", field_name="stop_reason")


class QuickAnswerInputSchema(InputSchema):
    """ "I tried this too": the outcome and flare-ups for one exercise, nothing else."""

    outcome = vocabulary_choice(OUTCOME, required=True)
    flare = vocabulary_choice(FLARE, required=True)


def author_of(item) -> dict:
    """{"username": ...}; null once the author's account is gone."""
    author = item.author
    if item.author_id is None or author is None or author.deleted_at is not None:
        return {"username": None}
    return {"username": author.username}


class ExperienceSchema(ProfileAnswers, OutputSchema):
    """An experience as the API (and search results) show it, with the profile answers it was
    posted with; never the author's e-mail."""

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
    visibility = fields.String(metadata={"description": VISIBILITY_RULE})
    share_profile = fields.Boolean(
        metadata={"optional": True, "description": "Shown to the author and moderators only."}
    )
    status = fields.String()
    author = fields.Function(author_of)
    me_too_count = fields.Integer()
    reply_count = fields.Integer()
    created_at = fields.Function(lambda experience: isoformat(experience.created_at))
    updated_at = fields.Function(lambda experience: isoformat(experience.updated_at))
    published_at = fields.Function(lambda experience: isoformat(experience.published_at))

    # False for a dump made for the author whatever the request (the data export).
    viewer_decides = True

    @post_dump(pass_original=True)
    def keep_private_profile(self, data: dict, experience, **kwargs) -> dict:
        """Onset, condition, symptom and age band only for those who may see them; the
        share_profile choice only for the author and moderators."""
        if not self.viewer_decides:
            return data
        viewer = permissions.current_viewer()
        if not (permissions.is_author(viewer, experience) or permissions.is_moderator(viewer)):
            data.pop("share_profile", None)
        if not permissions.sees_profile(viewer, experience):
            data.update({field: None for field in PROFILE_FIELDS if field in data})
        return data


class ReplySchema(OutputSchema):
    """A reply as the API shows it; one deleted by its author shows neither text nor author."""

    id = fields.Integer()
    body = fields.Function(lambda reply: "" if reply.status == "deleted" else reply.body)
    body_html = fields.Function(lambda reply: "" if reply.status == "deleted" else reply.body_html)
    author = fields.Function(
        lambda reply: {"username": None} if reply.status == "deleted" else author_of(reply)
    )
    created_at = fields.Function(lambda reply: isoformat(reply.created_at))
    status = fields.String()
    edited_at = fields.Function(lambda reply: isoformat(reply.edited_at))
    deleted_by_author = fields.Boolean()


class FollowUpSchema(OutputSchema):
    """A follow-up as the API shows it."""

    id = fields.Integer()
    experience_id = fields.Integer()
    still_doing = fields.Boolean()
    stop_reason = fields.String(allow_none=True)
    outcome = fields.String()
    flare = fields.String()
    body = fields.String()
    body_html = fields.String()
    status = fields.String()
    weeks_after = fields.Integer(
        metadata={"description": "weeks since the story's exercise began (weeks_tried included)"},
    )
    author = fields.Function(author_of)
    created_at = fields.Function(lambda item: isoformat(item.created_at))
    published_at = fields.Function(lambda item: isoformat(item.published_at))


class QuickAnswerSchema(ProfileAnswers, OutputSchema):
    """A member's quick answer for one exercise, with the profile answers it was given with."""

    exercise = fields.String()
    outcome = fields.String()
    flare = fields.String()
    created_at = fields.Function(lambda item: isoformat(item.created_at))
    updated_at = fields.Function(lambda item: isoformat(item.updated_at))

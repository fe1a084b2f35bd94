"""Insights input (the group, the two-group comparison) and output schemas, for page and API."""

from marshmallow import ValidationError, fields, validate

from forum.errors import Invalid
from forum.fields import OnsetDetailRule, vocabulary_choice
from forum.validation import InputSchema, OutputSchema, load
from forum.vocabulary import (
    AGE_BAND,
    CONDITION,
    EXERCISE,
    INSIGHTS_FIELDS,
    INTENSITY,
    ONSET,
    ONSET_DETAIL,
    SEVERITY,
    STOP_REASON,
    SYMPTOM,
    YEARS_ILL,
)

GROUP_FIELDS = tuple(INSIGHTS_FIELDS)
# Written instead of a group in compare URLs to mean every member.
EVERYONE = "everyone"


class GroupSchema(OnsetDetailRule, InputSchema):
    """A group of members: the profile fields insights group on (INSIGHTS_FIELDS). Groups
    with more filters than insights answer are refused by the service's rule, not here: they
    are answered as suppressed, with their wider groups."""

    onset = vocabulary_choice(ONSET)
    condition = vocabulary_choice(CONDITION)
    symptom = vocabulary_choice(SYMPTOM)
    age_band = vocabulary_choice(AGE_BAND)
    onset_detail = vocabulary_choice(ONSET_DETAIL)
    severity = vocabulary_choice(SEVERITY)
    years_ill = vocabulary_choice(YEARS_ILL)

    # The detail alone is already a sub-group of its family: the filters stay as given.
    infer_onset_family = False


def detail_field() -> fields.String:
    """`detail=intensity` asks for the breakdown of each exercise by intensity."""
    return fields.String(
        validate=validate.OneOf(["intensity"], error="The only detail offered is intensity.")
    )


VIEWS = ("all", "long_term")


class InsightsQuerySchema(GroupSchema):
    """The group, plus the opt-in detail and the view."""

    detail = detail_field()
    view = fields.String(
        load_default="all",
        validate=validate.OneOf(VIEWS, error="Choose all or long_term."),
        metadata={
            "description": "long_term: only answers after 3 months or more (follow-ups, and "
            "stories tried for 13 weeks or more), each person's latest among them"
        },
    )


class GroupSpec(fields.String):
    """A group written as comma-separated field:key pairs, e.g. onset:injury,condition:both."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if text == EVERYONE:
            return {}
        raw: dict[str, str] = {}
        for pair in text.split(","):
            name, separator, key = (part.strip() for part in pair.partition(":"))
            if not separator or not name or not key:
                raise ValidationError(f"Write the group as field:key pairs, not {pair[:40]!r}.")
            if name not in GROUP_FIELDS:
                raise ValidationError(f"Group by {', '.join(GROUP_FIELDS)}, not {name[:40]!r}.")
            if name in raw:
                raise ValidationError(f"Give {name} only once.")
            raw[name] = key
        try:
            return load(GroupSchema(), raw)
        except Invalid as error:
            raise ValidationError(
                [f"{name}: {' '.join(messages)}" for name, messages in error.fields.items()]
            ) from None


class CompareSchema(InputSchema):
    """Two groups side by side: `a` and `b`, each a GroupSpec."""

    a = GroupSpec(required=True)
    b = GroupSpec(required=True)
    detail = detail_field()


# The responses. Every field the service returns is declared, so dumping a response through
# these schemas gives it back unchanged (the API view declares them as its output).


def _share(description: str, **kwargs) -> fields.Float:
    return fields.Float(
        validate=validate.Range(0, 1), metadata={"description": description}, **kwargs
    )


def _interval(description: str = "Wilson 95 % interval on people: [low, high]", **kwargs):
    return fields.List(fields.Float(), metadata={"description": description}, **kwargs)


def _key(keys, description: str = "", **kwargs) -> fields.String:
    return fields.String(
        validate=validate.OneOf(list(keys)), metadata={"description": description}, **kwargs
    )


class OutcomeCountsSchema(OutputSchema):
    """People per outcome: each person's latest answer, so they sum to `people`."""

    helped_a_lot = fields.Integer()
    helped = fields.Integer()
    no_change = fields.Integer()
    worse = fields.Integer()
    much_worse = fields.Integer()


class FlareWhenSchema(OutputSchema):
    """People whose counted answer reported a flare-up, by when it came."""

    same_day = fields.Integer()
    next_day = fields.Integer()
    later = fields.Integer()


class NumbersSchema(OutputSchema):
    """The numbers of one exercise (or one intensity of it) with at least min_reports people."""

    people = fields.Integer(
        metadata={"description": "distinct members; shares, intervals, ranking and suppression"}
    )
    reports = fields.Integer(
        metadata={"description": "published stories with this main exercise, for information"}
    )
    outcomes = fields.Nested(OutcomeCountsSchema)
    helped_share = _share("helped or helped a lot, of people")
    helped_ci = _interval()
    worse_share = _share("worse or much worse, of people")
    flare_share = _share("any flare-up after sessions (same day, next day or later), of people")


class StoppedSchema(OutputSchema):
    """People whose latest word is a follow-up saying they stopped, and why."""

    people = fields.Integer(
        allow_none=True, metadata={"description": "null when fewer than min_reports stopped"}
    )
    reasons = fields.Dict(
        keys=_key(STOP_REASON),
        values=fields.Integer(),
        metadata={"description": "reasons with at least min_reports people"},
    )
    reasons_suppressed = fields.List(_key(STOP_REASON))


class AnswersFromSchema(OutputSchema):
    """Where the people's counted answers came from."""

    stories = fields.Integer()
    follow_ups = fields.Integer()
    quick_answers = fields.Integer()


class IntensityNumbersSchema(NumbersSchema):
    intensity = _key(INTENSITY)


class BaselineSchema(OutputSchema):
    """Everyone outside the group, counted the same way; nulls when fewer than min_reports."""

    people = fields.Integer(allow_none=True)
    reports = fields.Integer(allow_none=True)
    helped_share = _share("of people outside the group", allow_none=True)
    helped_ci = _interval(allow_none=True)


class InsightRowSchema(NumbersSchema):
    exercise = _key(EXERCISE, "the main exercise of the stories counted")
    combined = fields.Integer(
        metadata={"description": "people whose counted story combined it with other exercises"}
    )
    flare_when = fields.Nested(FlareWhenSchema)
    stopped = fields.Nested(StoppedSchema)
    answers_from = fields.Nested(AnswersFromSchema)
    baseline = fields.Nested(BaselineSchema)
    helped_share_difference = fields.Float(
        allow_none=True, metadata={"description": "helped_share minus the baseline's"}
    )
    helped_share_difference_ci = _interval("Newcombe 95 % interval", allow_none=True)
    beyond_chance = fields.Boolean(
        metadata={"description": "the difference after the correction named in `correction`"}
    )
    intensities = fields.List(
        fields.Nested(IntensityNumbersSchema), metadata={"description": "with detail=intensity"}
    )
    intensities_suppressed = fields.List(
        _key(INTENSITY), metadata={"description": "with detail=intensity"}
    )


class WiderGroupSchema(OutputSchema):
    """The group with one of its filters dropped, and how many people it has."""

    filters = fields.Nested(GroupSchema)
    group_size = fields.Integer(allow_none=True)


CORRECTIONS = ("holm", "benjamini_hochberg")


class InsightsResponseSchema(OutputSchema):
    """What worked for a group, per main exercise, beside everyone outside the group."""

    filters = fields.Nested(GroupSchema)
    view = _key(VIEWS, "all, or long_term: after 3 months or more")
    group_size = fields.Integer(
        allow_none=True, metadata={"description": "people; null when the group is suppressed"}
    )
    min_reports = fields.Integer(metadata={"description": "the fewest people ever shown"})
    correction = _key(CORRECTIONS, "the multiple-comparison correction behind beyond_chance")
    exercises = fields.List(fields.Nested(InsightRowSchema))
    suppressed = fields.List(_key(EXERCISE))
    wider_groups = fields.List(
        fields.Nested(WiderGroupSchema),
        metadata={"description": "when group_size is under the setting: one filter dropped each"},
    )


class BriefSchema(OutputSchema):
    people = fields.Integer()
    reports = fields.Integer()
    helped_share = fields.Float()
    helped_ci = _interval()


class ComparisonRowSchema(OutputSchema):
    exercise = _key(EXERCISE)
    a = fields.Nested(BriefSchema, allow_none=True)
    b = fields.Nested(BriefSchema, allow_none=True)
    helped_share_difference = fields.Float(allow_none=True, metadata={"description": "a - b"})
    helped_share_difference_ci = _interval("Newcombe 95 % interval on people", allow_none=True)
    beyond_chance = fields.Boolean()


class ComparisonResponseSchema(OutputSchema):
    """Two groups side by side, with their differences per exercise."""

    min_reports = fields.Integer()
    correction = _key(CORRECTIONS)
    a = fields.Nested(InsightsResponseSchema)
    b = fields.Nested(InsightsResponseSchema)
    exercises = fields.List(fields.Nested(ComparisonRowSchema))

"""Marshmallow fields several features' schemas share (vocabulary keys, clean text, tags, the
profile answers) and the structured filters that lists, search and their API twins all accept."""

import re

from marshmallow import Schema, ValidationError, fields, post_load, validate

from forum.validation import InputSchema
from forum.vocabulary import (
    AGE_BAND,
    CONDITION,
    EXERCISE,
    INTENSITY,
    ONSET,
    ONSET_DETAIL,
    ONSET_DETAILS,
    ONSET_FAMILY,
    OUTCOME,
    PROFILE_FIELDS,
    SEVERITY,
    SYMPTOM,
    YEARS_ILL,
)

TAG_PATTERN = re.compile(r"[a-z0-9-]{2,30}")
_WHOLE_NUMBER = re.compile(r"\s*[-+]?\d+\s*")
# PostgreSQL refuses NUL in text and other control characters only hide content.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CleanText(fields.String):
    """Text without control characters, surrounding whitespace removed."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if _CONTROL.search(text):
            raise ValidationError("Remove the invisible control characters.")
        return text.strip()


class WholeNumber(fields.Integer):
    """A whole number from JSON (int, never bool or float) or a form's digit string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool | float) or (
            isinstance(value, str) and not _WHOLE_NUMBER.fullmatch(value)
        ):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class TagName(fields.String):
    """One tag: lower-cased, then 2 to 30 letters, digits or hyphens."""

    def _deserialize(self, value, attr, data, **kwargs):
        tag = super()._deserialize(value, attr, data, **kwargs).strip().lower()
        if not TAG_PATTERN.fullmatch(tag):
            raise ValidationError(
                f"Tags use 2 to 30 letters, digits or hyphens (not {tag[:40]!r})."
            )
        return tag


def vocabulary_choice(vocabulary, **kwargs) -> fields.String:
    """A field that accepts one key of a vocabulary list."""
    return fields.String(
        validate=validate.OneOf(
            list(vocabulary), error="Choose one of: " + ", ".join(vocabulary) + "."
        ),
        **kwargs,
    )


# The member's "about me" (vocabulary.PROFILE_FIELDS): one field per answer, a key of its list
# or null. Every schema that takes or shows the answers (profile, experience, quick answer, and
# so the API's shapes of them) inherits these, so an answer added to the vocabulary reaches them
# all; on output schemas the key list only documents the values (a dump checks nothing). Being
# inherited, they come before a schema's own fields, which only a dump's key order shows.
ProfileAnswers = Schema.from_dict(
    {name: vocabulary_choice(keys, allow_none=True) for name, keys in PROFILE_FIELDS.items()},
    name="ProfileAnswers",
)


def check_onset_detail(values: dict, *, infer_family: bool = True) -> dict:
    """The one rule for `onset_detail`, whatever the surface: a detail belongs to one family.

    A detail outside the `onset` given is refused, naming `onset_detail`. A detail given
    without `onset` (missing or blank) names its family: input that stores both (profile,
    experience) gets `onset` filled in (`infer_family`); filters and groups leave it out, as
    the detail alone is already a sub-group of its family.
    """
    detail, onset = values.get("onset_detail"), values.get("onset")
    if not detail:
        return values
    family = ONSET_FAMILY[detail]
    if onset and onset != family:
        details = ", ".join(ONSET_DETAILS.get(onset, ())) or "none"
        raise ValidationError(
            f"{detail} is a kind of {family} onset, not {onset} (details of {onset}: {details}).",
            "onset_detail",
        )
    if infer_family and not onset:
        values = {**values, "onset": family}
    return values


class OnsetDetailRule:
    """Mixed into every schema that takes `onset` and `onset_detail` (check_onset_detail)."""

    infer_onset_family = True

    @post_load
    def _onset_detail_in_family(self, data, **kwargs):
        return check_onset_detail(data, infer_family=self.infer_onset_family)


# Each filter of an experience list or a search: its name and the vocabulary of its keys.
FILTER_VOCABULARIES = {
    "exercise": EXERCISE,
    "onset": ONSET,
    "condition": CONDITION,
    "symptom": SYMPTOM,
    "age_band": AGE_BAND,
    "outcome": OUTCOME,
    "intensity": INTENSITY,
    "onset_detail": ONSET_DETAIL,
    "severity": SEVERITY,
    "years_ill": YEARS_ILL,
}


class ExperienceFilterSchema(OnsetDetailRule, InputSchema):
    """The structured filters lists and search share: one vocabulary key each, and a tag."""

    exercise = vocabulary_choice(EXERCISE)
    onset = vocabulary_choice(ONSET)
    condition = vocabulary_choice(CONDITION)
    symptom = vocabulary_choice(SYMPTOM)
    age_band = vocabulary_choice(AGE_BAND)
    outcome = vocabulary_choice(OUTCOME)
    intensity = vocabulary_choice(INTENSITY)
    onset_detail = vocabulary_choice(ONSET_DETAIL)
    severity = vocabulary_choice(SEVERITY)
    years_ill = vocabulary_choice(YEARS_ILL)
    tag = TagName()

    infer_onset_family = False

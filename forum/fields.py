"""Marshmallow fields several features' schemas share (vocabulary keys, clean text, tags) and
the structured filters that lists, search and their API twins all accept."""

import re

from marshmallow import ValidationError, fields, validate

from forum.validation import InputSchema
from forum.vocabulary import AGE_BAND, CONDITION, EXERCISE, INTENSITY, ONSET, OUTCOME, SYMPTOM

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


# Each filter of an experience list or a search: its name and the vocabulary of its keys.
FILTER_VOCABULARIES = {
    "exercise": EXERCISE,
    "onset": ONSET,
    "condition": CONDITION,
    "symptom": SYMPTOM,
    "age_band": AGE_BAND,
    "outcome": OUTCOME,
    "intensity": INTENSITY,
}


class ExperienceFilterSchema(InputSchema):
    """The structured filters lists and search share: one vocabulary key each, and a tag."""

    exercise = vocabulary_choice(EXERCISE)
    onset = vocabulary_choice(ONSET)
    condition = vocabulary_choice(CONDITION)
    symptom = vocabulary_choice(SYMPTOM)
    age_band = vocabulary_choice(AGE_BAND)
    outcome = vocabulary_choice(OUTCOME)
    intensity = vocabulary_choice(INTENSITY)
    tag = TagName()

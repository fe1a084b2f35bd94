"""The one input schema of a search, shared by the page and the API."""

from marshmallow import fields, validate

from forum.validation import InputSchema
from forum.vocabulary import (
    AGE_BAND,
    CONDITION,
    EXERCISE,
    FLARE,
    INTENSITY,
    ONSET,
    OUTCOME,
    SYMPTOM,
)

FILTERS = {
    "exercise": EXERCISE,
    "onset": ONSET,
    "condition": CONDITION,
    "symptom": SYMPTOM,
    "outcome": OUTCOME,
    "intensity": INTENSITY,
    "flare": FLARE,
    "age_band": AGE_BAND,
}
SORTS = ("relevance", "newest")
MAX_PAGE = 500


def _choice(keys) -> fields.String:
    return fields.String(validate=validate.OneOf(list(keys), error="Choose a listed key."))


class SearchQuerySchema(InputSchema):
    """`q` is free text: anything a member types is accepted and made harmless later."""

    q = fields.String(load_default="")
    exercise = _choice(EXERCISE)
    onset = _choice(ONSET)
    condition = _choice(CONDITION)
    symptom = _choice(SYMPTOM)
    outcome = _choice(OUTCOME)
    intensity = _choice(INTENSITY)
    flare = _choice(FLARE)
    age_band = _choice(AGE_BAND)
    tag = fields.String(
        validate=validate.Regexp(r"^[a-z0-9-]{2,30}$", error="Tags are 2-30 of a-z, 0-9 and -.")
    )
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 100))

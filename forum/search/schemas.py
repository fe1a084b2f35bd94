"""The one input schema of a search, shared by the page and the API."""

from marshmallow import fields, validate

from forum.fields import FILTER_VOCABULARIES, ExperienceFilterSchema, vocabulary_choice
from forum.vocabulary import FLARE

# Search also filters by when flare-ups came; the page shows the filters in this order.
FILTER_ORDER = (
    "exercise",
    "onset",
    "condition",
    "symptom",
    "outcome",
    "intensity",
    "flare",
    "age_band",
    "onset_detail",
    "severity",
    "years_ill",
)
FILTERS = {name: {**FILTER_VOCABULARIES, "flare": FLARE}[name] for name in FILTER_ORDER}
SORTS = ("relevance", "newest")
MAX_PAGE = 500


class SearchQuerySchema(ExperienceFilterSchema):
    """`q` is free text: anything a member types is accepted and made harmless later."""

    q = fields.String(load_default="")
    flare = vocabulary_choice(FLARE)
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 100))

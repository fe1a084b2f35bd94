"""GET /api/v1/search: published experiences matching a query, with highlights and facets."""

from flask import Blueprint, jsonify

from forum.api.request import query_args
from forum.experiences.schemas import ExperienceSchema
from forum.search import search
from forum.search.schemas import SearchQuerySchema

bp = Blueprint("api_search", __name__, url_prefix="/api/v1")


@bp.get("/search")
def search_experiences():
    results = search(query_args(SearchQuerySchema()))
    schema = ExperienceSchema()
    return jsonify(
        {
            "items": [
                {
                    "experience": schema.dump(hit.experience),
                    "highlights": {name: str(text) for name, text in hit.highlights.items()},
                }
                for hit in results.items
            ],
            "total": results.total,
            "facets": results.facets,
            "suggestion": results.suggestion,
            "page": results.page,
            "per_page": results.per_page,
            "notice": results.notice,
        }
    )

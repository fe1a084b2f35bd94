"""GET /api/v1/search: published experiences matching a query, with highlights and facets."""

from forum.api.auth import api_user, member_optional
from forum.api.blueprint import ApiBlueprint
from forum.api.report_answers import SearchResultsShape
from forum.search import search
from forum.search.schemas import SearchQuerySchema

bp = ApiBlueprint("api_search", __name__, url_prefix="/api/v1", description="search")


@bp.get("/search")
@member_optional
@bp.arguments(SearchQuerySchema, location="query")
@bp.response(200, SearchResultsShape)
def search_experiences(args: dict):
    """Search published experiences

    Members-only experiences need a token; filters and facets on onset, condition, symptom
    and age band leave out experiences whose authors keep that "about me" private.
    """
    results = search(args, api_user())
    return {
        "items": [
            {
                "experience": hit.experience,
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

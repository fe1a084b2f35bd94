"""The search page: a box, facet links with counts, highlighted results, paging."""

from flask import Blueprint, render_template
from flask_login import current_user

from forum.errors import DomainError
from forum.http import query_args
from forum.pagination import link_args
from forum.search import index_version
from forum.search.schemas import FILTERS, SearchQuerySchema
from forum.search.service import search
from forum.web.page_cache import every_member, kept_for_anyone

bp = Blueprint("search", __name__)

FACET_TITLES = {"exercise": "Exercise", "onset": "How it began", "outcome": "Outcome"}
FACET_TITLES["onset_detail"] = "What started it"


@bp.get("/search", endpoint="page")
@kept_for_anyone(also_keyed_on=index_version, member_audience=every_member)
def search_page():
    try:
        results, errors = search(query_args(SearchQuerySchema()), current_user), {}
    except DomainError as error:
        results, errors = None, error.fields
    return render_template(
        "search/page.html",
        results=results,
        args=link_args(SearchQuerySchema()),
        errors=errors,
        filters=FILTERS,
        facet_titles=FACET_TITLES,
    ), (400 if errors else 200)

"""API endpoints for insights: one group beside everyone, and two groups compared."""

from forum.api.blueprint import ApiBlueprint
from forum.api.report_answers import ComparisonShape, InsightsShape
from forum.insights import service
from forum.insights.schemas import CompareSchema, InsightsQuerySchema

bp = ApiBlueprint("api_insights", __name__, url_prefix="/api/v1", description="insights")


@bp.get("/insights")
@bp.arguments(InsightsQuerySchema, location="query")
@bp.response(200, InsightsShape)
def insights(args: dict):
    """What worked for people like me, beside everyone

    Each person counts once per exercise with their latest answer: story, follow-up or quick
    answer. `view=long_term` shows "after 3 months or more": only follow-ups and stories
    tried for 13 weeks or more.
    """
    detail = args.pop("detail", None) == "intensity"
    view = args.pop("view", "all")
    return service.insights(args, detail=detail, view=view)


@bp.get("/insights/compare")
@bp.arguments(CompareSchema, location="query")
@bp.response(200, ComparisonShape)
def compare(args: dict):
    """Two groups side by side

    Each group is `everyone` or comma-separated field:key pairs, e.g.
    `onset:injury,condition:both`.
    """
    detail = args.get("detail") == "intensity"
    return service.compare(args["a"], args["b"], detail=detail)

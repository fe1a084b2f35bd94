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
    """What worked for people like me, beside everyone"""
    detail = args.pop("detail", None) == "intensity"
    return service.insights(args, detail=detail)


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

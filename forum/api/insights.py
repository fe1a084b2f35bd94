"""API endpoints for insights: one group beside everyone, and two groups compared."""

from flask import Blueprint, jsonify

from forum.api.request import query_args
from forum.insights import service
from forum.insights.schemas import CompareSchema, InsightsQuerySchema

bp = Blueprint("api_insights", __name__, url_prefix="/api/v1")


@bp.get("/insights")
def insights():
    args = query_args(InsightsQuerySchema())
    detail = args.pop("detail", None) == "intensity"
    return jsonify(service.insights(args, detail=detail))


@bp.get("/insights/compare")
def compare():
    args = query_args(CompareSchema())
    detail = args.get("detail") == "intensity"
    return jsonify(service.compare(args["a"], args["b"], detail=detail))

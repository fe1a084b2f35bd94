"""API endpoints for experiences, their replies and "me too" marks."""

from flask import Blueprint, jsonify

from forum.api.auth import api_user, member_optional, member_required
from forum.api.request import json_body, query_args
from forum.experiences import discussion, queries, service
from forum.experiences.schemas import ExperienceSchema, ReplySchema

bp = Blueprint("api_experiences", __name__, url_prefix="/api/v1")


def _page_json(page: queries.Page, schema) -> dict:
    return {
        "items": schema.dump(page.items, many=True),
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


@bp.get("/experiences")
def list_experiences():
    filters = query_args(queries.ListQuerySchema())
    return jsonify(_page_json(queries.list_published(filters), ExperienceSchema()))


@bp.post("/experiences")
@member_required
def create_experience():
    experience = service.submit_experience(api_user(), json_body())
    return jsonify(ExperienceSchema().dump(experience)), 201


@bp.get("/experiences/<int:experience_id>")
@member_optional
def get_experience(experience_id: int):
    experience = queries.visible_experience(api_user(), experience_id)
    return jsonify(ExperienceSchema().dump(experience))


@bp.patch("/experiences/<int:experience_id>")
@member_required
def update_experience(experience_id: int):
    experience = service.edit_experience(api_user(), experience_id, json_body(), partial=True)
    return jsonify(ExperienceSchema().dump(experience))


@bp.delete("/experiences/<int:experience_id>")
@member_required
def delete_experience(experience_id: int):
    service.delete_experience(api_user(), experience_id)
    return "", 204


@bp.get("/experiences/<int:experience_id>/replies")
@member_optional
def list_replies(experience_id: int):
    paging = query_args(queries.PageQuerySchema())
    experience = queries.visible_experience(api_user(), experience_id)
    page = queries.published_replies(experience, paging["page"], paging["per_page"])
    return jsonify(_page_json(page, ReplySchema()))


@bp.post("/experiences/<int:experience_id>/replies")
@member_required
def create_reply(experience_id: int):
    reply = discussion.add_reply(api_user(), experience_id, json_body())
    return jsonify(ReplySchema().dump(reply)), 201


@bp.post("/experiences/<int:experience_id>/me-too")
@member_required
def mark_me_too(experience_id: int):
    marked, count = discussion.set_me_too(api_user(), experience_id, True)
    return jsonify(me_too=marked, me_too_count=count)


@bp.delete("/experiences/<int:experience_id>/me-too")
@member_required
def unmark_me_too(experience_id: int):
    marked, count = discussion.set_me_too(api_user(), experience_id, False)
    return jsonify(me_too=marked, me_too_count=count)

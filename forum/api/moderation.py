"""API endpoints for moderation (queue, decisions, log, suspensions, roles) and for flags."""

from functools import wraps

from flask import Blueprint, jsonify

from forum.api.auth import api_user, member_required
from forum.api.request import json_body, query_args
from forum.clock import isoformat
from forum.errors import Forbidden
from forum.experiences.schemas import ExperienceSchema, ReplySchema
from forum.moderation import flagging, log_queries, members, queries, service
from forum.moderation.schemas import (
    FlagOutputSchema,
    LogArgsSchema,
    MemberStandingSchema,
    ModerationActionSchema,
    QueueArgsSchema,
)
from forum.permissions import is_moderator

bp = Blueprint("api_moderation", __name__, url_prefix="/api/v1")


def moderator_required(view):
    """A valid token (else 401) of a moderator or admin (else 403)."""

    @member_required
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not is_moderator(api_user()):
            raise Forbidden("Only moderators can do that.")
        return view(*args, **kwargs)

    return wrapper


def _experience_json(experience) -> dict:
    # The version lets a client decide on exactly what it saw (see the decision endpoint).
    return {**ExperienceSchema().dump(experience), "version": experience.version}


def _reply_json(reply) -> dict:
    return {
        **ReplySchema().dump(reply),
        "experience_id": reply.experience_id,
        "status": reply.status,
    }


def _queue_item_json(entry, kind: str) -> dict:
    body = _reply_json(entry.item) if kind == "flagged_replies" else _experience_json(entry.item)
    body["waiting_since"] = isoformat(entry.waiting_since)
    if kind != "pending":
        body["flag_count"] = len(entry.flags)
        body["flag_reasons"] = entry.flag_reasons
        body["flags"] = FlagOutputSchema(only=("reason", "note", "created_at")).dump(
            entry.flags, many=True
        )
    return body


@bp.get("/moderation/queue")
@moderator_required
def queue():
    args = query_args(QueueArgsSchema())
    page = queries.queue_page(args["kind"], args["page"], args["per_page"])
    return jsonify(
        kind=args["kind"],
        items=[_queue_item_json(entry, args["kind"]) for entry in page.items],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
    )


@bp.post("/moderation/experiences/<int:experience_id>/decision")
@moderator_required
def decide(experience_id: int):
    experience = service.decide(api_user(), experience_id, json_body())
    return jsonify(_experience_json(experience))


@bp.post("/moderation/replies/<int:reply_id>/decision")
@moderator_required
def decide_reply(reply_id: int):
    reply = service.decide_reply(api_user(), reply_id, json_body())
    return jsonify(_reply_json(reply))


@bp.get("/moderation/log")
@moderator_required
def log():
    args = query_args(LogArgsSchema())
    page = log_queries.log_page(args)
    return jsonify(
        items=ModerationActionSchema().dump(page.items, many=True),
        page=page.page,
        per_page=page.per_page,
        total=page.total,
    )


@bp.post("/moderation/users/<username>/suspend")
@moderator_required
def suspend(username: str):
    member = members.suspend(api_user(), username, json_body())
    return jsonify(user=MemberStandingSchema().dump(member))


@bp.post("/moderation/users/<username>/unsuspend")
@moderator_required
def unsuspend(username: str):
    member = members.unsuspend(api_user(), username, json_body(optional=True))
    return jsonify(user=MemberStandingSchema().dump(member))


@bp.post("/moderation/users/<username>/role")
@moderator_required
def set_role(username: str):
    member = members.set_role(api_user(), username, json_body())
    return jsonify(user=MemberStandingSchema().dump(member))


@bp.post("/experiences/<int:experience_id>/flags")
@member_required
def flag_experience(experience_id: int):
    flag = flagging.flag_experience(api_user(), experience_id, json_body())
    return jsonify(flag=FlagOutputSchema().dump(flag)), 201


@bp.post("/replies/<int:reply_id>/flags")
@member_required
def flag_reply(reply_id: int):
    flag = flagging.flag_reply(api_user(), reply_id, json_body())
    return jsonify(flag=FlagOutputSchema().dump(flag)), 201

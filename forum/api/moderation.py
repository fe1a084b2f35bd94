"""API endpoints for moderation (queue, decisions, log, suspensions, roles) and for flags."""

from forum import rate_limits
from forum.api.auth import api_user, member_required, moderator_required
from forum.api.blueprint import ApiBlueprint
from forum.api.moderation_answers import (
    FlagEnvelopeShape,
    FlagShape,
    LogPageShape,
    ModeratedExperienceShape,
    ModeratedFollowUpShape,
    ModeratedReplyShape,
    QueuePageShape,
    StandingEnvelopeShape,
)
from forum.clock import isoformat
from forum.moderation import flagging, log_queries, members, queries, service
from forum.moderation.schemas import (
    DecisionSchema,
    FlagSchema,
    FollowUpDecisionSchema,
    LogArgsSchema,
    QueueArgsSchema,
    ReplyDecisionSchema,
    RoleSchema,
    SuspensionSchema,
    UnsuspensionSchema,
)

bp = ApiBlueprint("api_moderation", __name__, url_prefix="/api/v1", description="moderation")


def _queue_item(entry, kind: str) -> dict:
    """The item as its own answer (a reply for flagged_replies), plus what it waits with."""
    shapes = {
        "reply": ModeratedReplyShape,
        "follow_up": ModeratedFollowUpShape,
        "experience": ModeratedExperienceShape,
    }
    body = shapes[entry.type]().dump(entry.item)
    body["type"] = entry.type
    body["waiting_since"] = isoformat(entry.waiting_since)
    if kind != "pending":
        body["flag_count"] = len(entry.flags)
        body["flag_reasons"] = entry.flag_reasons
        body["flags"] = FlagShape(only=("reason", "note", "created_at")).dump(
            entry.flags, many=True
        )
    return body


@bp.get("/moderation/queue")
@moderator_required
@bp.arguments(QueueArgsSchema, location="query")
@bp.response(200, QueuePageShape)
def queue(args: dict):
    """Items waiting for a decision, oldest first"""
    page = queries.queue_page(args["kind"], args["page"], args["per_page"])
    return {
        "kind": args["kind"],
        "items": [_queue_item(entry, args["kind"]) for entry in page.items],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


@bp.post("/moderation/experiences/<int:experience_id>/decision")
@moderator_required
@bp.arguments(DecisionSchema)
@bp.response(200, ModeratedExperienceShape)
@bp.documents_errors(409)
def decide(values: dict, experience_id: int):
    """Decide on an experience

    A reason is required to reject or hide. With `version`, a decision on a version that has
    since changed is refused (409).
    """
    return service.decide(api_user(), experience_id, values)


@bp.post("/moderation/replies/<int:reply_id>/decision")
@moderator_required
@bp.arguments(ReplyDecisionSchema)
@bp.response(200, ModeratedReplyShape)
@bp.documents_errors(409)
def decide_reply(values: dict, reply_id: int):
    """Decide on a reply"""
    return service.decide_reply(api_user(), reply_id, values)


@bp.post("/moderation/follow-ups/<int:follow_up_id>/decision")
@moderator_required
@bp.arguments(FollowUpDecisionSchema)
@bp.response(200, ModeratedFollowUpShape)
@bp.documents_errors(409)
def decide_follow_up(values: dict, follow_up_id: int):
    """Decide on a follow-up (approve, reject, hide, restore)

    A reason is required to reject or hide.
    """
    return service.decide_follow_up(api_user(), follow_up_id, values)


@bp.get("/moderation/log")
@moderator_required
@bp.arguments(LogArgsSchema, location="query")
@bp.response(200, LogPageShape)
def log(args: dict):
    """Every moderation action: who, what, when, why"""
    page = log_queries.log_page(args)
    return {"items": page.items, "page": page.page, "per_page": page.per_page, "total": page.total}


@bp.post("/moderation/users/<username:username>/suspend")
@moderator_required
@bp.arguments(SuspensionSchema)
@bp.response(200, StandingEnvelopeShape)
def suspend(values: dict, username: str):
    """Suspend a member: they can read, not write"""
    return {"user": members.suspend(api_user(), username, values)}


@bp.post("/moderation/users/<username:username>/unsuspend")
@moderator_required
@bp.arguments(UnsuspensionSchema, required=False)
@bp.response(200, StandingEnvelopeShape)
@bp.documents_errors(409)
def unsuspend(values: dict, username: str):
    """Lift a suspension"""
    return {"user": members.unsuspend(api_user(), username, values)}


@bp.post("/moderation/users/<username:username>/role")
@moderator_required
@bp.arguments(RoleSchema)
@bp.response(200, StandingEnvelopeShape)
@bp.documents_errors(409)
def set_role(values: dict, username: str):
    """Change a member's role (admins only)"""
    return {"user": members.set_role(api_user(), username, values)}


@bp.post("/experiences/<int:experience_id>/flags")
@member_required
@rate_limits.flag
@bp.arguments(FlagSchema)
@bp.response(201, FlagEnvelopeShape)
@bp.documents_errors(403, 409)
def flag_experience(values: dict, experience_id: int):
    """Flag an experience for moderators"""
    return {"flag": flagging.flag_experience(api_user(), experience_id, values)}


@bp.post("/replies/<int:reply_id>/flags")
@member_required
@rate_limits.flag
@bp.arguments(FlagSchema)
@bp.response(201, FlagEnvelopeShape)
@bp.documents_errors(403, 409)
def flag_reply(values: dict, reply_id: int):
    """Flag a reply for moderators"""
    return {"flag": flagging.flag_reply(api_user(), reply_id, values)}

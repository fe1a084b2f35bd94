"""Moderation pages: the review queue, decisions on experiences and replies, the audit log."""

from functools import wraps

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.errors import Conflict, Forbidden, Invalid, NotFound
from forum.extensions import db, login_manager
from forum.http import query_args
from forum.models import Experience, Reply, Status
from forum.moderation import log_queries, queries, service
from forum.moderation.schemas import (
    LOG_ACTIONS,
    QUEUE_KINDS,
    TARGET_TYPES,
    DecisionSchema,
    FollowUpDecisionSchema,
    LogArgsSchema,
    QueueArgsSchema,
    ReplyDecisionSchema,
)
from forum.permissions import is_moderator
from forum.validation import load
from forum.web.forms import form_input, is_safe_next

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

DONE = {
    "approve": "Approved and published",
    "reject": "Rejected; the author is told why",
    "hide": "Hidden; the author is told why",
    "restore": "Restored and published",
    "dismiss": "Flags dismissed; it stays published",
}


def moderator_page(view):
    """Sign-in first (redirect), then moderators and admins only (403 page)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not is_moderator(current_user):
            raise Forbidden("Only moderators can see this page.")
        return view(*args, **kwargs)

    return wrapper


def back_to(default: str):
    """Redirect to the form's `next` when it stays on this site, else to `default`."""
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else default)


@bp.get("")
@moderator_page
def queue():
    args = query_args(QueueArgsSchema())
    page = queries.queue_page(args["kind"], args["page"], args["per_page"], details=True)
    return render_template(
        "moderation/queue.html",
        kind=args["kind"],
        kinds=QUEUE_KINDS,
        counts=queries.waiting_counts(),
        page=page,
    )


def _decision_page(item, errors: dict | None = None, values: dict | None = None):
    """The decision form on its own page; after bad input, with messages beside the fields."""
    page = render_template(
        "moderation/decide.html",
        item=item,
        is_reply=isinstance(item, Reply),
        errors=errors or {},
        values=values or {},
    )
    return page, 422 if errors else 200


@bp.get("/replies/<int:reply_id>")
@moderator_page
def reply(reply_id: int):
    """One reply and its decisions, also once hidden (the experience page lists published ones)."""
    reply = db.session.get(Reply, reply_id)
    if reply is None or reply.status == Status.DELETED:
        raise NotFound("There is no such reply.")
    return _decision_page(reply)


@bp.post("/experiences/<int:experience_id>/decision")
@moderator_page
def decide(experience_id: int):
    values = form_input(DecisionSchema())
    try:
        experience = service.decide(
            current_user, experience_id, load(DecisionSchema(), values, from_form=True)
        )
    except Invalid as error:
        experience = db.session.get(Experience, experience_id)
        if experience is None:
            raise NotFound("There is no such experience.") from None
        return _decision_page(experience, error.fields, values)
    except Conflict as error:
        flash(error.message, "error")
        return back_to(url_for("moderation.queue"))
    flash(f"{DONE[values['action']]}: “{experience.title}”.")
    return back_to(url_for("moderation.queue"))


@bp.post("/follow-ups/<int:follow_up_id>/decision")
@moderator_page
def decide_follow_up(follow_up_id: int):
    values = form_input(FollowUpDecisionSchema())
    try:
        service.decide_follow_up(
            current_user, follow_up_id, load(FollowUpDecisionSchema(), values, from_form=True)
        )
    except (Invalid, Conflict) as error:
        details = [message for messages in (error.fields or {}).values() for message in messages]
        flash(" ".join(details) or error.message, "error")
        return back_to(url_for("moderation.queue"))
    flash(f"{DONE[values['action']]}: the follow-up.")
    return back_to(url_for("moderation.queue"))


@bp.post("/replies/<int:reply_id>/decision")
@moderator_page
def decide_reply(reply_id: int):
    values = form_input(ReplyDecisionSchema())
    try:
        service.decide_reply(
            current_user, reply_id, load(ReplyDecisionSchema(), values, from_form=True)
        )
    except Invalid as error:
        reply = db.session.get(Reply, reply_id)
        if reply is None:
            raise NotFound("There is no such reply.") from None
        return _decision_page(reply, error.fields, values)
    except Conflict as error:
        flash(error.message, "error")
        return back_to(url_for("moderation.queue", kind="flagged_replies"))
    flash(f"{DONE[values['action']]}: the reply.")
    return back_to(url_for("moderation.queue", kind="flagged_replies"))


@bp.get("/log")
@moderator_page
def log():
    filters = query_args(LogArgsSchema())
    page = log_queries.log_page(filters)
    return render_template(
        "moderation/log.html",
        page=page,
        filters=filters,
        names=log_queries.target_titles(page.items),
        actions=LOG_ACTIONS,
        target_types=TARGET_TYPES,
        kinds=QUEUE_KINDS,
        counts=queries.waiting_counts(),
    )

"""Members flagging an experience or a reply from its page."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum import permissions, rate_limits
from forum.errors import Conflict, Invalid, NotFound
from forum.experiences.queries import visible_experience
from forum.extensions import db
from forum.models import Reply
from forum.moderation import flagging
from forum.moderation.schemas import FlagSchema
from forum.validation import load
from forum.web.forms import form_input

bp = Blueprint("flags", __name__)

THANKS = "Thank you. A moderator will look at it."


REPORTS_PAUSED = (
    "That was a lot of reports in a short time, so this one was not sent yet. Everything you "
    "chose and typed is still here: send it again in {wait}."
)


def _visible_reply(reply_id: int) -> Reply:
    """The reply, which the report page shows in full: 404 unless this member may read it."""
    reply = db.session.get(Reply, reply_id)
    if reply is None:
        raise NotFound(permissions.NO_REPLY)
    permissions.ensure_can_view_reply(current_user, reply)
    return reply


def _flag_page(experience_id: int, reply: Reply | None, values: dict, errors: dict) -> str:
    """The report form on a page of its own, sent back with what was chosen and typed."""
    return render_template(
        "moderation/flag.html",
        experience=visible_experience(current_user, experience_id),
        reply=reply,
        errors=errors,
        values=values,
    )


def _flag_when_limited(message: str) -> str:
    reply_id = request.view_args.get("reply_id")
    reply = _visible_reply(reply_id) if reply_id is not None else None
    experience_id = reply.experience_id if reply else request.view_args["experience_id"]
    return _flag_page(experience_id, reply, form_input(FlagSchema()), {"_schema": [message]})


def _flag(use_case, item_id: int, experience_id: int, reply: Reply | None = None):
    """Flag from a form: back to the item with a thank-you, or the form again with messages."""
    values = form_input(FlagSchema())
    try:
        use_case(current_user, item_id, load(FlagSchema(), values, from_form=True))
    except Invalid as error:
        return _flag_page(experience_id, reply, values, error.fields), 422
    except Conflict as error:
        flash(error.message, "error")
    else:
        flash(THANKS)
    anchor = f"#reply-{reply.id}" if reply else "#flag"
    return redirect(url_for("experiences.detail", experience_id=experience_id) + anchor)


@bp.post("/experiences/<int:experience_id>/flags")
@login_required
@rate_limits.keeps_form(_flag_when_limited, REPORTS_PAUSED)
@rate_limits.flag
def flag_experience(experience_id: int):
    return _flag(flagging.flag_experience, experience_id, experience_id)


@bp.post("/replies/<int:reply_id>/flags")
@login_required
@rate_limits.keeps_form(_flag_when_limited, REPORTS_PAUSED)
@rate_limits.flag
def flag_reply(reply_id: int):
    reply = _visible_reply(reply_id)
    return _flag(flagging.flag_reply, reply_id, reply.experience_id, reply)

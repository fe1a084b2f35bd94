"""Members flagging an experience or a reply from its page."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum import rate_limits
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


def _flag(use_case, item_id: int, experience_id: int, reply: Reply | None = None):
    """Flag from a form: back to the item with a thank-you, or the form again with messages."""
    values = form_input(FlagSchema())
    try:
        use_case(current_user, item_id, load(FlagSchema(), values, from_form=True))
    except Invalid as error:
        experience = visible_experience(current_user, experience_id)
        page = render_template(
            "moderation/flag.html",
            experience=experience,
            reply=reply,
            errors=error.fields,
            values=values,
        )
        return page, 422
    except Conflict as error:
        flash(error.message, "error")
    else:
        flash(THANKS)
    anchor = f"#reply-{reply.id}" if reply else "#flag"
    return redirect(url_for("experiences.detail", experience_id=experience_id) + anchor)


@bp.post("/experiences/<int:experience_id>/flags")
@login_required
@rate_limits.flag
def flag_experience(experience_id: int):
    return _flag(flagging.flag_experience, experience_id, experience_id)


@bp.post("/replies/<int:reply_id>/flags")
@login_required
@rate_limits.flag
def flag_reply(reply_id: int):
    reply = db.session.get(Reply, reply_id)
    if reply is None:
        raise NotFound("There is no such reply.")
    return _flag(flagging.flag_reply, reply_id, reply.experience_id, reply)

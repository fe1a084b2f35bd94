"""Pages for one's own replies: edit (on its own page) and delete; moderators may delete too."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum import permissions
from forum.errors import Invalid, NotFound
from forum.experiences import own_replies
from forum.experiences.schemas import ReplyInputSchema
from forum.extensions import db
from forum.models import Reply
from forum.validation import load
from forum.web.forms import form_input

bp = Blueprint("replies", __name__, url_prefix="/replies")


def _thread(reply: Reply) -> str:
    return url_for("experiences.detail", experience_id=reply.experience_id) + "#replies"


def _editable(reply_id: int) -> Reply:
    reply = db.session.get(Reply, reply_id)
    if reply is None:
        raise NotFound(permissions.NO_REPLY)
    permissions.ensure_can_edit_reply(current_user, reply)
    return reply


@bp.route("/<int:reply_id>/edit", methods=["GET", "POST"])
@login_required
def edit(reply_id: int):
    reply = _editable(reply_id)
    body, errors = reply.body, {}
    if request.method == "POST":
        body = request.form.get("body", "")
        try:
            reply = own_replies.edit_reply(
                current_user,
                reply_id,
                load(ReplyInputSchema(), form_input(ReplyInputSchema()), from_form=True),
            )
        except Invalid as error:
            errors = error.fields or {"_schema": [error.message]}
        else:
            if reply.status == "pending":
                flash("Saved. Your reply will appear again once a moderator has read it.")
            else:
                flash("Your reply is saved.")
            return redirect(_thread(reply))
    page = render_template(
        "experiences/reply_edit.html", reply=reply, values={"body": body}, errors=errors
    )
    return page, 422 if errors else 200


@bp.post("/<int:reply_id>/delete")
@login_required
def delete(reply_id: int):
    reply = db.session.get(Reply, reply_id)
    if reply is None:
        raise NotFound(permissions.NO_REPLY)
    thread = _thread(reply)
    own_replies.delete_reply(current_user, reply_id)
    flash("The reply is deleted.")
    return redirect(thread)

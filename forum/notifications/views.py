"""Notification pages: the list, marking read, watching, the settings form, unsubscribing."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.errors import Invalid
from forum.extensions import csrf
from forum.notifications import queries, service
from forum.notifications.schemas import MarkReadSchema, NotificationSettingsSchema
from forum.notifications.unsubscribe import read_token
from forum.pagination import requested_page
from forum.validation import load
from forum.web.forms import form_input
from forum.web.page_cache import kept_for_anyone, the_reader_alone

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
@kept_for_anyone(member_audience=the_reader_alone)
def index():
    unread = request.args.get("unread") == "1"
    page = queries.list_for(current_user, unread=unread, page=requested_page(queries.MAX_PAGE))
    return render_template(
        "notifications/index.html",
        page=page,
        unread=unread,
        args={"unread": "1"} if unread else {},
    )


@bp.post("/notifications/read")
@login_required
def mark_read():
    if request.form.get("all") == "1":
        values = {"all": True}
    else:
        raw = request.form.get("id", "")
        values = {"ids": [int(raw)]} if raw.isascii() and raw.isdigit() and len(raw) < 10 else {}
    service.mark_read(current_user, load(MarkReadSchema(), values))
    target = url_for("notifications.index")
    back = request.form.get("page", "")
    if back.isascii() and back.isdigit() and len(back) < 6 and back != "1":
        target = url_for("notifications.index", page=int(back))
    return redirect(target)


@bp.post("/experiences/<int:experience_id>/watch")
@login_required
def watch(experience_id: int):
    if request.form.get("watch") == "0":
        service.unwatch(current_user, experience_id)
        flash("You will no longer hear about new replies here.")
    else:
        service.watch(current_user, experience_id)
        flash("You will hear about new replies here.")
    return redirect(url_for("experiences.detail", experience_id=experience_id) + "#watch")


@bp.post("/notifications/settings")
@login_required
def settings():
    data = form_input(NotificationSettingsSchema())
    data["watch_replies"] = request.form.get("watch_replies") == "1"
    try:
        service.save_settings(
            current_user, load(NotificationSettingsSchema(), data, from_form=True)
        )
    except Invalid:
        flash("Choose off, at once or daily for each kind of e-mail.", "error")
    else:
        flash("Your notification settings are saved.")
    return redirect(url_for("auth.profile") + "#notification-settings")


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click", no session, no form
def unsubscribe(token: str):
    found = read_token(token)
    if found is None:
        return render_template("notifications/unsubscribe.html", invalid=True), 400
    user_id, kind = found
    if request.method == "GET":
        return render_template("notifications/unsubscribe.html", kind=kind, token=token)
    member = service.unsubscribe(user_id, kind)
    if member is None:
        return render_template("notifications/unsubscribe.html", invalid=True), 400
    return render_template("notifications/unsubscribe.html", kind=kind, done=True)

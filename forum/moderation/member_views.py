"""Moderation pages about members: look one up, suspend or reinstate, change a role (admins)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from forum.clock import utcnow
from forum.errors import Conflict, Invalid, NotFound
from forum.extensions import db
from forum.models import User
from forum.moderation import members, queries
from forum.moderation.schemas import QUEUE_KINDS, RoleSchema, SuspensionSchema, UnsuspensionSchema
from forum.moderation.views import moderator_page
from forum.validation import load
from forum.web.forms import form_input

bp = Blueprint("moderation_members", __name__, url_prefix="/moderation/members")


def _standing_lists() -> dict:
    """Who is suspended now and who moderates: short lists, two queries."""
    suspended = db.session.scalars(
        select(User)
        .where(User.suspended_until > utcnow(), User.deleted_at.is_(None))
        .order_by(User.suspended_until)
        .limit(100)
    ).all()
    staff = db.session.scalars(
        select(User)
        .where(User.role.in_(("moderator", "admin")), User.deleted_at.is_(None))
        .order_by(User.username_key)
        .limit(200)
    ).all()
    return {"suspended": suspended, "staff": staff}


def _members_page(
    member: User | None, errors: dict | None = None, values: dict | None = None, status=None
):
    history = queries.author_histories({member.id}).get(member.id) if member else None
    page = render_template(
        "moderation/members.html",
        member=member,
        history=history,
        query=request.args.get("username", member.username if member else ""),
        errors=errors or {},
        values=values or {},
        can_suspend=member is not None and members.can_suspend(current_user, member),
        kinds=QUEUE_KINDS,
        counts=queries.waiting_counts(),
        **_standing_lists(),
    )
    return page, status or (422 if errors else 200)


@bp.get("")
@moderator_page
def index():
    username = request.args.get("username", "").strip()
    if not username:
        return _members_page(None)
    try:
        member = members.find_member(username)
    except NotFound as error:
        return _members_page(None, {"username": [error.message]}, status=404)
    return _members_page(member)


def _act(username: str, use_case, schema, done: str):
    """Run a use case from a posted form: messages beside the fields, or back with a note."""
    values = form_input(schema)
    try:
        member = use_case(current_user, username, load(schema, values, from_form=True))
    except Invalid as error:
        return _members_page(members.find_member(username), error.fields, values)
    except Conflict as error:
        flash(error.message, "error")
    else:
        flash(done.format(name=member.username))
    return redirect(url_for("moderation_members.index", username=username))


@bp.post("/<username>/suspend")
@moderator_page
def suspend(username: str):
    done = "{name} is suspended: they can read but not write until it ends."
    return _act(username, members.suspend, SuspensionSchema(), done)


@bp.post("/<username>/unsuspend")
@moderator_page
def unsuspend(username: str):
    return _act(username, members.unsuspend, UnsuspensionSchema(), "{name} may write again.")


@bp.post("/<username>/role")
@moderator_page
def set_role(username: str):
    return _act(username, members.set_role, RoleSchema(), "{name}'s role is changed.")

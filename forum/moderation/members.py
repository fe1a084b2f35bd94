"""Member standing: suspensions by moderators and roles given by admins (or the CLI)."""

import re
from datetime import timedelta

from sqlalchemy import select

from forum.audit import record_action
from forum.auth.schemas import USERNAME_PATTERN
from forum.clock import utcnow
from forum.errors import Conflict, Forbidden, NotFound
from forum.extensions import db
from forum.models import User
from forum.notifications import events
from forum.permissions import ensure_can_moderate, ensure_can_write, is_admin
from forum.vocabulary import ROLE


def find_member(username: str) -> User:
    """The active account with this username (any letter case), or NotFound."""
    if not re.fullmatch(USERNAME_PATTERN, username):
        raise NotFound("There is no member with that name.")
    user = db.session.scalar(
        select(User).where(User.username_key == username.lower(), User.deleted_at.is_(None))
    )
    if user is None:
        raise NotFound("There is no member with that name.")
    return user


def can_suspend(actor: User | None, member: User) -> bool:
    """Moderators suspend members; only admins suspend moderators; nobody suspends an admin."""
    if actor is None or actor.id == member.id or member.is_admin:
        return False
    if member.is_moderator:
        return is_admin(actor)
    return actor.is_moderator


def suspend(moderator: User, username: str, values: dict) -> User:
    """Stop a member writing for some days; the suspension ends by itself."""
    ensure_can_moderate(moderator)
    member = find_member(username)
    if not can_suspend(moderator, member):
        raise Forbidden("You cannot suspend this account.")
    member.suspended_until = utcnow() + timedelta(days=values["days"])
    member.suspension_reason = values["reason"]
    until = member.suspended_until.strftime("%d %b %Y %H:%M UTC")
    record_action(
        moderator,
        "suspend",
        "user",
        member.id,
        subject_id=member.id,
        note=f"For {values['days']} days, until {until}: {values['reason']}",
    )
    events.member_suspended(member)
    db.session.commit()
    return member


def unsuspend(moderator: User, username: str, values: dict) -> User:
    """End a suspension early."""
    ensure_can_moderate(moderator)
    member = find_member(username)
    if not can_suspend(moderator, member):
        raise Forbidden("You cannot change this account's suspension.")
    if not member.is_suspended():
        raise Conflict("This member is not suspended.")
    member.suspended_until = None
    member.suspension_reason = None
    record_action(
        moderator, "unsuspend", "user", member.id, subject_id=member.id, note=values.get("note")
    )
    db.session.commit()
    return member


def set_role(admin: User | None, username: str, values: dict) -> User:
    """Give a member a role. `admin` is None for the command line, which the server's owner runs."""
    if admin is not None:
        if not is_admin(admin):
            raise Forbidden("Only admins can change roles.")
        ensure_can_write(admin)
    role = values["role"]
    member = find_member(username)
    if admin is not None and member.id == admin.id:
        raise Forbidden("Ask another admin to change your own role.")
    if member.role == role:
        raise Conflict(f"{member.username} is already a {ROLE[role].lower()}.")
    note = f"{ROLE[member.role]} → {ROLE[role]}"
    member.role = role
    record_action(admin, "role_change", "user", member.id, subject_id=member.id, note=note)
    db.session.commit()
    return member

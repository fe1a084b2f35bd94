"""Who may do what: plain predicates shared by services, views and templates."""

from flask import current_app

from forum.errors import Forbidden
from forum.models import Experience, User


def is_moderator(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_moderator


def is_admin(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_admin


def is_trusted(user: User | None) -> bool:
    """Moderators, and members with enough approved experiences: their posts publish at once."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_moderator:
        return True
    return user.approvals_toward_trust >= current_app.config["TRUST_THRESHOLD"]


def can_write(user: User | None) -> bool:
    """Signed in and not suspended: may post, edit, reply, flag and mark "me too"."""
    return user is not None and user.is_authenticated and not user.is_suspended()


def ensure_can_write(user: User | None) -> None:
    """Raise Forbidden, saying until when, for a suspended member."""
    if user is None or not user.is_authenticated:
        raise Forbidden("Sign in first.")
    if user.is_suspended():
        until = user.suspended_until.strftime("%d %B %Y, %H:%M UTC")
        raise Forbidden(f"Your account is suspended until {until}; you can read but not write.")


def is_author(user: User | None, experience: Experience) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and experience.author_id is not None
        and experience.author_id == user.id
    )


def can_view_experience(user: User | None, experience: Experience) -> bool:
    """Published ones for everyone; the rest only for the author and moderators."""
    if experience.status == "deleted":
        return is_moderator(user)
    if experience.status == "published":
        return True
    return is_author(user, experience) or is_moderator(user)


def can_edit_experience(user: User | None, experience: Experience) -> bool:
    """Author or moderator; a hidden one only a moderator (authors cannot edit it back out)."""
    if experience.status == "deleted" or not can_write(user):
        return False
    if experience.status == "hidden":
        return is_moderator(user)
    return is_author(user, experience) or is_moderator(user)


def can_delete_experience(user: User | None, experience: Experience) -> bool:
    """Author or moderator, in any status but deleted (authors may remove a hidden one)."""
    if experience.status == "deleted" or not can_write(user):
        return False
    return is_author(user, experience) or is_moderator(user)


def can_reply(user: User | None, experience: Experience) -> bool:
    """Replies open on published experiences only, to members who may write."""
    return experience.status == "published" and can_write(user)


def can_mark_me_too(user: User | None, experience: Experience) -> bool:
    """Anyone who may write, on a published experience that is not their own."""
    return experience.status == "published" and can_write(user) and not is_author(user, experience)

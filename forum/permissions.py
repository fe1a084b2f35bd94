"""Who may do what: plain predicates shared by services, views and templates."""

from forum.errors import Forbidden
from forum.models import Experience, User


def is_moderator(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_moderator


def is_admin(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_admin


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
    if experience.status == "deleted" or not can_write(user):
        return False
    return is_author(user, experience) or is_moderator(user)


def can_delete_experience(user: User | None, experience: Experience) -> bool:
    return can_edit_experience(user, experience)

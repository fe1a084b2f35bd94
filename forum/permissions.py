"""Who may do what, in one place: every `can_x` has an `ensure_can_x`.

Templates ask `can_x` to decide whether to show a button or a form; services call
`ensure_can_x`, which raises exactly when `can_x` is False: NotFound for content the caller
may not see (the contract's "404 also for content the caller may not see"), Forbidden for
what they see but may not do, Conflict for what no one may do in the item's current status.
"""

from flask import current_app, g, has_request_context, request
from flask_login import current_user

from forum.errors import Conflict, Forbidden, NotFound
from forum.models import Experience, FollowUp, Reply, Status, User
from forum.vocabulary import PUBLIC
from forum.workflow import ALREADY_DECIDED, decisions

NOT_OPEN = "Replies and “me too” open once the experience is published."
NO_EXPERIENCE = "We could not find that experience."
NO_REPLY = "There is no such reply."
NO_FOLLOW_UP = "There is no such follow-up."


def is_moderator(user: User | None) -> bool:
    """Signed in as a moderator or an admin."""
    return user is not None and user.is_authenticated and user.is_moderator


def is_admin(user: User | None) -> bool:
    """Signed in as an admin."""
    return user is not None and user.is_authenticated and user.is_admin


def is_trusted(user: User | None) -> bool:
    """Moderators, and members with enough approved experiences: their posts publish at once."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_moderator:
        return True
    return user.approvals_toward_trust >= current_app.config["TRUST_THRESHOLD"]


def reply_needs_review(user: User | None) -> bool:
    """With REVIEW_NEW_MEMBER_REPLIES on, a reply (or an edit of one) by a member not yet
    trusted waits for a moderator: nothing unreviewed is public."""
    return current_app.config["REVIEW_NEW_MEMBER_REPLIES"] and not is_trusted(user)


def is_author(user: User | None, item: Experience | Reply) -> bool:
    """Signed in as the member who wrote the experience or reply."""
    return (
        user is not None
        and user.is_authenticated
        and item.author_id is not None
        and item.author_id == user.id
    )


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


def can_moderate(user: User | None) -> bool:
    """Moderators and admins, while they are not suspended themselves."""
    return is_moderator(user) and can_write(user)


def ensure_can_moderate(user: User | None) -> None:
    """Forbidden for anyone but a moderator or admin who may write."""
    if not is_moderator(user):
        raise Forbidden("Only moderators can do that.")
    ensure_can_write(user)


def can_view_experience(user: User | None, experience: Experience) -> bool:
    """Published ones for everyone; the rest only for the author and moderators; deleted: no one."""
    if experience.status == Status.DELETED:
        return False
    if experience.status == Status.PUBLISHED:
        return experience.visibility == PUBLIC or is_signed_in(user)
    if experience.status == Status.DRAFT:  # drafts are seen by their author only
        return is_author(user, experience)
    return is_author(user, experience) or is_moderator(user)


def is_signed_in(user: User | None) -> bool:
    """A member (of any role) is signed in: members-only stories are for them."""
    return user is not None and user.is_authenticated


def current_viewer() -> User | None:
    """Who the answer being made is for: the API's token holder (the API never reads the
    session cookie), else the member signed in to the pages; None for a visitor."""
    if not has_request_context():
        return None
    if "api_user" in g or request.path.startswith("/api/"):
        return g.get("api_user")
    return current_user if is_signed_in(current_user) else None


def sees_profile(user: User | None, experience: Experience) -> bool:
    """Whether the story's "about me" (vocabulary.PROFILE_FIELDS) is shown to `user`: always
    when its author shares it, otherwise to the author and moderators only."""
    return experience.share_profile or is_author(user, experience) or is_moderator(user)


def ensure_can_view_experience(user: User | None, experience: Experience) -> None:
    """NotFound exactly when can_view_experience is False."""
    if not can_view_experience(user, experience):
        raise NotFound(NO_EXPERIENCE)


def can_edit_experience(user: User | None, experience: Experience) -> bool:
    """Author or moderator; a hidden one only a moderator (authors cannot edit it back out)."""
    if not (can_write(user) and can_view_experience(user, experience)):
        return False
    if experience.status == Status.HIDDEN:
        return is_moderator(user)
    return is_author(user, experience) or is_moderator(user)


def ensure_can_edit_experience(user: User | None, experience: Experience) -> None:
    """Raise exactly when can_edit_experience is False: Forbidden, or NotFound if unseen."""
    ensure_can_write(user)
    ensure_can_view_experience(user, experience)
    if not can_edit_experience(user, experience):
        raise Forbidden("You cannot edit this experience.")


def can_delete_experience(user: User | None, experience: Experience) -> bool:
    """Author or moderator, in any status they can see (authors may remove a hidden one)."""
    return (
        can_write(user)
        and can_view_experience(user, experience)
        and (is_author(user, experience) or is_moderator(user))
    )


def ensure_can_delete_experience(user: User | None, experience: Experience) -> None:
    """Raise exactly when can_delete_experience is False: Forbidden, or NotFound if unseen."""
    ensure_can_write(user)
    ensure_can_view_experience(user, experience)
    if not can_delete_experience(user, experience):
        raise Forbidden("You cannot delete this experience.")


def can_submit_draft(user: User | None, experience: Experience) -> bool:
    """The author, while it is a draft."""
    return can_write(user) and experience.status == Status.DRAFT and is_author(user, experience)


def ensure_can_submit_draft(user: User | None, experience: Experience) -> None:
    """Raise exactly when can_submit_draft is False: NotFound if unseen, Conflict if sent."""
    ensure_can_write(user)
    ensure_can_view_experience(user, experience)
    if not can_submit_draft(user, experience):
        raise Conflict("Only a draft can be submitted; this one already was.")


def can_reply(user: User | None, experience: Experience) -> bool:
    """Replies open on published experiences only, to members who may write."""
    return can_write(user) and experience.status == Status.PUBLISHED


def ensure_can_reply(user: User | None, experience: Experience) -> None:
    """Raise exactly when can_reply is False: Forbidden, or NotFound if unseen."""
    ensure_can_write(user)
    ensure_can_view_experience(user, experience)
    if not can_reply(user, experience):
        raise Forbidden(NOT_OPEN)


def can_mark_me_too(user: User | None, experience: Experience) -> bool:
    """Anyone who may write, on a published experience that is not their own."""
    return can_reply(user, experience) and not is_author(user, experience)


def ensure_can_mark_me_too(user: User | None, experience: Experience) -> None:
    """Raise exactly when can_mark_me_too is False: Forbidden, or NotFound if unseen."""
    ensure_can_reply(user, experience)
    if is_author(user, experience):
        raise Forbidden("You cannot mark your own experience.")


def can_watch(user: User | None, experience: Experience) -> bool:
    """Signed in, on a published experience, or on one's own (authors watch from the start)."""
    if user is None or not user.is_authenticated or not can_view_experience(user, experience):
        return False
    return experience.status == Status.PUBLISHED or is_author(user, experience)


def ensure_can_watch(user: User | None, experience: Experience) -> None:
    """Raise exactly when can_watch is False: Forbidden, or NotFound if unseen."""
    if user is None or not user.is_authenticated:
        raise Forbidden("Sign in first.")
    ensure_can_view_experience(user, experience)
    if not can_watch(user, experience):
        raise Forbidden("Only published experiences can be watched.")


def can_flag_experience(user: User | None, experience: Experience) -> bool:
    """A published experience one can see, not one's own."""
    return (
        can_write(user)
        and experience.status == Status.PUBLISHED
        and not is_author(user, experience)
    )


def ensure_can_flag_experience(user: User | None, experience: Experience) -> None:
    """Raise exactly when can_flag_experience is False; Conflict when it is not published."""
    ensure_can_write(user)
    ensure_can_view_experience(user, experience)
    if is_author(user, experience):
        raise Forbidden("You cannot flag your own experience.")
    if experience.status != Status.PUBLISHED:
        raise Conflict("Only published experiences can be flagged.")


def can_view_reply(user: User | None, reply: Reply) -> bool:
    """A published reply wherever its experience can be seen; a hidden one by moderators."""
    if reply.status == Status.DELETED or not can_view_experience(user, reply.experience):
        return False
    if reply.status in (Status.PENDING, Status.REJECTED) and is_author(user, reply):
        return True
    return reply.status == Status.PUBLISHED or is_moderator(user)


def ensure_can_view_reply(user: User | None, reply: Reply) -> None:
    """NotFound exactly when can_view_reply is False."""
    if not can_view_reply(user, reply):
        raise NotFound(NO_REPLY)


def can_edit_reply(user: User | None, reply: Reply) -> bool:
    """Its author only, while it is not hidden (or deleted); moderators hide, they do not edit."""
    return (
        can_write(user)
        and can_view_reply(user, reply)
        and is_author(user, reply)
        and reply.status != Status.HIDDEN
    )


def ensure_can_edit_reply(user: User | None, reply: Reply) -> None:
    """Raise exactly when can_edit_reply is False: NotFound if unseen, else Forbidden."""
    ensure_can_write(user)
    ensure_can_view_reply(user, reply)
    if not can_edit_reply(user, reply):
        raise Forbidden("Only its author can edit a reply, and not while it is hidden.")


def can_delete_reply(user: User | None, reply: Reply) -> bool:
    """Its author, or a moderator, in any status they can see."""
    return (
        can_write(user)
        and can_view_reply(user, reply)
        and (is_author(user, reply) or is_moderator(user))
    )


def ensure_can_delete_reply(user: User | None, reply: Reply) -> None:
    """Raise exactly when can_delete_reply is False: NotFound if unseen, else Forbidden."""
    ensure_can_write(user)
    ensure_can_view_reply(user, reply)
    if not can_delete_reply(user, reply):
        raise Forbidden("Only its author or a moderator can delete a reply.")


def can_flag_reply(user: User | None, reply: Reply) -> bool:
    """A published reply under a published experience, not one's own."""
    return (
        can_write(user)
        and reply.status == Status.PUBLISHED
        and reply.experience.status == Status.PUBLISHED
        and not is_author(user, reply)
    )


def ensure_can_flag_reply(user: User | None, reply: Reply) -> None:
    """Raise exactly when can_flag_reply is False; NotFound for a reply the user cannot see."""
    ensure_can_write(user)
    if not can_view_reply(user, reply):
        raise NotFound(NO_REPLY)
    if is_author(user, reply):
        raise Forbidden("You cannot flag your own reply.")
    if not can_flag_reply(user, reply):
        raise Conflict("Only published replies under published experiences can be flagged.")


def can_decide(user: User | None, item: Experience | Reply, action: str) -> bool:
    """A moderator's decision that fits the experience's or reply's status now."""
    return can_moderate(user) and item.status != Status.DELETED and action in decisions(item)


def ensure_can_decide(user: User | None, item: Experience | Reply, action: str) -> None:
    """Raise exactly when can_decide is False; Conflict for a decision that does not fit."""
    ensure_can_moderate(user)
    if item.status == Status.DELETED:
        raise NotFound(NO_EXPERIENCE if isinstance(item, Experience) else NO_REPLY)
    if not can_decide(user, item, action):
        raise Conflict(f"That cannot be done now: the item is {item.status}. {ALREADY_DECIDED}")


def can_add_follow_up(user: User | None, experience: Experience) -> bool:
    """The author, on their own published experience, while they may write."""
    return can_write(user) and is_author(user, experience) and experience.status == Status.PUBLISHED


def ensure_can_add_follow_up(user: User | None, experience: Experience) -> None:
    """Raise exactly when can_add_follow_up is False: NotFound if unseen, else Forbidden."""
    ensure_can_write(user)
    ensure_can_view_experience(user, experience)
    if not is_author(user, experience):
        raise Forbidden("Only the author can add a follow-up to an experience.")
    if not can_add_follow_up(user, experience):
        raise Forbidden("Follow-ups open once the experience is published.")


def can_view_follow_up(user: User | None, follow_up: FollowUp) -> bool:
    """A published one wherever its experience can be seen; the others (never deleted ones)
    by its author and moderators."""
    if follow_up.status == Status.DELETED:
        return False
    if not can_view_experience(user, follow_up.experience):
        return False
    if follow_up.status == Status.PUBLISHED:
        return True
    return is_moderator(user) or (
        user is not None
        and user.is_authenticated
        and follow_up.author_id is not None
        and follow_up.author_id == user.id
    )

"""One matrix: for every role, status and action, `can_x` is true exactly when the service succeeds.

Templates ask `can_x`, services call `ensure_can_x`; this is what keeps them from drifting
apart (a form that answers 404, a button missing where the action works).
"""

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import event

from forum import permissions
from forum.clock import utcnow
from forum.errors import DomainError
from forum.experiences import discussion, drafts, over_time, own_replies, queries
from forum.experiences import service as experiences
from forum.extensions import db
from forum.models import Status, User
from forum.moderation import flagging
from forum.moderation import service as moderation
from forum.notifications import service as watching
from forum.workflow import DECISIONS, EXPERIENCE_TRANSITIONS, REPLY_TRANSITIONS
from tests.conftest import serving
from tests.factories import (
    PERMISSION_ROLES,
    STORY_INPUT,
    ExperienceFactory,
    ReplyFactory,
    member_for_role,
)

ROLES = PERMISSION_ROLES
SPAM = {"reason": "spam"}
EDITED = {**STORY_INPUT, "title": "Qigong every evening, as it turned out"}
REPLY_DECISIONS = tuple(action for action in DECISIONS if action in REPLY_TRANSITIONS)


def _decide(action):
    return (
        lambda user, experience, reply: permissions.can_decide(user, experience, action),
        lambda user, experience, reply: moderation.decide(
            user, experience.id, {"action": action, "reason": "spam"}
        ),
    )


def _decide_reply(action):
    return (
        lambda user, experience, reply: permissions.can_decide(user, reply, action),
        lambda user, experience, reply: moderation.decide_reply(
            user, reply.id, {"action": action, "reason": "spam"}
        ),
    )


# action -> (the predicate templates ask, the service call it must agree with)
ACTIONS = {
    "view": (
        lambda user, experience, reply: permissions.can_view_experience(user, experience),
        lambda user, experience, reply: queries.visible_experience(user, experience.id),
    ),
    "edit": (
        lambda user, experience, reply: permissions.can_edit_experience(user, experience),
        lambda user, experience, reply: experiences.edit_experience(user, experience.id, EDITED),
    ),
    "delete": (
        lambda user, experience, reply: permissions.can_delete_experience(user, experience),
        lambda user, experience, reply: experiences.delete_experience(user, experience.id),
    ),
    "reply": (
        lambda user, experience, reply: permissions.can_reply(user, experience),
        lambda user, experience, reply: discussion.add_reply(
            user, experience.id, {"body": "The same thing helped me, slowly."}
        ),
    ),
    "me_too": (
        lambda user, experience, reply: permissions.can_mark_me_too(user, experience),
        lambda user, experience, reply: discussion.set_me_too(user, experience.id, True),
    ),
    "watch": (
        lambda user, experience, reply: permissions.can_watch(user, experience),
        lambda user, experience, reply: watching.watch(user, experience.id),
    ),
    "flag_experience": (
        lambda user, experience, reply: permissions.can_flag_experience(user, experience),
        lambda user, experience, reply: flagging.flag_experience(user, experience.id, SPAM),
    ),
    "flag_reply": (
        lambda user, experience, reply: permissions.can_flag_reply(user, reply),
        lambda user, experience, reply: flagging.flag_reply(user, reply.id, SPAM),
    ),
    "submit_draft": (
        lambda user, experience, reply: permissions.can_submit_draft(user, experience),
        lambda user, experience, reply: drafts.submit_draft(user, experience.id),
    ),
    "edit_reply": (
        lambda user, experience, reply: permissions.can_edit_reply(user, reply),
        lambda user, experience, reply: own_replies.edit_reply(
            user, reply.id, {"body": "Changed my mind about this."}
        ),
    ),
    "delete_reply": (
        lambda user, experience, reply: permissions.can_delete_reply(user, reply),
        lambda user, experience, reply: own_replies.delete_reply(user, reply.id),
    ),
    "add_follow_up": (
        lambda user, experience, reply: permissions.can_add_follow_up(user, experience),
        lambda user, experience, reply: over_time.add_follow_up(
            user, experience.id, {"still_doing": True, "outcome": "helped", "flare": "none"}
        ),
    ),
    **{f"decide_{action}": _decide(action) for action in DECISIONS},
    **{f"decide_reply_{action}": _decide_reply(action) for action in REPLY_DECISIONS},
}
REPLY_LEVEL = {"flag_reply", "edit_reply", "delete_reply"} | {
    f"decide_reply_{action}" for action in REPLY_DECISIONS
}
# Only a decision that can leave the status as it is depends on open flags (dismiss, hide).
FLAG_SENSITIVE = {
    f"{prefix}{action}"
    for prefix, table in (("decide_", EXPERIENCE_TRANSITIONS), ("decide_reply_", REPLY_TRANSITIONS))
    for action, (sources, result) in table.items()
    if result in sources
}
REPLY_STATUSES = (
    Status.PENDING,
    Status.PUBLISHED,
    Status.REJECTED,
    Status.HIDDEN,
    Status.DELETED,
)


def _cases():
    for action in ACTIONS:
        reply_statuses = REPLY_STATUSES if action in REPLY_LEVEL else (Status.PUBLISHED,)
        flagged_variants = (False, True) if action in FLAG_SENSITIVE else (False,)
        for status in Status:
            for reply_status in reply_statuses:
                for flagged in flagged_variants:
                    for role in ROLES:
                        yield pytest.param(
                            role,
                            status,
                            action,
                            reply_status,
                            flagged,
                            id=f"{action}-{status}-reply_{reply_status}-"
                            f"{'flagged' if flagged else 'unflagged'}-{role}",
                        )


def _without_fsync(connection, record) -> None:
    connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One app and one member per role for the whole matrix; each case gets its own items."""
    with serving(tmp_path_factory.mktemp("matrix")) as app:
        with app.app_context():
            if db.engine.dialect.name == "sqlite":
                # Some fifteen hundred small commits: waiting for the disk on each adds minutes.
                event.listen(db.engine, "connect", _without_fsync)
                db.engine.dispose()
            ids = {role: member_for_role(role).id for role in ROLES[1:]}
        yield app, ids


@pytest.mark.parametrize(("role", "status", "action", "reply_status", "flagged"), list(_cases()))
def test_can_is_true_exactly_when_the_service_succeeds(
    world, role, status, action, reply_status, flagged
):
    app, ids = world
    with app.app_context():
        owner = db.session.get(
            User, ids["suspended_author" if role == "suspended_author" else "author"]
        )
        experience = ExperienceFactory(
            author=owner,
            status=status,
            published_at=None if status == Status.PENDING else utcnow(),
            flag_count=int(flagged),
        )
        reply = ReplyFactory(
            experience_id=experience.id,
            author=db.session.get(User, ids["reply_author"]),
            status=reply_status,
            flag_count=int(flagged),
        )
        user = AnonymousUserMixin() if role == "anonymous" else db.session.get(User, ids[role])
        can, call = ACTIONS[action]
        expected = can(user, experience, reply)
        try:
            call(user, experience, reply)
        except DomainError as error:
            db.session.rollback()
            outcome = f"refused: {type(error).__name__} {error.message}"
        else:
            outcome = "succeeded"
        assert (outcome == "succeeded") == expected, outcome
        db.session.remove()

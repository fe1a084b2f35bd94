"""Deleting an account redacts the free text others wrote about the member.

Suspension reasons, moderators' notes and reasons on the member's content, and flag notes
about it may name the person ("massy2 (Real Name: …)"). The rows stay, so the moderation
log still shows what happened, to which item, by whom and when; only the words go.
"""

from sqlalchemy import or_, select, update

from forum.extensions import db
from forum.models import Experience, Flag, ModerationAction, Reply, User
from forum.models.moderation import REDACTING_MEMBER_TEXT

REDACTED = "[removed when the member deleted their account]"


def redact_text_about(user: User) -> None:
    """Replace every free text written about `user` or their content; call before unnaming."""
    user.suspension_reason = None
    experiences = select(Experience.id).where(Experience.author_id == user.id)
    replies = select(Reply.id).where(Reply.author_id == user.id)
    for model in (Experience, Reply):
        db.session.execute(
            update(model)
            .where(model.author_id == user.id, model.status_reason.is_not(None))
            .values(status_reason=REDACTED)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(Flag)
        .where(
            or_(Flag.experience_id.in_(experiences), Flag.reply_id.in_(replies)),
            Flag.note.is_not(None),
        )
        .values(note=REDACTED)
        .execution_options(synchronize_session=False)
    )
    about_member = or_(
        ModerationAction.subject_id == user.id,
        (ModerationAction.target_type == "user") & (ModerationAction.target_id == user.id),
        (ModerationAction.target_type == "experience")
        & ModerationAction.target_id.in_(experiences),
        (ModerationAction.target_type == "reply") & ModerationAction.target_id.in_(replies),
    )
    db.session.execute(
        update(ModerationAction)
        .where(about_member, ModerationAction.note.is_not(None))
        .values(note=REDACTED)
        .execution_options(synchronize_session=False, **{REDACTING_MEMBER_TEXT: True})
    )

"""A member's own replies: edit (earlier texts kept) and delete; moderators may delete too.

A deleted reply keeps its row (moderators have the log and the history); the thread shows its
place as "deleted by its author" only while a later published reply follows it
(queries.published_replies), otherwise it is gone.
"""

from sqlalchemy import func, select

from forum import permissions, unit_of_work, workflow
from forum.audit import record_action
from forum.clock import utcnow
from forum.errors import NotFound
from forum.extensions import db
from forum.models import Experience, Reply, ReplyRevision, Status, User
from forum.notifications import events


def _reply(reply_id: int) -> Reply:
    reply = db.session.get(Reply, reply_id)
    if reply is None:
        raise NotFound(permissions.NO_REPLY)
    return reply


def _recount(reply: Reply) -> None:
    """The experience's reply count from its published replies, so it never drifts."""
    experience = db.session.get(Experience, reply.experience_id)
    experience.reply_count = db.session.scalar(
        select(func.count())
        .select_from(Reply)
        .where(Reply.experience_id == reply.experience_id, Reply.status == Status.PUBLISHED)
    )


def edit_reply(editor: User, reply_id: int, values: dict) -> Reply:
    """Change the text of one's own reply, keeping the earlier text as a ReplyRevision.

    As with stories, an edit by a member not yet trusted (REVIEW_NEW_MEMBER_REPLIES) sends a
    published reply back to review, and editing a rejected one resubmits it.
    """
    permissions.ensure_can_write(editor)
    reply = _reply(reply_id)
    permissions.ensure_can_edit_reply(editor, reply)
    if values["body"] == reply.body:
        return reply
    now = utcnow()
    reply.revisions.append(
        ReplyRevision(
            number=len(reply.revisions) + 1,
            editor_id=editor.id,
            body=reply.body,
            status=reply.status,
            created_at=now,
        )
    )
    reply.body = values["body"]
    # Mentions stay links; naming someone new in an edit does not notify them again.
    reply.body_html = events.render_reply(
        values["body"], events.mentioned_members(values["body"], editor)
    )
    reply.edited_at = reply.updated_at = now
    if reply.status == Status.REJECTED or (
        reply.status == Status.PUBLISHED and permissions.reply_needs_review(editor)
    ):
        workflow.move(reply, "resubmit")
        reply.status_reason = None
    db.session.flush()
    _recount(reply)
    unit_of_work.commit()
    return reply


def delete_reply(user: User, reply_id: int) -> None:
    """Delete a reply: its author, or a moderator (who is logged)."""
    permissions.ensure_can_write(user)
    reply = _reply(reply_id)
    permissions.ensure_can_delete_reply(user, reply)
    workflow.move(reply, "delete")
    reply.deleted_by_author = permissions.is_author(user, reply)
    reply.updated_at = utcnow()
    if not reply.deleted_by_author:
        record_action(user, "delete", "reply", reply.id, subject_id=reply.author_id)
    db.session.flush()
    _recount(reply)
    unit_of_work.commit()


def reply_history(moderator: User, reply_id: int) -> list[ReplyRevision]:
    """The earlier texts of a reply, oldest first: for moderators."""
    permissions.ensure_can_moderate(moderator)
    return list(_reply(reply_id).revisions)

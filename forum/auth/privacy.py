"""A member's control over their own account: change the password, delete the account."""

import secrets

from sqlalchemy import delete, func, select, update
from werkzeug.security import check_password_hash

from forum import mail, search, unit_of_work, workflow
from forum.auth.redaction import redact_text_about
from forum.auth.service import hash_password
from forum.clock import utcnow
from forum.errors import Invalid
from forum.extensions import db
from forum.models import (
    ApiToken,
    Experience,
    FollowUp,
    MeToo,
    QuickAnswer,
    Reply,
    ReplyRevision,
    Revision,
    Status,
    User,
)
from forum.models.user import new_session_token
from forum.notifications import data as notification_data

WRONG_PASSWORD = "That is not your current password."  # noqa: S105 (a message)


def _ensure_password(user: User, password: str, field: str) -> None:
    if user.password_hash is None or not check_password_hash(user.password_hash, password):
        raise Invalid(WRONG_PASSWORD, fields={field: [WRONG_PASSWORD]})


def _end_sessions(user: User) -> None:
    """Sign out every browser (the session token is part of the login id) and every token."""
    user.session_token = new_session_token()
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def change_password(user: User, values: dict) -> User:
    """Set a new password after checking the current one; every other session and token ends.

    The caller's own browser gets a new login id from the view (log in again); API clients
    ask for a new token with the new password.
    """
    _ensure_password(user, values["current_password"], "current_password")
    set_password(user, values["new_password"])
    db.session.commit()
    return user


def set_password(user: User, new_password: str) -> None:
    """Store a new password and end every session and token (change and reset alike)."""
    user.password_hash = hash_password(new_password)
    _end_sessions(user)


def delete_account(user: User, values: dict) -> None:
    """Delete the account; the member chooses whether their experiences go or stay anonymous.

    Replies and follow-ups follow the same choice: deleted with "delete", left without a name
    with "anonymize". "Me too" marks and quick answers go either way. The user row stays
    under a random pseudonym (no e-mail, no password, no profile), so the moderation log
    keeps a reference that names no one, and what moderators and members wrote about the
    member is redacted (redaction.py). The password is asked for on every surface. Every
    experience touched goes through the search outbox.
    """
    _ensure_password(user, values.get("password", ""), "password")
    now = utcnow()
    redact_text_about(user)
    touched = _remove_experiences(user, values["experiences"], now)
    touched |= _remove_replies(user, values["experiences"], now)
    touched |= _remove_me_too_marks(user)
    touched |= _remove_follow_ups(user, values["experiences"])
    _remove_quick_answers(user)
    notification_data.forget_member(user)
    db.session.execute(update(Revision).where(Revision.editor_id == user.id).values(editor_id=None))
    _end_sessions(user)
    mail.cancel_for_user(user)
    _forget_identity(user, now)
    for experience_id in sorted(touched):
        search.note_changed(experience_id)
    unit_of_work.commit()


def _remove_experiences(user: User, choice: str, now) -> set[int]:
    experiences = db.session.scalars(
        select(Experience).where(Experience.author_id == user.id)
    ).all()
    touched = set()
    for experience in experiences:
        # A draft was never shared: it goes whatever the choice, rather than lose its author.
        if choice == "delete" or experience.status == Status.DRAFT:
            if experience.status != Status.DELETED:
                workflow.move(experience, "delete")
                experience.deleted_at = now
        else:
            experience.author = None
        experience.updated_at = now
        experience.version += 1
        touched.add(experience.id)
    return touched


def _remove_replies(user: User, choice: str, now) -> set[int]:
    """Delete or unname the member's replies; reply counts are recounted where they changed."""
    replies = select(Reply.experience_id).where(Reply.author_id == user.id)
    touched = set(db.session.scalars(replies.distinct()))
    if not touched:
        return touched
    if choice == "delete":
        db.session.execute(
            update(Reply)
            .where(
                Reply.author_id == user.id,
                Reply.status.in_(workflow.sources(workflow.REPLY_TRANSITIONS, "delete")),
            )
            .values(
                status=workflow.leads_to(workflow.REPLY_TRANSITIONS, "delete"),
                deleted_by_author=True,
                updated_at=now,
            )
        )
        # Their earlier texts go with them.
        own = select(Reply.id).where(Reply.author_id == user.id)
        db.session.execute(delete(ReplyRevision).where(ReplyRevision.reply_id.in_(own)))
        _recount(touched, Experience.reply_count, Reply, Reply.status == Status.PUBLISHED)
    else:
        db.session.execute(update(Reply).where(Reply.author_id == user.id).values(author_id=None))
    db.session.execute(
        update(ReplyRevision).where(ReplyRevision.editor_id == user.id).values(editor_id=None)
    )
    return touched


def _remove_follow_ups(user: User, choice: str) -> set[int]:
    """Follow-ups follow the stories' choice: deleted, or left without a name."""
    touched = set(
        db.session.scalars(
            select(FollowUp.experience_id).where(FollowUp.author_id == user.id).distinct()
        )
    )
    if not touched:
        return touched
    if choice == "delete":
        db.session.execute(
            update(FollowUp)
            .where(
                FollowUp.author_id == user.id,
                FollowUp.status.in_(workflow.sources(workflow.FOLLOW_UP_TRANSITIONS, "delete")),
            )
            .values(status=workflow.leads_to(workflow.FOLLOW_UP_TRANSITIONS, "delete"))
            .execution_options(synchronize_session=False)
        )
    else:
        db.session.execute(
            update(FollowUp)
            .where(FollowUp.author_id == user.id)
            .values(author_id=None)
            .execution_options(synchronize_session=False)
        )
    return touched


def _remove_quick_answers(user: User) -> None:
    """Quick answers go with the account, whatever the choice (they carry no text)."""
    removed = db.session.execute(delete(QuickAnswer).where(QuickAnswer.user_id == user.id))
    if removed.rowcount:
        search.note_changed(-user.id)  # insights: this member's quick answers changed


def _remove_me_too_marks(user: User) -> set[int]:
    touched = set(db.session.scalars(select(MeToo.experience_id).where(MeToo.user_id == user.id)))
    if touched:
        db.session.execute(delete(MeToo).where(MeToo.user_id == user.id))
        _recount(touched, Experience.me_too_count, MeToo)
    return touched


def _recount(experience_ids: set[int], column, model, *conditions) -> None:
    """Set a counter from the rows themselves, in one statement, so it can never drift."""
    count = (
        select(func.count())
        .select_from(model)
        .where(model.experience_id == Experience.id, *conditions)
        .scalar_subquery()
    )
    db.session.execute(
        update(Experience)
        .where(Experience.id.in_(experience_ids))
        .values({column.key: count})
        .execution_options(synchronize_session="fetch")
    )


def _forget_identity(user: User, now) -> None:
    pseudonym = _unused_pseudonym()
    user.username = user.username_key = pseudonym
    user.email = None
    user.email_verified_at = None
    user.password_hash = None
    user.onset = user.condition = user.symptom = user.age_band = None
    user.onset_detail = user.severity = user.years_ill = None
    user.deleted_at = now


def _unused_pseudonym() -> str:
    while True:
        pseudonym = f"deleted-{secrets.token_hex(4)}"
        taken = select(func.count()).where(User.username_key == pseudonym)
        if not db.session.scalar(taken):
            return pseudonym

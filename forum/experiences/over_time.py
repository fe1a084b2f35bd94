"""Answers over time: an author's follow-ups to their story, and members' quick answers.

A follow-up is reviewed like a story (trusted authors publish at once, others wait while the
story stays public). A quick answer ("I tried this too") has no text, so nothing to review:
one per member per exercise, replaced by the next, copied with the member's profile as it is
when answering. Both feed insights; the search outbox row they write tells insights (and the
index, for a follow-up's text) to look again.
"""

from sqlalchemy import select

from forum import permissions, search, unit_of_work, workflow
from forum.clock import utcnow
from forum.errors import NotFound
from forum.experiences.queries import visible_experience
from forum.extensions import db
from forum.models import FollowUp, QuickAnswer, Status, User
from forum.sanitize import render_markdown
from forum.vocabulary import EXERCISE, PROFILE_FIELDS

NO_QUICK_ANSWER = "You have not answered for this exercise."
NO_EXERCISE = "There is no such exercise."


def add_follow_up(author: User, experience_id: int, values: dict) -> FollowUp:
    """The author adds a dated follow-up to their own published experience."""
    permissions.ensure_can_write(author)
    experience = visible_experience(author, experience_id)
    permissions.ensure_can_add_follow_up(author, experience)
    now = utcnow()
    body = values.get("body") or ""
    still_doing = values["still_doing"]
    follow_up = FollowUp(
        experience=experience,
        author=author,
        still_doing=still_doing,
        stop_reason=None if still_doing else values["stop_reason"],
        outcome=values["outcome"],
        flare=values["flare"],
        body=body,
        body_html=render_markdown(body) if body else "",
        created_at=now,
        submitted_at=now,
    )
    follow_up.status = workflow.initial_status(permissions.is_trusted(author))
    if follow_up.status == Status.PUBLISHED:
        follow_up.published_at = now
    db.session.add(follow_up)
    db.session.flush()
    if follow_up.status == Status.PUBLISHED:
        search.note_changed(experience.id)
    unit_of_work.commit()
    return follow_up


def follow_ups_seen_by(user: User | None, experience) -> list[FollowUp]:
    """The experience's follow-ups the user may see, oldest first."""
    return [item for item in experience.follow_ups if permissions.can_view_follow_up(user, item)]


def visible_follow_ups(user: User | None, experience_id: int) -> list[FollowUp]:
    """The follow-ups of an experience the user can see (404 for an experience they cannot)."""
    return follow_ups_seen_by(user, visible_experience(user, experience_id))


def with_follow_ups(user: User | None, experience):
    """The experience, carrying the follow-ups the user may see (the detail answer shows them)."""
    experience.shown_follow_ups = follow_ups_seen_by(user, experience)
    return experience


def mark_updated(experiences) -> None:
    """Mark each experience that has a published follow-up ("updated" in lists): one query."""
    ids = [experience.id for experience in experiences]
    if not ids:
        return
    updated = set(
        db.session.scalars(
            select(FollowUp.experience_id)
            .where(FollowUp.experience_id.in_(ids), FollowUp.status == Status.PUBLISHED)
            .distinct()
        )
    )
    for experience in experiences:
        experience.has_follow_up = experience.id in updated


def known_exercise(exercise: str) -> str:
    """The exercise key when the vocabulary has it; NotFound otherwise."""
    if exercise not in EXERCISE:
        raise NotFound(NO_EXERCISE)
    return exercise


def quick_answer_of(member: User, exercise: str) -> QuickAnswer:
    """The member's quick answer for this exercise; NotFound when none."""
    answer = db.session.scalar(
        select(QuickAnswer).where(
            QuickAnswer.user_id == member.id, QuickAnswer.exercise == known_exercise(exercise)
        )
    )
    if answer is None:
        raise NotFound(NO_QUICK_ANSWER)
    return answer


def find_quick_answer(member: User | None, exercise: str) -> QuickAnswer | None:
    """The member's quick answer for this exercise, or None (also for no one signed in)."""
    if member is None or not member.is_authenticated or exercise not in EXERCISE:
        return None
    return db.session.scalar(
        select(QuickAnswer).where(
            QuickAnswer.user_id == member.id, QuickAnswer.exercise == exercise
        )
    )


def set_quick_answer(member: User, exercise: str, values: dict) -> QuickAnswer:
    """Give or replace the member's answer for this exercise, with their profile as it is now."""
    permissions.ensure_can_write(member)
    exercise = known_exercise(exercise)
    answer = find_quick_answer(member, exercise)
    now = utcnow()
    if answer is None:
        answer = QuickAnswer(user_id=member.id, exercise=exercise, created_at=now)
        answer.is_demo = member.is_demo
        db.session.add(answer)
    answer.outcome, answer.flare, answer.updated_at = values["outcome"], values["flare"], now
    for field in PROFILE_FIELDS:
        setattr(answer, field, getattr(member, field))
    note_quick_answers_changed(member.id)
    unit_of_work.commit()
    return answer


def delete_quick_answer(member: User, exercise: str) -> None:
    """Take back the member's answer for this exercise; NotFound when there is none."""
    permissions.ensure_can_write(member)
    db.session.delete(quick_answer_of(member, exercise))
    note_quick_answers_changed(member.id)
    unit_of_work.commit()


def note_quick_answers_changed(user_id: int) -> None:
    """Tell insights that this member's quick answers changed.

    The search outbox carries it as a negative experience id: no experience has one, so the
    index has nothing to do for it, and insights read it as "member -id changed".
    """
    search.note_changed(-user_id)

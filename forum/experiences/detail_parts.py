"""The experience page for signed-in members: who shares its content, and each reader's own bits.

The page reads the same to every member who is not its author, not a moderator and has no
reply under it (their own replies carry edit buttons and, until approved, show to them alone),
given whether they may write: that is its audience, and its content is kept for it
(forum/web/page_cache.py). The reader's own bits are own parts, made for each reader from
templates/experiences/_own_parts.html: the "me too" and watch buttons, their reports of the
story and of each reply, and their "I tried this too" answer.
"""

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import g, get_template_attribute, request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import Exists, Integer, Select, and_, bindparam, select
from sqlalchemy.orm import lazyload

from forum import permissions
from forum.extensions import db
from forum.models import Experience, Flag, MeToo, QuickAnswer, Reply, Status, Watch
from forum.web.page_cache import every_member

PARTS = "experiences/_own_parts.html"


@dataclass(frozen=True)
class _Reading:
    """The story and what the reader has done with it, read once per request."""

    story: Experience
    has_replied: bool
    marked_me_too: bool
    watching: bool
    quick_answer: QuickAnswer | None
    reported_at: datetime | None  # when the reader reported the story, if they did


def audience() -> Hashable | None:
    """Whom the page's content is the same for, or None when it is the reader's alone."""
    if permissions.is_moderator(current_user):
        return None
    reading = _reading(str(request.view_args["experience_id"]))
    if reading is None:
        return None
    story = reading.story
    if (
        story.status != Status.PUBLISHED
        or story.author_id == current_user.id
        or reading.has_replied
    ):
        return None
    return (*every_member(), permissions.can_write(current_user))


def keep_unsaved_quick_answer(kept: dict | None) -> None:
    """Show a quick answer that was sent back unsaved again in this request's form."""
    g.quick_answer_kept = kept


def _reading(key: str) -> _Reading | None:
    """One query for the audience rule and every own part; None if there is no such story."""
    readings = g.setdefault("own_part_readings", {})
    if key not in readings:
        # A visitor (no id) has marked, watched, replied and answered nothing.
        reader_id = current_user.id if current_user.is_authenticated else None
        readings[key] = _read(int(key), reader_id)
    return readings[key]


def _read(experience_id: int, reader_id: int | None) -> _Reading | None:
    parameters = {"experience_id": experience_id, "reader_id": reader_id}
    found = db.session.execute(_reading_statement(), parameters).first()
    return _Reading(*found) if found is not None else None


@cache
def _reading_statement() -> Select:
    # Built once: every member's experience page runs it, and building it cost more than that.
    reader = bindparam("reader_id", type_=Integer)

    def reader_has(model) -> Exists:
        return (
            select(model.user_id)
            .where(model.experience_id == Experience.id, model.user_id == reader)
            .exists()
        )

    own_reply = (
        select(Reply.id)
        .where(Reply.experience_id == Experience.id, Reply.author_id == reader)
        .exists()
    )
    answer = and_(QuickAnswer.user_id == reader, QuickAnswer.exercise == Experience.main_exercise)
    reported_at = (
        select(Flag.created_at)
        .where(Flag.flagger_id == reader, Flag.experience_id == Experience.id)
        .order_by(Flag.id)
        .limit(1)
        .scalar_subquery()
    )
    facts = (own_reply, reader_has(MeToo), reader_has(Watch), QuickAnswer, reported_at)
    # The own parts read only the story's columns: none of its collections are loaded.
    return (
        select(Experience, *facts)
        .outerjoin(QuickAnswer, answer)
        .where(Experience.id == bindparam("experience_id", type_=Integer))
        .options(lazyload("*"))
    )


def _me_too(key: str) -> Markup:
    reading = _reading(key)
    return get_template_attribute(PARTS, "me_too")(
        reading.story, current_user, reading.marked_me_too
    )


def _watch(key: str) -> Markup:
    reading = _reading(key)
    return get_template_attribute(PARTS, "watch")(reading.story, current_user, reading.watching)


def _experience_flag(key: str) -> Markup:
    reading = _reading(key)
    return get_template_attribute(PARTS, "experience_flag")(reading.story, reading.reported_at)


def _reply_flag(key: str) -> Markup:
    experience_id, reply_id = map(int, key.split("-"))
    return get_template_attribute(PARTS, "reply_flag")(experience_id, reply_id)


def _quick_answer(key: str) -> Markup:
    reading = _reading(key)
    form = get_template_attribute("experiences/_over_time.html", "quick_answer_form")
    return form(
        reading.story.main_exercise,
        reading.quick_answer,
        f"experience:{key}",
        g.get("quick_answer_kept"),
    )


OWN_PARTS = {
    "me_too": _me_too,
    "watch": _watch,
    "experience_flag": _experience_flag,
    "reply_flag": _reply_flag,
    "quick_answer": _quick_answer,
}

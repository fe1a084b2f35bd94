"""The experience page for signed-in members: who shares its content, and each reader's own bits.

The page reads the same to every member who is not its author, not a moderator and has no
reply under it (their own replies carry edit buttons and, until approved, show to them alone),
given whether they may write: that is its audience, and its content is kept for it
(forum/web/page_cache.py). The reader's own bits are own parts, made for each reader from
templates/experiences/_own_parts.html: the "me too" and watch buttons, their reports of the
story and of each reply, and their "I tried this too" answer.
"""

from collections.abc import Hashable

from flask import g, get_template_attribute, request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from forum import permissions
from forum.experiences import over_time, queries
from forum.extensions import db
from forum.models import Experience, Reply, Status
from forum.notifications.service import is_watching
from forum.web.page_cache import every_member

PARTS = "experiences/_own_parts.html"


def audience() -> Hashable | None:
    """Whom the page's content is the same for, or None when it is the reader's alone."""
    if permissions.is_moderator(current_user):
        return None
    experience_id = request.view_args["experience_id"]
    own_reply = (
        select(Reply.id)
        .where(Reply.experience_id == Experience.id, Reply.author_id == current_user.id)
        .exists()
    )
    # One query for the rule and for the own parts, which then find the story in `g`.
    found = db.session.execute(_story_query(experience_id).add_columns(own_reply)).first()
    if found is None:
        return None
    story, has_replied = found
    _loaded()[str(experience_id)] = story
    if story.status != Status.PUBLISHED or story.author_id == current_user.id or has_replied:
        return None
    return (*every_member(), permissions.can_write(current_user))


def keep_unsaved_quick_answer(kept: dict | None) -> None:
    """Show a quick answer that was sent back unsaved again in this request's form."""
    g.quick_answer_kept = kept


def _story_query(experience_id: int):
    # The own parts read only the story's columns: none of its collections are loaded.
    return select(Experience).where(Experience.id == experience_id).options(lazyload("*"))


def _loaded() -> dict[str, Experience]:
    # The session's identity map holds objects only weakly: the request's stories stay here.
    return g.setdefault("own_part_experiences", {})


def _experience(key: str) -> Experience:
    """The story, loaded once per request."""
    loaded = _loaded()
    if key not in loaded:
        loaded[key] = db.session.scalar(_story_query(int(key)))
    return loaded[key]


def _me_too(key: str) -> Markup:
    experience = _experience(key)
    marked = queries.has_marked_me_too(current_user, experience)
    return get_template_attribute(PARTS, "me_too")(experience, current_user, marked)


def _watch(key: str) -> Markup:
    experience = _experience(key)
    watching = is_watching(current_user, experience.id)
    return get_template_attribute(PARTS, "watch")(experience, current_user, watching)


def _experience_flag(key: str) -> Markup:
    return get_template_attribute(PARTS, "experience_flag")(_experience(key))


def _reply_flag(key: str) -> Markup:
    experience_id, reply_id = map(int, key.split("-"))
    return get_template_attribute(PARTS, "reply_flag")(experience_id, reply_id)


def _quick_answer(key: str) -> Markup:
    exercise = _experience(key).main_exercise
    current = over_time.find_quick_answer(current_user, exercise)
    form = get_template_attribute("experiences/_over_time.html", "quick_answer_form")
    return form(exercise, current, f"experience:{key}", g.get("quick_answer_kept"))


OWN_PARTS = {
    "me_too": _me_too,
    "watch": _watch,
    "experience_flag": _experience_flag,
    "reply_flag": _reply_flag,
    "quick_answer": _quick_answer,
}

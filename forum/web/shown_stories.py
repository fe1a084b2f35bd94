"""Which stories a page showed, and at which `page_revision`, so that a kept page retires when
one of them changes without the content version moving (forum/models/changes.py: a "me too"
mark or a reply moves only its story's revision).

Every story a page reads comes through the session as an `Experience`: loaded (or refreshed
after a commit expired it) while the page is made, or already held when making began. Each
is noted with the revision read in the same row as its counts; what the page reads after it
(the replies) is at least as new, so a revision kept with the page is never newer than what
the page shows. A story read without its revision (a query that left the column out) is
noted as None, which never matches: such a page is made again each time, never stale.
"""

from flask import g, has_app_context
from sqlalchemy import event, select

from forum.extensions import db
from forum.models import Experience

_SHOWN = "forum.stories_shown"
Shown = tuple[tuple[int, int | None], ...]


def start_noting() -> None:
    """Note, from now on in this request, every story the page reads."""
    shown: dict[int, int | None] = {}
    for instance in db.session.identity_map.values():
        if isinstance(instance, Experience):
            _note(shown, instance)
    g.setdefault(_SHOWN, shown)


def noted() -> Shown:
    """The stories read since `start_noting`, each with the revision it was read at."""
    return tuple(sorted(g.get(_SHOWN, {}).items()))


def unchanged(shown: Shown) -> bool:
    """Whether every story is still at the revision noted (and still there)."""
    if not shown:
        return True
    if any(revision is None for _, revision in shown):
        return False
    ids = [story_id for story_id, _ in shown]
    current = db.session.execute(
        select(Experience.id, Experience.page_revision).where(Experience.id.in_(ids))
    )
    return dict(current.all()) == dict(shown)


def _note(shown: dict[int, int | None], experience: Experience) -> None:
    # The first reading counts: what the page shows is at least as new as it.
    shown.setdefault(experience.id, experience.__dict__.get("page_revision"))


@event.listens_for(Experience, "load")
def _loaded(experience: Experience, context) -> None:
    shown = g.get(_SHOWN) if has_app_context() else None
    if shown is not None:
        _note(shown, experience)


@event.listens_for(Experience, "refresh")
def _refreshed(experience: Experience, context, attributes) -> None:
    _loaded(experience, context)

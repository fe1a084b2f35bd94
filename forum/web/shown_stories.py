"""Which stories a page showed, so that a kept page retires when one of them changes without
the content version moving (forum/models/changes.py: a "me too" mark or a reply moves only the
stories version, with a row naming its story).

A page is kept with the stories version read before it was made (`caching.Slot`) and the ids
of every story it read: each comes through the session as an `Experience`, loaded (or
refreshed after a commit expired it) while the page is made, or already held when making
began. A story changed after that version retires the page; one changed before is in it.

Each process keeps, for the stories changed since it first looked, the version of their
latest change (`StoryChanges`), caught up from the `story_changes` rows once per new version,
not per request: a kept page costs a lookup per story it shows, no query. Rows are pruned
after a while (forum/models/changes.py); a process that finds rows it never read gone
retires every page kept before the oldest row left.
"""

from threading import Lock

from flask import g, has_app_context
from sqlalchemy import event, select

from forum import caching
from forum.extensions import db
from forum.models import Experience, StoryChange

_SHOWN = "forum.stories_shown"
Shown = frozenset[int]


class StoryChanges:
    """This process's view of the story changes up to some stories version."""

    def __init__(self) -> None:
        self.known_through = 0
        # Pages kept before this version cannot be judged: changes up to it were pruned.
        self.floor = 0
        self.changed_at: dict[int, int] = {}
        self._lock = Lock()

    def unchanged_since(self, stories: Shown, made_at: int, now: int) -> bool:
        """Whether none of `stories` changed after version `made_at` (`now`: the current one)."""
        self._catch_up(now)
        if made_at < self.floor:
            return False
        changed_at = self.changed_at
        return all(changed_at.get(story, 0) <= made_at for story in stories)

    def _catch_up(self, now: int) -> None:
        if self.known_through >= now:
            return
        with self._lock:
            if self.known_through >= now:
                return
            rows = db.session.execute(
                select(StoryChange.version, StoryChange.experience_id)
                .where(StoryChange.version > self.known_through)
                .order_by(StoryChange.version)
            ).all()
            # Pruning deletes the oldest versions: what is left runs without a gap to now.
            if not rows:
                self.floor = now
            elif rows[0].version > self.known_through + 1:
                self.floor = rows[0].version - 1
            for version, story in rows:
                self.changed_at[story] = version
            self.known_through = max(now, rows[-1].version if rows else now)


def story_changes() -> StoryChanges:
    return caching.app_state("story changes", StoryChanges)


def start_noting() -> None:
    """Note, from now on in this request, every story the page reads."""
    shown = {
        instance.id
        for instance in db.session.identity_map.values()
        if isinstance(instance, Experience)
    }
    g.setdefault(_SHOWN, shown)


def noted() -> Shown:
    """The stories read since `start_noting`."""
    return frozenset(g.get(_SHOWN, ()))


def unchanged(shown: Shown, made_at: int, now: int) -> bool:
    """Whether no story of `shown` changed after stories version `made_at`."""
    if made_at >= now or not shown:
        return True  # made from data at least as new as this request's
    return story_changes().unchanged_since(shown, made_at, now)


@event.listens_for(Experience, "load")
def _loaded(experience: Experience, context) -> None:
    shown = g.get(_SHOWN) if has_app_context() else None
    if shown is not None:
        shown.add(experience.id)


@event.listens_for(Experience, "refresh")
def _refreshed(experience: Experience, context, attributes) -> None:
    _loaded(experience, context)

"""Every cache of the app, declared once, and one way to key a value on the data.

Each cache is declared below with its budget and expiry, made per app by `init_app` and
reached through `caches()`:

- pages:       whole pages for visitors who are not signed in (forum/web/page_cache.py);
               PAGE_CACHE_MB of bodies, PAGE_CACHE_SECONDS each, under the content version.
               Shared in Redis when CACHE_IN_REDIS (on with REDIS_URL): none over an eighth
               of PAGE_CACHE_MB, the total bounded by Redis's maxmemory.
- list totals: the experience list's "N experiences" per filter set (experiences/totals.py);
               LIST_TOTALS_PER_PROCESS answers, PAGE_CACHE_SECONDS each, under the version;
               shared in Redis as the pages are.
- readers:     small facts about each signed-in reader, their bell's unread count
               (notifications/templating.py) and their quick answers (insights/views.py),
               kept by `remembered_for` under the content version with the pages and, like
               members' own pages, keyed on their `page_revision` and the members' pages
               version; READER_FACTS_PER_PROCESS, PAGE_CACHE_SECONDS each; shared in Redis
               as the pages are.
- shells:      each signed-in member's page around a kept page's title and content (their
               header: name, bell, sign-out form; web/page_cache.py), kept as readers' facts are;
               SHELLS_PER_PROCESS.
- demo banner: whether demo data is present (web/demo_banner.py); one answer for
               DEMO_BANNER_SECONDS, on time alone (error pages ask it while the database is
               down, when no version can be read).
- excerpts:    plain-text excerpts of rendered bodies (sanitize.excerpt), EXCERPTS_PER_PROCESS;
               keyed on the body itself, so never stale: a plain functools memo.
- app state:   objects each app keeps current by its own means (the insights cube follows
               the search outbox), held under one name per app by `app_state`.

The search index's decoded postings (forum/search/segments.py) are cached by segment, which
never changes once written; they belong to the search package.

A value "under the content version" is made from the data as of one version: the version is
read first, so the value is at least as new as its key, and a committed write that moves the
version (forum/models/changes.py) forgets every such value at once. A slot also reads the
stories version, which narrower writes move instead (a "me too", a reply): kept pages check
the stories they show against it (forum/web/shown_stories.py). A store is anything
with `get(key, version, tag)` and `put(key, version, value, tag)`: each process's own memory
(forum/kept.py), or Redis shared by every worker and host (forum/kept_shared.py), made once
for all of them; with Redis down a shared store misses and the value is made.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from threading import Lock
from typing import Protocol

from flask import Flask, current_app, g, has_request_context
from flask_sqlalchemy.session import Session as AppSession
from sqlalchemy import Row, Select, event

from forum.extensions import db
from forum.kept import KeptUnderVersion
from forum.kept_shared import KeptInRedis, redis_client
from forum.models import Versions, versions, versions_in

EXTENSION = "forum.caches"
_VERSIONS_READ = "forum_versions_read"
LIST_TOTALS_PER_PROCESS = 512
# A few small facts per member who was here lately.
READER_FACTS_PER_PROCESS = 16384
# A few kilobytes each.
SHELLS_PER_PROCESS = 2048
# Loading or removing demo data is rare; half a minute of lag on the banner is harmless.
DEMO_BANNER_SECONDS = 30.0
# The keys are whole bodies (up to ~20,000 characters): a few hundred keep the memory small.
EXCERPTS_PER_PROCESS = 256
# Not under the content version: the same number for every read.
ANY_VERSION = 0


class Store(Protocol):
    """Where a cache keeps its values: up to a budget, each for a while, under a version."""

    def get(self, key: Hashable, version: int, tag: Hashable = None): ...

    def put(self, key: Hashable, version: int, value, tag: Hashable = None) -> None: ...


def _page_weight(page) -> int:
    return page.weight


@dataclass
class Caches:
    """This app's caches; a cache turned off by its setting is None."""

    pages: Store | None
    list_totals: Store | None
    readers: Store | None
    shells: Store | None
    demo_banner: Store
    _state: dict[str, object] = field(default_factory=dict)
    _state_lock: Lock = field(default_factory=Lock)

    @classmethod
    def from_config(cls, config) -> "Caches":
        """Each cache as the settings declare it."""
        seconds = config["PAGE_CACHE_SECONDS"]
        megabytes = config["PAGE_CACHE_MB"]
        if config["CACHE_IN_REDIS"]:
            client = redis_client(config["REDIS_URL"])
            prefix, secret = config["CACHE_KEY_PREFIX"], config["SECRET_KEY"]
            pages = KeptInRedis(
                client, prefix, "pages", seconds, secret, (megabytes << 20) // 8, _page_weight
            )
            totals = KeptInRedis(client, prefix, "list-totals", seconds, secret)
            readers = KeptInRedis(client, prefix, "readers", seconds, secret)
            shells = KeptInRedis(client, prefix, "shells", seconds, secret)
        else:
            pages = KeptUnderVersion(megabytes << 20, seconds, weigh=_page_weight)
            totals = KeptUnderVersion(LIST_TOTALS_PER_PROCESS, seconds)
            readers = KeptUnderVersion(READER_FACTS_PER_PROCESS, seconds)
            shells = KeptUnderVersion(SHELLS_PER_PROCESS, seconds)
        return cls(
            pages=pages if megabytes else None,
            list_totals=totals if config["LIST_TOTALS_REMEMBERED"] else None,
            # Kept with the members' pages they top.
            readers=readers if megabytes else None,
            shells=shells if megabytes else None,
            # One answer; a store keeps nothing heavier than an eighth of its budget.
            demo_banner=KeptUnderVersion(8, DEMO_BANNER_SECONDS),
        )

    def state(self, name: str, make: Callable[[], object]):
        """The object kept under `name`, made by `make()` on first use."""
        with self._state_lock:
            if name not in self._state:
                self._state[name] = make()
            return self._state[name]


def init_app(app: Flask) -> None:
    """Make this app's caches (each test's app, and so each database, has its own)."""
    app.extensions[EXTENSION] = Caches.from_config(app.config)


def caches(app: Flask | None = None) -> Caches:
    """The caches of `app`, by default the current one."""
    return (app or current_app).extensions[EXTENSION]


@dataclass(frozen=True)
class Slot:
    """One key of a store, as of the versions read when the slot was taken."""

    store: Store
    key: Hashable
    tag: Hashable
    version: int
    # The stories version read with it (forum/models/content.py): what a kept page that
    # shows stories is checked against (forum/web/shown_stories.py).
    stories_version: int = 0

    def get(self):
        """The value kept here under this version and tag, or None."""
        return self.store.get(self.key, self.version, self.tag)

    def keep(self, value) -> None:
        """Keep `value`, made after the slot was taken."""
        self.store.put(self.key, self.version, value, self.tag)


def slot(store: Store, key: Hashable, tag: Hashable = None) -> Slot:
    """The place for `key` (and `tag`: derived state it also depends on) under the version.

    Take it before making the value: the versions are read by then, so a value kept here is
    at least as new as the versions it is kept under.
    """
    now = versions_now()
    return Slot(store, key, tag, now.content, now.stories)


def versions_now() -> Versions:
    """The versions, read once per request in one query (and again after the request commits).

    Values made after the read are at least as new as it, which is all a key needs; after a
    commit of its own the request must see its own write, so it reads them again.
    """
    if not has_request_context():
        return versions(db.session)
    if _VERSIONS_READ not in g:
        setattr(g, _VERSIONS_READ, versions(db.session))
    return getattr(g, _VERSIONS_READ)


def first_with_versions(statement: Select, parameters: dict) -> Row | None:
    """The first row of `statement`, made with `with_versions` (forum/models/content.py): the
    versions it reads are this request's (a signed-in request's first query: who is asking,
    and where the data stands)."""
    row = db.session.execute(statement, parameters).first()
    if row is not None and has_request_context():
        setattr(g, _VERSIONS_READ, versions_in(row))
    return row


@event.listens_for(AppSession, "after_commit")
def _read_versions_again(session) -> None:
    if has_request_context():
        g.pop(_VERSIONS_READ, None)


def remembered(store: Store | None, key: Hashable, make: Callable[[], object], tag=None):
    """`make()`, or what it made for `key` (and `tag`) since the last committed write that
    moved the content version (no store: make)."""
    if store is None:
        return make()
    place = slot(store, key, tag)
    value = place.get()
    if value is None:
        value = make()
        place.keep(value)
    return value


def remembered_for(reader, what: Hashable, make: Callable[[], object], store: Store | None):
    """`make()`, a fact about the signed-in `reader` ("bell", say), or what it made since the
    last write it may show: one only they see moves their `page_revision`, one to members'
    notifications or watches that does not say whose the members' pages version, and any
    wider one the content version (forum/models/changes.py). No store: make."""
    if store is None:
        return make()
    revisions = (reader.page_revision, versions_now().members_pages)
    return remembered(store, (what, reader.id), make, tag=revisions)


def app_state(name: str, make: Callable[[], object]):
    """The object the current app keeps under `name` (kept current by its own means)."""
    return caches().state(name, make)
